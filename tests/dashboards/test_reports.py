"""Quarterly and yearly safety reports of a street or community, on NOW in the month's story
(tests/dashboards/conftest.py): their figures, the PDF and the workbook, who may request and download
them, the build in the background with its progress, and what a bad request is told."""

import datetime
import io
import os
import re
import time

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import User
from dashboards import report_charts
from dashboards.models import SafetyReport
from dashboards.reports import ReportPeriod, report_period_get, report_scope_get, safety_report_figures
from dashboards.services import (
    safety_report_build,
    safety_report_files_sweep,
    safety_report_request,
    safety_reports_resume,
)
from hazards import services as hazards
from hazards.models import GradeChange
from hazards.selectors import hazard_statistics
from riskplatform.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from tests.dashboards.conftest import NOW, at
from tests.factories import SiteFactory, UserFactory
from tests.hazards.conftest import photo

Q4 = ReportPeriod(year=2026, quarter=4)


def figures_of(user, *, period=Q4, community=None) -> dict:
    street_id = community.street_id if community else user.street_id
    scope = report_scope_get(user=user, street_id=street_id, community_id=community.pk if community else None)
    return safety_report_figures(scope=scope, period=period)


def request_report(user, *, unit=None, year=2026, quarter=4, format="pdf") -> SafetyReport:
    return safety_report_request(
        acting_user=user, unit=unit or f"street-{user.street_id}", year=year, quarter=quarter, format=format
    )


def form_data(user, **data) -> dict:
    return {"unit": f"street-{user.street_id}", "year": "2026", "quarter": "", "format": "pdf", **data}


# --- The figures ----------------------------------------------------------------------------------------------


def test_the_fourth_quarter_of_the_street_in_figures(month, staff):
    figures = figures_of(staff)
    assert figures["scope"] == {"level": "street", "street": "望江路街道", "community": ""}
    assert figures["period"]["as_at"] == NOW and not figures["period"]["complete"]

    # The six operating sites, with their colours as they are now (the period is still running).
    sites = figures["sites"]
    assert sites["total"] == 6
    assert sites["by_colour"] == {"red": 1, "orange": 1, "yellow": 1, "blue": 2, "none": 1}
    assert sum(row["total"] for row in sites["categories"]) == 6

    # Found since 1 October: the major one, the late one, the one closed on the spot, the rectified one, the new one.
    hazards = figures["hazards"]
    assert (hazards["found"], hazards["closed"], hazards["open"], hazards["rate"], hazards["overdue"]) == (5, 1, 4, 20.0, 1)
    assert {row["key"]: row["found"] for row in hazards["by_level"]} == {"general": 4, "major": 1}
    assert [(row["found"], row["closed"]) for row in hazards["months"]] == [(1, 0), (4, 1), (0, 0)]
    assert figures["major_hazards"]["count"] == 1
    assert figures["major_hazards"]["rows"][0]["description"] == "安全出口上锁"

    # I1 to I5 (I1 with two alarms); the other street's alarm is not ours.
    alarms = figures["alarms"]
    assert (alarms["alarms"], alarms["incidents"], alarms["real"], alarms["false"], alarms["unconfirmed"]) == (6, 5, 1, 1, 3)
    assert alarms["false_rate"] == 50.0
    assert (alarms["acknowledged"], alarms["ack_p50"], alarms["on_scene"], alarms["scene_p50"]) == (4, 50, 2, 210)
    assert [row["incidents"] for row in alarms["months"]] == [1, 4, 0]

    # The routine checks of the quarter: the shop twice, the noodle bar, the hardware shop, the new shop.
    inspections = figures["inspections"]
    assert (inspections["visits"], inspections["sites"]) == (5, 6)
    assert inspections["start"] == datetime.date(2026, 10, 1) and inspections["end"] == NOW.date()

    units = {row["name"]: row for row in figures["units"]}
    assert set(units) == {"望江社区", "郭家桥社区"}
    ours, far = units["望江社区"], units["郭家桥社区"]
    assert (ours["sites"], ours["red"], ours["hazards_found"], ours["hazards_closed"], ours["incidents"]) == (4, 1, 4, 1, 4)
    assert (far["sites"], far["hazards_found"], far["incidents"], far["inspections_done"]) == (2, 1, 1, 2)
    totals = figures["unit_totals"]
    assert (totals["sites"], totals["hazards_found"], totals["incidents"], totals["hazard_rate"]) == (6, 5, 5, 20.0)

    # Every grade change of the street's sites since 1 October, from one colour to another.
    changes = GradeChange.objects.filter(site__grid__community__street=staff.street, at__gte=at(10, 1, 0))
    assert figures["grade_changes"]["total"] == changes.count() > 0


