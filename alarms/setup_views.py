"""Pages that set the alarm pipeline up: devices (and their import), integrations, device models, notifiers.

Thin, as every page: parse with a form of alarms.setup_forms, call a selector or a service, render.
Street staff and admins register devices; grid workers and station operators read the devices of
their scope; integrations, device models and resetting notifiers are for admins. The services check
the role again, for every front end; a page checks it first only to answer 403 before reading a form.
"""

import json
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from enterprises.selectors import site_list, site_search_q
from files.models import ListExport
from files.views import list_export_answer
from riskplatform.pages import ServiceFormView

from . import services
from .filters import DeviceFilter
from .models import EventType, Integration
from .selectors import (
    delivery_list,
    device_get_for_user,
    device_list,
    device_model_list,
    integration_get_for_user,
    integration_list,
    notifier_list,
    unknown_device_events,
    user_is_alarm_admin,
    user_may_register_devices,
)
from .services.setup import DEVICE_IMPORT_REQUIRED, devices_import_rows
from .setup_forms import (
    DeviceForm,
    DeviceImportForm,
    DeviceModelForm,
    IntegrationForm,
    IntegrationRotateForm,
    device_import_template,
    device_initial,
)

PAGE_SIZE = 50
RECENT = 50
SITE_CHOICES = 20
# Where a new secret waits, between the POST that made it and the one page that shows it.
SECRET_KEY = "alarms.secret_to_show"


def _ensure_registrar(user) -> None:
    if not user_may_register_devices(user=user):
        raise PermissionDenied(_("Only street office staff and administrators may register devices."))


def _ensure_admin(user) -> None:
    if not user_is_alarm_admin(user=user):
        raise PermissionDenied(_("Only administrators may configure integrations, device models and notifiers."))


def _partial(request) -> bool:
    return bool(request.htmx) and not request.htmx.boosted


# --- Devices ---------------------------------------------------------------------------------------


@login_required
def device_list_page(request):
    """The devices of the user's scope, filtered by status, site (or IMEI), integration and area."""
    filterset = DeviceFilter(request.GET, queryset=device_list(user=request.user), request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    may_register = user_may_register_devices(user=request.user)
    context = {
        "filter": filterset,
        "filters": filterset.form,
        "page": page,
        "query": query.urlencode(),
        "may_register": may_register,
        "is_admin": user_is_alarm_admin(user=request.user),
    }
    template = "alarms/setup/_device_table.html" if _partial(request) else "alarms/setup/device_list.html"
    return render(request, template, context)


@login_required
@require_GET
def device_export(request):
    """The filtered device list as .xlsx (the list's query parameters)."""
    return list_export_answer(request, kind=ListExport.Kind.DEVICES)


@login_required
def device_detail(request, pk: int):
    """One device: where it is, its health and its latest reports."""
    device = device_get_for_user(user=request.user, pk=pk)
    interval = device.heartbeat_interval()
    quiet_since = timezone.now() - timedelta(seconds=2 * interval)
    context = {
        "device": device,
        "heartbeat": _duration(interval),
        # The offline check's rule (alarms.selectors.devices_silent): two heartbeats missed.
        "silent": bool(device.online and device.last_seen and device.last_seen < quiet_since),
        # The device is in the user's scope, so its own reports and incidents are too.
        "events": list(device.events.order_by("-occurred_at", "-pk")[:RECENT]),
        "incidents": list(device.incidents.order_by("-opened_at", "-pk")[:10]),
        "may_register": user_may_register_devices(user=request.user),
    }
    return render(request, "alarms/setup/device_detail.html", context)


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    if seconds % 60 == 0:
        minutes = seconds // 60
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}


