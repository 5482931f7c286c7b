"""Every page and API endpoint, visited as each persona: nobody gets what is not theirs.

One table (``TABLE``) names every URL pattern of the root resolver (the apps' urls and the API's
routers). For each it says how to build its arguments for area A's object (tests/security/world.py,
seeded once for the module), who gets the page (``ok``, answered ``status``), and, for a write,
who may send it. Everyone else must be turned away:

- anonymous: a page redirects to the login page; the API answers 401 (or 403);
- signed in: 403 (the role may not) or 404 (the object is outside their scope).

On top of the status, nothing of area A may reach an outsider: its site's name and phone numbers,
its hazard, document, campaign, detector, station and notifier (world.AREA_MARKERS) must not be in
any answer an outsider gets (an HTML page, JSON, an SVG or a spreadsheet), even a list they may
open, even filtered on area A's grid or site. A list entry says who must find area A's site in it
(``shows``), so that the absence for the others means something.

A write (``write``) sent by someone who may not is refused with 403/404 and leaves the audit log as
it was; with a complete input (``data``) the same write from those who may goes through, so the
refusal is the scope's or the role's, not the input's.

A new URL pattern without an entry fails ``test_every_url_pattern_has_an_entry``. Add it to
``TABLE`` (rather than to ``EXCLUDED``), e.g. a page of one hazard that its area's people read and
an export of the hazards every signed-in user may download, filtered to their scope::

    "hazards:hazard-history": Entry(AREA, kwargs=pk_of("hazard"), shows=AREA),
    "hazards:hazard-export": Entry(SIGNED_IN, shows=AREA),

The world may need an object the page names: add it in tests/security/world.py, through the services.
"""

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from alarms import ingest
from dashboards.models import SafetyReport
from inspections.selectors import checklist_for_site
from tests.factories import credit_code
from tests.files.pictures import evidence_jpeg, upload
from tests.inspections.conftest import answers_for, body
from tests.security.world import AREA_MARKERS, PERSONAS, SITE_NAME, World, build_world, png_bytes

pytestmark = pytest.mark.django_db

SIGNED_IN = frozenset(PERSONAS) - {"anonymous"}
EVERYONE = frozenset(PERSONAS)
# Whose scope holds area A: its grid worker, its street's staff, the station covering it, an admin.
AREA = frozenset({"grid_worker", "staff", "operator", "admin"})
# Who must never see anything of area A.
OUTSIDERS = frozenset({"anonymous", "other_grid_worker", "other_staff", "other_operator"})
# Those who maintain area A's registry and hazards (the street office).
OFFICE = frozenset({"staff", "admin"})
# Office roles, whatever their street: pages of their own street's work.
OFFICES = frozenset({"staff", "other_staff", "admin"})
# Those who inspect and record hazards at area A's site.
FIELD = frozenset({"grid_worker", "staff", "admin"})
INSPECTORS = frozenset({"grid_worker", "other_grid_worker", "staff", "other_staff", "admin"})
CONSOLES = frozenset({"staff", "other_staff", "operator", "other_operator", "admin"})
ADMIN = frozenset({"admin"})
# Who may take a step of area A's incident: the station called to it, the street's staff, admins.
RESPONDERS = frozenset({"operator", "staff", "admin"})

# Patterns left out of the table, each for a reason.
EXCLUDED_NAMESPACES = {
    # Django's admin keeps its own permissions (is_staff and model permissions, scoped in each
    # ModelAdmin: tests/accounts/test_admin_scope.py); test_the_admin_turns_away_everyone_but_staff
    # below checks that nobody else gets in.
    "admin",
}
EXCLUDED = {
    # Carrier platforms push here with a signature, not a user (tests/alarms/test_ingest.py).
    "alarm-ingest",
}
# Not URL patterns at all, answered before the resolver: /healthz, /readyz, /metrics
# (riskplatform.operations, tests/test_operations.py) and static files (WhiteNoise).


