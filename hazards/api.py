"""JSON API of hazards: the list and each hazard with its timeline, and every step of the loop.

Reads go through hazards.selectors (scope: 404 outside it), steps through hazards.services;
this module parses input and shapes output only. Photos are uploaded first
(``POST /api/photos/``, with the id the phone made) and named here by their ids.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, routers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from enterprises.selectors import site_get_for_user
from files.selectors import photos_of_user
from regulations.models import Clause

from . import policies, services
from .filters import HazardFilter
from .models import Hazard, HazardLog, RectificationNotice, RemediationPlan
from .selectors import hazard_get_for_user, hazard_list, hazard_page


class ClauseBriefSerializer(serializers.ModelSerializer):
    basis = serializers.CharField(source="basis.code")

    class Meta:
        model = Clause
        fields = ["id", "basis", "number", "text"]


class HazardSerializer(serializers.ModelSerializer):
    site = serializers.SerializerMethodField()
    clause = ClauseBriefSerializer(read_only=True)
    citation = serializers.CharField(read_only=True)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)
    photos = serializers.SerializerMethodField()

    class Meta:
        model = Hazard
        fields = [
            "id",
            "site",
            "description",
            "level",
            "source",
            "status",
            "clause",
            "citation",
            "deadline",
            "overdue",
            "escalation",
            "found_at",
            "supervised_at",
            "closed_at",
            "photos",
        ]
        read_only_fields = fields

    def get_site(self, hazard) -> dict:
        return {"id": hazard.site_id, "name": hazard.site.name}

    def get_photos(self, hazard) -> list[str]:
        return [str(photo.pk) for photo in hazard.photos.all()]


class HazardLogSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.display_name", default=None)
    photos = serializers.SerializerMethodField()

    class Meta:
        model = HazardLog
        fields = ["kind", "at", "actor", "comment", "deadline", "photos"]

    def get_photos(self, entry) -> list[str]:
        return [str(photo.pk) for photo in entry.photos.all()]


class NoticeSerializer(serializers.ModelSerializer):
    class Meta:
        model = RectificationNotice
        fields = ["id", "number", "deadline", "issued_at", "citation", "requirements"]


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = RemediationPlan
        fields = ["goals", "measures", "funds", "responsible_people", "deadline", "safety_measures"]


class HazardDetailSerializer(HazardSerializer):
    timeline = serializers.SerializerMethodField()
    notices = serializers.SerializerMethodField()
    plan = serializers.SerializerMethodField()
    steps = serializers.SerializerMethodField(help_text=_("The steps the signed-in user may take now."))

    class Meta(HazardSerializer.Meta):
        fields = [*HazardSerializer.Meta.fields, "timeline", "notices", "plan", "steps"]
        read_only_fields = fields

    def get_timeline(self, hazard) -> list[dict]:
        return HazardLogSerializer(self.context["page"].timeline, many=True).data

    def get_notices(self, hazard) -> list[dict]:
        return NoticeSerializer(self.context["page"].notices, many=True).data

    def get_plan(self, hazard) -> dict | None:
        plan = self.context["page"].plan
        return PlanSerializer(plan).data if plan is not None else None

    def get_steps(self, hazard) -> list[str]:
        return self.context["page"].steps


class PhotoIdsField(serializers.ListField):
    child = serializers.UUIDField()

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("Ids of photos uploaded with POST /api/photos/."))
        super().__init__(**kwargs)


class RaiseInput(serializers.Serializer):
    site = serializers.IntegerField()
    description = serializers.CharField()
    level = serializers.ChoiceField(choices=Hazard.Level.choices, default=Hazard.Level.GENERAL)
    clause = serializers.PrimaryKeyRelatedField(queryset=Clause.objects.all(), required=False, allow_null=True)
    photo_ids = PhotoIdsField()


class NotifyInput(serializers.Serializer):
    deadline = serializers.DateField()
    requirements = serializers.CharField(required=False, allow_blank=True, default="")


EVIDENCE_REQUIRED = _("Add at least one photo as evidence.")


class RectifyInput(serializers.Serializer):
    note = serializers.CharField()
    # The service requires evidence too, but names its own field ("photos"); an API client
    # sent photo_ids and is told so.
    photo_ids = PhotoIdsField(
        required=True, allow_empty=False, error_messages={"required": EVIDENCE_REQUIRED, "empty": EVIDENCE_REQUIRED}
    )


class ReviewInput(serializers.Serializer):
    passed = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    new_deadline = serializers.DateField(required=False, allow_null=True, default=None)
    photo_ids = PhotoIdsField()


class PlanInput(serializers.Serializer):
    goals = serializers.CharField()
    measures = serializers.CharField()
    funds = serializers.DecimalField(max_digits=12, decimal_places=2)
    responsible_people = serializers.CharField()
    deadline = serializers.DateField()
    safety_measures = serializers.CharField()


class NoteInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


def _step_schema(request):
    return extend_schema(request=request, responses={200: HazardDetailSerializer})


@extend_schema_view(create=extend_schema(request=RaiseInput, responses={201: HazardDetailSerializer}))
class HazardViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Hazards of the sites in the user's scope, and the steps of their loop."""

    serializer_class = HazardSerializer
    queryset = Hazard.objects.none()
    filterset_class = HazardFilter

    def get_queryset(self):
        return hazard_list(user=self.request.user).prefetch_related("photos")

    def _detail(self, pk, *, status_code=status.HTTP_200_OK) -> Response:
        page = hazard_page(user=self.request.user, pk=pk)
        return Response(HazardDetailSerializer(page.hazard, context={"page": page}).data, status=status_code)

    @extend_schema(responses={200: HazardDetailSerializer})
    def retrieve(self, request, pk=None):
        return self._detail(pk)

    def _input(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _photos(self, data: dict) -> list:
        return photos_of_user(user=self.request.user, ids=data.pop("photo_ids", []))

    def create(self, request):
        policies.ensure_role(user=request.user, step="raise")
        data = self._input(RaiseInput)
        site = site_get_for_user(user=request.user, pk=data["site"])
        hazard = services.hazard_raise(
            site=site,
            acting_user=request.user,
            description=data["description"],
            level=data["level"],
            source=Hazard.Source.STAFF_REPORT,
            clause=data.get("clause"),
            photos=self._photos(data),
        )
        return self._detail(hazard.pk, status_code=status.HTTP_201_CREATED)

    def _hazard(self, pk, step: str) -> Hazard:
        """The hazard in the user's scope (404 outside it) whose step the user's role may take (403),
        found before the input is read: who may not is told so, whatever they sent."""
        hazard = hazard_get_for_user(user=self.request.user, pk=pk)
        policies.ensure_role(user=self.request.user, step=step, hazard=hazard)
        return hazard

    @_step_schema(NotifyInput)
    @action(detail=True, methods=["post"])
    def notify(self, request, pk=None):
        hazard = self._hazard(pk, "notify")
        services.hazard_notify(hazard=hazard, acting_user=request.user, **self._input(NotifyInput))
        return self._detail(pk)

    @_step_schema(RectifyInput)
    @action(detail=True, methods=["post"])
    def rectify(self, request, pk=None):
        hazard = self._hazard(pk, "rectify")
        data = self._input(RectifyInput)
        services.hazard_rectify(hazard=hazard, acting_user=request.user, note=data["note"], photos=self._photos(data))
        return self._detail(pk)

    @_step_schema(ReviewInput)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        hazard = self._hazard(pk, "review")
        data = self._input(ReviewInput)
        photos = self._photos(data)
        services.hazard_review(hazard=hazard, acting_user=request.user, photos=photos, **data)
        return self._detail(pk)

    @_step_schema(RectifyInput)
    @action(detail=True, methods=["post"], url_path="close-on-spot")
    def close_on_spot(self, request, pk=None):
        hazard = self._hazard(pk, "close_on_spot")
        data = self._input(RectifyInput)
        services.hazard_close_on_spot(hazard=hazard, acting_user=request.user, note=data["note"], photos=self._photos(data))
        return self._detail(pk)

    @_step_schema(PlanInput)
    @action(detail=True, methods=["post"])
    def plan(self, request, pk=None):
        hazard = self._hazard(pk, "plan")
        services.hazard_plan_record(hazard=hazard, acting_user=request.user, data=self._input(PlanInput))
        return self._detail(pk)

    @_step_schema(NoteInput)
    @action(detail=True, methods=["post"])
    def supervise(self, request, pk=None):
        hazard = self._hazard(pk, "supervise")
        services.hazard_supervise(hazard=hazard, acting_user=request.user, **self._input(NoteInput))
        return self._detail(pk)

    @_step_schema(NoteInput)
    @action(detail=True, methods=["post"], url_path="close-out")
    def close_out(self, request, pk=None):
        hazard = self._hazard(pk, "close_out")
        services.hazard_close_out(hazard=hazard, acting_user=request.user, **self._input(NoteInput))
        return self._detail(pk)


router = routers.SimpleRouter()
router.register("hazards", HazardViewSet, basename="hazard")
