"""Pages of hazards and risk grades. Thin: parse, call a selector or a service, render; errors are
mapped once (riskplatform.pages)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from enterprises.selectors import site_get_for_user
from files.models import ListExport
from files.pdf import render_pdf
from files.views import list_export_answer, pdf_response, photo_response
from regulations.lec import CONSEQUENCE_CHOICES, EXPOSURE_CHOICES, LIKELIHOOD_CHOICES
from riskplatform.pages import ServiceFormView

from . import policies, services
from .filters import HazardFilter
from .forms import (
    HazardCloseOnSpotForm,
    HazardNotifyForm,
    HazardRaiseForm,
    HazardRectifyForm,
    HazardReviewForm,
    NoteForm,
    RemediationPlanForm,
)
from .models import Hazard, SiteRiskFactor
from .selectors import (
    GROUPINGS,
    clause_choices,
    hazard_get_for_user,
    hazard_list,
    hazard_page,
    hazard_photo_get_for_user,
    hazard_statistics,
    notice_get_for_user,
)

PAGE_SIZE = 50


def _partial(request) -> bool:
    return bool(request.htmx) and not request.htmx.boosted


@login_required
def hazard_list_page(request):
    filterset = HazardFilter(request.GET, queryset=hazard_list(user=request.user), request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filter": filterset, "page": page, "query": query.urlencode()}
    template = "hazards/_hazard_table.html" if _partial(request) else "hazards/hazard_list.html"
    return render(request, template, context)


@login_required
@require_GET
def hazard_export(request):
    """The filtered hazard list as .xlsx (the list's query parameters)."""
    return list_export_answer(request, kind=ListExport.Kind.HAZARDS)


# --- One hazard and the steps of its loop ------------------------------------------------------

STEP_FORMS = {
    "notify": HazardNotifyForm,
    "rectify": HazardRectifyForm,
    "review": HazardReviewForm,
    "close_on_spot": HazardCloseOnSpotForm,
    "plan": RemediationPlanForm,
    "supervise": NoteForm,
    "close_out": NoteForm,
}


def _hazard_context(request, pk, *, bound: dict | None = None) -> dict:
    page = hazard_page(user=request.user, pk=pk)
    forms = {}
    for step in page.steps:
        initial = {}
        if step == "plan" and page.plan is not None:
            initial = {field: getattr(page.plan, field) for field in services.loop.PLAN_FIELDS}
        forms[step] = STEP_FORMS[step](initial=initial, prefix=step, **_step_form_kwargs(request.user, step))
    forms.update(bound or {})
    return {"page": page, "hazard": page.hazard, "forms": forms, "today": timezone.localdate()}


def _step_form_kwargs(user, step: str) -> dict:
    if step == "review":
        return {"may_fail": policies.role_may(user=user, step="notify")}
    return {}


@login_required
def hazard_detail(request, pk: int):
    return render(request, "hazards/hazard_detail.html", _hazard_context(request, pk))


class HazardStepView(ServiceFormView):
    """POST one step of a hazard's loop; a refused step shows the hazard again with the form's errors."""

    http_method_names = ["post"]
    template_name = "hazards/hazard_detail.html"

    def dispatch(self, request, *args, **kwargs):
        self.step = kwargs["step"]
        if self.step not in STEP_FORMS:
            raise Http404(_("No such step."))
        if request.user.is_authenticated:
            self.hazard = hazard_get_for_user(user=request.user, pk=kwargs["pk"])
            # A role that may not take the step is refused before its form is read (403, not a form's errors).
            policies.ensure_role(user=request.user, step=self.step, hazard=self.hazard)
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        return STEP_FORMS[self.step]

    def get_prefix(self):
        return self.step

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), **_step_form_kwargs(self.request.user, self.step)}

    def form_invalid(self, form):
        context = _hazard_context(self.request, self.hazard.pk, bound={self.step: form})
        return render(self.request, self.template_name, context, status=400)

    def perform(self, form):
        data, user, hazard = form.cleaned_data, self.request.user, self.hazard
        if self.step == "notify":
            notice = services.hazard_notify(
                hazard=hazard, acting_user=user, deadline=data["deadline"], requirements=data["requirements"]
            )
            messages.success(self.request, _("Rectification notice %(number)s issued.") % {"number": notice.number})
        elif self.step == "rectify":
            services.hazard_rectify(hazard=hazard, acting_user=user, note=data["note"], uploads=data["photos"])
            messages.success(self.request, _("Rectification recorded; it awaits the review on site."))
        elif self.step == "review":
            services.hazard_review(
                hazard=hazard,
                acting_user=user,
                passed=data["passed"],
                comment=data["comment"],
                uploads=data["photos"],
                new_deadline=data.get("new_deadline"),
            )
            messages.success(self.request, _("Review recorded."))
        elif self.step == "close_on_spot":
            services.hazard_close_on_spot(hazard=hazard, acting_user=user, note=data["note"], uploads=data["photos"])
            messages.success(self.request, _("Hazard closed."))
        elif self.step == "plan":
            services.hazard_plan_record(hazard=hazard, acting_user=user, data=data)
            messages.success(self.request, _("Remediation plan saved."))
        elif self.step == "supervise":
            services.hazard_supervise(hazard=hazard, acting_user=user, note=data["note"])
            messages.success(self.request, _("Hazard listed for supervision."))
        elif self.step == "close_out":
            services.hazard_close_out(hazard=hazard, acting_user=user, note=data["note"])
            messages.success(self.request, _("Major hazard closed out."))
        return redirect(hazard)