@dataclass(frozen=True)
class Write:
    """A write to check: sent by anyone outside ``ok``, it must be refused and write nothing."""

    ok: frozenset
    method: str = "post"
    # A complete, valid input: those in ``ok`` succeed with it (test_write_allowed), so a refusal
    # of the others is the scope's or the role's, not the input's. None: an empty body, refused only.
    data: Callable[[World], dict] | None = None
    json: bool = False
    # Who may use the form but names area A's object as one of its choices: the form's errors
    # answer them (200 or 400), and still nothing is written.
    invalid: frozenset = frozenset()
    # How many records of writes there are: the audit log's entries, or the rows of a model that
    # is its own record and not audited (a safety report names who asked for it, and when).
    records: Callable[[], int] = lambda: LogEntry.objects.count()


@dataclass(frozen=True)
class Entry:
    ok: frozenset  # who gets ``status`` to a GET
    status: int | dict[str, int] = 200  # or the status of each of them
    kwargs: Callable[[World], dict] = lambda w: {}
    query: Callable[[World], dict] = lambda w: {}
    shows: frozenset = frozenset()  # who must find area A's site in the answer (a list)
    write: Write | None = None


def site(w):
    return {"pk": w.site.pk}


def grid_unit(w):
    return {"level": "grid", "pk": w.grid.pk}


def pk_of(obj):
    return lambda w: {"pk": getattr(w, obj).pk}


def post_site(**overrides):
    """A complete site file placed in area A's grid, as a form or the API sends it."""

    def data(w):
        return {
            "name": "越权新建",
            "category": w.site.category_id,
            "grid": w.grid.pk,
            "address": "甲街道2号",
            "responsible_person": "李四",
            "responsible_phone": "13900000000",
            "extinguisher_count": 2,
            "hydrant_count": 0,
            "exit_count": 1,
            "status": "operating",
            "credit_code": credit_code(9001),
            **{key: value(w) if callable(value) else value for key, value in overrides.items()},
        }

    return data


def campaign(w):
    today = w.campaign.starts_on
    return {
        "name": "越权专项",
        "starts_on": today.isoformat(),
        "ends_on": w.campaign.ends_on.isoformat(),
        "items": [w.checklist_item.pk],
        "sites": [w.site.pk],
    }


def report(w):
    return {"unit": f"street-{w.street.pk}", "year": w.report.year, "format": "xlsx"}


def device(w):
    return {
        "integration": w.integration.pk,
        "platform_device_id": "7700999",
        "model": w.device_model.pk,
        "site": w.site.pk,
        "room": "越权",
        "status": "active",
    }


def inspection(w):
    """A passing inspection of area A's site, as the phone sends it."""
    return body(w.site, answers_for(checklist_for_site(site=w.site, user=w.people["grid_worker"]).versions))


def png_upload():
    return SimpleUploadedFile("平面图.png", png_bytes(), content_type="image/png")


