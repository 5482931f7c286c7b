"""Who may take which step of a hazard's loop, through the services, the pages and the API alike.

One table (hazards.policies, as DOMAIN.md puts it): an allowed role takes the step and the
timeline names them; a role that may not gets 403 and nothing changes; someone who cannot see
the hazard (another community's grid worker, another street's staff) gets 404; a step the
hazard's state does not allow is a conflict (409 in the API, the hazard page again with the
reason on a page); an anonymous visitor is sent to sign in (401 in the API).
"""

from dataclasses import dataclass, field

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from hazards import services
from hazards.models import Hazard, HazardLog, RemediationPlan
from riskplatform.exceptions import ConflictError, NotFoundError, PermissionDeniedError
from tests.hazards.conftest import PLAN_DATA, in_days, photo, plan_data


@pytest.fixture(autouse=True)
def _messages_in_english():
    """Services called directly speak the active language; these tests read their English."""
    with translation.override("en"):
        yield


FIELD = frozenset({"grid_worker", "colleague", "staff", "admin_user"})
OFFICE = frozenset({"staff", "admin_user"})
# The station operator sees the hazards of the sites the station covers, read only.
PERSONAS = ["grid_worker", "colleague", "staff", "admin_user", "operator", "outsider", "stranger"]
HIDDEN = {"outsider", "stranger"}

ROLE_REFUSED = "Your role may not take this step of the hazard's rectification."
FAILED_REVIEW_REFUSED = "A failed review needs a new notice; only the street office issues one."


@dataclass(frozen=True)
class Case:
    step: str  # the step's name in hazards.policies and in the page's URL
    start: str  # the state the hazard is brought to first (the hazard_in fixture)
    allowed: frozenset
    status: str  # the hazard's status after the step
    log: str  # the timeline entry the step writes, with the acting user
    refused: str = ROLE_REFUSED  # what a field role that may not is told
    options: dict = field(default_factory=dict)

    @property
    def api_path(self) -> str:
        return self.step.replace("_", "-")


CASES = {
    "notify": Case("notify", "found", OFFICE, "notified", HazardLog.Kind.NOTIFIED),
    "rectify": Case("rectify", "notified", FIELD, "rectified", HazardLog.Kind.RECTIFIED),
    "review_passed": Case("review", "rectified", FIELD, "closed", HazardLog.Kind.REVIEW_PASSED, options={"passed": True}),
    "review_failed": Case(
        "review",
        "rectified",
        OFFICE,
        "notified",
        HazardLog.Kind.REVIEW_FAILED,
        refused=FAILED_REVIEW_REFUSED,
        options={"passed": False},
    ),
    "review_major": Case("review", "major_rectified", OFFICE, "reviewed", HazardLog.Kind.REVIEW_PASSED, options={"passed": True}),
    "close_on_spot": Case("close_on_spot", "found", FIELD, "closed", HazardLog.Kind.CLOSED_ON_SPOT),
    "plan": Case("plan", "major_found", OFFICE, "found", HazardLog.Kind.PLAN_RECORDED),
    "supervise": Case("supervise", "major_found", OFFICE, "found", HazardLog.Kind.SUPERVISED),
    "close_out": Case("close_out", "major_reviewed", OFFICE, "closed", HazardLog.Kind.CLOSED_OUT),
}


def expected_outcome(case: Case, persona: str) -> str:
    if persona in HIDDEN:
        return "not_found"
    return "ok" if persona in case.allowed else "forbidden"


def refusal(case: Case, persona: str) -> str:
    # A failed review is a review first (which a grid worker may do) and a new notice second.
    return case.refused if persona in ("grid_worker", "colleague") else ROLE_REFUSED


# --- The three channels ---------------------------------------------------------------------------


def by_service(case: Case, hazard: Hazard, user) -> None:
    if case.step == "notify":
        services.hazard_notify(hazard=hazard, acting_user=user, deadline=in_days(7), requirements="增配灭火器")
    elif case.step == "rectify":
        services.hazard_rectify(hazard=hazard, acting_user=user, note="已增配", uploads=[photo()])
    elif case.step == "review":
        passed = case.options.get("passed", True)
        services.hazard_review(
            hazard=hazard,
            acting_user=user,
            passed=passed,
            comment="现场复查" if passed else "仍只有1具",
            new_deadline=None if passed else in_days(5),
        )
    elif case.step == "close_on_spot":
        services.hazard_close_on_spot(hazard=hazard, acting_user=user, note="当场增配", uploads=[photo()])
    elif case.step == "plan":
        services.hazard_plan_record(hazard=hazard, acting_user=user, data=plan_data())
    elif case.step == "supervise":
        services.hazard_supervise(hazard=hazard, acting_user=user, note="挂牌督办")
    elif case.step == "close_out":
        services.hazard_close_out(hazard=hazard, acting_user=user, note="同意销号")


