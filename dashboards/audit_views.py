"""The audit log's page and its export, for administrators. Thin: the reading is dashboards.audit."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from files import xlsx
from riskplatform.pages import export_filters_refused

from .audit import audit_entry_list, changes_text, entries_in_batches, entries_with_changes
from .filters import AuditFilter

PAGE_SIZE = 50


@login_required
@require_GET
def audit_log(request):
    """Who wrote what, when and from where, newest first, filtered by any of these."""
    filterset = AuditFilter(request.GET, queryset=audit_entry_list(user=request.user), request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = entries_with_changes(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filter": filterset, "page": page, "query": query.urlencode()}
    return render(request, "dashboards/audit_log.html", context)


def export_columns() -> list[xlsx.Column]:
    """The export's columns, headed in the office's language (files.xlsx writes them in it)."""
    return [
        xlsx.Column(gettext_lazy("Time"), lambda entry: entry.timestamp, width=17),
        xlsx.Column(gettext_lazy("Who"), lambda entry: entry.actor.display_name if entry.actor else _("The system"), width=12),
        xlsx.Column(gettext_lazy("User name"), lambda entry: entry.actor.username if entry.actor else None, width=12),
        xlsx.Column(gettext_lazy("Action"), lambda entry: entry.action_label, width=8),
        xlsx.Column(gettext_lazy("Kind of record"), lambda entry: entry.type_label, width=14),
        xlsx.Column(gettext_lazy("Record ID"), lambda entry: entry.object_pk, width=10),
        xlsx.Column(gettext_lazy("Record"), lambda entry: entry.object_repr, width=24),
        xlsx.Column(gettext_lazy("Changes"), changes_text, width=60),
        xlsx.Column(gettext_lazy("From address"), lambda entry: entry.remote_addr, width=16),
    ]


@login_required
@require_GET
def audit_export(request):
    """The filtered audit log as .xlsx (the page's query parameters)."""
    filterset = AuditFilter(request.GET, queryset=audit_entry_list(user=request.user), request=request)
    if not filterset.is_valid():
        return export_filters_refused(request, "dashboards:audit-log")
    return xlsx.xlsx_response(title=gettext_lazy("Audit log"), columns=export_columns(), rows=entries_in_batches(filterset.qs))
