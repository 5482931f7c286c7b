"""Hazards and their closed loop (隐患排查治理), and graded risk control (风险分级管控).

The loop (DOMAIN.md): found -> notified (a rectification notice with a deadline) ->
rectified (evidence) -> reviewed on site -> closed; a failed review goes back to
notified with a new deadline; a general hazard fixed on the spot is closed at once;
a major hazard also has a remediation plan, may be listed for supervision (挂牌督办)
and is closed by a formal close-out signed by the office. Every step is a service
(hazards.services) and a row of HazardLog.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from enterprises.models import RiskColour, Site


class Hazard(models.Model):
    class Level(models.TextChoices):
        GENERAL = "general", _("General hazard")
        MAJOR = "major", _("Major hazard")

    class Source(models.TextChoices):
        INSPECTION = "inspection", _("Inspection")
        STAFF_REPORT = "staff_report", _("Report by staff")
        DEVICE_HEALTH = "device_health", _("Device health")
        ALARM_PATTERN = "alarm_pattern", _("Alarm pattern")

    class Status(models.TextChoices):
        FOUND = "found", _("Found")
        NOTIFIED = "notified", _("Rectification notified")
        RECTIFIED = "rectified", _("Rectified, awaiting review")
        # A major hazard whose rectification passed the review on site, awaiting the office's close-out.
        REVIEWED = "reviewed", _("Reviewed, awaiting close-out")
        CLOSED = "closed", pgettext_lazy("hazard", "Closed")

    OPEN_STATUSES = (Status.FOUND, Status.NOTIFIED, Status.RECTIFIED, Status.REVIEWED)

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="hazards", verbose_name=_("site"))
    description = models.TextField(_("what was found"))
    basis = models.ForeignKey(
        "regulations.LegalBasis", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("legal basis")
    )
    clause = models.ForeignKey(
        "regulations.Clause", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("clause")
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.GENERAL)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    # For hazards raised by the system (a device's low battery, an inspection item): one open
    # hazard per key, so that a repeated report never opens a twin.
    source_key = models.CharField(_("source key"), max_length=120, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.FOUND)
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("found by")
    )
    found_at = models.DateTimeField(_("found at"), default=timezone.now)
    photos = models.ManyToManyField("files.Photo", blank=True, related_name="+", verbose_name=_("photos"))
    # The deadline of the notice in force.
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    # Set by the periodic sweep the first day the deadline has passed; cleared by a new deadline.
    overdue_at = models.DateTimeField(_("overdue since"), null=True, blank=True)

    class Escalation(models.IntegerChoices):
        NONE = 0, _("Not escalated")
        COMMUNITY = 1, _("Escalated to the community")
        STREET = 2, _("Escalated to the street")

    escalation = models.PositiveSmallIntegerField(_("escalation"), choices=Escalation.choices, default=Escalation.NONE)
    rectified_at = models.DateTimeField(_("rectified at"), null=True, blank=True)
    supervised_at = models.DateTimeField(_("listed for supervision at"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed out by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-found_at", "-pk"]
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "source_key"],
                condition=~Q(source_key="") & ~Q(status="closed"),
                name="hazard_one_open_per_source_key",
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False) | (~Q(status="closed") & Q(closed_at__isnull=True)),
                name="hazard_closed_at_iff_closed",
            ),
            models.CheckConstraint(
                condition=~Q(status="notified") | Q(deadline__isnull=False), name="hazard_notified_has_deadline"
            ),
            models.CheckConstraint(condition=~Q(status="reviewed") | Q(level="major"), name="hazard_reviewed_only_major"),
        ]
        indexes = [
            models.Index(fields=["site", "status"], name="hazard_site_status_idx"),
            models.Index(fields=["status", "-found_at"], name="hazard_status_found_idx"),
            models.Index(fields=["deadline"], condition=Q(status="notified"), name="hazard_notified_deadline_idx"),
            models.Index(fields=["-found_at", "-id"], name="hazard_found_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.site} · {self.description[:30]}"

    def get_absolute_url(self) -> str:
        return reverse("hazards:hazard-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.NOTIFIED and self.deadline is not None and self.deadline < timezone.localdate()

    @property
    def citation(self) -> str:
        """The rule the hazard breaks, as a notice cites it: "GB 50140-2005 §6.1.1" or the document alone."""
        if self.clause_id:
            return str(self.clause)
        return self.basis.code if self.basis_id else ""


class HazardLog(models.Model):
    """One step of a hazard's life: who, when, what, with the evidence of that step."""

    class Kind(models.TextChoices):
        FOUND = "found", _("Found")
        NOTIFIED = "notified", _("Rectification notice issued")
        RECTIFIED = "rectified", _("Rectification recorded")
        REVIEW_PASSED = "review_passed", _("Review passed")
        REVIEW_FAILED = "review_failed", _("Review failed")
        CLOSED_ON_SPOT = "closed_on_spot", _("Fixed and closed on the spot")
        # A re-inspection (复查) found it not fixed: the office needs to act (a new notice).
        NOT_FIXED = "not_fixed", _("Found not fixed on re-inspection")
        OVERDUE = "overdue", _("Overdue")
        ESCALATED = "escalated", _("Escalated")
        PLAN_RECORDED = "plan_recorded", _("Remediation plan recorded")
        SUPERVISED = "supervised", _("Listed for supervision")
        CLOSED_OUT = "closed_out", _("Closed out")
        CLOSED = "closed", pgettext_lazy("hazard", "Closed")

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="log", verbose_name=_("hazard"))
    kind = models.CharField(_("step"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    photos = models.ManyToManyField("files.Photo", blank=True, related_name="+", verbose_name=_("photos"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("hazard step")
        verbose_name_plural = _("hazard steps")
        indexes = [models.Index(fields=["hazard", "at"], name="hazardlog_hazard_at_idx")]

    def __str__(self) -> str:
        return f"{self.hazard_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class NoticeCounter(models.Model):
    """The last number given to a rectification notice of one street in one year (locked to count)."""

    street = models.ForeignKey("accounts.Street", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["street", "year"], name="notice_counter_street_year")]

    def __str__(self) -> str:
        return f"{self.street_id} {self.year}: {self.last}"


class RectificationNotice(models.Model):
    """A rectification notice (整改通知书): numbered, signed by the street office, printable.

    What it cites and requires is copied at issue, so the printed notice never changes
    when the library or the hazard does.
    """

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="notices", verbose_name=_("hazard"))
    number = models.CharField(_("number"), max_length=60, unique=True)
    office = models.CharField(_("issued by (office)"), max_length=100)
    site_name = models.CharField(_("unit"), max_length=100)
    site_address = models.CharField(_("address"), max_length=200)
    finding = models.TextField(_("what was found"))
    citation = models.CharField(_("basis"), max_length=300, blank=True)
    citation_text = models.TextField(_("requirement"), blank=True)
    requirements = models.TextField(_("what must be done"), blank=True)
    deadline = models.DateField(_("deadline"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("signed by")
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("rectification notice")
        verbose_name_plural = _("rectification notices")

    def __str__(self) -> str:
        return self.number


class RemediationPlan(models.Model):
    """The plan a major hazard needs (DOMAIN.md): goals, measures, funds, people, deadline, safety measures."""

    hazard = models.OneToOneField(Hazard, on_delete=models.CASCADE, related_name="plan", verbose_name=_("hazard"))
    goals = models.TextField(_("goals"))
    measures = models.TextField(_("measures"))
    funds = models.DecimalField(_("funds (yuan)"), max_digits=12, decimal_places=2)
    responsible_people = models.CharField(_("responsible people"), max_length=200)
    deadline = models.DateField(_("deadline"))
    safety_measures = models.TextField(_("safety and emergency measures during remediation"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("remediation plan")
        verbose_name_plural = _("remediation plans")
        constraints = [models.CheckConstraint(condition=Q(funds__gte=0), name="plan_funds_not_negative")]

    def __str__(self) -> str:
        return f"{self.hazard} · {self.goals[:30]}"


# --- Risk grading ----------------------------------------------------------------------------


class SiteRiskFactor(models.Model):
    """A risk factor of one site with its L, E, C (DOMAIN.md): from the library, or added by staff."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="risk_factors", verbose_name=_("site"))
    template = models.ForeignKey(
        "regulations.RiskFactorTemplate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from the library"),
    )
    name = models.CharField(_("risk factor"), max_length=100)
    control_measures = models.TextField(_("control measures"), blank=True)
    likelihood = models.DecimalField(_("L (likelihood)"), max_digits=4, decimal_places=1)
    exposure = models.DecimalField(_("E (exposure)"), max_digits=4, decimal_places=1)
    consequence = models.DecimalField(_("C (consequence)"), max_digits=4, decimal_places=1)
    # Removed factors stay, inactive, so the history of a grade can still name them.
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["site", "pk"]
        verbose_name = _("site risk factor")
        verbose_name_plural = _("site risk factors")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "template"], condition=Q(is_active=True, template__isnull=False), name="site_factor_once"
            ),
            models.CheckConstraint(
                condition=Q(likelihood__gt=0, exposure__gt=0, consequence__gt=0), name="site_factor_lec_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def score(self) -> Decimal:
        return self.likelihood * self.exposure * self.consequence


class SiteRiskFactorChange(models.Model):
    """Who added, adjusted or removed a site's risk factor, why, and the L, E, C before and after."""

    class Action(models.TextChoices):
        ADDED = "added", _("Added")
        ADJUSTED = "adjusted", _("Adjusted")
        REMOVED = "removed", _("Removed")

    factor = models.ForeignKey(SiteRiskFactor, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(max_length=10, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(_("reason"))
    # {"likelihood": ["6", "3"], ...}
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.factor} {self.action}"


class RiskEvent(models.Model):
    """Something that raises a site's grade for a while: a real fire, repeated false alarms (the alarm
    pipeline records these through hazards.services.risk_event_record)."""

    class Kind(models.TextChoices):
        REAL_FIRE = "real_fire", _("Real fire")
        REPEATED_FALSE_ALARMS = "repeated_false_alarms", _("Repeated false alarms")

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="risk_events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    until = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["site", "until"], name="riskevent_site_until_idx")]

    def __str__(self) -> str:
        return f"{self.site} {self.kind}"


class GradeChange(models.Model):
    """A change of a site's colour, with every reason the new colour has, as reassess_site found them."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="grade_changes", verbose_name=_("site"))
    from_colour = models.CharField(_("from"), max_length=10, choices=RiskColour.choices, blank=True)
    to_colour = models.CharField(_("to"), max_length=10, choices=RiskColour.choices)
    # [{"code": "factor", "params": {...}}, ...] rendered in the reader's language (hazards.reasons).
    reasons = models.JSONField(_("reasons"), default=list)
    trigger = models.CharField(_("occasion"), max_length=200)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("grade change")
        verbose_name_plural = _("grade changes")
        indexes = [models.Index(fields=["site", "-at"], name="gradechange_site_at_idx")]

    def __str__(self) -> str:
        return f"{self.site} {self.from_colour or '—'} → {self.to_colour}"
