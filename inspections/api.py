"""JSON API of inspections, used by the phone's page and its offline queue.

- ``GET /api/inspections/checklist/?site=<id>&kind=routine|reinspection|campaign&campaign=<id>``:
  the checklist the system makes for a site (inspections.selectors.checklist_for_site).

Reads go through inspections.selectors (scope: 404 outside it; a role that never inspects:
403), writes through inspections.services; this module parses input and shapes output only.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import routers, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from enterprises.selectors import site_get_for_user
from riskplatform.exceptions import ApplicationError

from .models import Inspection
from .selectors import campaign_list, checklist_for_site, ensure_inspector

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


# --- The viewset ----------------------------------------------------------------------------------------


class InspectionViewSet(viewsets.GenericViewSet):
    """Inspections of the sites in the user's scope, and the checklists the phone runs."""

    queryset = Inspection.objects.none()
    lookup_value_regex = UUID_PATTERN
    filter_backends: list = []

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