TABLE: dict[str, Entry] = {
    # --- Signing in, notifications, languages ------------------------------------------------------------
    "home": Entry(SIGNED_IN, 302),
    # Someone signed in already is sent on to their start page.
    "login": Entry(EVERYONE, {"anonymous": 200, **dict.fromkeys(SIGNED_IN, 302)}),
    "login-otp": Entry(EVERYONE, 302),
    # The optional second step is offered to staff and admins, who reach a whole street's records.
    "two-factor": Entry(OFFICES),
    "boundary-import": Entry(OFFICES, write=Write(OFFICES)),
    "logout": Entry(EVERYONE, 405),
    "notifications": Entry(SIGNED_IN),
    "notifications-read": Entry(SIGNED_IN, 405),
    "notification-open": Entry(frozenset({"grid_worker"}), 302, kwargs=pk_of("notification")),
    "set_language": Entry(EVERYONE, 302),
    "javascript-catalog": Entry(EVERYONE),
    "service-worker": Entry(EVERYONE),
    # The API's description is public, as one reads it before asking for a token; it holds no data.
    "api-schema": Entry(EVERYONE),
    "api-docs": Entry(EVERYONE),
    # --- The site file and the overview (dashboards) ------------------------------------------------------
    "dashboards:site-file": Entry(AREA, kwargs=site, shows=AREA),
    "dashboards:overview": Entry(SIGNED_IN),
    # A grid worker of another grid of street A may open the street and the community, with their own figures.
    "dashboards:overview-street": Entry(AREA | {"other_grid_worker"}, kwargs=lambda w: {"pk": w.street.pk}),
    "dashboards:overview-community": Entry(AREA | {"other_grid_worker"}, kwargs=lambda w: {"pk": w.community.pk}),
    "dashboards:overview-grid": Entry(AREA, kwargs=lambda w: {"pk": w.grid.pk}, shows=AREA),
    "dashboards:trends": Entry(SIGNED_IN),
    "dashboards:trends-street": Entry(AREA | {"other_grid_worker"}, kwargs=lambda w: {"pk": w.street.pk}),
    "dashboards:trends-community": Entry(AREA | {"other_grid_worker"}, kwargs=lambda w: {"pk": w.community.pk}),
    "dashboards:trends-grid": Entry(AREA, kwargs=lambda w: {"pk": w.grid.pk}),
    # The map and the wall screen: the overview's scopes, with area A's sites and incidents on them.
    "dashboards:map": Entry(SIGNED_IN),
    "dashboards:map-data": Entry(SIGNED_IN, shows=AREA),
    "dashboards:map-unit": Entry(AREA, kwargs=grid_unit),
    "dashboards:map-unit-data": Entry(AREA, kwargs=grid_unit, shows=AREA),
    "dashboards:wall": Entry(SIGNED_IN),
    "dashboards:wall-panels": Entry(SIGNED_IN, shows=AREA),
    "dashboards:wall-unit": Entry(AREA, kwargs=grid_unit),
    "dashboards:wall-unit-panels": Entry(AREA, kwargs=grid_unit, shows=AREA),
    # The audit log spans every street: administrators only.
    "dashboards:audit-log": Entry(ADMIN, shows=ADMIN),
    "dashboards:audit-export": Entry(ADMIN, shows=ADMIN),
    "dashboards:reports": Entry(
        OFFICES, write=Write(OFFICE, data=report, invalid={"other_staff"}, records=lambda: SafetyReport.objects.count())
    ),
    "dashboards:report-row": Entry(OFFICE, kwargs=pk_of("report")),
    "dashboards:report-download": Entry(OFFICE, kwargs=pk_of("report")),
    # --- One's exports of long lists (files): the requester's alone ---------------------------------------
    "files:list-exports": Entry(SIGNED_IN),
    "files:list-export-row": Entry(frozenset({"staff"}), kwargs=pk_of("list_export")),
    "files:list-export-download": Entry(frozenset({"staff"}), kwargs=pk_of("list_export")),
    # --- The registry (enterprises) ------------------------------------------------------------------------
    "enterprises:site-list": Entry(SIGNED_IN, shows=AREA),
    "enterprises:my-grid": Entry(SIGNED_IN, shows=AREA),
    "enterprises:site-create": Entry(OFFICES, write=Write(OFFICE, data=post_site(), invalid={"other_staff"})),
    "enterprises:site-by-tag": Entry(AREA, 302, kwargs=lambda w: {"token": w.site.qr_token}),
    "enterprises:qr-sheet": Entry(AREA, query=lambda w: {"grid": w.grid.pk}, shows=AREA),
    "enterprises:site-export": Entry(SIGNED_IN, shows=AREA),
    "enterprises:site-import": Entry(OFFICES, write=Write(OFFICES)),
    "enterprises:site-import-preview": Entry(OFFICE, kwargs=pk_of("site_import")),
    "enterprises:site-import-commit": Entry(SIGNED_IN, 405, kwargs=pk_of("site_import"), write=Write(OFFICE)),
    "enterprises:site-import-progress": Entry(OFFICE, kwargs=pk_of("site_import")),
    "enterprises:site-edit": Entry(
        OFFICE,
        kwargs=site,
        shows=OFFICE,
        write=Write(OFFICE, data=post_site(name="越权改名", credit_code=lambda w: w.site.credit_code)),
    ),
    "enterprises:site-qr": Entry(AREA, kwargs=site, shows=AREA),
    "enterprises:site-qr-svg": Entry(AREA, kwargs=site, shows=AREA),
    "enterprises:site-document-upload": Entry(
        OFFICE, 405, kwargs=site, write=Write(OFFICE, data=lambda w: {"kind": "other", "file": png_upload()})
    ),
    "enterprises:site-document-download": Entry(AREA, kwargs=lambda w: {"pk": w.site.pk, "document_pk": w.document.pk}),
    "enterprises:site-document-delete": Entry(
        SIGNED_IN, 405, kwargs=lambda w: {"pk": w.site.pk, "document_pk": w.document.pk}, write=Write(OFFICE)
    ),
    # --- The regulation library: everyone reads it, admins keep it ------------------------------------------
    "regulations:index": Entry(SIGNED_IN),
    "regulations:item-create": Entry(ADMIN, write=Write(ADMIN)),
    "regulations:item-detail": Entry(SIGNED_IN, kwargs=pk_of("checklist_item")),
    "regulations:item-revise": Entry(ADMIN, kwargs=pk_of("checklist_item"), write=Write(ADMIN)),
    "regulations:item-retire": Entry(SIGNED_IN, 405, kwargs=pk_of("checklist_item"), write=Write(ADMIN)),
    "regulations:item-restore": Entry(SIGNED_IN, 405, kwargs=pk_of("checklist_item"), write=Write(ADMIN)),
    "regulations:basis-list": Entry(SIGNED_IN),
    "regulations:basis-create": Entry(ADMIN, write=Write(ADMIN)),
    "regulations:basis-detail": Entry(SIGNED_IN, kwargs=pk_of("basis")),
    "regulations:basis-edit": Entry(ADMIN, kwargs=pk_of("basis"), write=Write(ADMIN)),
    "regulations:clause-create": Entry(ADMIN, kwargs=pk_of("basis"), write=Write(ADMIN)),
    "regulations:clause-edit": Entry(ADMIN, kwargs=pk_of("clause"), write=Write(ADMIN)),
    "regulations:clause-options": Entry(SIGNED_IN),
    "regulations:risk-factor-list": Entry(SIGNED_IN),
    "regulations:risk-factor-create": Entry(ADMIN, write=Write(ADMIN)),
    "regulations:risk-factor-edit": Entry(ADMIN, kwargs=pk_of("risk_factor"), write=Write(ADMIN)),
    # --- Hazards and risk ------------------------------------------------------------------------------------
    "hazards:hazard-list": Entry(SIGNED_IN, shows=AREA),
    "hazards:hazard-export": Entry(SIGNED_IN, shows=AREA),
    "hazards:hazard-raise": Entry(
        FIELD,
        query=lambda w: {"site": w.site.pk},
        shows=FIELD,
        write=Write(FIELD, data=lambda w: {"site": w.site.pk, "description": "越权记录", "level": "general"}),
    ),
    "hazards:statistics": Entry(SIGNED_IN),
    "hazards:risk-rules": Entry(SIGNED_IN),
    "hazards:notice-pdf": Entry(AREA, kwargs=pk_of("notice")),
    "hazards:factor-add": Entry(
        SIGNED_IN,
        405,
        kwargs=lambda w: {"site_pk": w.site.pk},
        write=Write(
            OFFICE, data=lambda w: {"name": "越权", "likelihood": "3", "exposure": "6", "consequence": "7", "reason": "x"}
        ),
    ),
    "hazards:factor-change": Entry(
        SIGNED_IN,
        405,
        kwargs=lambda w: {"pk": w.factor.pk, "action": "remove"},
        write=Write(OFFICE, data=lambda w: {"reason": "x"}),
    ),
    "hazards:hazard-detail": Entry(AREA, kwargs=pk_of("hazard"), shows=AREA),
    "hazards:hazard-photo": Entry(AREA, kwargs=lambda w: {"pk": w.hazard.pk, "photo": w.hazard_photo.pk}),
    # The hazard is notified: rectifying it is the field's step.
    "hazards:hazard-step": Entry(
        FIELD,
        405,
        kwargs=lambda w: {"pk": w.hazard.pk, "step": "rectify"},
        write=Write(FIELD, data=lambda w: {"rectify-note": "x", "rectify-photos": upload(evidence_jpeg())}),
    ),
    # --- Inspections -----------------------------------------------------------------------------------------
    "inspections:inspection-list": Entry(SIGNED_IN, shows=AREA),
    "inspections:inspection-export": Entry(SIGNED_IN, shows=AREA),
    "inspections:coverage": Entry(OFFICES),
    "inspections:coverage-sites": Entry(OFFICES),
    "inspections:campaign-list": Entry(OFFICES),
    "inspections:campaign-create": Entry(OFFICES, write=Write(OFFICE, data=campaign, invalid={"other_staff"})),
    "inspections:campaign-edit": Entry(OFFICE, kwargs=pk_of("campaign"), write=Write(OFFICE, data=campaign)),
    "inspections:campaign-close": Entry(SIGNED_IN, 405, kwargs=pk_of("campaign"), write=Write(OFFICE)),
    "inspections:inspection-detail": Entry(AREA, kwargs=pk_of("inspection"), shows=AREA),
    "inspections:inspection-pdf": Entry(AREA, kwargs=pk_of("inspection")),
    "inspections:inspection-photo": Entry(AREA, kwargs=lambda w: {"pk": w.inspection.pk, "photo": w.inspection_photo.pk}),
    "inspections-phone:tasks": Entry(INSPECTORS),
    "inspections-phone:new": Entry(FIELD, query=lambda w: {"site": w.site.pk}, shows=FIELD),
    # --- Alarms: the console, incidents, devices and their setup ---------------------------------------------------
    "alarms:console": Entry(CONSOLES, shows=RESPONDERS),
    "alarms:console-cards": Entry(CONSOLES, shows=RESPONDERS),
    "alarms:incident-list": Entry(SIGNED_IN, shows=AREA),
    "alarms:incident-detail": Entry(AREA, kwargs=pk_of("incident"), shows=AREA),
    "alarms:incident-card": Entry(AREA, kwargs=pk_of("incident"), shows=AREA),
    # Confirming needs a verdict: someone who may not act is refused before the form is read.
    "alarms:incident-step": Entry(
        RESPONDERS, 405, kwargs=lambda w: {"pk": w.incident.pk, "step": "confirm"}, write=Write(RESPONDERS)
    ),
    "alarms:device-list": Entry(SIGNED_IN, shows=AREA),
    "alarms:device-export": Entry(SIGNED_IN, shows=AREA),
    "alarms:incident-export": Entry(SIGNED_IN, shows=AREA),
    "alarms:device-create": Entry(OFFICES, write=Write(OFFICE, data=device, invalid={"other_staff"})),
    "alarms:device-import": Entry(OFFICES, write=Write(OFFICES)),
    "alarms:device-detail": Entry(AREA, kwargs=pk_of("device"), shows=AREA),
    "alarms:device-edit": Entry(OFFICE, kwargs=pk_of("device"), shows=OFFICE, write=Write(OFFICE, data=device)),
    "alarms:integration-list": Entry(ADMIN),
    "alarms:integration-create": Entry(ADMIN, write=Write(ADMIN)),
    "alarms:integration-detail": Entry(ADMIN, kwargs=pk_of("integration")),
    "alarms:integration-rotate": Entry(ADMIN, 405, kwargs=pk_of("integration"), write=Write(ADMIN)),
    "alarms:integration-active": Entry(SIGNED_IN, 405, kwargs=pk_of("integration"), write=Write(ADMIN)),
    "alarms:unknown-events": Entry(OFFICES),
    "alarms:device-model-list": Entry(ADMIN),
    "alarms:device-model-create": Entry(ADMIN, write=Write(ADMIN)),
    "alarms:device-model-edit": Entry(ADMIN, kwargs=pk_of("device_model"), write=Write(ADMIN)),
    "alarms:notifier-list": Entry(OFFICES),
    "alarms:notifier-reset": Entry(SIGNED_IN, 405, kwargs=pk_of("notifier"), write=Write(ADMIN)),
    # --- The API: the territory and tokens ---------------------------------------------------------------------
    "street-list": Entry(SIGNED_IN),
    "street-detail": Entry(AREA | {"other_grid_worker"}, kwargs=lambda w: {"pk": w.street.pk}),
    "community-list": Entry(SIGNED_IN),
    "community-detail": Entry(AREA | {"other_grid_worker"}, kwargs=lambda w: {"pk": w.community.pk}),
    "grid-list": Entry(SIGNED_IN),
    "grid-detail": Entry(AREA, kwargs=lambda w: {"pk": w.grid.pk}),
    "station-list": Entry(SIGNED_IN),
    "station-detail": Entry(AREA, kwargs=lambda w: {"pk": w.station.pk}),
    "auth-token-list": Entry(EVERYONE, 405),
    # --- The API: alarms --------------------------------------------------------------------------------------
    "alarm-device-list": Entry(SIGNED_IN, shows=AREA),
    "alarm-device-detail": Entry(
        AREA, kwargs=pk_of("device"), write=Write(OFFICE, method="patch", data=lambda w: {"room": "越权"}, json=True)
    ),
    "alarm-incident-list": Entry(SIGNED_IN, shows=AREA),
    "alarm-incident-detail": Entry(AREA, kwargs=pk_of("incident"), shows=AREA),
    "alarm-incident-acknowledge": Entry(SIGNED_IN, 405, kwargs=pk_of("incident"), write=Write(RESPONDERS, json=True)),
    "alarm-incident-confirm": Entry(SIGNED_IN, 405, kwargs=pk_of("incident"), write=Write(RESPONDERS, json=True)),
    "alarm-incident-dispatch-team": Entry(SIGNED_IN, 405, kwargs=pk_of("incident"), write=Write(RESPONDERS, json=True)),
    "alarm-incident-on-scene": Entry(SIGNED_IN, 405, kwargs=pk_of("incident"), write=Write(RESPONDERS, json=True)),
    "alarm-incident-resolve": Entry(SIGNED_IN, 405, kwargs=pk_of("incident"), write=Write(RESPONDERS, json=True)),
    "alarm-integration-list": Entry(SIGNED_IN, write=Write(ADMIN, json=True)),
    "alarm-integration-detail": Entry(ADMIN, kwargs=pk_of("integration")),
    "alarm-integration-rotate": Entry(SIGNED_IN, 405, kwargs=pk_of("integration"), write=Write(ADMIN, json=True)),
    # --- The API: the registry, photos, hazards, inspections, the library ---------------------------------------------
    "category-list": Entry(SIGNED_IN),
    "category-detail": Entry(SIGNED_IN, kwargs=lambda w: {"pk": w.site.category_id}),
    "site-list": Entry(SIGNED_IN, shows=AREA, write=Write(OFFICE, data=post_site(), json=True, invalid={"other_staff"})),
    "site-detail": Entry(
        AREA, kwargs=site, shows=AREA, write=Write(OFFICE, method="patch", data=lambda w: {"name": "越权改名"}, json=True)
    ),
    "photo-list": Entry(SIGNED_IN, 405),
    "hazard-list": Entry(
        SIGNED_IN,
        shows=AREA,
        write=Write(FIELD, data=lambda w: {"site": w.site.pk, "description": "越权"}, json=True),
    ),
    "hazard-detail": Entry(AREA, kwargs=pk_of("hazard"), shows=AREA),
    "hazard-close-on-spot": Entry(SIGNED_IN, 405, kwargs=pk_of("hazard"), write=Write(FIELD, json=True)),
    "hazard-close-out": Entry(SIGNED_IN, 405, kwargs=pk_of("hazard"), write=Write(OFFICE, json=True)),
    "hazard-notify": Entry(SIGNED_IN, 405, kwargs=pk_of("hazard"), write=Write(OFFICE, json=True)),
    "hazard-plan": Entry(SIGNED_IN, 405, kwargs=pk_of("hazard"), write=Write(OFFICE, json=True)),
    "hazard-rectify": Entry(SIGNED_IN, 405, kwargs=pk_of("hazard"), write=Write(FIELD, json=True)),
    "hazard-review": Entry(SIGNED_IN, 405, kwargs=pk_of("hazard"), write=Write(FIELD, json=True)),
    "hazard-supervise": Entry(SIGNED_IN, 405, kwargs=pk_of("hazard"), write=Write(OFFICE, json=True)),
    "inspection-list": Entry(SIGNED_IN, shows=AREA, write=Write(FIELD, data=inspection, json=True)),
    "inspection-checklist": Entry(FIELD, query=lambda w: {"site": w.site.pk}, shows=FIELD),
    "inspection-tasks": Entry(INSPECTORS),
    "inspection-detail": Entry(AREA, kwargs=pk_of("inspection"), shows=AREA),
    "legal-basis-list": Entry(SIGNED_IN),
    "legal-basis-detail": Entry(SIGNED_IN, kwargs=pk_of("basis")),
    "checklist-item-list": Entry(SIGNED_IN),
    "checklist-item-detail": Entry(SIGNED_IN, kwargs=pk_of("checklist_item")),
    "risk-factor-list": Entry(SIGNED_IN),
    "risk-factor-detail": Entry(SIGNED_IN, kwargs=pk_of("risk_factor")),
}


