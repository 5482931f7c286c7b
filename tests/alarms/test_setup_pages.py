"""The pages that set the alarm pipeline up: who gets each page, devices registered within the scope,
the import all or nothing, an integration's secret shown once, device models and notifiers' health."""

import datetime
import io
import re

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from alarms.models import Device, DeviceModel, Integration, Notifier
from tests.alarms.conftest import data_point, onenet_body, preset, push
from tests.factories import FireStationFactory, StreetFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def far_detector(onenet, far_site):
    return Device.objects.create(
        integration=onenet.integration, platform_device_id="3000001", model=preset("onenet"), site=far_site, room="仓库"
    )


@pytest.fixture
def model(onenet):
    return preset("onenet")


@pytest.fixture
def failing_notifier(station):
    notifier = Notifier.objects.create(
        kind=Notifier.Kind.SMS,
        name="短信网关",
        endpoint="https://sms.example.com/send",
        consecutive_failures=settings.ALARM_NOTIFIER_FAILING_AFTER + 2,
        last_error="HTTP 502 from the gateway",
    )
    notifier.stations.add(station)
    return notifier


def field_block(html: str, name: str) -> str:
    """The markup of one field of a form (includes/form_field.html marks each with data-field)."""
    start = html.index(f'data-field="{name}"')
    end = html.find("data-field=", start + 1)
    return html[start : end if end != -1 else len(html)]


# --- Persona x page ----------------------------------------------------------------------------------

PERSONAS = ["grid_worker", "staff", "operator", "admin_user"]

# The expected answer per persona, in the order of PERSONAS.
READ_BY_SCOPE = (200, 200, 200, 200)
REGISTRARS = (403, 200, 403, 200)
ADMINS = (403, 403, 403, 200)

PAGES = {
    "device-list": ([], READ_BY_SCOPE),
    "device-detail": (["detector"], READ_BY_SCOPE),
    "device-create": ([], REGISTRARS),
    "device-edit": (["detector"], REGISTRARS),
    "device-import": ([], REGISTRARS),
    "notifier-list": ([], REGISTRARS),
    "integration-list": ([], ADMINS),
    "integration-create": ([], ADMINS),
    "integration-detail": (["integration"], ADMINS),
    "unknown-events": ([], REGISTRARS),
    "device-model-list": ([], ADMINS),
    "device-model-create": ([], ADMINS),
    "device-model-edit": (["model"], ADMINS),
}


@pytest.fixture
def objects(onenet, detector, model):
    return {"detector": detector.pk, "integration": onenet.integration.pk, "model": model.pk}


def page_url(name: str, objects: dict) -> str:
    args, _expected = PAGES[name]
    return reverse(f"alarms:{name}", args=[objects[arg] for arg in args])


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_is_sent_to_sign_in(client, objects, name):
    response = client.get(page_url(name, objects))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_who_gets_each_page(request, client_for, objects, station, persona, name):
    expected = PAGES[name][1][PERSONAS.index(persona)]
    response = client_for(request.getfixturevalue(persona)).get(page_url(name, objects))
    assert response.status_code == expected, response.content.decode()[:500]


@pytest.mark.parametrize(
    ("name", "data"),
    [("integration-rotate", {}), ("integration-active", {"active": "0"}), ("notifier-reset", {})],
)
@pytest.mark.parametrize("persona", ["grid_worker", "staff", "operator"])
def test_only_admins_rotate_deactivate_and_reset(request, client_for, onenet, failing_notifier, station, persona, name, data):
    pk = failing_notifier.pk if name == "notifier-reset" else onenet.integration.pk
    response = client_for(request.getfixturevalue(persona)).post(reverse(f"alarms:{name}", args=[pk]), data)
    assert response.status_code == 403
    onenet.integration.refresh_from_db()
    failing_notifier.refresh_from_db()
    assert onenet.integration.secret == onenet.secret and onenet.integration.active
    assert failing_notifier.consecutive_failures > 0


