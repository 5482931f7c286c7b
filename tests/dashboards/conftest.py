"""A month in the life of the street, for the overview: sites of every colour, hazards in every state,
routine checks on time and late, smoke detectors in every condition and fire alarms answered in
measured seconds; and a second street whose figures nobody of ours may see.

Everything is made through the services on the day it happened, and every test runs on NOW,
Friday 20 November 2026, 10:00 in the street's time zone.
"""

import datetime

import pytest
import time_machine

from accounts.models import User
from alarms.models import Device, Event, Incident, StationAssignment
from alarms.services import (
    event_process,
    incident_acknowledge,
    incident_confirm,
    incident_dispatch,
    incident_on_scene,
    incident_resolve,
    integration_create,
)
from enterprises.models import Site
from enterprises.services import site_risk_colour_set
from hazards import services as hazards
from inspections.selectors import checklist_for_site
from inspections.services import inspection_submit
from tests.alarms.conftest import _fresh_ingest_state, data_point, onenet_body, preset, push  # noqa: F401
from tests.factories import CommunityFactory, GridFactory, SiteFactory, StreetFactory, UserFactory, category
from tests.hazards.conftest import photo
from tests.inspections.conftest import answers_for, body

ZONE = datetime.timezone(datetime.timedelta(hours=8))  # Asia/Shanghai
NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=ZONE)
TODAY = NOW.date()


def at(month: int, day: int, hour: int = 10, minute: int = 0, second: int = 0, year: int = 2026) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=ZONE)


@pytest.fixture(autouse=True)
def _photos_in_a_temporary_folder(media):
    return media


@pytest.fixture(autouse=True)
def _on_the_twentieth_of_november():
    """Every test of the overview runs at NOW, so that "today", "this month" and "this quarter" hold still."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def onenet(db):
    """The street's OneNET integration (as tests/alarms/conftest.py has it)."""
    return integration_create(acting_user=None, platform="onenet", name="OneNET 望江路")


@pytest.fixture
def stranger(db):
    """Street office staff of another street (九眼桥街道), with a shop of its own."""
    street = StreetFactory(name="九眼桥街道", code="JYQ")
    grid = GridFactory(community=CommunityFactory(street=street, name="九眼桥社区"), name="第一网格")
    SiteFactory(grid=grid, name="九眼桥小商店")
    return UserFactory(username="stranger", full_name="陌生人", role=User.Role.STREET_STAFF, street=street)


def inspected(site: Site, user: User, when: datetime.datetime):
    """A routine check of the site at that moment, every item passing, through the service."""
    with time_machine.travel(when, tick=False):
        versions = checklist_for_site(site=site, user=user).versions
        return inspection_submit(acting_user=user, data=body(site, answers_for(versions)))


def fire_alarm(onenet, device: Device, when: datetime.datetime) -> Incident:
    """A fire alarm of the detector pushed by OneNET at that moment, and processed: it opens or joins an incident."""
    with time_machine.travel(when, tick=False):
        point = data_point("smoke_alarm", 1, at=int(when.timestamp() * 1000), dev_id=int(device.platform_device_id))
        assert push(onenet, onenet_body(point, onenet.secret)).status == 200
        return event_process(event_id=Event.objects.latest("pk").pk)


def step(when: datetime.datetime, function, **kwargs):
    with time_machine.travel(when, tick=False):
        return function(**kwargs)


