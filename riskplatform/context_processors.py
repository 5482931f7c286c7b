from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors import notification_unread_count, user_can_edit_registry, user_scope_label
from alarms.selectors import user_has_console, user_is_alarm_admin, user_may_register_devices


def navigation(request):
    """The navigation a user's role gets, and their scope in words, for the base layout."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "scope_label": "", "unread_notifications": 0, "may_register_devices": False}
    may_register_devices = user_may_register_devices(user=user)
    items = []
    # The street office runs the street from the overview: its first item (dashboards.views.overview).
    if user.is_admin or user.role == User.Role.STREET_STAFF:
        items.append((_("Overview"), reverse("dashboards:overview")))
    if user_has_console(user=user):
        items.append((_("Console"), reverse("alarms:console")))
    if user.role == User.Role.GRID_WORKER and not user.is_admin:
        items.append((_("My tasks"), reverse("inspections-phone:tasks")))
        items.append((_("My grid"), reverse("enterprises:my-grid")))
    items.append((_("Registry"), reverse("enterprises:site-list")))
    items.append((_("Hazards"), reverse("hazards:hazard-list")))
    items.append((_("Inspections"), reverse("inspections:inspection-list")))
    items.append((_("Incidents"), reverse("alarms:incident-list")))
    if may_register_devices:
        items.append((_("Devices"), reverse("alarms:device-list")))
    if user_is_alarm_admin(user=user):
        items.append((_("Integrations"), reverse("alarms:integration-list")))
    if user.is_admin or user.role == User.Role.STREET_STAFF:
        items.append((_("Coverage"), reverse("inspections:coverage")))
    items.append((_("Regulations"), reverse("regulations:index")))
    if user_can_edit_registry(user=user):
        items.append((_("Import"), reverse("enterprises:site-import")))
    if user.is_admin:
        items.append((_("Audit log"), reverse("dashboards:audit-log")))
    if user.is_staff:
        items.append((_("Admin"), reverse("admin:index")))
    if user.is_admin or user.role == User.Role.STREET_STAFF:
        items.append((_("API"), reverse("api-docs")))
    return {
        "nav_items": items,
        "scope_label": user_scope_label(user=user),
        "unread_notifications": notification_unread_count(user=user),
        # The site file's devices section offers "Register a device" by this (alarms/_site_section.html).
        "may_register_devices": may_register_devices,
    }