@pytest.mark.parametrize("name", ["integration-rotate", "integration-active", "notifier-reset"])
def test_anonymous_posts_are_sent_to_sign_in(client, onenet, failing_notifier, name):
    pk = failing_notifier.pk if name == "notifier-reset" else onenet.integration.pk
    response = client.post(reverse(f"alarms:{name}", args=[pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("persona", "devices", "integrations"),
    [("grid_worker", False, False), ("operator", False, False), ("staff", True, False), ("admin_user", True, True)],
)
def test_navigation_offers_devices_and_integrations_after_incidents(request, client_for, persona, devices, integrations):
    html = client_for(request.getfixturevalue(persona)).get(reverse("alarms:incident-list")).content.decode()
    nav = html[html.index('class="app-nav"') : html.index("</nav>", html.index('class="app-nav"'))]
    assert (f'href="{reverse("alarms:device-list")}"' in nav) is devices
    assert (f'href="{reverse("alarms:integration-list")}"' in nav) is integrations
    if devices:
        assert nav.index(reverse("alarms:incident-list")) < nav.index(reverse("alarms:device-list"))


# --- Devices: lists by scope, registration, the site file's link -------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("grid_worker", {"2016617"}),
        ("outsider", {"3000001"}),
        ("operator", {"2016617"}),
        ("staff", {"2016617", "3000001"}),
        ("admin_user", {"2016617", "3000001"}),
    ],
)
def test_device_list_shows_the_devices_in_scope(request, client_for, detector, far_detector, station, persona, expected):
    html = client_for(request.getfixturevalue(persona)).get(reverse("alarms:device-list")).content.decode()
    shown = {number for number in ("2016617", "3000001") if number in html}
    # The detector shows its IMEI, the far one its platform id.
    if "865820060031939" in html:
        shown.add("2016617")
    assert shown == expected


def test_outsider_gets_404_for_a_device_outside_their_grid(client_for, outsider, detector):
    assert client_for(outsider).get(reverse("alarms:device-detail", args=[detector.pk])).status_code == 404


def test_device_list_filters_by_status_site_and_integration(client_for, staff, detector, far_detector, ctwing_detector):
    client = client_for(staff)
    Device.objects.filter(pk=far_detector.pk).update(status=Device.Status.OFFLINE, online=False)

    def listed(**params) -> set[int]:
        html = client.get(reverse("alarms:device-list"), params).content.decode()
        return {int(pk) for pk in re.findall(r'href="/alarms/devices/(\d+)/"', html)}

    assert listed(status="offline") == {far_detector.pk}
    assert listed(q="远方") == {far_detector.pk}
    assert listed(q="865820060031939") == {detector.pk}
    assert listed(integration=ctwing_detector.integration_id) == {ctwing_detector.pk}
    assert listed() == {detector.pk, far_detector.pk, ctwing_detector.pk}


def test_device_list_query_count_does_not_grow_with_the_devices(client_for, staff, onenet, site, model):
    client = client_for(staff)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("alarms:device-list")).status_code == 200
        return len(queries)

    Device.objects.create(integration=onenet.integration, platform_device_id="A-0", model=model, site=site)
    few = count()
    for n in range(1, 30):
        Device.objects.create(integration=onenet.integration, platform_device_id=f"A-{n}", model=model, site=site)
    assert count() == few


def test_device_detail_shows_health_and_latest_reports(client_for, grid_worker, onenet, detector):
    assert push(onenet, onenet_body(data_point("battery", 15), onenet.secret)).status == 200
    html = client_for(grid_worker).get(reverse("alarms:device-detail", args=[detector.pk])).content.decode()
    assert 'data-testid="device-health"' in html and 'data-testid="device-events"' in html
    assert "battery = 15" in html
    # A grid worker reads; registering is street staff's.
    assert reverse("alarms:device-edit", args=[detector.pk]) not in html


def register_data(onenet, model, site, **changes) -> dict:
    data = {
        "site": site.pk,
        "integration": onenet.integration.pk,
        "platform_device_id": "2020001",
        "imei": "865820060040000",
        "model": model.pk,
        "building": "1栋",
        "floor": "2层",
        "room": "后厨",
        "installed_on": "2024-03-01",
        "heartbeat_seconds": "",
    }
    return {**data, **changes}


def test_staff_register_a_device_at_a_site(client_for, staff, onenet, model, site):
    response = client_for(staff).post(reverse("alarms:device-create"), register_data(onenet, model, site))
    device = Device.objects.get(platform_device_id="2020001")
    assert response.status_code == 302 and response.url == reverse("alarms:device-detail", args=[device.pk])
    assert (device.site, device.model, device.room, str(device.installed_on)) == (site, model, "后厨", "2024-03-01")


