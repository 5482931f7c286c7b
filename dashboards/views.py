"""Pages that compose every app's part of the street's picture. Read-only; each part comes from
its app's selector and is drawn by its app's include template (ARCHITECTURE.md)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.selectors import user_can_edit_registry
from alarms.selectors import site_alarm_section
from enterprises.forms import SiteDocumentForm
from enterprises.selectors import site_file_get
from hazards.selectors import site_hazard_section, site_risk_section
from inspections.selectors import site_inspection_section


@login_required
def site_file(request, pk: int):
    """One enterprise, one file (一企一档): the profile, documents and history of the registry,
    the site's inspections, hazards, risk grades, devices and alarms."""
    site = site_file_get(user=request.user, pk=pk)
    can_edit = user_can_edit_registry(user=request.user)
    context = {
        "site": site,
        "can_edit": can_edit,
        "document_form": SiteDocumentForm() if can_edit else None,
        "inspections": site_inspection_section(site=site, user=request.user),
        "hazards": site_hazard_section(site=site, user=request.user),
        "risk": site_risk_section(site=site, user=request.user),
        "alarms": site_alarm_section(site=site, user=request.user),
    }
    return render(request, "dashboards/site_file.html", context)
