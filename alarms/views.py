"""The micro fire station's console and the incident records: pages over alarms.selectors and
alarms.services. The console's live part is alarms.consumers; its script static/js/console.js."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from files.models import ListExport
from files.views import list_export_answer
from riskplatform.pages import ServiceFormView

from . import services
from .filters import IncidentFilter
from .forms import STEP_FORMS
from .models import Incident
from .selectors import console_incident_list, incident_get_for_user, incident_list, incident_page, user_has_console

STEP_DONE = {
    "acknowledge": gettext_lazy("Acknowledged."),
    "confirm": gettext_lazy("Verdict recorded."),
    "dispatch": gettext_lazy("Dispatch recorded."),
    "on_scene": gettext_lazy("Arrival on scene recorded."),
    "resolve": gettext_lazy("Incident resolved."),
}


def _wants_fragment(request) -> bool:
    """The console's script asks for the card alone, to put it in place without reloading the page."""
    return request.headers.get("X-Console") == "1"


def _card_context(request, incident: Incident, forms: dict | None = None) -> dict:
    may_act = services.user_may_act(incident=incident, user=request.user)
    steps = services.incident_steps_possible(incident=incident) if may_act else []
    step_forms = {step: STEP_FORMS[step](prefix=f"i{incident.pk}-{step}") for step in steps}
    step_forms.update(forms or {})
    return {"incident": incident, "step_forms": step_forms, "now": timezone.now()}


def _ensure_console(request) -> None:
    if not user_has_console(user=request.user):
        raise PermissionDenied(_("The console is for the micro fire stations, the street's staff and admins."))


@login_required
def console(request):
    """The station's wall screen and phone: open incidents, newest first, live."""
    _ensure_console(request)
    cards = [_card_context(request, incident) for incident in console_incident_list(user=request.user)]
    return render(request, "alarms/console.html", {"cards": cards})


@login_required
def console_cards(request):
    """The open incidents' cards as they stand: the console's catch-up after its line came back."""
    _ensure_console(request)
    cards = [_card_context(request, incident) for incident in console_incident_list(user=request.user)]
    return render(request, "alarms/_console_cards.html", {"cards": cards})


@login_required
def incident_card(request, pk: int):
    incident = incident_get_for_user(user=request.user, pk=pk)
    return render(request, "alarms/_incident_card.html", _card_context(request, incident))


@login_required
def incident_list_page(request):
    """Every incident of the user's scope, newest first, filtered by status, verdict, day and area."""
    filterset = IncidentFilter(request.GET, queryset=incident_list(user=request.user), request=request)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page": page,
        "query": query.urlencode(),
        "has_console": user_has_console(user=request.user),
    }
    return render(request, "alarms/incident_list.html", context)


@login_required
@require_GET
def incident_export(request):
    """The filtered incident list as .xlsx (the list's query parameters)."""
    return list_export_answer(request, kind=ListExport.Kind.INCIDENTS)


def _detail_context(request, pk: int, forms: dict | None = None) -> dict:
    incident = incident_page(user=request.user, pk=pk)
    return {**_card_context(request, incident, forms), "has_console": user_has_console(user=request.user)}


@login_required
def incident_detail(request, pk: int):
    return render(request, "alarms/incident_detail.html", _detail_context(request, pk))


class IncidentStepView(ServiceFormView):
    """POST one console step; the console's script gets the card back, a plain form the page it came from."""

    http_method_names = ["post"]
    template_name = "alarms/incident_detail.html"

    def dispatch(self, request, *args, **kwargs):
        self.step = kwargs["step"]
        if self.step not in STEP_FORMS:
            raise Http404(_("No such step."))
        if request.user.is_authenticated:
            self.incident = incident_get_for_user(user=request.user, pk=kwargs["pk"])
            # A grid worker sees the incident but may not act on it: a 403 before the form is read.
            services.ensure_may_act(incident=self.incident, user=request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        return STEP_FORMS[self.step]

    def get_prefix(self):
        return f"i{self.incident.pk}-{self.step}"

    def form_invalid(self, form):
        forms = {self.step: form}
        if _wants_fragment(self.request):
            incident = incident_get_for_user(user=self.request.user, pk=self.incident.pk)
            return render(self.request, "alarms/_incident_card.html", _card_context(self.request, incident, forms), status=400)
        return render(self.request, self.template_name, _detail_context(self.request, self.incident.pk, forms), status=400)

    def perform(self, form):
        data, user, incident = form.cleaned_data, self.request.user, self.incident
        if self.step == "acknowledge":
            services.incident_acknowledge(incident=incident, acting_user=user, note=data["note"])
        elif self.step == "confirm":
            services.incident_confirm(
                incident=incident, acting_user=user, real=data["real"], cause=data["cause"], note=data["note"]
            )
        elif self.step == "dispatch":
            services.incident_dispatch(incident=incident, acting_user=user, note=data["note"])
        elif self.step == "on_scene":
            services.incident_on_scene(incident=incident, acting_user=user, note=data["note"])
        elif self.step == "resolve":
            services.incident_resolve(incident=incident, acting_user=user, outcome=data["outcome"], notes=data["notes"])
        if _wants_fragment(self.request):
            return incident_card(self.request, incident.pk)
        messages.success(self.request, STEP_DONE[self.step])
        back = self.request.POST.get("next", "")
        if back and url_has_allowed_host_and_scheme(back, allowed_hosts={self.request.get_host()}):
            return redirect(back)
        return redirect("alarms:incident-detail", pk=incident.pk)
