"""Devices, carrier-platform integrations, the events they push, incidents and their dispatch.

The alarm pipeline (ARCHITECTURE.md): a push is stored as a Delivery with its normalised
Events in one transaction (alarms.ingest); a worker turns fire-alarm events into Incidents
with DispatchNotices to the stations covering the site (alarms.services); the notices go
out through the station console and the Notifiers; Timers (escalation, repeat calls,
retries) are rows that the sweep fires, so they survive restarts.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Community, FireStation, Grid, Street
from enterprises.models import Site


def new_ingest_key() -> str:
    """The unguessable part of an integration's ingest URL (about 190 bits)."""
    return secrets.token_urlsafe(32)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class Platform(models.TextChoices):
    ONENET = "onenet", _("OneNET (China Mobile)")
    CTWING = "ctwing", _("CTWing / AEP (China Telecom)")
    WEBHOOK = "webhook", _("Generic JSON webhook")


class Integration(models.Model):
    """One platform account pushing to us: its own ingest URL and its own secret.

    The secret is what the platform signs with: OneNET's token (and, for its safe mode,
    the EncodingAESKey in ``aes_key``), the webhook's HMAC key. CTWing's subscription push
    is not signed, so for it the ingest key in the URL is the credential. A rotation keeps
    the previous secret valid until ``previous_secret_until`` so pushes in flight still verify.
    """

    platform = models.CharField(_("platform"), max_length=10, choices=Platform.choices)
    name = models.CharField(_("name"), max_length=100, unique=True)
    ingest_key = models.CharField(_("ingest key"), max_length=64, unique=True, default=new_ingest_key, editable=False)
    secret = models.CharField(_("secret"), max_length=128, default=new_secret)
    previous_secret = models.CharField(_("previous secret"), max_length=128, blank=True)
    previous_secret_until = models.DateTimeField(_("previous secret valid until"), null=True, blank=True)
    aes_key = models.CharField(
        _("EncodingAESKey"), max_length=64, blank=True, help_text=_("OneNET safe mode only: the 43-character key set on OneNET.")
    )
    default_model = models.ForeignKey(
        "DeviceModel",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("device model of unregistered devices"),
        help_text=_("How to read the reports of a device not registered yet, so that its fire alarm is still recognised."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    rotated_at = models.DateTimeField(_("secret rotated at"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("integration")
        verbose_name_plural = _("integrations")

    def __str__(self) -> str:
        return self.name

    def ingest_path(self) -> str:
        return f"/api/ingest/{self.platform}/{self.ingest_key}"

    def ingest_url(self) -> str:
        return f"{settings.SITE_URL}{self.ingest_path()}"

    def valid_secrets(self, now=None) -> list[str]:
        """The secrets a push may be signed with now: the current one, and the previous one in its grace period."""
        now = now or timezone.now()
        valid = [self.secret]
        if self.previous_secret and self.previous_secret_until and self.previous_secret_until > now:
            valid.append(self.previous_secret)
        return valid


class EventType(models.TextChoices):
    FIRE_ALARM = "fire_alarm", _("Fire alarm")
    ALARM_CLEARED = "alarm_cleared", _("Alarm cleared")
    SILENCED = "silenced", _("Silenced")
    LOW_BATTERY = "low_battery", _("Low battery")
    FAULT = "fault", _("Fault")
    FAULT_CLEARED = "fault_cleared", _("Fault cleared")
    TAMPER = "tamper", _("Tamper / removed")
    TAMPER_RESTORED = "tamper_restored", _("Tamper restored")
    TEST = "test", _("Test alarm")
    HEARTBEAT = "heartbeat", _("Heartbeat")
    ONLINE = "online", _("Online")
    OFFLINE = "offline", _("Offline")
    # A report the device model does not map: kept and shown to staff, so that the mapping gets fixed.
    UNMAPPED = "unmapped", _("Unrecognised report")


class DeviceModel(models.Model):
    """A kind of detector and how its platform reports read as our event types.

    ``rules`` is an ordered list of ``{"stream": ..., "value": ..., "type": ...}``: a report on
    data stream ``stream`` (OneNET's ``ds_id``, a key of CTWing's ``payload`` or
    ``eventContent``, or ``serviceId:<n>`` for a CTWing event of that service) whose value,
    as text, equals ``value`` is an event of ``type``; a rule without ``value`` matches any
    value. The first rule that matches decides. ``battery_stream`` and ``signal_stream`` name
    the streams whose numbers are the battery (percent) and the signal.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    maker = models.CharField(_("maker"), max_length=100, blank=True)
    platform = models.CharField(_("platform"), max_length=10, choices=Platform.choices)
    rules = models.JSONField(_("mapping rules"), default=list, blank=True)
    battery_stream = models.CharField(_("battery stream"), max_length=64, blank=True)
    signal_stream = models.CharField(_("signal stream"), max_length=64, blank=True)
    heartbeat_seconds = models.PositiveIntegerField(_("heartbeat interval (seconds)"), default=24 * 3600)
    low_battery_percent = models.PositiveSmallIntegerField(_("low battery below (percent)"), default=20)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["platform", "name"]
        verbose_name = _("device model")
        verbose_name_plural = _("device models")

    def __str__(self) -> str:
        return self.name


class Device(models.Model):
    class Status(models.TextChoices):
        ONLINE = "online", _("Online")
        OFFLINE = "offline", _("Offline")
        FAULT = "fault", _("Fault")
        LOW_BATTERY = "low_battery", _("Low battery")
        TAMPER = "tamper", _("Tamper")

    integration = models.ForeignKey(Integration, on_delete=models.PROTECT, related_name="devices", verbose_name=_("integration"))
    platform_device_id = models.CharField(_("platform device id"), max_length=64)
    imei = models.CharField(_("IMEI"), max_length=20, blank=True)
    model = models.ForeignKey(DeviceModel, on_delete=models.PROTECT, related_name="devices", verbose_name=_("model"))
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="devices", verbose_name=_("site"))
    building = models.CharField(_("building"), max_length=50, blank=True)
    floor = models.CharField(_("floor"), max_length=20, blank=True)
    room = models.CharField(_("room"), max_length=50, blank=True)
    installed_on = models.DateField(_("installed on"), null=True, blank=True)
    # The most severe current problem, for lists and filters; the flags below say every problem.
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ONLINE)
    online = models.BooleanField(_("online"), default=True)
    low_battery = models.BooleanField(_("low battery"), default=False)
    fault = models.BooleanField(_("fault"), default=False)
    tamper = models.BooleanField(_("tamper"), default=False)
    battery = models.PositiveSmallIntegerField(_("battery (%)"), null=True, blank=True)
    signal = models.SmallIntegerField(_("signal"), null=True, blank=True)
    last_seen = models.DateTimeField(_("last seen"), null=True, blank=True)
    heartbeat_seconds = models.PositiveIntegerField(
        _("heartbeat interval (seconds)"), null=True, blank=True, help_text=_("Empty: the model's.")
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        ordering = ["site", "building", "floor", "room", "pk"]
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        constraints = [
            models.UniqueConstraint(fields=["integration", "platform_device_id"], name="device_unique_per_integration"),
        ]
        indexes = [
            models.Index(fields=["integration", "imei"], name="device_integration_imei_idx"),
            models.Index(fields=["online", "last_seen"], name="device_online_last_seen_idx"),
        ]

    def __str__(self) -> str:
        return self.imei or self.platform_device_id

    @property
    def place(self) -> str:
        return " ".join(part for part in (self.building, self.floor, self.room) if part)

    def heartbeat_interval(self) -> int:
        return self.heartbeat_seconds or self.model.heartbeat_seconds

    @staticmethod
    def status_for(*, online: bool, tamper: bool, fault: bool, low_battery: bool) -> str:
        if not online:
            return Device.Status.OFFLINE
        if tamper:
            return Device.Status.TAMPER
        if fault:
            return Device.Status.FAULT
        if low_battery:
            return Device.Status.LOW_BATTERY
        return Device.Status.ONLINE


class Delivery(models.Model):
    """One push as it arrived: kept for audit, whatever became of it."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        DUPLICATE = "duplicate", _("Duplicate")
        MALFORMED = "malformed", _("Malformed")
        UNKNOWN_DEVICE = "unknown_device", _("Unknown device")

    integration = models.ForeignKey(Integration, on_delete=models.PROTECT, related_name="deliveries")
    received_at = models.DateTimeField(_("received at"), db_index=True)
    stored_at = models.DateTimeField(_("stored at"), default=timezone.now)
    headers = models.JSONField(_("headers"), default=dict)
    body = models.BinaryField(_("body"))
    verified = models.BooleanField(_("signature verified"), default=False)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    error = models.TextField(_("error"), blank=True)
    # Set when the delivery went through the local spool: replaying it twice stores it once.
    spool_id = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"{self.integration_id} {self.received_at:%Y-%m-%d %H:%M:%S} {self.outcome}"


class Event(models.Model):
    """A normalised device event. ``(integration, external_id)`` is unique, so a resend stores nothing."""

    integration = models.ForeignKey(Integration, on_delete=models.PROTECT, related_name="events")
    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="events")
    # Empty for a device nobody registered yet: kept and flagged for staff, never dropped.
    device = models.ForeignKey(Device, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    platform_device_id = models.CharField(_("platform device id"), max_length=64)
    external_id = models.CharField(_("external id"), max_length=200)
    type = models.CharField(_("type"), max_length=20, choices=EventType.choices)
    stream = models.CharField(_("data stream"), max_length=64, blank=True)
    value = models.JSONField(_("value"), null=True, blank=True)
    battery = models.SmallIntegerField(null=True, blank=True)
    signal = models.SmallIntegerField(null=True, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"))
    received_at = models.DateTimeField(_("received at"))
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    claim_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    incident = models.ForeignKey("Incident", on_delete=models.SET_NULL, null=True, blank=True, related_name="events")

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("device event")
        verbose_name_plural = _("device events")
        constraints = [
            models.UniqueConstraint(fields=["integration", "external_id"], name="event_unique_external_id"),
        ]
        indexes = [
            # The sweep's question: what is stored but not processed?
            models.Index(fields=["received_at"], name="event_unprocessed_idx", condition=Q(processed_at__isnull=True)),
            models.Index(fields=["device", "type", "occurred_at"], name="event_device_type_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.platform_device_id} {self.occurred_at:%Y-%m-%d %H:%M:%S}"


class Incident(models.Model):
    """A fire alarm at a site and everything done about it, each step timed with who took it."""

    class Kind(models.TextChoices):
        FIRE = "fire", _("Fire alarm")

    class Status(models.TextChoices):
        # In their own context: a bare "New" already means an unread notification in the catalogue.
        NEW = "new", pgettext_lazy("incident", "New")
        ACKNOWLEDGED = "acknowledged", pgettext_lazy("incident", "Acknowledged")
        CONFIRMED = "confirmed", pgettext_lazy("incident", "Confirmed")
        DISPATCHED = "dispatched", pgettext_lazy("incident", "Dispatched")
        ON_SCENE = "on_scene", pgettext_lazy("incident", "On scene")
        RESOLVED = "resolved", pgettext_lazy("incident", "Resolved")

    class Cause(models.TextChoices):
        FIRE = "fire", _("Fire")
        COOKING = "cooking", _("Cooking")
        STEAM = "steam", _("Steam")
        DUST = "dust", _("Dust")
        SMOKING = "smoking", _("Smoking")
        TEST = "test", _("Test")
        DEVICE_FAULT = "device_fault", _("Device fault")
        UNKNOWN = "unknown", _("Unknown")

    class Outcome(models.TextChoices):
        EXTINGUISHED = "extinguished", _("Fire put out")
        FALSE_ALARM = "false_alarm", _("False alarm")
        NO_FIRE_FOUND = "no_fire_found", _("No fire found")
        HANDED_TO_BRIGADE = "handed_to_brigade", _("Handed over to the fire brigade")
        OTHER = "other", _("Other")

    OPEN_STATUSES = (Status.NEW, Status.ACKNOWLEDGED, Status.CONFIRMED, Status.DISPATCHED, Status.ON_SCENE)

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("site"))
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("first device"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.FIRE)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    opened_at = models.DateTimeField(_("alarm received"), default=timezone.now)
    last_alarm_at = models.DateTimeField(_("last alarm"), default=timezone.now)
    delivered_at = models.DateTimeField(_("notice delivered"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    real = models.BooleanField(_("real fire"), null=True, blank=True)
    cause = models.CharField(_("cause"), max_length=20, choices=Cause.choices, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dispatched by"),
    )
    on_scene_at = models.DateTimeField(_("on scene"), null=True, blank=True)
    on_scene_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("on scene by")
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("resolved by")
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        indexes = [
            models.Index(fields=["site", "status", "last_alarm_at"], name="incident_site_open_idx"),
            models.Index(fields=["status", "opened_at"], name="incident_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.opened_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class IncidentStep(models.Model):
    """The incident's timeline: each step with its time and who took it (None: the system)."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Alarm received")
        JOINED = "joined", _("Another alarm joined")
        DELIVERED = "delivered", _("Notice delivered to the station")
        NOTIFIED = "notified", _("Message sent")
        NOTIFY_FAILED = "notify_failed", _("Message failed")
        REPEATED = "repeated", _("Call repeated")
        ESCALATED = "escalated", _("Escalated")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        CONFIRMED = "confirmed", _("Confirmed")
        DISPATCHED = "dispatched", _("Dispatched")
        ON_SCENE = "on_scene", _("On scene")
        RESOLVED = "resolved", _("Resolved")
        DEVICE_REPORT = "device_report", _("Device report")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("incident step")
        verbose_name_plural = _("incident steps")

    def __str__(self) -> str:
        return f"{self.incident_id} {self.kind}"


class StationAssignment(models.Model):
    """Which micro fire station answers first, and which backs it up, for a grid or a whole community.

    A grid's own assignment wins over its community's; without either, the stations whose
    ``grids`` cover the site's grid answer (accounts.FireStation).
    """

    grid = models.OneToOneField(Grid, on_delete=models.CASCADE, null=True, blank=True, related_name="station_assignment")
    community = models.OneToOneField(
        Community, on_delete=models.CASCADE, null=True, blank=True, related_name="station_assignment"
    )
    primary = models.ForeignKey(
        FireStation, on_delete=models.PROTECT, related_name="primary_for", verbose_name=_("primary station")
    )
    backup = models.ForeignKey(
        FireStation, on_delete=models.PROTECT, null=True, blank=True, related_name="backup_for", verbose_name=_("backup station")
    )

    class Meta:
        verbose_name = _("station assignment")
        verbose_name_plural = _("station assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(grid__isnull=False, community__isnull=True) | Q(grid__isnull=True, community__isnull=False),
                name="station_assignment_grid_or_community",
            ),
        ]

    def __str__(self) -> str:
        return str(self.grid or self.community)


class DutyOfficer(models.Model):
    """The street's duty officer (值班员), reached when a station does not acknowledge in time."""

    street = models.OneToOneField(Street, on_delete=models.CASCADE, related_name="duty_officer", verbose_name=_("street"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("officer"))
    phone = models.CharField(_("duty phone"), max_length=20, blank=True, help_text=_("Empty: the officer's own phone."))

    class Meta:
        verbose_name = _("duty officer")
        verbose_name_plural = _("duty officers")

    def __str__(self) -> str:
        return f"{self.street}: {self.user}"


class DispatchNotice(models.Model):
    class Role(models.TextChoices):
        PRIMARY = "primary", _("Primary station")
        BACKUP = "backup", _("Backup station")
        ESCALATION = "escalation", _("Duty officer")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for acknowledgement")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        ESCALATED = "escalated", _("Escalated")
        CLOSED = "closed", _("Closed")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="notices")
    station = models.ForeignKey(FireStation, on_delete=models.PROTECT, null=True, blank=True, related_name="notices")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered to the console"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("dispatch notice")
        verbose_name_plural = _("dispatch notices")
        constraints = [
            # One notice per station (and per officer) and incident, however often processing runs.
            models.UniqueConstraint(
                fields=["incident", "station"], name="notice_one_per_station", condition=Q(station__isnull=False)
            ),
            models.UniqueConstraint(
                fields=["incident", "officer"], name="notice_one_per_officer", condition=Q(officer__isnull=False)
            ),
        ]
        indexes = [
            models.Index(fields=["created_at"], name="notice_undelivered_idx", condition=Q(delivered_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.role} {self.station or self.officer}"


class Notifier(models.Model):
    """An outside channel a notice goes through: an SMS or voice gateway, a WeCom or DingTalk group robot, a webhook."""

    class Kind(models.TextChoices):
        SMS = "sms", _("SMS gateway")
        VOICE = "voice", _("Voice call gateway")
        WECOM = "wecom", _("WeCom group robot")
        DINGTALK = "dingtalk", _("DingTalk group robot")
        WEBHOOK = "webhook", _("Webhook")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, unique=True)
    endpoint = models.URLField(_("endpoint URL"), max_length=500)
    secret = models.CharField(_("secret or token"), max_length=200, blank=True)
    stations = models.ManyToManyField(FireStation, blank=True, related_name="notifiers", verbose_name=_("stations served"))
    duty_officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("duty officers served")
    )
    phones = models.CharField(
        _("phones"),
        max_length=300,
        blank=True,
        help_text=_("Comma-separated; empty: the station's duty phone, the officer's phone."),
    )
    active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    last_failure_at = models.DateTimeField(_("last failure"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("notifier")
        verbose_name_plural = _("notifiers")

    def __str__(self) -> str:
        return self.name

    @property
    def failing(self) -> bool:
        return self.consecutive_failures >= settings.ALARM_NOTIFIER_FAILING_AFTER


class NotifierAttempt(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    notice = models.ForeignKey(DispatchNotice, on_delete=models.CASCADE, related_name="attempts")
    notifier = models.ForeignKey(Notifier, on_delete=models.CASCADE, related_name="attempts")
    # Which round of calls this is (a repeat starts a new round) and which try within it.
    round = models.PositiveSmallIntegerField(default=1)
    attempt = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    next_try_at = models.DateTimeField(default=timezone.now)
    claim_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("notifier attempt")
        verbose_name_plural = _("notifier attempts")
        constraints = [
            models.UniqueConstraint(fields=["notice", "notifier", "round", "attempt"], name="attempt_unique"),
        ]
        indexes = [
            models.Index(fields=["next_try_at"], name="attempt_pending_idx", condition=Q(status="pending")),
        ]

    def __str__(self) -> str:
        return f"{self.notifier_id} {self.round}.{self.attempt} {self.status}"


class Timer(models.Model):
    """Something due later (an escalation, a repeat call), checked by the sweep: a row survives restarts."""

    class Kind(models.TextChoices):
        ESCALATE = "escalate", _("Escalate")
        REPEAT = "repeat", _("Repeat the call")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="timers")
    notice = models.ForeignKey(DispatchNotice, on_delete=models.CASCADE, null=True, blank=True, related_name="timers")
    due_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    cancelled = models.BooleanField(default=False)

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["due_at"], name="timer_due_idx", condition=Q(done_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.kind} {self.incident_id} {self.due_at:%H:%M:%S}"
