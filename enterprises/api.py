"""JSON API of the registry: categories and site files.

Reads go through ``enterprises.selectors`` (scope, 404 outside it), writes through
``enterprises.services``; this module only parses input and shapes output.
"""

from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import permissions, routers, serializers, status, viewsets
from rest_framework.response import Response

from accounts.api import GridSerializer, RegistryEditorOrReadOnly
from accounts.models import Grid
from riskplatform.exceptions import ApplicationError

from .filters import SiteFilter
from .models import Category, Site
from .selectors import category_list, site_get_for_user, site_list
from .services import SITE_FIELDS, site_create, site_update

INVALID_SITE_MESSAGE = _("The site file was not saved; correct the fields marked.")
INVALID_FILTER_MESSAGE = _("The filters are not valid; correct the fields marked.")


def _field_errors(errors) -> dict[str, list[str]]:
    """Serializer or form errors as plain {field: [message, ...]}."""
    return {field: [str(message) for message in messages] for field, messages in errors.items()}


class ErrorSerializer(serializers.Serializer):
    """The one error shape of the API (riskplatform.api.exception_handler)."""

    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)


class SiteFilterBackend(DjangoFilterBackend):
    """django-filter, answering an invalid filter in the API's one error shape."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise ApplicationError(str(INVALID_FILTER_MESSAGE), field_errors=_field_errors(filterset.errors))
        return filterset.qs


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
        fields = ["id", *SITE_FIELDS, "created_at", "updated_at", "url"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, site: Site) -> str:
        request = self.context.get("request")
        path = site.get_absolute_url()
        return request.build_absolute_uri(path) if request is not None else path


class SiteInputSerializer(serializers.Serializer):
    """What a client may send for a site file; checks types only, the service checks the rules.

    No format validators here: the service first normalises credit codes and
    phone numbers (spaces, lower case, +86), then checks them.
    """

    name = serializers.CharField()
    credit_code = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all())
    grid = serializers.PrimaryKeyRelatedField(queryset=Grid.objects.all())
    address = serializers.CharField()
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)

    responsible_person = serializers.CharField()
    responsible_phone = serializers.CharField()
    safety_contact = serializers.CharField(required=False, allow_blank=True)
    safety_contact_phone = serializers.CharField(required=False, allow_blank=True)

    floor_area = serializers.DecimalField(max_digits=10, decimal_places=1, min_value=0, required=False, allow_null=True)
    storeys = serializers.IntegerField(min_value=0, max_value=32767, required=False, allow_null=True)
    staff_count = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    capacity = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    opening_hours = serializers.CharField(required=False, allow_blank=True)

    extinguisher_count = serializers.IntegerField(min_value=0, required=False)
    hydrant_count = serializers.IntegerField(min_value=0, required=False)
    has_fire_alarm_system = serializers.BooleanField(required=False)
    has_sprinklers = serializers.BooleanField(required=False)
    exit_count = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    facilities_note = serializers.CharField(required=False, allow_blank=True)

    status = serializers.ChoiceField(choices=Site.Status.choices, required=False)


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CategorySerializer
    queryset = Category.objects.none()  # for the schema; get_queryset answers requests

    def get_queryset(self):
        return category_list()


_errors = {400: ErrorSerializer, 403: ErrorSerializer}


@extend_schema_view(
    create=extend_schema(request=SiteInputSerializer, responses={201: SiteSerializer, **_errors}),
    update=extend_schema(request=SiteInputSerializer, responses={200: SiteSerializer, **_errors, 404: ErrorSerializer}),
    partial_update=extend_schema(request=SiteInputSerializer, responses={200: SiteSerializer, **_errors, 404: ErrorSerializer}),
    retrieve=extend_schema(responses={200: SiteSerializer, 404: ErrorSerializer}),
    list=extend_schema(responses={200: SiteSerializer(many=True), 400: ErrorSerializer}),
)
class SiteViewSet(viewsets.GenericViewSet):
    """Site files within the user's scope. A site is never deleted: set its status to closed."""

    serializer_class = SiteSerializer
    queryset = Site.objects.none()
    permission_classes = [permissions.IsAuthenticated, RegistryEditorOrReadOnly]
    filter_backends = [SiteFilterBackend]
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
        if not serializer.is_valid():
            raise ApplicationError(str(INVALID_SITE_MESSAGE), field_errors=_field_errors(serializer.errors))
        return dict(serializer.validated_data)

    def _output(self, site: Site) -> dict:
        # Read back through the selector so a write answers exactly what a read would.
        return self.get_serializer(site_get_for_user(user=self.request.user, pk=site.pk)).data


router = routers.SimpleRouter()
router.register("categories", CategoryViewSet, basename="category")
router.register("sites", SiteViewSet, basename="site")
