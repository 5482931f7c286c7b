from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Territory(models.Model):
    """What every level of the territory has: a boundary to draw on the map.

    ``boundary`` is a GeoJSON geometry (Polygon or MultiPolygon, longitude/latitude in the
    datum of the sites' coordinates), written only by accounts.services.territory_boundaries_import,
    which validates it. The audit log leaves the geometry itself out (a grid's outline can be
    thousands of points) and records ``boundary_updated_at`` instead: who changed it, and when.
    """

    boundary = models.JSONField(_("boundary"), null=True, blank=True, editable=False)
    boundary_updated_at = models.DateTimeField(_("boundary updated at"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True


class Street(Territory):
    """A street office (街道): the top of the territory this platform serves."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(_("code"), max_length=20, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("street")
        verbose_name_plural = _("streets")

    def __str__(self) -> str:
        return self.name


class Community(Territory):
    """A community (社区) of a street."""

    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="communities", verbose_name=_("street"))
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=20, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        constraints = [models.UniqueConstraint(fields=["street", "name"], name="community_name_unique_in_street")]

    def __str__(self) -> str:
        return self.name


class Grid(Territory):
    """A grid (网格) of a community: the patch one or more grid workers look after."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="grids", verbose_name=_("community"))
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=20, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="grid_name_unique_in_community")]

    def __str__(self) -> str:
        return f"{self.community.name} {self.name}"


class FireStation(models.Model):
    """A micro fire station (微型消防站) and the grids whose sites it covers."""

    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="fire_stations", verbose_name=_("street"))
    name = models.CharField(_("name"), max_length=100, unique=True)
    phone = models.CharField(_("duty phone"), max_length=20, blank=True)
    grids = models.ManyToManyField(Grid, related_name="fire_stations", blank=True, verbose_name=_("covered grids"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("micro fire station")
        verbose_name_plural = _("micro fire stations")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. Their role says what they do, their scope what they see.

    Scope by role (ARCHITECTURE.md, "Who may see what"): a grid worker their
    ``grids``, street staff their ``street``, a station operator the grids their
    ``station`` covers, an admin everything.
    """

    class Role(models.TextChoices):
        GRID_WORKER = "grid_worker", _("Grid worker")
        STREET_STAFF = "street_staff", _("Street office staff")
        STATION_OPERATOR = "station_operator", _("Fire station operator")
        ADMIN = "admin", _("Administrator")

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.GRID_WORKER)
    grids = models.ManyToManyField(Grid, related_name="workers", blank=True, verbose_name=_("grids"))
    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("street")
    )
    station = models.ForeignKey(
        FireStation, on_delete=models.PROTECT, null=True, blank=True, related_name="operators", verbose_name=_("fire station")
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name

    def clean(self) -> None:
        super().clean()
        # A street staff member or station operator without their unit would see
        # nothing; say so where the user is edited rather than at first login.
        if self.role == self.Role.STREET_STAFF and not self.street_id:
            raise ValidationError({"street": _("Street office staff need a street.")})
        if self.role == self.Role.STATION_OPERATOR and not self.station_id:
            raise ValidationError({"station": _("A fire station operator needs a station.")})

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or self.role == self.Role.ADMIN


class Notification(models.Model):
    """Something a person must know about (an overdue hazard of their grid, ...), kept until read.

    The record is this row; the live push to open pages (accounts.services.user_notify)
    is only a hint to look.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("user"))
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread_idx")]

    def __str__(self) -> str:
        return self.title