def test_the_rectification_rate_is_the_statistics_pages(month, staff):
    """Of the hazards found in the period, the share closed by now: the hazard statistics page's rule."""
    year = figures_of(staff, period=ReportPeriod(year=2026))
    rows = hazard_statistics(user=staff, year=2026)
    assert (year["hazards"]["found"], year["hazards"]["closed"]) == (
        sum(r["found"] for r in rows),
        sum(r["closed"] for r in rows),
    )
    assert year["hazards"]["rate"] == 33.3
    assert [row["found"] for row in year["hazards"]["months"]] == [0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 4, 0]


def test_a_community_report_lists_its_grids(month, staff, community):
    figures = figures_of(staff, community=community)
    assert figures["scope"] == {"level": "community", "street": "望江路街道", "community": "望江社区"}
    assert [row["name"] for row in figures["units"]] == ["第一网格", "第二网格"]
    assert figures["sites"]["total"] == 4
    assert figures["alarms"]["incidents"] == 4


def test_a_past_quarter_counts_the_sites_registered_then_with_their_colour_then(month, staff):
    """The third quarter: the sites registered in January, each with the colour its last grade change before
    1 October gave it; those registered since are not counted."""
    courtyard = month["courtyard"]
    assert courtyard.grade_changes.get().at == at(9, 10)  # graded orange by its first inspection
    courtyard.refresh_from_db()
    assert courtyard.risk_colour == "blue"  # as the story has it now
    figures = figures_of(staff, period=ReportPeriod(year=2026, quarter=3))
    assert figures["period"]["complete"] and figures["period"]["as_at"] is None
    # The courtyard, the government office and the new shop were registered on 5 January; the others today.
    # The new shop was first graded on 19 November, the office never.
    assert figures["sites"]["total"] == 3
    assert figures["sites"]["by_colour"] == {"red": 0, "orange": 1, "yellow": 0, "blue": 0, "none": 2}
    assert figures["grade_changes"]["first"] == figures["grade_changes"]["total"] == 1


def test_the_figures_take_the_same_queries_whatever_the_number_of_sites_and_hazards(month, staff, grid, far_grid):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            figures_of(staff)
        return len(captured)

    before = queries()
    for number in range(5):
        for where in (grid, far_grid):
            site = SiteFactory(grid=where, name=f"新店{where.pk}-{number}")
            hazard = hazards.hazard_raise(site=site, acting_user=staff, description="灭火器过期", level="major")
            hazards.hazard_supervise(hazard=hazard, acting_user=staff, note="督办")
    assert queries() == before


# --- The files ------------------------------------------------------------------------------------------------


def test_the_pdf_has_pages_of_chinese_text_and_charts(month, staff):
    report = request_report(staff, format="pdf")
    assert report.status == SafetyReport.Status.READY, report.error
    with report.file.open("rb") as stored:
        pdf = PdfReader(io.BytesIO(stored.read()))
    assert len(pdf.pages) >= 4
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "望江路街道" in text and "2026年第4季度" in text
    for heading in ("概况", "监管单位", "隐患排查整改", "火灾报警"):
        assert heading in text, heading
    assert "未评定" in text and "10月" in text
    # The chart of hazards by month is drawn: its bars' colours, which no table uses, fill shapes on a page.
    fills = {
        tuple(round(float(number), 3) for number in match.groups())
        for page in pdf.pages
        for match in re.finditer(rb"([0-9.]+) ([0-9.]+) ([0-9.]+) rg", page.get_contents().get_data())
    }
    for colour in (report_charts.FOUND_FILL, report_charts.CLOSED_FILL):
        assert tuple(round(int(colour[i : i + 2], 16) / 255, 3) for i in (1, 3, 5)) in fills, colour
    assert "安全出口上锁" in text  # the major hazard's row


