"""The safety reports page: request a report of a street or community, follow its building, download it.
Thin: the rules are in dashboards.services and dashboards.reports; errors are mapped in riskplatform.pages."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from riskplatform.pages import ServiceFormView

from . import services
from .forms import SafetyReportForm
from .models import SafetyReport
from .report_files import PDF_CONTENT_TYPE, XLSX_CONTENT_TYPE, report_filename, report_title
from .reports import ensure_report_requester, safety_report_get_for_user, safety_report_list

# The reports the page lists, the newest first.
LIST_LIMIT = 20


class SafetyReportsView(ServiceFormView):
    """Request a report (a street's or community's quarter or year, PDF or Excel) and list one's own."""

    form_class = SafetyReportForm
    template_name = "dashboards/reports.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            ensure_report_requester(user=request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        # The overview of a street or community links here with it chosen (?unit=community-12).
        return {**super().get_initial(), "unit": self.request.GET.get("unit", "")}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "reports": safety_report_list(user=self.request.user)[:LIST_LIMIT]}

    def perform(self, form):
        report = services.safety_report_request(acting_user=self.request.user, **form.cleaned_data)
        if report.status == SafetyReport.Status.READY:
            messages.success(self.request, _("The report is ready to download."))
        elif report.status == SafetyReport.Status.FAILED:
            messages.error(self.request, report.error)
        else:
            messages.success(self.request, _("The report is being built; this page shows how far it is."))
        return redirect("dashboards:reports")


@login_required
@require_GET
def safety_report_row(request, pk: int):
    """One report's row, polled by htmx while it is being built."""
    report = safety_report_get_for_user(user=request.user, pk=pk)
    return render(request, "dashboards/_report_row.html", {"report": report})


@login_required
@require_GET
def safety_report_download(request, pk: int):
    """The stored file of a ready report, for anyone who may report on its street or community."""
    report = safety_report_get_for_user(user=request.user, pk=pk)
    if report.status != SafetyReport.Status.READY:
        raise Http404(_("This report is not ready."))
    try:
        handle = report.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The report's file is missing; request the report again.")) from None
    with translation.override(settings.LANGUAGE_CODE):
        community = report.community.name if report.community_id else ""
        title = report_title(street=report.street.name, community=community, period=report.period_label)
    is_pdf = report.format == SafetyReport.Format.PDF
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=report_filename(title=title, extension=report.format),
        content_type=PDF_CONTENT_TYPE if is_pdf else XLSX_CONTENT_TYPE,
    )
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_cache=True)
    return response