def service_outcome(case: Case, hazard: Hazard, user) -> tuple[str, str]:
    try:
        by_service(case, hazard, user)
    except PermissionDeniedError as error:
        return "forbidden", error.message
    except NotFoundError as error:
        return "not_found", error.message
    except ConflictError as error:
        return "conflict", error.message
    return "ok", ""


def page_fields(case: Case) -> dict:
    passed = case.options.get("passed", True)
    fields = {
        "notify": {"deadline": in_days(7).isoformat(), "requirements": "增配灭火器"},
        "rectify": {"note": "已增配", "photos": photo()},
        "review": {
            "passed": "yes" if passed else "no",
            "comment": "现场复查" if passed else "仍只有1具",
            "new_deadline": "" if passed else in_days(5).isoformat(),
        },
        "close_on_spot": {"note": "当场增配", "photos": photo()},
        "plan": {**PLAN_DATA, "funds": "3000", "deadline": in_days(20).isoformat()},
        "supervise": {"note": "挂牌督办"},
        "close_out": {"note": "同意销号"},
    }[case.step]
    return {f"{case.step}-{name}": value for name, value in fields.items()}


def page_outcome(client, case: Case, hazard: Hazard) -> tuple[str, str]:
    response = client.post(reverse("hazards:hazard-step", args=[hazard.pk, case.step]), page_fields(case))
    html = response.content.decode()
    if response.status_code == 302:
        assert response["Location"] == hazard.get_absolute_url()
        return "ok", ""
    if response.status_code == 403:
        assert "Not allowed" in html
        return "forbidden", html
    if response.status_code == 404:
        return "not_found", html
    if response.status_code == 400:
        # The hazard page again, the refused step's form open with the reason above it.
        assert hazard.description in html and 'class="errorlist"' in html
        return "conflict", html
    raise AssertionError(f"{response.status_code}: {html[:500]}")


def upload_photo(client) -> str:
    response = client.post("/api/photos/", {"photo": photo()}, format="multipart")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def api_body(case: Case, client) -> dict:
    passed = case.options.get("passed", True)
    if case.step in ("rectify", "close_on_spot"):
        return {"note": "已整改", "photo_ids": [upload_photo(client)]}
    return {
        "notify": {"deadline": in_days(7).isoformat(), "requirements": "增配灭火器"},
        "review": {
            "passed": passed,
            "comment": "现场复查" if passed else "仍只有1具",
            "new_deadline": None if passed else in_days(5),
        },
        "plan": {**PLAN_DATA, "funds": "3000.00", "deadline": in_days(20).isoformat()},
        "supervise": {"note": "挂牌督办"},
        "close_out": {"note": "同意销号"},
    }[case.step]


API_OUTCOMES = {200: "ok", 403: "forbidden", 404: "not_found", 409: "conflict"}
API_CODES = {"forbidden": "permission_denied", "not_found": "not_found", "conflict": "conflict"}