@pytest.fixture
def month(street, grid, neighbour_grid, far_grid, site, neighbour_site, far_site, grid_worker, staff, station, onenet, stranger):
    """The street on NOW (望江社区: 第一网格 and 第二网格, the station's; 郭家桥社区: 第九网格):

    Sites, operating unless said: 第一网格 the shop (red), a residential courtyard (blue) and a suspended
    shop; 第二网格 the noodle bar (orange) and a government office (blue, GG03); 第九网格 the hardware
    shop (yellow) and a new shop not graded yet.

    Hazards (this quarter from 1 October): the shop's found on 18 Nov, and notified on 1 Nov with a
    deadline of 10 Nov (overdue); its major one found on 15 Oct and listed for supervision; the noodle
    bar's closed on the spot on 5 Nov, and one found on 10 Feb and closed after its review (this year,
    not this quarter); the hardware shop's rectified (deadline 1 Dec), and one found on 20 Dec 2025 still open.

    Routine checks: the shop on 28 Oct and 15 Nov (due, done); the courtyard on 10 Sep (90 days: not
    due); the noodle bar on 10 Oct (14 days: due 24 Oct, overdue); the hardware shop on 25 Oct (30 days:
    not due yet); the government office never (overdue); the new shop on 19 Nov (due, done).

    Detectors: the shop's online, offline and low on battery; the noodle bar's online; the hardware
    shop's with a fault; the other street's offline.

    Fire alarms, by the station for 第一网格 and 第二网格 (and by assignment for 第九网格):
    I1 the shop today 09:00, a second alarm at 09:01 joining it, acknowledged after 30 s, confirmed false;
    I2 the shop on 3 Nov 12:00, acknowledged after 90 s, confirmed real, dispatched, on scene after 240 s, resolved;
    I3 the noodle bar on 10 Nov 20:00, acknowledged after 60 s, dispatched, on scene after 180 s, resolved;
    I4 the hardware shop on 20 Oct, acknowledged after 40 s, still open;
    I5 the shop today 09:30, not yet acknowledged; and one at the other street's shop on 15 Nov.
    """
    with time_machine.travel(at(1, 5), tick=False):
        courtyard = SiteFactory(grid=grid, name="望江楼院落", category=category("ZZ01"), credit_code=None)
        suspended = SiteFactory(grid=grid, name="停业小卖部", status=Site.Status.SUSPENDED)
        office = SiteFactory(grid=neighbour_grid, name="街道综合办公楼", category=category("GG03"))
        new_shop = SiteFactory(grid=far_grid, name="新开五金店")

    with time_machine.travel(at(2, 10), tick=False):
        closed_later = hazards.hazard_raise(site=neighbour_site, acting_user=staff, description="应急照明损坏")
        hazards.hazard_notify(hazard=closed_later, acting_user=staff, deadline=at(2, 20).date())
        hazards.hazard_rectify(hazard=closed_later, acting_user=staff, note="已修复", uploads=[photo()])
        hazards.hazard_review(hazard=closed_later, acting_user=staff, passed=True)
    step(at(12, 20, year=2025), hazards.hazard_raise, site=far_site, acting_user=staff, description="配电箱无防护")
    major = step(at(10, 15), hazards.hazard_raise, site=site, acting_user=staff, description="安全出口上锁", level="major")
    step(at(10, 16), hazards.hazard_supervise, hazard=major, acting_user=staff, note="挂牌督办")
    late = step(at(11, 1), hazards.hazard_raise, site=site, acting_user=grid_worker, description="疏散通道堵塞")
    step(at(11, 1), hazards.hazard_notify, hazard=late, acting_user=staff, deadline=at(11, 10).date())
    with time_machine.travel(at(11, 5), tick=False):
        spot = hazards.hazard_raise(site=neighbour_site, acting_user=staff, description="插线板串接")
        hazards.hazard_close_on_spot(hazard=spot, acting_user=staff, note="当场拆除", uploads=[photo()])
    with time_machine.travel(at(11, 12), tick=False):
        fixed = hazards.hazard_raise(site=far_site, acting_user=staff, description="灭火器过期")
        hazards.hazard_notify(hazard=fixed, acting_user=staff, deadline=at(12, 1).date())
        hazards.hazard_rectify(hazard=fixed, acting_user=staff, note="已更换", uploads=[photo()])
    step(at(11, 18), hazards.hazard_raise, site=site, acting_user=grid_worker, description="灭火器压力不足")
    other_site = Site.objects.get(name="九眼桥小商店")
    step(at(11, 15), hazards.hazard_raise, site=other_site, acting_user=stranger, description="电线老化")

    for where, when in (
        (site, at(10, 28)),
        (site, at(11, 15)),
        (courtyard, at(9, 10)),
        (neighbour_site, at(10, 10)),
        (far_site, at(10, 25)),
        (new_shop, at(11, 19)),
    ):
        inspected(where, staff, when)

    # The colours the street's grading gave them (the hazards above moved them; set them as this story has them).
    colours = {site: "red", courtyard: "blue", suspended: "red", neighbour_site: "orange", office: "blue", far_site: "yellow"}
    colours[other_site] = "red"
    for where, colour in colours.items():
        site_risk_colour_set(site_id=where.pk, colour=colour)
    Site.objects.filter(pk=new_shop.pk).update(risk_colour="")

    def detector(where: Site, number: int, **state) -> Device:
        online = state.get("online", True)
        flags = {"online": online, "low_battery": False, "fault": False, "tamper": False, **state}
        return Device.objects.create(
            integration=onenet.integration,
            platform_device_id=str(2016600 + number),
            model=preset("onenet"),
            site=where,
            room=f"{number}号",
            status=Device.status_for(**{key: flags[key] for key in ("online", "tamper", "fault", "low_battery")}),
            **flags,
        )

    shop_detector = detector(site, 1)
    detector(site, 2, online=False)
    detector(site, 3, low_battery=True)
    bar_detector = detector(neighbour_site, 4)
    shop_far_detector = detector(far_site, 5, fault=True)
    other_detector = detector(other_site, 6, online=False)
    StationAssignment.objects.create(grid=far_grid, primary=station)

    # In the order they happened: an open incident gathers the site's alarms close to its last one.
    i4 = fire_alarm(onenet, shop_far_detector, at(10, 20))
    step(at(10, 20, 10, 0, 40), incident_acknowledge, incident=i4, acting_user=staff)

    i2 = fire_alarm(onenet, shop_detector, at(11, 3, 12))
    step(at(11, 3, 12, 1, 30), incident_acknowledge, incident=i2, acting_user=staff)
    step(at(11, 3, 12, 2), incident_confirm, incident=i2, acting_user=staff, real=True, cause="fire")
    step(at(11, 3, 12, 2, 10), incident_dispatch, incident=i2, acting_user=staff)
    step(at(11, 3, 12, 4), incident_on_scene, incident=i2, acting_user=staff)
    step(at(11, 3, 12, 15), incident_resolve, incident=i2, acting_user=staff, outcome="extinguished")

    i3 = fire_alarm(onenet, bar_detector, at(11, 10, 20))
    step(at(11, 10, 20, 1), incident_acknowledge, incident=i3, acting_user=staff)
    step(at(11, 10, 20, 1, 30), incident_dispatch, incident=i3, acting_user=staff)
    step(at(11, 10, 20, 3), incident_on_scene, incident=i3, acting_user=staff)
    step(at(11, 10, 20, 20), incident_resolve, incident=i3, acting_user=staff, outcome="no_fire_found")

    fire_alarm(onenet, other_detector, at(11, 15))

    i1 = fire_alarm(onenet, shop_detector, at(11, 20, 9))
    assert fire_alarm(onenet, shop_detector, at(11, 20, 9, 1)) == i1
    step(at(11, 20, 9, 0, 30), incident_acknowledge, incident=i1, acting_user=staff)
    step(at(11, 20, 9, 2), incident_confirm, incident=i1, acting_user=staff, real=False, cause="cooking")

    i5 = fire_alarm(onenet, shop_detector, at(11, 20, 9, 30))
    return {
        "courtyard": courtyard,
        "suspended": suspended,
        "office": office,
        "new_shop": new_shop,
        "other_site": other_site,
        "incidents": [i1, i2, i3, i4, i5],
    }
