"""Area A, seeded once through the services: one of every object a page or an API endpoint names,
and the people who look at it from inside and from outside.

Area A is a grid (甲一网格) of a community of a street (甲街道). Around it:

- ``grid_worker`` walks grid A; ``other_grid_worker`` walks another grid of the same community;
- ``staff`` work for street A; ``other_staff`` for another street (乙街道);
- ``operator`` runs the micro fire station covering grid A; ``other_operator`` the station of street B;
- ``admin`` sees everything; ``anonymous`` has not signed in.

Each outsider has something of their own (a site in their grid or street), so that a list they
may open is not empty for want of data.
"""

import datetime
import io
import uuid
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.models import Notification, User
from alarms import ingest
from alarms.models import Device, Event, Notifier
from alarms.services import event_process, integration_create
from dashboards.services import safety_report_request
from enterprises.imports import site_import_create
from enterprises.models import SiteDocument
from enterprises.services import site_document_add
from files.models import ListExport
from files.services import list_export_build, photo_store
from hazards import services as hazard_services
from inspections.selectors import checklist_for_site
from inspections.services import campaign_create, inspection_submit
from regulations.models import ChecklistItem, Clause, LegalBasis, RiskFactorTemplate
from tests.alarms.conftest import data_point, onenet_body, preset
from tests.enterprises.test_import import site_row, xlsx_file
from tests.factories import CommunityFactory, FireStationFactory, GridFactory, SiteFactory, StreetFactory, UserFactory
from tests.files.pictures import evidence_jpeg, upload
from tests.inspections.conftest import answers_for, body

# The name of area A's site: a page or a list that shows it to someone shows area A.
SITE_NAME = "甲区样板便利店"
SITE_PHONE = "13812345678"
CONTACT_PHONE = "13987654321"
HAZARD = "甲区收银台灭火器只有1具"
CAMPAIGN = "甲街道冬季专项检查"
DOCUMENT = "甲区平面图"
IMEI = "865820060077001"
STATION = "甲微型消防站"
NOTIFIER = "甲站值班群"
# What only area A's people may find in an answer.
AREA_MARKERS = (SITE_NAME, SITE_PHONE, CONTACT_PHONE, HAZARD, CAMPAIGN, DOCUMENT, IMEI, STATION, NOTIFIER)

PERSONAS = ("anonymous", "grid_worker", "other_grid_worker", "staff", "other_staff", "operator", "other_operator", "admin")


@dataclass
class World:
    people: dict[str, User | None]
    street: object
    community: object
    grid: object
    station: object
    site: object
    document: object
    site_import: object
    hazard: object
    hazard_photo: object
    notice: object
    factor: object
    inspection: object
    inspection_photo: object
    campaign: object
    integration: object
    device_model: object
    device: object
    incident: object
    notifier: object
    notification: object
    report: object
    list_export: object
    checklist_item: object
    basis: object
    clause: object
    risk_factor: object


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def _photo(user: User):
    return photo_store(upload=upload(evidence_jpeg()), acting_user=user, photo_id=uuid.uuid4())


