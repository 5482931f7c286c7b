"""Inspections of sites: routine checks, re-inspections of open hazards and special campaigns.

An inspection is made on the grid worker's phone (its id, and each answer's id, are made
there, so that a resend finds what was stored) and stored whole by
inspections.services.inspection_submit. Each answer keeps the checklist item version it
answered: versions are never rewritten (regulations.models), so a later revision of the
library never changes a stored inspection.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import Site


class Campaign(models.Model):
    """A special campaign (专项检查): a staff-chosen subset of checklist items for a set of sites and dates.

    A campaign inspection uses the current version of each of its items that applies to the site.
    """

    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    items = models.ManyToManyField("regulations.ChecklistItem", related_name="+", verbose_name=_("checklist items"))
    sites = models.ManyToManyField(Site, related_name="campaigns", verbose_name=_("sites"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="campaign_ends_after_it_starts"),
            models.CheckConstraint(
                condition=Q(is_active=True, closed_at__isnull=True) | Q(is_active=False, closed_at__isnull=False),
                name="campaign_closed_at_iff_closed",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def runs_on(self, day) -> bool:
        return self.is_active and self.starts_on <= day <= self.ends_on


class Inspection(models.Model):
    class Kind(models.TextChoices):
        ROUTINE = "routine", _("Routine check")
        REINSPECTION = "reinspection", _("Re-inspection of open hazards")
        CAMPAIGN = "campaign", _("Special campaign")

    # Made by the phone when the inspection starts: a resend finds the stored inspection.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("site"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="inspections", verbose_name=_("campaign")
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("inspector")
    )
    # The phone's clock: when the inspector opened the checklist and when they finished it.
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"))
    # The server's clock: when the inspection reached it (later than finished_at when the phone was offline).
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    # Where the phone was (browser geolocation); empty when the inspector did not allow it.
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    accuracy_m = models.DecimalField(_("accuracy (m)"), max_digits=9, decimal_places=1, null=True, blank=True)
    # The site representative's signature, drawn on the phone and uploaded as a photo.
    signature = models.ForeignKey(
        "files.Photo", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("signature")
    )
    signer_name = models.CharField(_("signed by"), max_length=50, blank=True)
    passed_count = models.PositiveSmallIntegerField(_("passed"), default=0)
    failed_count = models.PositiveSmallIntegerField(_("failed"), default=0)
    not_applicable_count = models.PositiveSmallIntegerField(_("not applicable"), default=0)
    hazards_raised_count = models.PositiveSmallIntegerField(_("hazards raised"), default=0)

    # Set on the instance inspection_submit returns: True when this call stored it, False for a resend.
    created_now = False

    class Meta:
        ordering = ["-finished_at", "-pk"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="inspection_position_pair_in_range",
            ),
            models.CheckConstraint(
                condition=Q(accuracy_m__isnull=True) | Q(accuracy_m__gte=0, latitude__isnull=False),
                name="inspection_accuracy_with_position",
            ),
            models.CheckConstraint(condition=Q(finished_at__gte=F("started_at")), name="inspection_finished_after_start"),
            models.CheckConstraint(
                condition=Q(kind="campaign", campaign__isnull=False) | (~Q(kind="campaign") & Q(campaign__isnull=True)),
                name="inspection_campaign_iff_campaign_kind",
            ),
            models.CheckConstraint(
                condition=Q(signature__isnull=True) | ~Q(signer_name=""), name="inspection_signature_has_signer"
            ),
        ]
        indexes = [
            models.Index(fields=["site", "kind", "-finished_at"], name="inspection_site_kind_idx"),
            models.Index(fields=["-finished_at", "-id"], name="inspection_finished_idx"),
            models.Index(fields=["inspector", "-finished_at"], name="inspection_inspector_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.site} · {timezone.localtime(self.finished_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:inspection-detail", args=[self.pk])

    @property
    def has_position(self) -> bool:
        return self.latitude is not None

    @property
    def sent_later(self) -> bool:
        """Whether the phone kept it a while before the network let it through (more than ten minutes)."""
        return (self.received_at - self.finished_at).total_seconds() > 600


class InspectionItem(models.Model):
    """One answer of an inspection: the item version it answered (or the hazard it re-inspected),
    the answer, and the system's verdict with the sentence that says why."""

    class Verdict(models.TextChoices):
        PASS = "pass", _("Passes")
        FAIL = "fail", _("Fails")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    # Made by the phone, one per answer.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="items", verbose_name=_("inspection"))
    position = models.PositiveSmallIntegerField(_("position"))
    # Empty only for a re-inspection item, which answers whether ``hazard`` was fixed.
    version = models.ForeignKey(
        "regulations.ChecklistItemVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checklist item version"),
    )
    # The hazard a re-inspection item confirms fixed or not, or the one a failed item raised.
    hazard = models.ForeignKey(
        "hazards.Hazard",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspection_items",
        verbose_name=_("hazard"),
    )
    answer_bool = models.BooleanField(_("answer (yes or no)"), null=True, blank=True)
    answer_number = models.DecimalField(_("answer (number)"), max_digits=15, decimal_places=3, null=True, blank=True)
    answer_choice = models.CharField(_("answer (choice)"), max_length=200, blank=True)
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    not_applicable_reason = models.CharField(_("why not applicable"), max_length=300, blank=True)
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices)
    verdict_reason = models.TextField(_("why"))
    note = models.TextField(_("note"), blank=True)
    photos = models.ManyToManyField("files.Photo", blank=True, related_name="+", verbose_name=_("photos"))

    class Meta:
        ordering = ["inspection", "position"]
        verbose_name = _("inspection answer")
        verbose_name_plural = _("inspection answers")
        constraints = [
            models.UniqueConstraint(fields=["inspection", "position"], name="inspection_item_position_unique"),
            models.CheckConstraint(
                condition=Q(version__isnull=False) | Q(hazard__isnull=False), name="inspection_item_version_or_hazard"
            ),
            models.CheckConstraint(
                condition=Q(not_applicable=False) | ~Q(not_applicable_reason=""),
                name="inspection_item_not_applicable_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(not_applicable=True, verdict="not_applicable")
                | Q(not_applicable=False, verdict__in=["pass", "fail"]),
                name="inspection_item_verdict_consistent",
            ),
            # Exactly one answer, or none when not applicable.
            models.CheckConstraint(
                condition=Q(not_applicable=True, answer_bool__isnull=True, answer_number__isnull=True, answer_choice="")
                | Q(not_applicable=False, answer_bool__isnull=False, answer_number__isnull=True, answer_choice="")
                | Q(not_applicable=False, answer_bool__isnull=True, answer_number__isnull=False, answer_choice="")
                | (Q(not_applicable=False, answer_bool__isnull=True, answer_number__isnull=True) & ~Q(answer_choice="")),
                name="inspection_item_one_answer",
            ),
            # A failed item always names a hazard: the one it raised, or the one it found not fixed.
            models.CheckConstraint(
                condition=~Q(verdict="fail") | Q(hazard__isnull=False), name="inspection_item_fail_has_hazard"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id} #{self.position}"

    @property
    def answer_display(self) -> str:
        """The answer as people read it: Yes/No, 2 具, 1.5 m, the chosen value; empty when not applicable."""
        from regulations.rules import format_number, with_unit

        if self.not_applicable:
            return ""
        if self.answer_bool is not None:
            return str(_("Yes") if self.answer_bool else _("No"))
        if self.answer_number is not None:
            unit = self.version.unit if self.version_id else ""
            return with_unit(self.answer_number, unit) if unit else format_number(self.answer_number)
        return self.answer_choice

    @property
    def answer(self):
        """The answer as given: a bool, a Decimal or the chosen value; None when not applicable."""
        if self.answer_bool is not None:
            return self.answer_bool
        if self.answer_number is not None:
            return self.answer_number
        return self.answer_choice or None