def test_the_workbook_opens_with_one_sheet_per_table_and_its_totals_match(month, staff):
    report = request_report(staff, format="xlsx")
    assert report.status == SafetyReport.Status.READY, report.error
    with report.file.open("rb") as stored:
        workbook = load_workbook(io.BytesIO(stored.read()), read_only=True)

    def last_row(title: str) -> list:
        rows = [row for row in workbook[title].iter_rows(values_only=True) if any(value is not None for value in row)]
        total = rows[-1]
        assert total[0] == "合计", (title, total)
        return list(total)

    assert len(workbook.sheetnames) >= 10
    assert last_row("监管单位分类")[3:9] == [6, 1, 1, 1, 2, 1]
    assert last_row("风险等级")[1] == 6
    assert last_row("隐患（按等级）")[1:6] == [5, 1, 4, 20.0, 1]
    assert last_row("隐患（按来源）")[1:3] == [5, 1]
    assert last_row("隐患月度")[1:3] == [5, 1]
    assert last_row("警情月度")[1:5] == [6, 5, 1, 1]
    assert last_row("重大隐患")[1] == 1
    assert last_row("检查次数")[1] == 5
    by_community = last_row("按社区")
    assert by_community[1:3] == [6, 1] and by_community[5:8] == [5, 1, 20.0] and by_community[10:13] == [5, 1, 1]
    units = {row[0]: row for row in workbook["按社区"].iter_rows(min_row=3, values_only=True) if row[0]}
    assert units["望江社区"][1] == 4 and units["郭家桥社区"][1] == 2


# --- Who may request and download ---------------------------------------------------------------------------------


