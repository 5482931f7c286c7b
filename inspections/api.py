"""JSON API of inspections, used by the phone's page and its offline queue.

- ``GET /api/inspections/checklist/?site=<id>&kind=routine|reinspection|campaign&campaign=<id>``:
  the checklist the system makes for a site (inspections.selectors.checklist_for_site).
- ``POST /api/inspections/`` (JSON): an inspection sent whole, with the ids the phone made;
  201 with the stored inspection, or 200 with it when it was stored before (a resend).
  Photos (answers' and the signature) are uploaded first with ``POST /api/photos/``.
- ``GET /api/inspections/tasks/``: my tasks (inspections.schedules.inspection_task_list), for the
  phone to keep for use without network.
- ``GET /api/inspections/`` (filters ``site``, ``inspector``, ``since``, ``until``, ``kind``,
  ``community``, ``grid``, ``failed``, ``campaign``) and ``GET /api/inspections/<uuid>/``.

Reads go through inspections.selectors (scope: 404 outside it; a role that never inspects:
403), writes through inspections.services; this module parses input and shapes output only.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, routers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from enterprises.selectors import site_get_for_user
from riskplatform.api import JSONParser
from riskplatform.exceptions import ApplicationError

from . import services
from .filters import InspectionFilter
from .models import Inspection, InspectionItem
from .schedules import inspection_task_list
from .selectors import campaign_list, checklist_for_site, ensure_inspector, inspection_list, inspection_record

UUID_PATTERN = "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"


# --- The checklist --------------------------------------------------------------------------------


class ChecklistQuery(serializers.Serializer):
    site = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Inspection.Kind.choices, default=Inspection.Kind.ROUTINE)
    campaign = serializers.IntegerField(required=False, allow_null=True, default=None)


class ChoiceSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    passes = serializers.BooleanField()


class HazardBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    description = serializers.CharField()
    status = serializers.CharField()
    citation = serializers.CharField()
    level = serializers.CharField()
    deadline = serializers.DateField(allow_null=True)


class ChecklistEntrySerializer(serializers.Serializer):
    version = serializers.IntegerField(
        allow_null=True, help_text=gettext_lazy("The checklist item version to answer; empty for a re-inspection item.")
    )
    code = serializers.CharField()
    requirement = serializers.CharField()
    rule_kind = serializers.ChoiceField(choices=["yes_no", "count_min", "count_max", "measure_min", "measure_max", "choice"])
    threshold = serializers.CharField(allow_null=True, help_text=gettext_lazy("A decimal number as text, for numeric rules."))
    unit = serializers.CharField()
    choices = ChoiceSerializer(many=True)
    pass_answer = serializers.BooleanField(allow_null=True)
    rule = serializers.CharField(help_text=gettext_lazy("The rule in a few words, e.g. ≥ 2 具."))
    citation = serializers.CharField()
    clause_text = serializers.CharField()
    severity = serializers.ChoiceField(choices=["general", "major"])
    hazard = HazardBriefSerializer(
        allow_null=True, help_text=gettext_lazy("For a re-inspection item: the hazard to confirm fixed (yes) or not (no).")
    )


class ChecklistSiteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    address = serializers.CharField()
    category = serializers.CharField()
    category_code = serializers.CharField()
    risk_colour = serializers.CharField()


class CampaignBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()


class ChecklistSerializer(serializers.Serializer):
    site = ChecklistSiteSerializer()
    kind = serializers.ChoiceField(choices=Inspection.Kind.choices)
    campaign = CampaignBriefSerializer(allow_null=True)
    items = ChecklistEntrySerializer(many=True)
    generated_at = serializers.DateTimeField()


# --- Inspections ------------------------------------------------------------------------------------------


def _json_number(value):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


class ItemInput(serializers.Serializer):
    """One answer, as the phone sends it (the schema; inspection_submit checks it)."""

    id = serializers.UUIDField(help_text=gettext_lazy("Made by the phone, one per answer."))
    version = serializers.IntegerField(allow_null=True, required=False, help_text=gettext_lazy("The checklist item version."))
    hazard = serializers.IntegerField(
        allow_null=True, required=False, help_text=gettext_lazy("For a re-inspection: the hazard found fixed or not.")
    )
    answer = serializers.JSONField(
        allow_null=True,
        required=False,
        help_text=gettext_lazy("true/false (yes/no; for a re-inspection: fixed), a number (count, measurement) or a value."),
    )
    not_applicable = serializers.BooleanField(required=False, default=False)
    not_applicable_reason = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    photo_ids = serializers.ListField(child=serializers.UUIDField(), required=False, default=list)


class SubmitInput(serializers.Serializer):
    """An inspection sent whole by the phone (the schema; inspection_submit checks it)."""

    id = serializers.UUIDField(help_text=gettext_lazy("Made by the phone; a resend with the same id returns the stored one."))
    site = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Inspection.Kind.choices, default=Inspection.Kind.ROUTINE)
    campaign = serializers.IntegerField(allow_null=True, required=False)
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField()
    latitude = serializers.FloatField(allow_null=True, required=False)
    longitude = serializers.FloatField(allow_null=True, required=False)
    accuracy_m = serializers.FloatField(allow_null=True, required=False)
    signature_photo_id = serializers.UUIDField(allow_null=True, required=False)
    signer_name = serializers.CharField(required=False, allow_blank=True, default="")
    items = ItemInput(many=True)


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class CountsSerializer(serializers.Serializer):
    passed = serializers.IntegerField(source="passed_count")
    failed = serializers.IntegerField(source="failed_count")
    not_applicable = serializers.IntegerField(source="not_applicable_count")
    hazards_raised = serializers.IntegerField(source="hazards_raised_count")


class InspectionSerializer(serializers.ModelSerializer):
    site = serializers.SerializerMethodField()
    campaign = serializers.SerializerMethodField()
    inspector = PersonSerializer(read_only=True)
    counts = CountsSerializer(source="*", read_only=True)
    signature_photo_id = serializers.UUIDField(source="signature_id", read_only=True)
    url = serializers.SerializerMethodField(help_text=gettext_lazy("The inspection's record page."))
    pdf_url = serializers.SerializerMethodField(help_text=gettext_lazy("The printable record."))

    class Meta:
        model = Inspection
        fields = [
            "id",
            "site",
            "kind",
            "campaign",
            "inspector",
            "started_at",
            "finished_at",
            "received_at",
            "latitude",
            "longitude",
            "accuracy_m",
            "signature_photo_id",
            "signer_name",
            "counts",
            "url",
            "pdf_url",
        ]
        read_only_fields = fields

    def get_site(self, inspection) -> dict:
        return {"id": inspection.site_id, "name": inspection.site.name}

    def get_campaign(self, inspection) -> dict | None:
        return {"id": inspection.campaign_id, "name": inspection.campaign.name} if inspection.campaign_id else None

    def get_url(self, inspection) -> str:
        return inspection.get_absolute_url()

    def get_pdf_url(self, inspection) -> str:
        return reverse("inspections:inspection-pdf", args=[inspection.pk])


class InspectionItemSerializer(serializers.ModelSerializer):
    code = serializers.SerializerMethodField()
    requirement = serializers.SerializerMethodField()
    citation = serializers.SerializerMethodField()
    answer = serializers.SerializerMethodField(help_text=gettext_lazy("As given: true/false, a number or a value."))
    photo_ids = serializers.SerializerMethodField()

    class Meta:
        model = InspectionItem
        fields = [
            "id",
            "position",
            "version",
            "hazard",
            "code",
            "requirement",
            "citation",
            "answer",
            "not_applicable",
            "not_applicable_reason",
            "verdict",
            "verdict_reason",
            "note",
            "photo_ids",
        ]
        read_only_fields = fields

    def get_code(self, item) -> str:
        return item.version.item.code if item.version_id else ""

    def get_requirement(self, item) -> str:
        return item.version.requirement if item.version_id else item.hazard.description

    def get_citation(self, item) -> str:
        return item.version.citation if item.version_id else item.hazard.citation

    def get_answer(self, item) -> bool | float | int | str | None:
        if item.answer_number is not None:
            return _json_number(item.answer_number)
        return item.answer

    def get_photo_ids(self, item) -> list[str]:
        return [str(photo.pk) for photo in item.photos.all()]


class InspectionDetailSerializer(InspectionSerializer):
    items = serializers.SerializerMethodField()

    class Meta(InspectionSerializer.Meta):
        fields = [*InspectionSerializer.Meta.fields, "items"]
        read_only_fields = fields

    @extend_schema_field(InspectionItemSerializer(many=True))
    def get_items(self, inspection) -> list[dict]:
        return InspectionItemSerializer(inspection.item_list, many=True).data


# --- My tasks ------------------------------------------------------------------------------------------------


class TaskSiteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    address = serializers.CharField()
    category = serializers.CharField()
    risk_colour = serializers.CharField()
    grid = serializers.CharField()
    community = serializers.CharField()


class TaskHazardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    description = serializers.CharField()
    status = serializers.CharField()
    level = serializers.CharField()
    deadline = serializers.DateField(allow_null=True)


class TaskCampaignSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class TaskSerializer(serializers.Serializer):
    site = TaskSiteSerializer()
    kind = serializers.ChoiceField(choices=Inspection.Kind.choices, help_text=gettext_lazy("The inspection to start."))
    campaign = TaskCampaignSerializer(allow_null=True)
    due_on = serializers.DateField()
    overdue_days = serializers.IntegerField()
    last_inspected_on = serializers.DateField(allow_null=True)
    interval_days = serializers.IntegerField(allow_null=True)
    hazards = TaskHazardSerializer(many=True, help_text=gettext_lazy("For a re-inspection: the hazards awaiting it."))
    checklist_url = serializers.CharField(help_text=gettext_lazy("GET it for the checklist this task starts."))


class TaskListSerializer(serializers.Serializer):
    today = serializers.DateField()
    generated_at = serializers.DateTimeField()
    tasks = TaskSerializer(many=True)


# --- The viewset ----------------------------------------------------------------------------------------


class InspectionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Inspections of the sites in the user's scope, and the checklists the phone runs."""

    serializer_class = InspectionSerializer
    queryset = Inspection.objects.none()
    filterset_class = InspectionFilter
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self):
        return inspection_list(user=self.request.user)

    def get_parsers(self):
        # An inspection is sent as JSON (answers are typed: true, 2, "value"); a form body is refused (415).
        if self.request is not None and self.request.method == "POST":
            return [JSONParser()]
        return super().get_parsers()

    def _detail(self, pk, *, status_code=status.HTTP_200_OK) -> Response:
        inspection = inspection_record(user=self.request.user, pk=pk)
        return Response(InspectionDetailSerializer(inspection).data, status=status_code)

    @extend_schema(responses={200: InspectionDetailSerializer})
    def retrieve(self, request, pk=None):
        return self._detail(pk)

    @extend_schema(responses={200: TaskListSerializer})
    @action(detail=False, methods=["get"], pagination_class=None)
    def tasks(self, request):
        """My tasks: sites due or overdue, hazards awaiting re-inspection, running campaigns; most urgent first."""
        ensure_inspector(user=request.user)
        today = timezone.localdate()
        tasks = inspection_task_list(user=request.user, today=today)
        return Response(
            {"today": today.isoformat(), "generated_at": timezone.now().isoformat(), "tasks": [task.as_dict() for task in tasks]}
        )

    @extend_schema(request=SubmitInput, responses={201: InspectionDetailSerializer, 200: InspectionDetailSerializer})
    def create(self, request):
        """Store an inspection sent whole; a resend of the same id answers the stored one (200)."""
        ensure_inspector(user=request.user)
        inspection = services.inspection_submit(acting_user=request.user, data=request.data)
        return self._detail(inspection.pk, status_code=status.HTTP_201_CREATED if inspection.created_now else status.HTTP_200_OK)

    @extend_schema(
        parameters=[
            OpenApiParameter("site", int, required=True),
            OpenApiParameter("kind", str, enum=Inspection.Kind.values, description=gettext_lazy("routine unless given")),
            OpenApiParameter("campaign", int, description=gettext_lazy("For kind=campaign.")),
        ],
        responses={200: ChecklistSerializer},
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def checklist(self, request):
        """The checklist the system makes for a site: its items with their rules and clauses, or its open hazards."""
        ensure_inspector(user=request.user)
        query = ChecklistQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        site = site_get_for_user(user=request.user, pk=data["site"])
        campaign = None
        if data["campaign"] is not None:
            campaign = campaign_list(user=request.user).filter(pk=data["campaign"]).first()
            if campaign is None:
                message = _("No such campaign.")
                raise ApplicationError(message, field_errors={"campaign": [message]})
        checklist = checklist_for_site(site=site, user=request.user, kind=data["kind"], campaign=campaign)
        return Response(checklist.as_dict())


router = routers.SimpleRouter()
router.register("inspections", InspectionViewSet, basename="inspection")