def test_a_registered_platform_id_is_shown_beside_its_field_and_nothing_saved(client_for, staff, onenet, model, site, detector):
    response = client_for(staff).post(
        reverse("alarms:device-create"), register_data(onenet, model, site, platform_device_id=detector.platform_device_id)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "This platform device id is registered already." in field_block(html, "platform_device_id")
    assert Device.objects.count() == 1


def test_a_bad_imei_is_shown_beside_its_field(client_for, staff, onenet, model, site):
    response = client_for(staff).post(reverse("alarms:device-create"), register_data(onenet, model, site, imei="8" * 25))
    assert "at most 20 characters" in field_block(response.content.decode(), "imei")
    assert not Device.objects.exists()


def test_a_site_outside_the_scope_is_refused_beside_the_site(client_for, onenet, model, far_site):
    # Street staff see their whole street: a registrar of another street has none of its sites.
    other = UserFactory(username="other-staff", role="street_staff", street=StreetFactory(name="别的街道", code="BDJ"))
    response = client_for(other).post(reverse("alarms:device-create"), register_data(onenet, model, far_site))
    assert response.status_code == 200
    assert "Choose a site of your street." in field_block(response.content.decode(), "site")
    assert not Device.objects.exists()


def test_the_site_file_links_to_registering_a_device_there(client_for, staff, grid_worker, site):
    url = f"{reverse('alarms:device-create')}?site={site.pk}"
    assert url in client_for(staff).get(reverse("dashboards:site-file", args=[site.pk])).content.decode()
    assert url not in client_for(grid_worker).get(reverse("dashboards:site-file", args=[site.pk])).content.decode()

    html = client_for(staff).get(url).content.decode()
    assert f'name="site" value="{site.pk}" checked' in html and site.name in html


def test_sites_are_found_by_name_without_listing_them_all(client_for, staff, site, neighbour_site):
    client = client_for(staff)
    partial = client.get(reverse("alarms:device-create"), {"q": "面馆"}, headers={"HX-Request": "true"}).content.decode()
    assert f'value="{neighbour_site.pk}"' in partial and site.name not in partial
    assert "<html" not in partial
    # The site already chosen above the list is not offered again.
    again = client.get(reverse("alarms:device-create"), {"q": "面馆", "shown": neighbour_site.pk}, headers={"HX-Request": "true"})
    assert f'value="{neighbour_site.pk}"' not in again.content.decode()
    # Without a search the page lists no site at all.
    assert 'data-testid="site-choices"' not in client.get(reverse("alarms:device-create")).content.decode()


def test_staff_edit_a_device(client_for, staff, onenet, model, detector, neighbour_site):
    client = client_for(staff)
    assert "厨房" in client.get(reverse("alarms:device-edit", args=[detector.pk])).content.decode()
    data = register_data(onenet, model, neighbour_site, platform_device_id=detector.platform_device_id, room="仓库")
    response = client.post(reverse("alarms:device-edit", args=[detector.pk]), data)
    assert response.status_code == 302
    detector.refresh_from_db()
    assert (detector.site, detector.room) == (neighbour_site, "仓库")


def test_an_unknown_device_links_to_registering_it(client_for, admin_user, onenet):
    assert push(onenet, onenet_body(data_point("smoke_alarm", 1, dev_id=999), onenet.secret)).status == 200
    client = client_for(admin_user)
    link = f"{reverse('alarms:device-create')}?integration={onenet.integration.pk}&amp;platform_device_id=999"
    assert link in client.get(reverse("alarms:integration-list")).content.decode()
    assert link in client.get(reverse("alarms:integration-detail", args=[onenet.integration.pk])).content.decode()
    html = client.get(reverse("alarms:unknown-events")).content.decode()
    assert 'data-testid="unknown-events"' in html and "999" in html
    form = client.get(link.replace("&amp;", "&")).content.decode()
    assert 'value="999"' in field_block(form, "platform_device_id")


# --- The device import ---------------------------------------------------------------------------------

HEADER = "integration,platform_device_id,imei,model,site_credit_code,building,floor,room,installed_on\n"


def upload(content: bytes, name: str = "devices.csv"):
    return {"file": SimpleUploadedFile(name, content)}


def test_a_bad_row_is_reported_with_its_number_and_nothing_is_stored(client_for, staff, onenet, model, site):
    text = (
        HEADER
        + f"{onenet.integration.name},4001,,{model.name},{site.credit_code},1栋,1层,101,2024-01-01\n"
        + f"{onenet.integration.name},4002,,{model.name},NO-SUCH-SITE,1栋,1层,102,2024-01-01\n"
        + f"{onenet.integration.name},4003,,{model.name},{site.credit_code},1栋,1层,103,01/01/2024\n"
    )
    response = client_for(staff).post(reverse("alarms:device-import"), upload(text.encode("gbk")))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Row 3: no such site in your scope" in html
    assert "Row 4: installed_on is not a date (YYYY-MM-DD)" in html
    assert "Row 2" not in html
    assert not Device.objects.exists()


def test_a_row_the_registration_refuses_undoes_the_whole_file(client_for, staff, onenet, model, site):
    text = (
        HEADER
        + f"{onenet.integration.name},4001,,{model.name},{site.credit_code},,,,\n"
        + f"{onenet.integration.name},4002,{'8' * 25},{model.name},{site.credit_code},,,,\n"
    )
    response = client_for(staff).post(reverse("alarms:device-import"), upload(text.encode()))
    assert response.status_code == 400
    assert "Row 3:" in response.content.decode()
    assert not Device.objects.exists()


def test_a_workbook_registers_every_device(client_for, staff, onenet, model, site):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["integration", "platform_device_id", "imei", "model", "site_credit_code", "room", "installed_on"])
    sheet.append(
        [onenet.integration.name, 5001, 865820060050001, model.name, site.credit_code, "厨房", datetime.date(2024, 5, 1)]
    )
    sheet.append([onenet.integration.name, 5002, None, model.name, site.credit_code, "仓库", None])
    content = io.BytesIO()
    workbook.save(content)
    response = client_for(staff).post(reverse("alarms:device-import"), upload(content.getvalue(), "devices.xlsx"))
    assert response.status_code == 302, response.content.decode()
    first = Device.objects.get(platform_device_id="5001")
    assert (first.imei, str(first.installed_on), first.room) == ("865820060050001", "2024-05-01", "厨房")
    assert Device.objects.filter(platform_device_id="5002", site=site).exists()


