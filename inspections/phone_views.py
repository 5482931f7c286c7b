"""The grid worker's inspection pages on the phone: "my tasks", the checklist of a site, and the
service worker that keeps both working without network.

The pages are shells the phone's script (static/js/inspection.js) fills: the checklist comes
embedded in the page (json_script) or, with no network, from what the browser kept. Nothing
here writes: an inspection reaches the server through POST /api/inspections/ (inspections.api).
"""

import hashlib

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from enterprises.selectors import site_get_for_user
from riskplatform.exceptions import ApplicationError

from .models import Inspection
from .schedules import inspection_task_list
from .selectors import campaign_list, checklist_for_site, ensure_inspector

# The Cache Storage that keeps checklists for inspections without network (the page and /sw.js share it).
CHECKLIST_CACHE = "inspection-checklists"
# The inspection's id in a URL pattern, replaced by the phone's script.
SAMPLE_ID = "00000000-0000-0000-0000-000000000000"


def _plural(translate) -> dict:
    """Both forms of a message with %(count)s, for the script to pick (Chinese has one).

    ``translate(n)`` calls ngettext with the literal messages, so that makemessages finds them."""
    return {"one": translate(1), "other": translate(2)}


def phone_strings() -> dict:
    """Every sentence the phone's script shows, in the user's language.

    The verdict sentences are regulations.selectors.judge's own, so the phone says what the
    record will say.
    """
    return {
        "waiting": _plural(
            lambda n: ngettext("%(count)s inspection waiting to send", "%(count)s inspections waiting to send", n)
        ),
        "failing": _plural(lambda n: ngettext("%(count)s item fails", "%(count)s items fail", n)),
        "missing": _plural(
            lambda n: ngettext(
                "%(count)s item still needs an answer, or not applicable with a reason.",
                "%(count)s items still need an answer, or not applicable with a reason.",
                n,
            )
        ),
        "progress": _("%(answered)s of %(total)s answered"),
        "draft": _("Started on this phone: %(answered)s of %(total)s answered"),
        "kept": _("%(count)s of %(total)s checklists kept on this phone for inspecting without network."),
        "sent_at": _("sent %(when)s"),
        "deadline": _("Deadline %(date)s"),
        "kinds": dict(Inspection.Kind.choices),
        "states": {
            "queued": _("Waiting for the network"),
            "auth": _("Sign in again to send it"),
            "refused": _("Not accepted: open it, correct it and submit again"),
        },
        "fix": _("Open and correct"),
        "sign_in": _("Sign in"),
        "verdicts": {"pass": _("Passes"), "fail": _("Fails"), "not_applicable": _("Not applicable")},
        "yes": _("Yes"),
        "no": _("No"),
        "yes_lower": _("yes"),
        "no_lower": _("no"),
        "reasons": {
            "yes_no_pass": _("%(answer)s, as required (%(citation)s)"),
            "yes_no_fail": _("%(answer)s, but %(required)s is required (%(citation)s)"),
            "min_pass": _("%(answer)s ≥ %(threshold)s required (%(citation)s)"),
            "min_fail": _("%(answer)s < %(threshold)s required (%(citation)s)"),
            "max_pass": _("%(answer)s ≤ %(threshold)s allowed (%(citation)s)"),
            "max_fail": _("%(answer)s > %(threshold)s allowed (%(citation)s)"),
            "choice_pass": _("%(answer)s is acceptable (%(citation)s)"),
            "choice_fail": _("%(answer)s is not acceptable; acceptable: %(allowed)s (%(citation)s)"),
            "fixed": _("Fixed, as found on re-inspection (%(citation)s)"),
            "not_fixed": _("Not fixed on re-inspection (%(citation)s)"),
        },
        "fixed": _("Fixed"),
        "not_fixed": _("Not fixed"),
        "whole_number": _("Answer a whole number of 0 or more."),
        "number": _("Answer a number of 0 or more."),
        "reason_needed": _("Say why it does not apply."),
        "evidence_needed": _("Add at least one photo of the fix as evidence."),
        "signer_needed": _("Write the name of the person who signed."),
        "photo_unreadable": _("%(name)s could not be read as a picture."),
        "photo_alt": _("Photo"),
        "remove_photo": _("Remove this photo"),
        "no_site": _("Choose a site from my tasks or my grid to inspect it."),
        "no_checklist": _("The checklist of this site could not be loaded."),
        "no_checklist_offline": _(
            "This site's checklist is not on this phone yet: open it, or my tasks, once while there is network."
        ),
        "saved_on_phone": _("Saved on this phone. It is sent by itself as soon as there is network."),
        "sent": _("Sent: the inspection is on record."),
        "discard_confirm": _("Discard this inspection's answers and photos on this phone?"),
    }


