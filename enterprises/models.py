import secrets
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Grid

from .validators import validate_credit_code, validate_phone


class Category(models.Model):
    """A category of supervised unit; the seed street uses 36 (DOMAIN.md)."""

    class Group(models.TextChoices):
        NINE_SMALL = "nine_small", _("Nine small venues (九小场所)")
        CROWDED = "crowded", _("Crowded places")
        RESIDENTIAL = "residential", _("Residential")
        PRODUCTION = "production", _("Production and storage")
        HAZARDOUS = "hazardous", _("Flammable, explosive and gas")
        PUBLIC = "public", _("Public and other units")

    class LimitKind(models.TextChoices):
        """What a small-venue size limit counts (DOMAIN.md, 九小场所)."""

        FLOOR_AREA = "floor_area", _("floor area (m²)")
        SEATS = "seats", _("diners")
        BEDS = "beds", _("beds")
        STAFF = "staff", pgettext_lazy("size limit on", "staff")

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    group = models.CharField(_("group"), max_length=20, choices=Group.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    limit_kind = models.CharField(_("size limit on"), max_length=20, choices=LimitKind.choices, blank=True)
    limit_value = models.PositiveIntegerField(_("size limit"), null=True, blank=True)
    requires_credit_code = models.BooleanField(_("requires a credit code"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.CheckConstraint(
                condition=(Q(limit_kind="") & Q(limit_value__isnull=True)) | (~Q(limit_kind="") & Q(limit_value__isnull=False)),
                name="category_limit_kind_and_value_together",
            )
        ]

    def __str__(self) -> str:
        return self.name


# The range of each number of a site file: validated by every front end through the
# services (model validators) and kept by the database (check constraints). The upper
# bounds are far beyond any real unit but inside the columns' integer types.
SITE_BOUNDS = {
    "latitude": (-90, 90),
    "longitude": (-180, 180),
    "floor_area": (0, 10_000_000),
    # The tallest buildings have fewer than 200 storeys.
    "storeys": (0, 200),
    "staff_count": (0, 1_000_000),
    "capacity": (0, 1_000_000),
    "extinguisher_count": (0, 100_000),
    "hydrant_count": (0, 100_000),
    "exit_count": (0, 1_000),
}


def _bounded(field: str) -> list:
    low, high = SITE_BOUNDS[field]
    return [MinValueValidator(low), MaxValueValidator(high)]


class RiskColour(models.TextChoices):
    """The four colours of graded risk control (安全风险分级管控, DOMAIN.md), highest first."""

    RED = "red", _("Red: major risk")
    ORANGE = "orange", _("Orange: considerable risk")
    YELLOW = "yellow", _("Yellow: general risk")
    BLUE = "blue", _("Blue: low risk")


def new_qr_token() -> str:
    """A random, unguessable token for a site's QR tag (22 URL-safe characters, 128 bits)."""
    return secrets.token_urlsafe(16)


class Site(models.Model):
    """A supervised unit's file (一企一档): identity, people, size, fire facilities, status."""

    class Status(models.TextChoices):
        OPERATING = "operating", _("Operating")
        SUSPENDED = "suspended", _("Suspended")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=100)
    # NULL where there is none (courtyards have no code), so that uniqueness covers real codes only.
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_credit_code],
        error_messages={"unique": _("Another site file already has this credit code.")},
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="sites", verbose_name=_("category"))
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="sites", verbose_name=_("grid"))
    address = models.CharField(_("address"), max_length=200)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=_bounded("latitude")
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=_bounded("longitude")
    )

    responsible_person = models.CharField(_("responsible person"), max_length=50)
    responsible_phone = models.CharField(_("responsible person's phone"), max_length=20, validators=[validate_phone])
    safety_contact = models.CharField(_("safety contact"), max_length=50, blank=True)
    safety_contact_phone = models.CharField(_("safety contact's phone"), max_length=20, blank=True, validators=[validate_phone])

    floor_area = models.DecimalField(
        _("floor area (m²)"), max_digits=10, decimal_places=1, null=True, blank=True, validators=_bounded("floor_area")
    )
    storeys = models.PositiveSmallIntegerField(_("storeys"), null=True, blank=True, validators=_bounded("storeys"))
    staff_count = models.PositiveIntegerField(_("staff"), null=True, blank=True, validators=_bounded("staff_count"))
    capacity = models.PositiveIntegerField(
        _("capacity (diners or beds)"),
        null=True,
        blank=True,
        help_text=_("Seats for diners, or beds, where the category counts them."),
        validators=_bounded("capacity"),
    )
    opening_hours = models.CharField(_("opening hours"), max_length=100, blank=True)

    extinguisher_count = models.PositiveIntegerField(
        _("fire extinguishers"), default=0, validators=_bounded("extinguisher_count")
    )
    hydrant_count = models.PositiveIntegerField(_("indoor hydrants"), default=0, validators=_bounded("hydrant_count"))
    has_fire_alarm_system = models.BooleanField(_("automatic fire alarm system"), default=False)
    has_sprinklers = models.BooleanField(_("sprinkler system"), default=False)
    exit_count = models.PositiveSmallIntegerField(_("safety exits"), default=1, validators=_bounded("exit_count"))
    facilities_note = models.TextField(_("notes on fire facilities"), blank=True)

    # How the place is used, as far as the regulation library's checklist items depend on it.
    has_kitchen = models.BooleanField(_("kitchen or open-flame cooking"), default=False)
    uses_lpg = models.BooleanField(_("uses bottled LPG"), default=False)
    uses_piped_gas = models.BooleanField(_("uses piped gas"), default=False)
    has_ebike_charging = models.BooleanField(_("e-bikes parked or charged"), default=False)
    stores_flammables = models.BooleanField(_("stores flammable or explosive goods"), default=False)

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPERATING)
    # The current colour, kept on the file so that the registry filters by it without reaching
    # up to hazards/; written only by hazards.services.reassess_site (through site_risk_colour_set),
    # which keeps the history and its reasons. Empty until the site is first graded.
    risk_colour = models.CharField(_("risk colour"), max_length=10, choices=RiskColour.choices, blank=True, default="")
    # What the site's QR tag carries instead of its sequential id (enterprises.views.site_by_tag).
    qr_token = models.CharField(_("QR tag token"), max_length=32, unique=True, default=new_qr_token, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        constraints = [
            # A unit without a credit code (a courtyard) is known by its name and address;
            # two such files would be twins (the import matches on these two).
            models.UniqueConstraint(
                fields=["name", "address"], condition=Q(credit_code__isnull=True), name="site_name_address_unique_without_code"
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": low, f"{field}__lte": high}),
                    name=f"site_{field}_in_range",
                )
                for field, (low, high) in SITE_BOUNDS.items()
            ],
        ]
        indexes = [
            models.Index(fields=["grid", "name"], name="site_grid_name_idx"),
            models.Index(fields=["category", "name"], name="site_category_name_idx"),
            models.Index(fields=["status", "name"], name="site_status_name_idx"),
            models.Index(fields=["risk_colour", "name"], name="site_risk_colour_name_idx"),
            models.Index(fields=["name", "address"], name="site_name_address_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        # The file page composes every app's part of the site (dashboards/); its URL is reversed by name.
        return reverse("dashboards:site-file", args=[self.pk])


def document_upload_to(instance: "SiteDocument", filename: str) -> str:
    # A random name keeps the client's file name out of the path; the original is kept in `title`.
    return f"site-documents/{instance.site_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class SiteDocument(models.Model):
    """A licence or other document of a site, as an uploaded file."""

    class Kind(models.TextChoices):
        BUSINESS_LICENCE = "business_licence", _("Business licence")
        FIRE_SAFETY_PERMIT = "fire_safety_permit", _("Fire safety inspection permit")
        FOOD_LICENCE = "food_licence", _("Food business licence")
        HAZARDOUS_GOODS_PERMIT = "hazardous_goods_permit", _("Hazardous chemicals business permit")
        EMERGENCY_PLAN = "emergency_plan", _("Emergency plan")
        OTHER = "other", _("Other")

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="documents", verbose_name=_("site"))
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=document_upload_to)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    number = models.CharField(_("licence number"), max_length=100, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title

    @property
    def is_expired(self) -> bool:
        return self.valid_until is not None and self.valid_until < timezone.localdate()


class SiteChange(models.Model):
    """One recorded change of a site file: who, when, and each field's old and new value."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")
        IMPORTED = "imported", _("Updated by import")
        DOCUMENT_ADDED = "document_added", _("Document added")
        DOCUMENT_REMOVED = "document_removed", _("Document removed")

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="changes", verbose_name=_("site"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("changed by")
    )
    at = models.DateTimeField(_("changed at"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    # {field name: [old display value, new display value]}; for documents {"document": [old, new]}.
    changes = models.JSONField(_("changes"), default=dict)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("site change")
        verbose_name_plural = _("site changes")

    def __str__(self) -> str:
        return f"{self.site} {self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"

    @property
    def field_changes(self) -> list[tuple[str, object, object]]:
        """(field label, old, new) for each recorded field, in the language of the reader."""

        def shown(value):
            if isinstance(value, bool):
                return _("Yes") if value else _("No")
            return value

        rows = []
        for field, (old, new) in self.changes.items():
            try:
                label = Site._meta.get_field(field).verbose_name
            except FieldDoesNotExist:
                label = _("Document") if field == "document" else field
            rows.append((capfirst(label), shown(old), shown(new)))
        return rows


class SiteImport(models.Model):
    """An uploaded spreadsheet of sites: checked into a preview, then committed all at once."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Checked, not committed")
        QUEUED = "queued", _("Being committed")
        COMMITTED = "committed", _("Committed")

    file = models.FileField(_("file"), upload_to="site-imports/")
    original_name = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    row_count = models.PositiveIntegerField(default=0)
    create_count = models.PositiveIntegerField(default=0)
    update_count = models.PositiveIntegerField(default=0)
    # [{"row": 7, "column": "统一社会信用代码", "message": "..."}]
    errors = models.JSONField(default=list)
    committed_at = models.DateTimeField(null=True, blank=True)
    committed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Why the last commit saved nothing (the registry changed, the file is gone, ...).
    commit_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("site import")
        verbose_name_plural = _("site imports")

    def __str__(self) -> str:
        return self.original_name

    @property
    def can_commit(self) -> bool:
        """Only a checked file without a single bad row may be committed."""
        return self.status == self.Status.PREVIEWED and not self.errors