def test_a_file_without_the_columns_is_refused_beside_the_file(client_for, staff):
    response = client_for(staff).post(reverse("alarms:device-import"), upload(b"name,address\nx,y\n"))
    assert response.status_code == 200
    assert "The file lacks the columns" in field_block(response.content.decode(), "file")


def test_the_import_template_has_the_columns(client_for, staff):
    response = client_for(staff).get(reverse("alarms:device-import"), {"template": "1"})
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode("utf-8-sig").strip() == HEADER.strip()


# --- Integrations: the secret once ----------------------------------------------------------------------


def test_a_new_integration_shows_its_address_and_secret_once(client_for, admin_user):
    client = client_for(admin_user)
    response = client.post(reverse("alarms:integration-create"), {"platform": "ctwing", "name": "CTWing 新账号"})
    integration = Integration.objects.get(name="CTWing 新账号")
    assert response.status_code == 302 and response.url == reverse("alarms:integration-detail", args=[integration.pk])

    first = client.get(response.url)
    html = first.content.decode()
    assert integration.secret in html
    assert f">{settings.SITE_URL}/api/ingest/ctwing/{integration.ingest_key}<" in html
    assert "no-store" in first["Cache-Control"]

    again = client.get(response.url).content.decode()
    assert integration.secret not in again
    assert integration.ingest_key in again
    assert integration.secret not in client.get(reverse("alarms:integration-list")).content.decode()


