"""JSON API of photos: upload one ahead of the step it is evidence for.

``POST /api/photos/`` (multipart: ``photo``, and ``id``, the UUID the phone made) stores it
through the one photo path and answers its id and the metadata the camera recorded. The phone
may add ``taken_at``, ``latitude`` and ``longitude`` (its clock and the browser's geolocation):
they are kept only where the picture's own EXIF has none, as with a picture resized on the phone. Sending
the same id again answers the stored photo (201 the first time, 200 after), so a phone on a
weak network may resend until it hears back. Photos are read only through their owners
(a hazard, an inspection answer), which check the user's scope.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import routers, serializers, status, viewsets
from rest_framework.response import Response

from riskplatform.api import MultiPartParser

from .models import Photo
from .services import photo_store


class PhotoUploadSerializer(serializers.Serializer):
    id = serializers.UUIDField(required=False)
    photo = serializers.FileField()
    taken_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    latitude = serializers.FloatField(required=False, allow_null=True, default=None, min_value=-90, max_value=90)
    longitude = serializers.FloatField(required=False, allow_null=True, default=None, min_value=-180, max_value=180)


class PhotoSerializer(serializers.ModelSerializer):
    class Meta:
        model = Photo
        fields = ["id", "width", "height", "size", "taken_at", "latitude", "longitude", "uploaded_at"]
        read_only_fields = fields


class PhotoViewSet(viewsets.GenericViewSet):
    serializer_class = PhotoUploadSerializer
    queryset = Photo.objects.none()
    parser_classes = [MultiPartParser]
    pagination_class = None
    filter_backends: list = []

    @extend_schema(request={"multipart/form-data": PhotoUploadSerializer}, responses={201: PhotoSerializer, 200: PhotoSerializer})
    def create(self, request):
        serializer = PhotoUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        photo_id = serializer.validated_data.get("id")
        existed = photo_id is not None and Photo.objects.filter(pk=photo_id, uploaded_by=request.user.pk).exists()
        data = serializer.validated_data
        photo = photo_store(
            upload=data["photo"],
            acting_user=request.user,
            photo_id=photo_id,
            taken_at=data["taken_at"],
            latitude=data["latitude"],
            longitude=data["longitude"],
        )
        return Response(PhotoSerializer(photo).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


router = routers.SimpleRouter()
router.register("photos", PhotoViewSet, basename="photo")
