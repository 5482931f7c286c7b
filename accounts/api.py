"""JSON API of the territory (streets, communities, grids, fire stations) and API tokens.

Every list goes through the scope rules of ``accounts.selectors``, so the API
answers the same question as the pages.
"""

from django.contrib.auth import authenticate, user_logged_in
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, routers, serializers, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from accounts.models import Community, FireStation, Grid, Street
from accounts.selectors import (
    REGISTRY_EDITORS_ONLY,
    community_list,
    fire_station_list,
    grid_list,
    street_list,
    user_can_edit_registry,
)


class RegistryEditorOrReadOnly(permissions.BasePermission):
    """Everyone in scope may read; only those who maintain the registry may write (403 otherwise)."""

    message = REGISTRY_EDITORS_ONLY

    def has_permission(self, request, view) -> bool:
        return request.method in permissions.SAFE_METHODS or user_can_edit_registry(user=request.user)


class StreetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Street
        fields = ["id", "code", "name"]


class CommunitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Community
        fields = ["id", "code", "name", "street"]


class CommunityBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Community
        fields = ["id", "name"]


class GridSerializer(serializers.ModelSerializer):
    community = CommunityBriefSerializer(read_only=True)

    class Meta:
        model = Grid
        fields = ["id", "code", "name", "community"]


class FireStationSerializer(serializers.ModelSerializer):
    grids = serializers.PrimaryKeyRelatedField(many=True, read_only=True, help_text=_("IDs of the grids the station covers."))

    class Meta:
        model = FireStation
        fields = ["id", "name", "phone", "street", "grids"]


class StreetViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = StreetSerializer
    queryset = Street.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self):
        return street_list(user=self.request.user)


class CommunityViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CommunitySerializer
    queryset = Community.objects.none()
    filterset_fields = ["street"]

    def get_queryset(self):
        return community_list(user=self.request.user)


class GridViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = GridSerializer
    queryset = Grid.objects.none()
    filterset_fields = ["community"]

    def get_queryset(self):
        return grid_list(user=self.request.user)


class FireStationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = FireStationSerializer
    queryset = FireStation.objects.none()

    def get_queryset(self):
        return fire_station_list(user=self.request.user)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)

    def validate(self, attrs):
        # The Django request, not DRF's wrapper: django-axes counts the failure on it and
        # its middleware answers a locked-out client (accounts.views.locked_out).
        request = self.context["request"]._request
        user = authenticate(request=request, username=attrs["username"], password=attrs["password"])
        if user is None:
            raise serializers.ValidationError(_("Wrong username or password."), code="authorization")
        attrs["user"] = user
        return attrs


class AuthTokenViewSet(viewsets.GenericViewSet):
    """Exchange a username and password for the user's API token (``Authorization: Token <key>``)."""

    serializer_class = TokenRequestSerializer
    permission_classes = [permissions.AllowAny]
    # The credentials in the body are the authentication; a session cookie must not
    # make the request fail its CSRF check.
    authentication_classes: list = []
    # Password guessing is slowed down per client address, and django-axes locks out a
    # username after repeated failures from one address, as on the login page.
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth-token"
    pagination_class = None
    filter_backends: list = []

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer}, auth=[])
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        # A token handed out is a sign-in, as on the login page: django-axes forgets the
        # user's failed attempts from this address (AXES_RESET_ON_SUCCESS) and Django
        # records the user's last login.
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


router = routers.SimpleRouter()
router.register("streets", StreetViewSet, basename="street")
router.register("communities", CommunityViewSet, basename="community")
router.register("grids", GridViewSet, basename="grid")
router.register("stations", FireStationViewSet, basename="station")
router.register("auth/token", AuthTokenViewSet, basename="auth-token")