def test_staff_of_another_street_can_neither_request_nor_download(month, staff, stranger, client_for, community):
    ours = request_report(staff, format="xlsx")
    with pytest.raises(NotFoundError):
        request_report(stranger, unit=f"street-{staff.street_id}")
    with pytest.raises(NotFoundError):
        request_report(stranger, unit=f"community-{community.pk}")

    client = client_for(stranger)
    response = client.post(reverse("dashboards:reports"), {"unit": f"street-{staff.street_id}", "year": 2026, "format": "pdf"})
    assert response.status_code == 200
    assert "Choose a street or community of yours." in response.content.decode()
    assert client.get(reverse("dashboards:report-download", args=[ours.pk])).status_code == 404
    assert client.get(reverse("dashboards:report-row", args=[ours.pk])).status_code == 404
    assert SafetyReport.objects.count() == 1

    # A colleague of the same street may download it; the page lists only one's own.
    colleague = UserFactory(username="colleague-staff", role=User.Role.STREET_STAFF, street=staff.street)
    response = client_for(colleague).get(reverse("dashboards:report-download", args=[ours.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert b"".join(response.streaming_content)[:2] == b"PK"
    assert list(client_for(colleague).get(reverse("dashboards:reports")).context["reports"]) == []


@pytest.mark.parametrize("persona", ["grid_worker", "operator"])
def test_only_street_office_staff_and_admins_request_reports(request, month, persona, client_for):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse("dashboards:reports")).status_code == 403
    with pytest.raises(PermissionDeniedError):
        safety_report_request(acting_user=user, unit="street-1", year=2026, format="pdf")


def test_an_admin_may_report_on_any_street(month, admin_user, stranger):
    report = safety_report_request(acting_user=admin_user, unit=f"street-{stranger.street_id}", year=2026, format="xlsx")
    assert report.status == SafetyReport.Status.READY
    scope = report_scope_get(user=admin_user, street_id=stranger.street_id)
    assert safety_report_figures(scope=scope, period=Q4)["sites"]["total"] == 1


# --- The page -----------------------------------------------------------------------------------------------------


def test_the_overview_leads_to_the_reports_page_and_its_form_offers_the_street_and_its_communities(
    month, staff, client_for, community
):
    client = client_for(staff)
    overview = client.get(reverse("dashboards:overview")).content.decode()
    assert reverse("dashboards:reports") in overview
    page = client.get(reverse("dashboards:reports"))
    assert page.status_code == 200
    labels = [label for _value, label in page.context["form"].fields["unit"].choices]
    assert labels == ["望江路街道", "望江路街道 · 望江社区", "望江路街道 · 郭家桥社区"]
    # A community's overview leads to its own report.
    overview = client.get(reverse("dashboards:overview-community", args=[community.pk])).content.decode()
    link = reverse("dashboards:reports") + f"?unit=community-{community.pk}"
    assert link in overview
    assert client.get(link).context["form"]["unit"].value() == f"community-{community.pk}"


def test_a_requested_report_is_listed_and_downloaded_from_the_page(month, staff, client_for):
    client = client_for(staff)
    response = client.post(reverse("dashboards:reports"), form_data(staff, quarter="4"))
    assert response.status_code == 302
    page = client.get(response.url)
    assert "The report is ready to download." in page.content.decode()
    report = SafetyReport.objects.get()
    assert (report.requested_by, report.year, report.quarter, report.progress) == (staff, 2026, 4, 100)
    download = client.get(reverse("dashboards:report-download", args=[report.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert "2026" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"quarter": "5"}, "quarter", "There are four quarters: choose one from 1 to 4, or the whole year."),
        ({"quarter": "first"}, "quarter", "There are four quarters"),
        ({"year": "2031"}, "year", "The year 2031 has not begun yet; choose 2026 or an earlier year."),
        ({"year": "1999"}, "year", "Choose a year from 2000 on."),
        ({"year": "next"}, "year", "Enter a year as a number"),
        ({"format": "docx"}, "format", "Select a valid choice"),
    ],
)
def test_a_bad_request_is_told_what_is_wrong_beside_the_field(month, staff, client_for, data, field, message):
    form = {"unit": f"street-{staff.street_id}", "year": "2026", "quarter": "", "format": "pdf", **data}
    response = client_for(staff).post(reverse("dashboards:reports"), form)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert f'data-testid="error-{field}"' in response.content.decode() or field == "format"
    assert not SafetyReport.objects.exists()


def test_a_quarter_not_begun_yet_is_refused(db):
    with translation.override("en"), pytest.raises(ApplicationError) as refused:
        report_period_get(year=2026, quarter=3, today=datetime.date(2026, 5, 1))
    assert refused.value.field_errors == {"quarter": ["Quarter 3 of 2026 has not begun yet; it begins on 2026-07-01."]}


# --- Built in the background ------------------------------------------------------------------------------------------


@pytest.fixture
def large_scopes(settings):
    """Every scope counts as large here: its report is built by the Celery task."""
    settings.REPORT_BACKGROUND_SITES = 0


def test_a_large_report_is_queued_and_its_row_polls_until_it_is_ready(month, staff, client_for, large_scopes):
    client = client_for(staff)
    client.post(reverse("dashboards:reports"), {"unit": f"street-{staff.street_id}", "year": 2026, "format": "xlsx"})
    report = SafetyReport.objects.get()
    assert (report.status, report.progress, report.file.name) == (SafetyReport.Status.QUEUED, 0, "")
    page = client.get(reverse("dashboards:reports")).content.decode()
    assert "The report is being built" in page
    row = client.get(reverse("dashboards:report-row", args=[report.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-get" in row and "<progress" in row and "report-download" not in row
    assert client.get(reverse("dashboards:report-download", args=[report.pk])).status_code == 404

    # What the Celery task does (dashboards.tasks.safety_report_build_task); running it twice is harmless.
    safety_report_build(report_id=report.pk)
    finished_at = SafetyReport.objects.get().finished_at
    safety_report_build(report_id=report.pk)
    report.refresh_from_db()
    assert (report.status, report.progress, report.finished_at) == (SafetyReport.Status.READY, 100, finished_at)
    row = client.get(reverse("dashboards:report-row", args=[report.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-get" not in row and 'data-testid="report-download"' in row


def test_a_build_whose_worker_died_is_taken_over_after_its_timeout(month, staff, large_scopes):
    report = request_report(staff)
    SafetyReport.objects.filter(pk=report.pk).update(status=SafetyReport.Status.BUILDING, started_at=timezone.now())
    safety_report_build(report_id=report.pk)
    assert SafetyReport.objects.get().status == SafetyReport.Status.BUILDING, "a build under way is left to its worker"
    with time_machine.travel(NOW + datetime.timedelta(minutes=16), tick=False):
        safety_report_build(report_id=report.pk)
    assert SafetyReport.objects.get().status == SafetyReport.Status.READY


def test_a_report_its_requester_may_no_longer_make_fails_and_says_why(month, staff, client_for, large_scopes):
    report = request_report(staff)
    User.objects.filter(pk=staff.pk).update(role=User.Role.GRID_WORKER)
    safety_report_build(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == SafetyReport.Status.FAILED
    assert report.error == "只有街道办工作人员可以申请安全报告。"
    assert not report.file
    User.objects.filter(pk=staff.pk).update(role=User.Role.STREET_STAFF)
    row = client_for(staff).get(reverse("dashboards:report-row", args=[report.pk])).content.decode()
    assert 'data-testid="report-error"' in row and report.error in row


def test_stored_files_no_report_names_are_swept_once_old(month, staff, media):
    report = request_report(staff, format="xlsx")
    orphan = media / "reports" / "2026" / "11" / "orphan.xlsx"
    orphan.write_bytes(b"PK")
    two_hours_ago = (NOW - datetime.timedelta(hours=2)).timestamp()
    for path in (orphan, media / report.file.name):
        os.utime(path, (two_hours_ago, two_hours_ago))
    assert safety_report_files_sweep() == 1
    assert not orphan.exists() and (media / report.file.name).exists()


@pytest.mark.django_db(transaction=True)
def test_the_worker_builds_a_large_report_and_one_whose_task_was_lost(
    site, neighbour_site, far_site, staff, client_for, settings, process_env, celery_worker, large_scopes
):
    """With the real worker (the month's story pushes alarms the worker would take, so the street here is
    smaller): two hazards found this month, one of them closed on the spot."""
    hazards.hazard_raise(site=site, acting_user=staff, description="疏散通道堵塞")
    spot = hazards.hazard_raise(site=far_site, acting_user=staff, description="插线板串接")
    hazards.hazard_close_on_spot(hazard=spot, acting_user=staff, note="当场拆除", uploads=[photo()])
    # The worker stores the file in the media folder it was started with; the download reads it there.
    settings.MEDIA_ROOT = process_env["MEDIA_ROOT"]
    client = client_for(staff)
    client.post(reverse("dashboards:reports"), form_data(staff, quarter="4"))
    # A report whose task never reached the broker: the periodic resume queues it again.
    lost = SafetyReport.objects.create(
        street=staff.street,
        year=2026,
        format="xlsx",
        requested_by=staff,
        requested_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    assert safety_reports_resume() == 1

    deadline = time.monotonic() + 60
    while SafetyReport.objects.filter(status__in=SafetyReport.IN_PROGRESS).exists():
        assert time.monotonic() < deadline, list(SafetyReport.objects.values("status", "progress", "error"))
        time.sleep(0.3)
    for report in SafetyReport.objects.all():
        assert report.status == SafetyReport.Status.READY, report.error
    pdf = client.get(reverse("dashboards:report-download", args=[SafetyReport.objects.exclude(pk=lost.pk).get().pk]))
    text = PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages[0].extract_text()
    assert "望江路街道" in text
    workbook = client.get(reverse("dashboards:report-download", args=[lost.pk]))
    sheets = load_workbook(io.BytesIO(b"".join(workbook.streaming_content)), read_only=True)
    year = [row for row in sheets["隐患（按等级）"].iter_rows(values_only=True) if row[0] == "合计"][0]
    assert (year[1], year[2]) == (2, 1)
    assert celery_worker.processed().get("dashboards.tasks.safety_report_build_task", 0) >= 2
