"""JSON API of the alarm pipeline: devices (scoped; registered by street staff), incidents and the
console's steps, integrations (admins: created and rotated, the secret shown once).

Reads go through alarms.selectors (404 outside the scope), writes through alarms.services.
"""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, routers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from . import services
from .models import Device, DeviceModel, Incident, IncidentStep, Integration, Platform
from .selectors import device_get_for_user, device_list, incident_get_for_user, incident_list, integration_list


class DeviceSerializer(serializers.ModelSerializer):
    site_name = serializers.CharField(source="site.name", read_only=True)
    model_name = serializers.CharField(source="model.name", read_only=True)

    class Meta:
        model = Device
        fields = [
            "id",
            "integration",
            "platform_device_id",
            "imei",
            "model",
            "model_name",
            "site",
            "site_name",
            "building",
            "floor",
            "room",
            "installed_on",
            "heartbeat_seconds",
            "status",
            "online",
            "low_battery",
            "fault",
            "tamper",
            "battery",
            "signal",
            "last_seen",
        ]
        read_only_fields = ["status", "online", "low_battery", "fault", "tamper", "battery", "signal", "last_seen"]
        # The services check the site's scope and the id's uniqueness, and say which field is wrong.
        validators = []
        extra_kwargs = {
            "integration": {"queryset": Integration.objects.all()},
            "model": {"queryset": DeviceModel.objects.all()},
            "site": {"queryset": Device._meta.get_field("site").related_model.objects.all()},
        }


class DeviceViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Devices of the sites in the user's scope; street staff and admins register them."""

    serializer_class = DeviceSerializer
    queryset = Device.objects.none()

    def get_queryset(self):
        return device_list(user=self.request.user)

    def get_object(self):
        return device_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    def perform_create(self, serializer):
        serializer.instance = services.device_register(acting_user=self.request.user, data=dict(serializer.validated_data))

    def perform_update(self, serializer):
        data = {**DeviceSerializer(serializer.instance).data, **serializer.validated_data}
        data["integration"] = serializer.validated_data.get("integration", serializer.instance.integration)
        data["model"] = serializer.validated_data.get("model", serializer.instance.model)
        data["site"] = serializer.validated_data.get("site", serializer.instance.site)
        serializer.instance = services.device_register(acting_user=self.request.user, data=data, device=serializer.instance)


class IncidentStepSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.display_name", default=None, read_only=True)

    class Meta:
        model = IncidentStep
        fields = ["kind", "at", "actor", "note"]


class IncidentSerializer(serializers.ModelSerializer):
    site_name = serializers.CharField(source="site.name", read_only=True)
    place = serializers.CharField(source="device.place", read_only=True)
    alarm_count = serializers.IntegerField(read_only=True)
    steps = serializers.SerializerMethodField()

    class Meta:
        model = Incident
        fields = [
            "id",
            "site",
            "site_name",
            "device",
            "place",
            "status",
            "opened_at",
            "last_alarm_at",
            "alarm_count",
            "delivered_at",
            "acknowledged_at",
            "confirmed_at",
            "real",
            "cause",
            "dispatched_at",
            "on_scene_at",
            "resolved_at",
            "outcome",
            "notes",
            "steps",
        ]
        read_only_fields = fields

    def get_steps(self, incident) -> list[dict]:
        steps = getattr(incident, "step_list", None)
        return IncidentStepSerializer(steps, many=True).data if steps is not None else []


class StepInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ConfirmInputSerializer(StepInputSerializer):
    real = serializers.BooleanField()
    cause = serializers.ChoiceField(choices=Incident.Cause.choices, required=False, allow_blank=True, default="")


class ResolveInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Incident.Outcome.choices)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class IncidentViewSet(viewsets.ReadOnlyModelViewSet):
    """Incidents in the user's scope, with their timeline; each step of the console as an action."""

    serializer_class = IncidentSerializer
    queryset = Incident.objects.none()

    def get_queryset(self):
        return incident_list(user=self.request.user)

    def get_object(self):
        return incident_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    def _step(self, request, service, input_class, **extra):
        incident = self.get_object()
        # Someone who may not act is told so before their input is read (a 403, not a 400).
        services.ensure_may_act(incident=incident, user=request.user)
        data = input_class(data=request.data)
        data.is_valid(raise_exception=True)
        service(incident=incident, acting_user=request.user, **data.validated_data, **extra)
        return Response(IncidentSerializer(incident_get_for_user(user=request.user, pk=incident.pk)).data)

    @extend_schema(request=StepInputSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        return self._step(request, services.incident_acknowledge, StepInputSerializer)

    @extend_schema(request=ConfirmInputSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._step(request, services.incident_confirm, ConfirmInputSerializer)

    @extend_schema(request=StepInputSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def dispatch_team(self, request, pk=None):
        return self._step(request, services.incident_dispatch, StepInputSerializer)

    @extend_schema(request=StepInputSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"], url_path="on-scene")
    def on_scene(self, request, pk=None):
        return self._step(request, services.incident_on_scene, StepInputSerializer)

    @extend_schema(request=ResolveInputSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        return self._step(request, services.incident_resolve, ResolveInputSerializer)


class IntegrationSerializer(serializers.ModelSerializer):
    ingest_url = serializers.CharField(read_only=True)

    class Meta:
        model = Integration
        fields = ["id", "platform", "name", "active", "created_at", "rotated_at", "ingest_url"]
        read_only_fields = ["active", "created_at", "rotated_at", "ingest_url"]


class IntegrationCreatedSerializer(IntegrationSerializer):
    secret = serializers.CharField(read_only=True, help_text=_("Shown only in this answer."))

    class Meta(IntegrationSerializer.Meta):
        fields = [*IntegrationSerializer.Meta.fields, "secret"]


class IntegrationInputSerializer(serializers.Serializer):
    platform = serializers.ChoiceField(choices=Platform.choices)
    name = serializers.CharField(max_length=100)
    aes_key = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class IntegrationViewSet(viewsets.ReadOnlyModelViewSet):
    """Admins only (others see an empty list); the secret appears once, in the answer to create or rotate."""

    serializer_class = IntegrationSerializer
    queryset = Integration.objects.none()

    def get_queryset(self):
        return integration_list(user=self.request.user)

    def _shown(self, created) -> dict:
        data = IntegrationSerializer(created.integration).data
        return {**data, "ingest_url": created.ingest_url, "secret": created.secret}

    @extend_schema(request=IntegrationInputSerializer, responses={201: IntegrationCreatedSerializer})
    def create(self, request):
        services.ensure_alarm_admin(user=request.user)
        data = IntegrationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        created = services.integration_create(acting_user=request.user, **data.validated_data)
        return Response(self._shown(created), status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=IntegrationCreatedSerializer)
    @action(detail=True, methods=["post"])
    def rotate(self, request, pk=None):
        integration = self.get_queryset().filter(pk=pk).first()
        if integration is None:
            raise Http404
        return Response(self._shown(services.integration_rotate(integration=integration, acting_user=request.user)))


router = routers.SimpleRouter()
router.register("alarms/devices", DeviceViewSet, basename="alarm-device")
router.register("alarms/incidents", IncidentViewSet, basename="alarm-incident")
router.register("alarms/integrations", IntegrationViewSet, basename="alarm-integration")
