"""The audit log's page and its export, for administrators. Thin: the reading is dashboards.audit."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from files.models import ListExport
from files.views import list_export_answer

from .audit import audit_entry_list, entries_with_changes
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


@login_required
@require_GET
def audit_export(request):
    """The filtered audit log as .xlsx (the page's query parameters)."""
    return list_export_answer(request, kind=ListExport.Kind.AUDIT)