class HazardRaiseView(ServiceFormView):
    """Record a hazard at a site (``?site=<id>``, from the site's file)."""

    form_class = HazardRaiseForm
    template_name = "hazards/hazard_raise.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.site = site_get_for_user(user=request.user, pk=request.GET.get("site") or request.POST.get("site"))
            policies.ensure_role(user=request.user, step="raise")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "clauses": clause_choices()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "site": self.site}

    def perform(self, form):
        data = form.cleaned_data
        hazard = services.hazard_raise(
            site=self.site,
            acting_user=self.request.user,
            description=data["description"],
            level=data["level"],
            source=Hazard.Source.STAFF_REPORT,
            clause=data["clause"],
            uploads=data["photos"],
        )
        messages.success(self.request, _("Hazard recorded."))
        return redirect(hazard)


@login_required
def hazard_photo(request, pk: int, photo: str):
    """A photo of a hazard, for a user who may see the hazard; ``?thumb=1`` for the thumbnail."""
    stored = hazard_photo_get_for_user(user=request.user, hazard_pk=pk, photo_pk=photo)
    return photo_response(photo=stored, thumbnail=bool(request.GET.get("thumb")))


@login_required
def notice_pdf(request, pk: int):
    """The printable rectification notice, with Chinese fonts, as the office signs and hands it over."""
    notice = notice_get_for_user(user=request.user, pk=pk)
    # An official notice is always in the office's language, whatever the reader's page speaks.
    with translation.override(settings.LANGUAGE_CODE):
        pdf = render_pdf(template_name="hazards/notice_pdf.html", context={"notice": notice})
    return pdf_response(pdf=pdf, filename=f"{notice.number}.pdf")


# --- Statistics ---------------------------------------------------------------------------------


@login_required
def hazard_statistics_page(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
        quarter = int(request.GET["quarter"]) if request.GET.get("quarter") else None
    except ValueError:
        year, quarter = today.year, None
    if quarter not in (None, 1, 2, 3, 4) or not 2000 <= year <= today.year + 1:
        year, quarter = today.year, None
    by = request.GET.get("by") if request.GET.get("by") in GROUPINGS else "community"
    rows = hazard_statistics(user=request.user, year=year, quarter=quarter, by=by)
    totals = {key: sum(row[key] for row in rows) for key in ("found", "closed", "overdue", "major")}
    totals["rate"] = round(100 * totals["closed"] / totals["found"], 1) if totals["found"] else None
    context = {
        "rows": rows,
        "totals": totals,
        "year": year,
        "quarter": quarter,
        "by": by,
        "years": list(range(today.year, today.year - 5, -1)),
    }
    return render(request, "hazards/statistics.html", context)


# --- Risk factors of a site ---------------------------------------------------------------------


def _lec_data(post) -> dict:
    return {field: post.get(field) for field in ("likelihood", "exposure", "consequence", "control_measures")}


@login_required
@require_POST
def site_risk_factor_add(request, site_pk: int):
    site = site_get_for_user(user=request.user, pk=site_pk)
    services.site_risk_factor_add(
        site=site,
        acting_user=request.user,
        name=request.POST.get("name", ""),
        data=_lec_data(request.POST),
        reason=request.POST.get("reason", ""),
    )
    messages.success(request, _("Risk factor added."))
    return redirect(f"{site.get_absolute_url()}#risk")


@login_required
@require_POST
def site_risk_factor_change(request, pk: int, action: str):
    factor = SiteRiskFactor.objects.select_related("site").filter(pk=pk).first()
    if factor is None or action not in ("adjust", "remove"):
        raise Http404(_("No such risk factor."))
    if action == "remove":
        services.site_risk_factor_remove(factor=factor, acting_user=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, _("Risk factor removed."))
    else:
        services.site_risk_factor_adjust(
            factor=factor, acting_user=request.user, data=_lec_data(request.POST), reason=request.POST.get("reason", "")
        )
        messages.success(request, _("Risk factor adjusted."))
    return redirect(f"{factor.site.get_absolute_url()}#risk")


@login_required
def risk_rules(request):
    """The rules and numbers the grading follows, as staff should know them."""
    context = {
        "bands": settings.RISK_LEC_BANDS,
        "rules": settings.RISK_RULES,
        "intervals": settings.INSPECTION_INTERVAL_DAYS,
        "max_intervals": settings.INSPECTION_MAX_INTERVAL_DAYS,
        "likelihood": LIKELIHOOD_CHOICES,
        "exposure": EXPOSURE_CHOICES,
        "consequence": CONSEQUENCE_CHOICES,
        "escalation_days": settings.HAZARD_STREET_ESCALATION_DAYS,
    }
    return render(request, "hazards/risk_rules.html", context)