def build_world() -> World:
    """Area A and its surroundings, made as the product makes them (services, a real push)."""
    street = StreetFactory(name="甲街道", code="SEC-A")
    community = CommunityFactory(street=street, name="甲社区")
    grid = GridFactory(community=community, name="甲一网格")
    other_grid = GridFactory(community=community, name="甲二网格")
    other_street = StreetFactory(name="乙街道", code="SEC-B")
    far_grid = GridFactory(community=CommunityFactory(street=other_street, name="乙社区"), name="乙一网格")
    station = FireStationFactory(street=street, name=STATION, grids=[grid])
    other_station = FireStationFactory(street=other_street, name="乙微型消防站", grids=[far_grid])

    people = {
        "anonymous": None,
        "grid_worker": UserFactory(username="sec-gw", role=User.Role.GRID_WORKER, grids=[grid]),
        "other_grid_worker": UserFactory(username="sec-gw2", role=User.Role.GRID_WORKER, grids=[other_grid]),
        "staff": UserFactory(username="sec-staff", role=User.Role.STREET_STAFF, street=street),
        "other_staff": UserFactory(username="sec-staff2", role=User.Role.STREET_STAFF, street=other_street),
        "operator": UserFactory(username="sec-op", role=User.Role.STATION_OPERATOR, station=station),
        "other_operator": UserFactory(username="sec-op2", role=User.Role.STATION_OPERATOR, station=other_station),
        "admin": UserFactory(username="sec-admin", role=User.Role.ADMIN, is_staff=True, is_superuser=True),
    }
    grid_worker, staff = people["grid_worker"], people["staff"]

    site = SiteFactory(
        grid=grid,
        name=SITE_NAME,
        address="甲街道1号",
        latitude="30.650000",
        longitude="104.080000",
        responsible_phone=SITE_PHONE,
        safety_contact="钱七",
        safety_contact_phone=CONTACT_PHONE,
    )
    SiteFactory(grid=other_grid, name="甲二网格小店", address="甲街道9号")
    SiteFactory(grid=far_grid, name="乙街道茶馆", address="乙街道3号")

    # The registry: a document and an import of street A's staff.
    document = site_document_add(
        site=site,
        acting_user=staff,
        kind=SiteDocument.Kind.OTHER,
        upload=SimpleUploadedFile("平面图.png", png_bytes()),
        title=DOCUMENT,
    )
    site_import = site_import_create(acting_user=staff, upload=xlsx_file([site_row(grid)]))

    # Hazards: one found by the grid worker with a photo, notified by the office; a risk factor.
    clause = Clause.objects.select_related("basis").get(basis__code="GB 50140-2005", number="6.1.1")
    found_photo = upload(evidence_jpeg())
    hazard = hazard_services.hazard_raise(
        site=site,
        acting_user=grid_worker,
        description=HAZARD,
        clause=clause,
        uploads=[found_photo],
        source="inspection",
    )
    notice = hazard_services.hazard_notify(
        hazard=hazard, acting_user=staff, deadline=timezone.localdate() + datetime.timedelta(days=7), requirements="增配灭火器"
    )
    hazard.refresh_from_db()
    hazard_photo = hazard.photos.get()
    factor = hazard_services.site_risk_factor_add(
        site=site,
        acting_user=staff,
        name="临时用电",
        data={"likelihood": "3", "exposure": "6", "consequence": "7"},
        reason="现场检查发现",
    )

    # An inspection with a photo of an answer, and a campaign of street A's office.
    data = body(site, answers_for(checklist_for_site(site=site, user=grid_worker).versions))
    inspection_photo = _photo(grid_worker)
    data["items"][0]["photo_ids"] = [str(inspection_photo.pk)]
    inspection = inspection_submit(acting_user=grid_worker, data=data)
    checklist_item = ChecklistItem.objects.filter(is_active=True, current_version__isnull=False).order_by("code").first()
    campaign = campaign_create(
        acting_user=staff,
        data={
            "name": CAMPAIGN,
            "description": "",
            "starts_on": timezone.localdate(),
            "ends_on": timezone.localdate() + datetime.timedelta(days=30),
            "items": [checklist_item.pk],
            "sites": [site.pk],
        },
    )

    # The alarm pipeline: an integration, a detector at the site, a fire alarm pushed and processed.
    ingest.integrations.clear()
    ingest.rate_limiter.clear()
    onenet = integration_create(acting_user=people["admin"], platform="onenet", name="甲 OneNET")
    device_model = preset("onenet")
    device = Device.objects.create(
        integration=onenet.integration,
        platform_device_id="7700001",
        imei=IMEI,
        model=device_model,
        site=site,
        room="厨房",
    )
    answer = ingest.ingest_push(
        platform="onenet",
        key=onenet.integration.ingest_key,
        body=onenet_body(data_point("smoke_alarm", 1, dev_id=7700001, at=int(timezone.now().timestamp() * 1000)), onenet.secret),
        headers={"Content-Type": "application/json"},
    )
    assert answer.status == 200, answer
    incident = event_process(event_id=Event.objects.filter(device=device).latest("pk").pk)
    assert incident is not None and incident.notices.filter(station=station).exists()
    notifier = Notifier.objects.create(kind=Notifier.Kind.WEBHOOK, name=NOTIFIER, endpoint="https://hooks.example.invalid/a")
    notifier.stations.set([station])

    # The office's yearly safety report of street A, built at once (a small street).
    report = safety_report_request(acting_user=staff, unit=f"street-{street.pk}", year=timezone.localdate().year, format="xlsx")

    # The office's export of the registry, written in the background as a long list's is (its requester's alone).
    list_export = ListExport.objects.create(kind="sites", title="场所台账", rows_expected=1, requested_by=staff)
    list_export_build(export_id=list_export.pk)
    list_export.refresh_from_db()
    assert list_export.status == ListExport.Status.READY, list_export.error

    notification = Notification.objects.create(user=grid_worker, kind="test", title="甲区提醒", link=site.get_absolute_url())

    return World(
        people=people,
        street=street,
        community=community,
        grid=grid,
        station=station,
        site=site,
        document=document,
        site_import=site_import,
        hazard=hazard,
        hazard_photo=hazard_photo,
        notice=notice,
        factor=factor,
        inspection=inspection,
        inspection_photo=inspection_photo,
        campaign=campaign,
        integration=onenet.integration,
        device_model=device_model,
        device=device,
        incident=incident,
        notifier=notifier,
        notification=notification,
        report=report,
        list_export=list_export,
        checklist_item=checklist_item,
        basis=LegalBasis.objects.order_by("pk").first(),
        clause=clause,
        risk_factor=RiskFactorTemplate.objects.order_by("pk").first(),
    )