# --- The patterns of the root resolver ------------------------------------------------------------------------


def url_patterns(patterns=None, namespace: str = "", route: str = ""):
    """Every pattern with its full name ("app:name") and route, through include()s and routers."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from url_patterns(pattern.url_patterns, inner, route + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name, namespace, route + str(pattern.pattern)


def checked_patterns() -> dict[str, str]:
    """The patterns the table must cover: name (or route, for an unnamed one) -> route."""
    found = {}
    for name, namespace, route in url_patterns():
        if namespace.split(":")[0] in EXCLUDED_NAMESPACES or name in EXCLUDED:
            continue
        found[name or route] = route
    return found


def test_every_url_pattern_has_an_entry():
    patterns = checked_patterns()
    missing = sorted(f"{key}  ({route})" for key, route in patterns.items() if key not in TABLE)
    assert not missing, (
        "These URL patterns have no entry in tests/security/test_scope_matrix.py TABLE; add one saying how to "
        "build their arguments for area A and who may see them:\n  " + "\n  ".join(missing)
    )
    stale = sorted(set(TABLE) - set(patterns))
    assert not stale, f"TABLE names patterns that no longer exist: {stale}"


# --- Visiting them -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Area A, made once for the module in a transaction rolled back at its end; each test runs in a savepoint."""
    folder = tmp_path_factory.mktemp("scope-matrix")
    with override_settings(MEDIA_ROOT=folder / "media", ALARM_SPOOL_DIR=folder / "spool"), django_db_blocker.unblock():
        with transaction.atomic():
            built = build_world()
            yield built
            transaction.set_rollback(True)
        ingest.integrations.clear()
        ingest.rate_limiter.clear()