def phone_config(request, *, page: str) -> dict:
    """What the phone's script needs: who is signed in, the addresses it calls, its sentences."""
    return {
        "page": page,
        "user": request.user.pk,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "csrf_token": get_token(request),
        "checklist_cache": CHECKLIST_CACHE,
        "urls": {
            "sw": reverse("service-worker"),
            "tasks": reverse("inspections-phone:tasks"),
            "new": reverse("inspections-phone:new"),
            "login": reverse("login"),
            "checklist": reverse("inspection-checklist"),
            "inspections": reverse("inspection-list"),
            "photos": reverse("photo-list"),
            "record": f"/inspections/{SAMPLE_ID}/",
        },
        "strings": phone_strings(),
    }


def _positive_int(value: str | None, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        message = _("Choose one from the list.")
        raise ApplicationError(message, field_errors={field: [message]})
    return number


@login_required
@require_GET
def inspection_new(request):
    """The checklist page. With ``site`` it carries the site's checklist; without, it is the shell
    the service worker keeps and fills, with no network, from the checklists the phone kept."""
    ensure_inspector(user=request.user)
    checklist = None
    site_id = _positive_int(request.GET.get("site"), "site")
    if site_id is not None:
        kind = request.GET.get("kind") or Inspection.Kind.ROUTINE
        if kind not in Inspection.Kind.values:
            message = _("Choose routine, reinspection or campaign.")
            raise ApplicationError(message, field_errors={"kind": [message]})
        site = site_get_for_user(user=request.user, pk=site_id)
        campaign = None
        campaign_id = _positive_int(request.GET.get("campaign"), "campaign")
        if campaign_id is not None:
            campaign = campaign_list(user=request.user).filter(pk=campaign_id).first()
            if campaign is None:
                message = _("No such campaign.")
                raise ApplicationError(message, field_errors={"campaign": [message]})
        checklist = checklist_for_site(site=site, user=request.user, kind=kind, campaign=campaign).as_dict()
    context = {"checklist": checklist, "config": phone_config(request, page="checklist")}
    return _render(request, "inspections/checklist.html", context)


def _render(request, template: str, context: dict) -> HttpResponse:
    response = HttpResponse(render_to_string(template, context, request=request))
    # The service worker keeps its own copy for use without network; the browser's cache keeps none.
    response["Cache-Control"] = "no-cache, private"
    return response


@never_cache
@require_GET
def service_worker(request):
    """/sw.js, from the site's root so that it may serve every inspection page.

    Its text names the hashed static files it keeps, so a release that changes any of them
    changes the worker, and browsers install the new one (and drop the old caches).
    """
    body = render_to_string("inspections/sw.js", {"checklist_cache": CHECKLIST_CACHE}, request=request)
    version = hashlib.sha256(body.encode()).hexdigest()[:12]
    response = HttpResponse(body.replace("__SW_VERSION__", version), content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@login_required
@require_GET
def inspection_tasks(request):
    """My tasks: the sites due or overdue for inspection and those awaiting re-inspection, most urgent first.

    Opened with network, the page also keeps every listed site's checklist on the phone, so
    that any of them can be inspected without network.
    """
    ensure_inspector(user=request.user)
    tasks = inspection_task_list(user=request.user)
    context = {"tasks": tasks, "config": phone_config(request, page="tasks")}
    return _render(request, "inspections/tasks.html", context)