class DeviceCreateView(ServiceFormView):
    """Register a device. The site comes from the site file's link (?site=) or a search on this page.

    A search (a GET with ``q``) shows the page again with the fields typed so far, so nothing typed
    is lost; with htmx it answers only the list of sites found.
    """

    form_class = DeviceForm
    template_name = "alarms/setup/device_form.html"
    device = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _ensure_registrar(request.user)
            if "pk" in kwargs:
                self.device = device_get_for_user(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if _partial(request) and "q" in request.GET:
            # The site already chosen above the list is not offered twice.
            shown = request.GET.get("shown", "")
            context = {**self._site_search(), "shown": int(shown) if shown.isdigit() else None}
            return render(request, "alarms/setup/_site_choices.html", context)
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        initial = device_initial(self.device) if self.device else {}
        # A search, a site file's link or an unknown device's "Register" link carry the fields typed or known.
        for name in DeviceForm.base_fields:
            if self.request.GET.get(name):
                initial[name] = self.request.GET[name]
        return initial

    def _site_search(self) -> dict:
        text = self.request.GET.get("q", "").replace("\x00", "").strip()
        found = None
        if text:
            found = list(
                site_list(user=self.request.user).filter(site_search_q(text=text, user=self.request.user))[: SITE_CHOICES + 1]
            )
        return {"q": text, "found": found[:SITE_CHOICES] if found else found, "more": bool(found) and len(found) > SITE_CHOICES}

    def _chosen_site(self, form):
        value = form.data.get("site") if form.is_bound else form.initial.get("site")
        if not value:
            return None
        try:
            return site_list(user=self.request.user).filter(pk=int(value)).first()
        except (TypeError, ValueError):
            return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self._site_search())
        context["device"] = self.device
        context["chosen_site"] = self._chosen_site(context["form"])
        context["shown"] = context["chosen_site"].pk if context["chosen_site"] else None
        return context

    def perform(self, form):
        device = services.device_register(acting_user=self.request.user, data=form.cleaned_data, device=self.device)
        if self.device:
            messages.success(self.request, _("Device saved."))
        else:
            messages.success(self.request, _("Device %(device)s registered.") % {"device": device})
        return redirect("alarms:device-detail", pk=device.pk)


class DeviceEditView(DeviceCreateView):
    pass


class DeviceImportView(ServiceFormView):
    """Register devices from a spreadsheet: every bad row is listed, and nothing is saved while one is wrong."""

    form_class = DeviceImportForm
    template_name = "alarms/setup/device_import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _ensure_registrar(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if request.GET.get("template"):
            response = HttpResponse(device_import_template(), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="devices.csv"'
            return response
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "columns": services.DEVICE_IMPORT_COLUMNS,
            "required_columns": DEVICE_IMPORT_REQUIRED,
        }

    def perform(self, form):
        upload = form.cleaned_data["file"]
        result = devices_import_rows(acting_user=self.request.user, columns=upload["columns"], rows=upload["rows"])
        if result.errors:
            context = self.get_context_data(form=form, import_errors=result.errors, file_name=upload["name"])
            return self.render_to_response(context, status=400)
        messages.success(
            self.request,
            _("Devices registered: %(created)d; devices updated: %(updated)d.")
            % {"created": result.created, "updated": result.updated},
        )
        return redirect("alarms:device-list")


# --- Integrations ----------------------------------------------------------------------------------


def _unknown_devices(*, user, integration: Integration | None = None) -> list[dict]:
    """Unregistered devices that reported, one line each with how often and when last (newest first)."""
    events = unknown_device_events(user=user)
    if integration is not None:
        events = events.filter(integration=integration)
    return list(
        events.order_by()
        .values("integration_id", "integration__name", "platform_device_id")
        .annotate(
            count=Count("pk"),
            fire_alarms=Count("pk", filter=Q(type=EventType.FIRE_ALARM)),
            last=Max("received_at"),
        )
        .order_by("-last")[:RECENT]
    )


@login_required
def integration_list_page(request):
    _ensure_admin(request.user)
    context = {
        "integrations": list(integration_list(user=request.user).annotate(device_count=Count("devices"))),
        "unknown": _unknown_devices(user=request.user)[:10],
    }
    return render(request, "alarms/setup/integration_list.html", context)


class IntegrationCreateView(ServiceFormView):
    form_class = IntegrationForm
    template_name = "alarms/setup/integration_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _ensure_admin(request.user)
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        created = services.integration_create(acting_user=self.request.user, **form.cleaned_data)
        return _show_secret_once(self.request, created, _("Integration created."))


def _show_secret_once(request, shown, message: str):
    """Keep the new secret in the session for the next page only (Post/Redirect/Get), which takes it out."""
    request.session[SECRET_KEY] = {"integration": shown.integration.pk, "secret": shown.secret}
    messages.success(request, message)
    return redirect("alarms:integration-detail", pk=shown.integration.pk)