def test_a_bad_integration_value_is_shown_beside_its_field(client_for, admin_user, onenet):
    response = client_for(admin_user).post(
        reverse("alarms:integration-create"), {"platform": "", "name": onenet.integration.name}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose the platform." in field_block(html, "platform")
    response = client_for(admin_user).post(
        reverse("alarms:integration-create"), {"platform": "onenet", "name": onenet.integration.name}
    )
    assert "An integration of that name exists." in field_block(response.content.decode(), "name")
    assert Integration.objects.count() == 1


def test_rotating_shows_the_new_secret_once(client_for, admin_user, onenet):
    client = client_for(admin_user)
    url = reverse("alarms:integration-detail", args=[onenet.integration.pk])
    assert onenet.secret not in client.get(url).content.decode()

    response = client.post(reverse("alarms:integration-rotate", args=[onenet.integration.pk]), {"secret": ""})
    assert response.status_code == 302 and response.url == url
    onenet.integration.refresh_from_db()
    new = onenet.integration.secret
    assert new != onenet.secret and onenet.integration.previous_secret == onenet.secret
    html = client.get(url).content.decode()
    assert new in html and onenet.secret not in html
    assert new not in client.get(url).content.decode()


def test_rotating_takes_the_token_set_on_onenet(client_for, admin_user, onenet):
    client_for(admin_user).post(reverse("alarms:integration-rotate", args=[onenet.integration.pk]), {"secret": "token-on-onenet"})
    onenet.integration.refresh_from_db()
    assert onenet.integration.secret == "token-on-onenet"


def test_admins_deactivate_and_activate_an_integration(client_for, admin_user, onenet):
    client = client_for(admin_user)
    url = reverse("alarms:integration-active", args=[onenet.integration.pk])
    client.post(url, {"active": "0"})
    onenet.integration.refresh_from_db()
    assert not onenet.integration.active
    assert (
        'data-testid="activate"'
        in client.get(reverse("alarms:integration-detail", args=[onenet.integration.pk])).content.decode()
    )
    client.post(url, {"active": "1"})
    onenet.integration.refresh_from_db()
    assert onenet.integration.active


def test_deliveries_are_listed_with_their_outcome(client_for, admin_user, onenet, detector):
    body = onenet_body(data_point("smoke_alarm", 1), onenet.secret)
    push(onenet, body)
    push(onenet, body)
    html = client_for(admin_user).get(reverse("alarms:integration-detail", args=[onenet.integration.pk])).content.decode()
    assert 'class="badge delivery-accepted">Accepted' in html and 'class="badge delivery-duplicate">Duplicate' in html


# --- Device models and notifiers ------------------------------------------------------------------------


def test_bad_rules_are_shown_beside_the_rules_and_good_ones_saved(client_for, admin_user, model):
    client = client_for(admin_user)
    url = reverse("alarms:device-model-edit", args=[model.pk])
    assert "smoke" in field_block(client.get(url).content.decode(), "rules")
    data = {"name": model.name, "platform": "onenet", "rules": "[{", "heartbeat_seconds": "3600", "low_battery_percent": "20"}
    assert "The rules are not valid JSON." in field_block(client.post(url, data).content.decode(), "rules")
    data["rules"] = '[{"stream": "smoke", "value": 1, "type": "burning"}]'
    assert "Rule 1 needs a stream and one of the event types." in field_block(client.post(url, data).content.decode(), "rules")

    data["rules"] = '[{"stream": "smoke", "value": 1, "type": "fire_alarm"}, {"stream": "bat_low", "type": "low_battery"}]'
    assert client.post(url, data).status_code == 302
    model.refresh_from_db()
    assert model.rules == [{"stream": "smoke", "value": 1, "type": "fire_alarm"}, {"stream": "bat_low", "type": "low_battery"}]
    assert model.heartbeat_seconds == 3600


def test_admins_add_a_device_model(client_for, admin_user):
    data = {"name": "JTY-GD-H361", "platform": "ctwing", "rules": '[{"stream": "smoke_state", "value": 1, "type": "fire_alarm"}]'}
    assert client_for(admin_user).post(reverse("alarms:device-model-create"), data).status_code == 302
    assert DeviceModel.objects.get(name="JTY-GD-H361").rules[0]["type"] == "fire_alarm"


def test_staff_see_a_failing_notifier_and_admins_reset_it(client_for, staff, admin_user, failing_notifier):
    html = client_for(staff).get(reverse("alarms:notifier-list")).content.decode()
    assert 'data-testid="failing"' in html and "HTTP 502 from the gateway" in html
    reset = reverse("alarms:notifier-reset", args=[failing_notifier.pk])
    assert reset not in html

    client = client_for(admin_user)
    assert reset in client.get(reverse("alarms:notifier-list")).content.decode()
    assert client.post(reset).status_code == 302
    failing_notifier.refresh_from_db()
    assert failing_notifier.consecutive_failures == 0
    assert 'data-testid="failing"' not in client.get(reverse("alarms:notifier-list")).content.decode()


def test_staff_of_another_street_do_not_see_the_notifiers_of_ours(client_for, staff, failing_notifier, duty_officer):
    """A notifier serves stations and duty officers of one street; another street's staff have nothing to do with it."""
    other_street = StreetFactory(name="九眼桥街道", code="JYQ")
    theirs = Notifier.objects.create(kind=Notifier.Kind.SMS, name="九眼桥短信", endpoint="https://sms.example.com/jyq")
    theirs.stations.add(FireStationFactory(street=other_street, name="九眼桥微型消防站"))
    officers = Notifier.objects.create(kind=Notifier.Kind.VOICE, name="值班员语音", endpoint="https://voice.example.com/a")
    officers.duty_officers.add(duty_officer)
    stranger = UserFactory(username="stranger", role=User.Role.STREET_STAFF, street=other_street)

    ours = client_for(staff).get(reverse("alarms:notifier-list")).content.decode()
    assert "短信网关" in ours and "值班员语音" in ours and "九眼桥短信" not in ours
    html = client_for(stranger).get(reverse("alarms:notifier-list")).content.decode()
    assert "九眼桥短信" in html and "短信网关" not in html and "值班员语音" not in html
