"""Staff and record pages of inspections. Thin: parse, call a selector or a service, render; errors are
mapped once (riskplatform.pages). The phone's pages (my tasks, the checklist) are in phone_views."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from files.models import ListExport
from files.pdf import render_pdf
from files.views import list_export_answer, pdf_response, photo_response
from riskplatform.pages import ServiceFormView

from . import services
from .filters import InspectionFilter
from .forms import CampaignForm, CoverageForm
from .models import Campaign
from .schedules import COVERAGE_STATUSES, coverage_sites, coverage_totals, inspection_coverage
from .selectors import (
    campaign_get_for_user,
    campaign_list,
    ensure_campaign_manager,
    inspection_list,
    inspection_photo_get_for_user,
    inspection_record,
    user_can_manage_campaigns,
)

PAGE_SIZE = 50


def _partial(request) -> bool:
    return bool(request.htmx) and not request.htmx.boosted


# --- One inspection ----------------------------------------------------------------------------------------


@login_required
def inspection_detail(request, pk):
    """The record of one inspection: its answers with verdicts and clauses, photos, signature, hazards raised."""
    inspection = inspection_record(user=request.user, pk=pk)
    return render(request, "inspections/inspection_detail.html", {"inspection": inspection})


@login_required
def inspection_pdf(request, pk):
    """The printable record, with Chinese fonts, in the office's language whatever the reader's page speaks."""
    inspection = inspection_record(user=request.user, pk=pk)
    with translation.override(settings.LANGUAGE_CODE):
        pdf = render_pdf(template_name="inspections/inspection_pdf.html", context={"inspection": inspection})
    return pdf_response(pdf=pdf, filename=f"{inspection.site.name}-{inspection.finished_at:%Y%m%d}.pdf")


@login_required
def inspection_photo(request, pk, photo):
    """A photo of an inspection, for a user who may see the inspection; ``?thumb=1`` for the thumbnail."""
    stored = inspection_photo_get_for_user(user=request.user, inspection_pk=pk, photo_pk=photo)
    return photo_response(photo=stored, thumbnail=bool(request.GET.get("thumb")))


# --- The list ---------------------------------------------------------------------------------------------------


@login_required
def inspection_list_page(request):
    filterset = InspectionFilter(request.GET, queryset=inspection_list(user=request.user), request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page": page,
        "query": query.urlencode(),
        "can_manage": user_can_manage_campaigns(user=request.user),
    }
    template = "inspections/_inspection_table.html" if _partial(request) else "inspections/inspection_list.html"
    return render(request, template, context)


@login_required
@require_GET
def inspection_export(request):
    """The filtered inspection list as .xlsx (the list's query parameters)."""
    return list_export_answer(request, kind=ListExport.Kind.INSPECTIONS)


# --- Coverage ---------------------------------------------------------------------------------------------------


@login_required
def coverage(request):
    """Due, done and overdue sites per grid or community over a period, each number a link to its list."""
    _ensure_staff(request.user)
    form = CoverageForm(request.GET or None)
    start, end, by = form.period()
    rows = inspection_coverage(user=request.user, start=start, end=end, by=by)
    period = {"start": start.isoformat(), "end": end.isoformat()}
    for row in rows:
        row.links = {status: _sites_url(period, {by: row.id, "status": status}) for status in COVERAGE_STATUSES}
        row.inspections_url = _inspections_url(period, {by: row.id})
    totals = coverage_totals(rows=rows)
    totals.links = {status: _sites_url(period, {"status": status}) for status in COVERAGE_STATUSES}
    totals.inspections_url = _inspections_url(period, {})
    context = {"form": form, "rows": rows, "totals": totals, "start": start, "end": end, "by": by}
    return render(request, "inspections/coverage.html", context)


def _sites_url(period: dict, params: dict) -> str:
    return f"{reverse('inspections:coverage-sites')}?{urlencode({**period, **params})}"


def _inspections_url(period: dict, params: dict) -> str:
    query = {"since": period["start"], "until": period["end"], "kind": "routine", **params}
    return f"{reverse('inspections:inspection-list')}?{urlencode(query)}"


def _ensure_staff(user) -> None:
    """Coverage is the street office's view (staff and admins)."""
    ensure_campaign_manager(user=user)


@login_required
def coverage_site_list(request):
    """The sites behind one number of the coverage page: due, done or overdue, of a grid or community."""
    _ensure_staff(request.user)
    form = CoverageForm(request.GET or None)
    start, end, _by = form.period()
    status = request.GET.get("status") if request.GET.get("status") in COVERAGE_STATUSES else None
    group = {}
    for key in ("grid", "community", "street"):
        value = request.GET.get(key, "")
        if value.isascii() and value.isdigit():
            group[key] = int(value)
    rows = coverage_sites(user=request.user, start=start, end=end, status=status, **group)
    back = f"{reverse('inspections:coverage')}?{urlencode({'start': start, 'end': end})}"
    context = {"rows": rows, "start": start, "end": end, "status": status, "back": back}
    return render(request, "inspections/coverage_sites.html", context)


# --- Campaigns --------------------------------------------------------------------------------------------------


@login_required
def campaign_list_page(request):
    ensure_campaign_manager(user=request.user)
    campaigns = campaign_list(user=request.user).prefetch_related("items", "sites")
    return render(request, "inspections/campaign_list.html", {"campaigns": campaigns})


class CampaignFormView(ServiceFormView):
    """Create a campaign, or edit one (``pk``)."""

    form_class = CampaignForm
    template_name = "inspections/campaign_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.campaign = None
        if request.user.is_authenticated:
            ensure_campaign_manager(user=request.user)
            if "pk" in kwargs:
                self.campaign = campaign_get_for_user(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        campaign: Campaign | None = self.campaign
        if campaign is None:
            return {}
        return {
            "name": campaign.name,
            "description": campaign.description,
            "starts_on": campaign.starts_on,
            "ends_on": campaign.ends_on,
            "items": list(campaign.items.all()),
            "sites": list(campaign.sites.all()),
        }

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "campaign": self.campaign}

    def perform(self, form):
        data = {**form.cleaned_data, "sites": form.chosen_sites()}
        if self.campaign is None:
            campaign = services.campaign_create(acting_user=self.request.user, data=data)
            messages.success(self.request, _("Campaign %(name)s created.") % {"name": campaign.name})
        else:
            campaign = services.campaign_update(campaign=self.campaign, acting_user=self.request.user, data=data)
            messages.success(self.request, _("Campaign %(name)s saved.") % {"name": campaign.name})
        return redirect("inspections:campaign-list")


@login_required
@require_POST
def campaign_close(request, pk: int):
    ensure_campaign_manager(user=request.user)
    campaign = campaign_get_for_user(user=request.user, pk=pk)
    services.campaign_close(campaign=campaign, acting_user=request.user)
    messages.success(request, _("Campaign %(name)s closed.") % {"name": campaign.name})
    return redirect("inspections:campaign-list")