@never_cache
@login_required
def integration_detail(request, pk: int):
    """An integration: its ingest URL, its state, its latest deliveries and its unregistered devices.

    The secret is shown once, on the page right after it was made; a reload no longer shows it.
    """
    _ensure_admin(request.user)
    integration = integration_get_for_user(user=request.user, pk=pk)
    secret = None
    waiting = request.session.get(SECRET_KEY)
    if waiting and waiting.get("integration") == integration.pk:
        secret = request.session.pop(SECRET_KEY)["secret"]
    context = {
        "integration": integration,
        "secret": secret,
        "deliveries": list(delivery_list(user=request.user, integration=integration)[:RECENT]),
        "unknown": _unknown_devices(user=request.user, integration=integration),
        "rotate_form": IntegrationRotateForm(),
        "now": timezone.now(),
    }
    return render(request, "alarms/setup/integration_detail.html", context)


class IntegrationRotateView(ServiceFormView):
    form_class = IntegrationRotateForm
    template_name = "alarms/setup/integration_rotate.html"
    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _ensure_admin(request.user)
            self.integration = integration_get_for_user(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "integration": self.integration}

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def perform(self, form):
        rotated = services.integration_rotate(
            integration=self.integration, acting_user=self.request.user, secret=form.cleaned_data["secret"]
        )
        return _show_secret_once(
            self.request, rotated, _("New secret made. The old one keeps working for a day, so pushes in flight are not lost.")
        )


@login_required
@require_POST
def integration_active(request, pk: int):
    _ensure_admin(request.user)
    integration = integration_get_for_user(user=request.user, pk=pk)
    active = request.POST.get("active") == "1"
    services.integration_set_active(integration=integration, acting_user=request.user, active=active)
    messages.success(request, _("Integration activated.") if active else _("Integration deactivated: its pushes are refused."))
    return redirect("alarms:integration-detail", pk=integration.pk)


@login_required
def unknown_events_page(request):
    """Reports from devices nobody registered, newest first: each a device to register with its site."""
    _ensure_registrar(request.user)
    page = Paginator(unknown_device_events(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "query": "", "unknown": _unknown_devices(user=request.user)}
    return render(request, "alarms/setup/unknown_events.html", context)


# --- Device models ---------------------------------------------------------------------------------


@login_required
def device_model_list_page(request):
    _ensure_admin(request.user)
    models = device_model_list(user=request.user).annotate(device_count=Count("devices"))
    return render(request, "alarms/setup/device_model_list.html", {"models": models})


class DeviceModelCreateView(ServiceFormView):
    form_class = DeviceModelForm
    template_name = "alarms/setup/device_model_form.html"
    model = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _ensure_admin(request.user)
            if "pk" in kwargs:
                self.model = _device_model_get(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        if self.model is None:
            return {"rules": "[]", "heartbeat_seconds": 24 * 3600, "low_battery_percent": 20}
        initial = {name: getattr(self.model, name) for name in DeviceModelForm.base_fields}
        initial["rules"] = rules_text(self.model.rules)
        return initial

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "device_model": self.model, "event_types": EventType.choices}

    def perform(self, form):
        model = services.device_model_save(acting_user=self.request.user, data=form.cleaned_data, model=self.model)
        messages.success(self.request, _("Device model %(name)s saved.") % {"name": model.name})
        return redirect("alarms:device-model-list")


def rules_text(rules: list) -> str:
    """The rules as JSON, one rule a line with its stream, value and type in that order: read as a table."""
    ordered = [{key: rule[key] for key in ("stream", "value", "type") if key in rule} for rule in rules]
    lines = ",\n".join(f"  {json.dumps(rule, ensure_ascii=False)}" for rule in ordered)
    return f"[\n{lines}\n]" if ordered else "[]"


class DeviceModelEditView(DeviceModelCreateView):
    pass


def _device_model_get(user, pk: int):
    model = device_model_list(user=user).filter(pk=pk).first()
    if model is None:
        raise Http404(_("No such device model."))
    return model


# --- Notifiers -------------------------------------------------------------------------------------


@login_required
def notifier_list_page(request):
    """The notifiers with their health, failing ones first: staff see them, admins reset them."""
    _ensure_registrar(request.user)
    context = {"notifiers": list(notifier_list(user=request.user)), "is_admin": user_is_alarm_admin(user=request.user)}
    return render(request, "alarms/setup/notifier_list.html", context)


@login_required
@require_POST
def notifier_reset_view(request, pk: int):
    _ensure_admin(request.user)
    notifier = notifier_list(user=request.user).filter(pk=pk).first()
    if notifier is None:
        raise Http404(_("No such notifier."))
    services.notifier_reset(notifier=notifier, acting_user=request.user)
    messages.success(request, _("%(name)s: the failures are cleared.") % {"name": notifier.name})
    return redirect(reverse("alarms:notifier-list"))