def url_of(name: str, entry: Entry, world: World) -> str:
    url = reverse(name, kwargs=entry.kwargs(world))
    query = entry.query(world)
    if query:
        url = f"{url}?{urlencode(query)}"
    return url


def is_api(url: str) -> bool:
    return url.startswith("/api/")


def text_of(response) -> str:
    """What a reader finds in the answer: the text of a page, JSON, SVG or CSV, or a spreadsheet's cells."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        workbook = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(value) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for value in row if value
        )
    if kind.startswith(("text/", "application/json", "image/svg", "application/javascript")):
        text = content.decode("utf-8", errors="replace")
        if "json" in kind:
            # The JSON renderer escapes nothing, but a client might have asked for ASCII.
            text += json.dumps(json.loads(content or b"null"), ensure_ascii=False) if content else ""
        return text
    return ""  # a photo or a PDF: its status and its scope are what count


def sign_in(client, world: World, persona: str):
    user = world.people[persona]
    if user is not None:
        client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def assert_turned_away(response, url: str, persona: str, what: str) -> None:
    if persona == "anonymous":
        if is_api(url):
            assert response.status_code in (401, 403), f"{what}: anonymous got {response.status_code}"
        else:
            assert response.status_code == 302, f"{what}: anonymous got {response.status_code}"
            assert response["Location"].startswith(reverse("login") + "?next="), f"{what}: sent to {response['Location']}"
    else:
        assert response.status_code in (403, 404), f"{what}: {persona} got {response.status_code}"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(TABLE))
def test_get(client, world, name, persona):
    entry = TABLE[name]
    url = url_of(name, entry, world)
    response = sign_in(client, world, persona).get(url)
    what = f"GET {url} ({name})"
    if persona in entry.ok:
        status = entry.status[persona] if isinstance(entry.status, dict) else entry.status
        assert response.status_code == status, f"{what}: {persona} got {response.status_code}, not {status}"
    else:
        assert_turned_away(response, url, persona, what)
    text = text_of(response)
    if persona in OUTSIDERS:
        leaked = [marker for marker in AREA_MARKERS if marker in text]
        assert not leaked, f"{what}: {persona} was shown area A's {leaked}"
    if persona in entry.shows:
        assert SITE_NAME in text, f"{what}: {persona} should find area A's site here"


# Filters naming area A's objects, as an outsider could type them into a list's address.
FILTERS = {
    "grid": lambda w: w.grid.pk,
    "community": lambda w: w.community.pk,
    "street": lambda w: w.street.pk,
    "site": lambda w: w.site.pk,
    "station": lambda w: w.station.pk,
    # Part of the name and of the phone number, which a search box shows again as typed.
    "q": lambda w: w.site.name[:3],
    "phone": lambda w: w.site.responsible_phone[:7],
}
# The lists: pages and endpoints that show area A's site to its people and take no object in their path.
LISTS = sorted(name for name, route in checked_patterns().items() if name in TABLE and TABLE[name].shows and "<" not in route)


@pytest.mark.parametrize("persona", sorted(OUTSIDERS - {"anonymous"}))
@pytest.mark.parametrize("name", LISTS)
def test_lists_filtered_on_area_a_show_nothing_of_it(client, world, name, persona):
    """A list filtered on area A's grid, site or name shows an outsider nothing of it, and never fails;
    nor does the part of it htmx swaps in (the results alone)."""
    entry = TABLE[name]
    client = sign_in(client, world, persona)
    for key, value in FILTERS.items():
        parameter = "q" if key == "phone" else key
        url = f"{url_of(name, entry, world)}{'&' if entry.query(world) else '?'}{parameter}={value(world)}"
        response = client.get(url, headers={"HX-Request": "true"} if key == "q" else {})
        # An export with a filter it refuses sends the user back to its list, which says why.
        assert response.status_code in (200, 302, 400, 403, 404), f"GET {url}: {persona} got {response.status_code}"
        text = text_of(response)
        leaked = [marker for marker in AREA_MARKERS if marker in text]
        assert not leaked, f"GET {url}: {persona} was shown area A's {leaked}"


def send(client, write: Write, url: str, data: dict):
    method = getattr(client, write.method)
    if write.json:
        return method(url, json.dumps(data), content_type="application/json")
    return method(url, data)


WRITES = sorted(
    (name, persona) for name, entry in TABLE.items() if entry.write for persona in PERSONAS if persona not in entry.write.ok
)


@pytest.mark.parametrize(("name", "persona"), WRITES)
def test_write_refused(client, world, name, persona):
    entry = TABLE[name]
    write = entry.write
    url = url_of(name, entry, world)
    data = write.data(world) if write.data else {}
    before = write.records()
    response = send(sign_in(client, world, persona), write, url, data)
    what = f"{write.method.upper()} {url} ({name})"
    if persona in write.invalid:
        assert response.status_code in (200, 400), f"{what}: {persona} got {response.status_code}"
    else:
        assert_turned_away(response, url, persona, what)
    assert write.records() == before, f"{what} as {persona} wrote something"


ALLOWED = sorted(
    (name, persona) for name, entry in TABLE.items() if entry.write and entry.write.data for persona in entry.write.ok
)


@pytest.mark.parametrize(("name", "persona"), ALLOWED)
def test_write_allowed(client, world, name, persona):
    """The same write from someone who may: it goes through (in the test's savepoint, rolled back)."""
    entry = TABLE[name]
    write = entry.write
    url = url_of(name, entry, world)
    before = write.records()
    response = send(sign_in(client, world, persona), write, url, write.data(world))
    what = f"{write.method.upper()} {url} ({name}) as {persona}"
    assert response.status_code in (200, 201, 302), f"{what}: {response.status_code} {response.content[:500]!r}"
    if response.status_code == 302:
        assert not response["Location"].startswith(reverse("login")), what
    if response.status_code == 200 and not is_api(url):
        errors = re.findall(
            r'data-field="(\w+)"(?:(?!data-field=).)*?<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', text_of(response), flags=re.S
        )
        pytest.fail(f"{what}: the form was shown again: {errors}")
    assert write.records() > before, f"{what}: nothing recorded"


# --- The admin ------------------------------------------------------------------------------------------------


ADMIN_PAGES = sorted(name for name, namespace, route in url_patterns() if namespace == "admin" and name and "<" not in route)


@pytest.mark.parametrize("persona", sorted(SIGNED_IN - ADMIN))
def test_the_admin_turns_away_everyone_but_staff(client, world, persona):
    """Nobody in the table has admin access but the admin: every admin page sends them to its login."""
    client = sign_in(client, world, persona)
    for name in ADMIN_PAGES:
        if name in ("admin:login", "admin:logout", "admin:jsi18n"):
            continue
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("admin:login") in response["Location"], f"{name}: {response.status_code}"