def api_outcome(client, case: Case, hazard: Hazard) -> tuple[str, str]:
    response = client.post(
        f"/api/hazards/{hazard.pk}/{case.api_path}/", api_body(case, client), format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    body = response.json()
    outcome = API_OUTCOMES.get(response.status_code)
    assert outcome is not None, (response.status_code, body)
    if outcome == "ok":
        assert body["id"] == hazard.pk and body["status"] == Hazard.objects.get(pk=hazard.pk).status
        return outcome, ""
    assert body["code"] == API_CODES[outcome] and body["errors"] == {}, body
    return outcome, body["detail"]


def snapshot(hazard: Hazard) -> tuple:
    """Everything a step could change."""
    row = Hazard.objects.get(pk=hazard.pk)
    return (
        row.status,
        row.deadline,
        row.escalation,
        row.supervised_at,
        row.rectified_at,
        row.closed_at,
        row.signed_off_by_id,
        list(row.log.values_list("kind", "actor_id")),
        row.notices.count(),
        RemediationPlan.objects.filter(hazard=row).exists(),
        row.site.risk_colour,
    )


def run(channel: str, case: Case, hazard: Hazard, user, client_for, api) -> tuple[str, str]:
    if channel == "service":
        return service_outcome(case, hazard, user)
    if channel == "page":
        return page_outcome(client_for(user), case, hazard)
    return api_outcome(api(user), case, hazard)


CHANNELS = ["service", "page", "api"]


# --- The matrix ------------------------------------------------------------------------------------


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", CASES)
def test_step_by_persona_and_channel(request, hazard_in, client_for, api, name, persona, channel):
    case = CASES[name]
    hazard = hazard_in(case.start)
    user = request.getfixturevalue(persona)
    before = snapshot(hazard)

    outcome, said = run(channel, case, hazard, user, client_for, api)

    expected = expected_outcome(case, persona)
    assert outcome == expected, said
    if expected == "ok":
        hazard.refresh_from_db()
        assert hazard.status == case.status
        assert HazardLog.objects.filter(hazard=hazard, kind=case.log, actor=user).count() == 1
        return
    assert snapshot(hazard) == before
    if expected == "forbidden":
        message = refusal(case, persona)
        assert (escape(message) in said) if channel == "page" else (said == message)


RAISE_ALLOWED = FIELD


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_recording_a_hazard_by_persona_and_channel(request, site, client_for, api, persona, channel):
    user = request.getfixturevalue(persona)
    expected = "not_found" if persona in HIDDEN else ("ok" if persona in RAISE_ALLOWED else "forbidden")
    if channel == "service":
        try:
            services.hazard_raise(site=site, acting_user=user, description="消防通道堵塞")
            outcome = "ok"
        except PermissionDeniedError:
            outcome = "forbidden"
        except NotFoundError:
            outcome = "not_found"
    elif channel == "page":
        response = client_for(user).post(
            f"{reverse('hazards:hazard-raise')}?site={site.pk}", {"description": "消防通道堵塞", "level": "general"}
        )
        outcome = {302: "ok", 403: "forbidden", 404: "not_found"}[response.status_code]
        if outcome == "ok":
            assert response["Location"] == Hazard.objects.get().get_absolute_url()
        if outcome == "forbidden":
            assert escape("Your role may not record hazards.") in response.content.decode()
    else:
        response = api(user).post("/api/hazards/", {"site": site.pk, "description": "消防通道堵塞"}, format="json")
        outcome = {201: "ok", 403: "forbidden", 404: "not_found"}[response.status_code]
        if outcome != "ok":
            assert response.json()["code"] == {"forbidden": "permission_denied", "not_found": "not_found"}[outcome]
    assert outcome == expected
    if outcome == "ok":
        hazard = Hazard.objects.get()
        assert hazard.status == Hazard.Status.FOUND and hazard.found_by == user
        assert list(hazard.log.values_list("kind", "actor")) == [(HazardLog.Kind.FOUND, user.pk)]
    else:
        assert not Hazard.objects.exists()


# --- Steps the hazard's state does not allow --------------------------------------------------------

WRONG_STATE = [
    ("notify", "rectified", "staff"),
    ("notify", "closed", "admin_user"),
    ("rectify", "found", "grid_worker"),
    ("rectify", "closed", "staff"),
    ("review_passed", "notified", "grid_worker"),
    ("review_failed", "found", "staff"),
    ("close_on_spot", "notified", "grid_worker"),
    # Fixing on the spot is for general hazards only; plan, supervision and close-out for major ones.
    ("close_on_spot", "major_found", "staff"),
    ("plan", "found", "staff"),
    ("supervise", "notified", "staff"),
    ("supervise", "major_supervised", "staff"),
    ("close_out", "major_rectified", "staff"),
]


def conflict_reason(hazard: Hazard) -> str:
    return f"This hazard is {hazard.get_status_display()}; that step is not possible now."


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize(("name", "state", "persona"), WRONG_STATE)
def test_a_step_the_state_does_not_allow_is_a_conflict(request, hazard_in, client_for, api, name, state, persona, channel):
    case = CASES[name]
    hazard = hazard_in(state)
    user = request.getfixturevalue(persona)
    before = snapshot(hazard)

    outcome, said = run(channel, case, hazard, user, client_for, api)

    assert outcome == "conflict"
    reason = conflict_reason(hazard)
    assert (escape(reason) in said) if channel == "page" else (said == reason)
    assert snapshot(hazard) == before


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_major_hazard_without_a_plan_is_not_closed_out(hazard_in, staff, client_for, api, channel):
    hazard = hazard_in("major_rectified")
    services.hazard_review(hazard=hazard, acting_user=staff, passed=True, comment="复查合格")
    before = snapshot(hazard)

    outcome, said = run(channel, CASES["close_out"], hazard, staff, client_for, api)

    assert outcome == "conflict"
    reason = "A major hazard is closed out only after its remediation plan is recorded."
    assert (escape(reason) in said) if channel == "page" else (said == reason)
    assert snapshot(hazard) == before


def test_a_step_the_page_does_not_know_is_404(client_for, staff, hazard_in):
    hazard = hazard_in("found")
    assert client_for(staff).post(f"/hazards/{hazard.pk}/burn/", {}).status_code == 404


# --- Anonymous -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CASES)
def test_anonymous_is_sent_to_sign_in_and_the_api_answers_401(client, hazard_in, name):
    from rest_framework.test import APIClient

    case = CASES[name]
    hazard = hazard_in(case.start)
    before = snapshot(hazard)

    url = reverse("hazards:hazard-step", args=[hazard.pk, case.step])
    response = client.post(url, page_fields(case))
    assert response.status_code == 302 and response["Location"].startswith(f"{reverse('login')}?next=")

    response = APIClient().post(f"/api/hazards/{hazard.pk}/{case.api_path}/", {"note": "x"}, format="json")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"
    assert snapshot(hazard) == before


def test_anonymous_may_not_record_a_hazard(client, site):
    from rest_framework.test import APIClient

    response = client.post(f"{reverse('hazards:hazard-raise')}?site={site.pk}", {"description": "x", "level": "general"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert APIClient().post("/api/hazards/", {"site": site.pk, "description": "x"}, format="json").status_code == 401
    assert not Hazard.objects.exists()


# --- The steps a page and the API offer are the steps the services take ------------------------------


@pytest.mark.parametrize("persona", ["grid_worker", "staff", "operator"])
@pytest.mark.parametrize("state", ["found", "notified", "rectified", "closed", "major_found", "major_reviewed"])
def test_the_offered_steps_are_those_the_services_allow(request, hazard_in, client_for, api, persona, state):
    hazard = hazard_in(state)
    user = request.getfixturevalue(persona)
    offered = api(user).get(f"/api/hazards/{hazard.pk}/").json()["steps"]
    html = client_for(user).get(hazard.get_absolute_url()).content.decode()
    for step in ("notify", "rectify", "review", "close_on_spot", "plan", "supervise", "close_out"):
        action = reverse("hazards:hazard-step", args=[hazard.pk, step])
        assert (f'action="{action}"' in html) == (step in offered), step
    allowed_by_table = {
        name: case.step
        for name, case in CASES.items()
        if case.start.removeprefix("major_") == hazard.status and (case.start.startswith("major")) == (hazard.level == "major")
    }
    for name, step in allowed_by_table.items():
        if persona in CASES[name].allowed:
            assert step in offered, name
    if persona == "operator":
        assert offered == []


# --- Who may not is told so before anything they sent is read ---------------------------------------


@pytest.mark.parametrize(("persona", "status"), [("operator", 403), ("grid_worker", 403), ("outsider", 404), ("stranger", 404)])
@pytest.mark.parametrize("name", ["notify", "plan", "supervise", "close_out"])
def test_a_refused_role_gets_403_even_with_an_empty_form(request, hazard_in, client_for, api, name, persona, status):
    case = CASES[name]
    hazard = hazard_in(case.start)
    user = request.getfixturevalue(persona)
    before = snapshot(hazard)

    page = client_for(user).post(reverse("hazards:hazard-step", args=[hazard.pk, case.step]), {})
    assert page.status_code == status
    response = api(user).post(f"/api/hazards/{hazard.pk}/{case.api_path}/", {}, format="json")
    assert response.status_code == status
    assert response.json()["code"] == API_CODES["forbidden" if status == 403 else "not_found"]
    assert snapshot(hazard) == before


def test_a_role_that_may_not_record_hazards_gets_403_even_with_an_empty_body(site, api, operator):
    response = api(operator).post("/api/hazards/", {"site": site.pk}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert not Hazard.objects.exists()
