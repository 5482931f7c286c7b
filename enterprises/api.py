"""JSON API of the registry: categories and site files.

Reads go through ``enterprises.selectors`` (scope, 404 outside it), writes through
``enterprises.services``; this module only parses input and shapes output.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import permissions, routers, serializers, status, viewsets
from rest_framework.response import Response

from accounts.api import GridSerializer, RegistryEditorOrReadOnly
from accounts.models import Grid
from accounts.personal_data import SITE_PERSONAL_FIELDS, mask_phone, reads_by_program, user_may_see_personal_data

from .filters import SiteFilter
from .models import Category, Site
from .selectors import category_list, site_get_for_user, site_list
from .services import SITE_FIELDS, site_create, site_update


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "code", "name", "group", "description", "limit_kind", "limit_value", "requires_credit_code"]


class CategoryBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "code", "name"]


class SiteSerializer(serializers.ModelSerializer):
    """A site file as the API shows it, with its category and grid nested."""

    category = CategoryBriefSerializer(read_only=True)
    grid = GridSerializer(read_only=True)
    url = serializers.SerializerMethodField(help_text=_("The site's file page."))

    class Meta:
        model = Site
        fields = ["id", *SITE_FIELDS, "risk_colour", "created_at", "updated_at", "url"]
        read_only_fields = fields

    def to_representation(self, site: Site) -> dict:
        """Phone numbers masked for those who need no full number (accounts.personal_data)."""
        data = super().to_representation(site)
        request = self.context.get("request")
        if request is not None:
            if not user_may_see_personal_data(user=request.user, site=site, by_program=reads_by_program(request)):
                for field in SITE_PERSONAL_FIELDS:
                    data[field] = mask_phone(data[field])
        return data

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, site: Site) -> str:
        request = self.context.get("request")
        path = site.get_absolute_url()
        return request.build_absolute_uri(path) if request is not None else path


class SiteInputSerializer(serializers.Serializer):
    """What a client may send for a site file; checks types only, the service checks the rules.

    No format, length or range validators here: the service normalises the input
    (credit codes, phone numbers, decimals) and then checks it, as for the page and
    the import.
    """

    name = serializers.CharField()
    credit_code = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all())
    grid = serializers.PrimaryKeyRelatedField(queryset=Grid.objects.all())
    address = serializers.CharField()
    latitude = serializers.DecimalField(max_digits=None, decimal_places=None, required=False, allow_null=True)
    longitude = serializers.DecimalField(max_digits=None, decimal_places=None, required=False, allow_null=True)

    responsible_person = serializers.CharField()
    responsible_phone = serializers.CharField()
    safety_contact = serializers.CharField(required=False, allow_blank=True)
    safety_contact_phone = serializers.CharField(required=False, allow_blank=True)

    floor_area = serializers.DecimalField(max_digits=None, decimal_places=None, required=False, allow_null=True)
    storeys = serializers.IntegerField(required=False, allow_null=True)
    staff_count = serializers.IntegerField(required=False, allow_null=True)
    capacity = serializers.IntegerField(required=False, allow_null=True)
    opening_hours = serializers.CharField(required=False, allow_blank=True)

    extinguisher_count = serializers.IntegerField(required=False)
    hydrant_count = serializers.IntegerField(required=False)
    has_fire_alarm_system = serializers.BooleanField(required=False)
    has_sprinklers = serializers.BooleanField(required=False)
    exit_count = serializers.IntegerField(required=False)
    facilities_note = serializers.CharField(required=False, allow_blank=True)
    has_kitchen = serializers.BooleanField(required=False)
    uses_lpg = serializers.BooleanField(required=False)
    uses_piped_gas = serializers.BooleanField(required=False)
    has_ebike_charging = serializers.BooleanField(required=False)
    stores_flammables = serializers.BooleanField(required=False)

    status = serializers.ChoiceField(choices=Site.Status.choices, required=False)


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CategorySerializer
    queryset = Category.objects.none()  # for the schema; get_queryset answers requests

    def get_queryset(self):
        return category_list()


# Every operation also documents the API's one error shape (riskplatform.schema).
@extend_schema_view(
    create=extend_schema(request=SiteInputSerializer, responses={201: SiteSerializer}),
    update=extend_schema(request=SiteInputSerializer, responses={200: SiteSerializer}),
    partial_update=extend_schema(request=SiteInputSerializer, responses={200: SiteSerializer}),
)
class SiteViewSet(viewsets.GenericViewSet):
    """Site files within the user's scope. A site is never deleted: set its status to closed."""

    serializer_class = SiteSerializer
    queryset = Site.objects.none()
    permission_classes = [permissions.IsAuthenticated, RegistryEditorOrReadOnly]
    filterset_class = SiteFilter

    def get_queryset(self):
        return site_list(user=self.request.user)

    def get_object(self) -> Site:
        return site_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        if page is not None:
            return self.get_paginated_response(self.get_serializer(page, many=True).data)
        return Response(self.get_serializer(queryset, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_object()).data)

    def create(self, request, *args, **kwargs):
        data = self._validated_input(partial=False)
        site = site_create(acting_user=request.user, data=data)
        return Response(self._output(site), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        return self._update(partial=False)

    def partial_update(self, request, *args, **kwargs):
        return self._update(partial=True)

    def _update(self, *, partial: bool) -> Response:
        site = self.get_object()
        data = self._validated_input(partial=partial)
        site = site_update(site=site, acting_user=self.request.user, data=data)
        return Response(self._output(site))

    def _validated_input(self, *, partial: bool) -> dict:
        serializer = SiteInputSerializer(data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _output(self, site: Site) -> dict:
        # Read back through the selector so a write answers exactly what a read would.
        return self.get_serializer(site_get_for_user(user=self.request.user, pk=site.pk)).data


router = routers.SimpleRouter()
router.register("categories", CategoryViewSet, basename="category")
router.register("sites", SiteViewSet, basename="site")
