import datetime as dt
import io

from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from fangkong.command.briefing_export import briefing_docx, briefing_xlsx
from fangkong.command.daily_briefing import briefing_build, chinese_ordinal
from fangkong.command.models import MissingReport, Task, TaskStatus, UnitReport
from fangkong.command.selectors.reports import reporting_units
from fangkong.command.services.notices import MeasureLine, notice_create, notice_publish
from fangkong.command.services.reports import report_submit_zero, reports_detect_missing
from fangkong.command.services.tasks import task_issue
from fangkong.command.tests.conftest import DAY, at
from fangkong.core.figures import BriefingSection, Figure
from fangkong.operations import briefing as gathering
from fangkong.testing.cast import PASSWORD


def _a_day_of_work(settings, hq_admin, reporter, committee, health_commission, chongan_office):
    settings.FANGKONG_REPORT_LOOKBACK_DAYS = 0
    for title, unit in [("排查", committee), ("检查", health_commission), ("卡口", chongan_office)]:
        task_issue(
            title=title,
            responsibility=unit.kind,
            owner_unit=unit,
            deadline=at(12) if title == "卡口" else at(22),
            by=hq_admin,
            at=at(8),
        )
    report_submit_zero(unit=committee, day=DAY, by=reporter, at=at(10))
    reports_detect_missing(at(16, 30))
    report_submit_zero(unit=health_commission, day=DAY, by=None, at=at(17))
    notice_publish(
        notice=notice_create(
            number=33,
            title="关于加强娱乐场所管控的通告",
            body="……",
            effective_at=at(20),
            measures=[MeasureLine("command.report_cutoff", "", "15:00")],
            by=hq_admin,
        ),
        by=hq_admin,
        at=at(18),
    )


def test_the_briefings_figures_equal_counts_taken_straight_from_the_database(
    settings, hq_admin, reporter, committee, health_commission, chongan_office
):
    _a_day_of_work(settings, hq_admin, reporter, committee, health_commission, chongan_office)
    briefing = briefing_build(day=DAY)

    start = at(0)
    end = start + dt.timedelta(days=1)
    assert (
        briefing.figure("command.tasks_issued")
        == Task.objects.filter(issued_at__gte=start, issued_at__lt=end).count()
    )
    assert (
        briefing.figure("command.tasks_open")
        == Task.objects.exclude(status=TaskStatus.DONE).count()
    )
    # The day is over, so "overdue" is judged at its end: every open task past its deadline.
    assert (
        briefing.figure("command.tasks_overdue")
        == Task.objects.exclude(status=TaskStatus.DONE).filter(deadline__lt=end).count()
    )
    assert briefing.figure("command.units_expected") == reporting_units().count()
    assert (
        briefing.figure("command.reports_on_time")
        == UnitReport.objects.filter(day=DAY, late=False).count()
    )
    assert (
        briefing.figure("command.reports_late")
        == UnitReport.objects.filter(day=DAY, late=True).count()
    )
    assert (
        briefing.figure("command.reports_missing")
        == MissingReport.objects.filter(day=DAY, resolved_at__isnull=True).count()
    )
    assert briefing.figure("command.notices_issued") == 1
    assert [s.key for s in briefing.sections][:1] == ["command.notices"]


def test_the_docx_and_xlsx_open_with_their_libraries_and_hold_the_figures(
    settings, hq_admin, reporter, committee, health_commission, chongan_office
):
    _a_day_of_work(settings, hq_admin, reporter, committee, health_commission, chongan_office)
    briefing = briefing_build(day=DAY)
    missing = MissingReport.objects.filter(day=DAY, resolved_at__isnull=True).count()
    issued = Task.objects.count()

    document = Document(io.BytesIO(briefing_docx(briefing)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "无锡市疫情防控工作日报" in text and "2021年8月3日" in text
    headings = [f"{ordinal}、{section.title}" for ordinal, section in briefing.numbered_sections]
    assert headings[0] == "一、通告与防控措施"
    assert {"督办落实", "日报告与零报告"} <= {s.title for s in briefing.sections}
    assert all(heading in text for heading in headings)
    cells = {
        (row.cells[0].text, row.cells[1].text) for table in document.tables for row in table.rows
    }
    assert ("缺报", f"{missing}个") in cells
    assert ("当日交办任务", f"{issued}项") in cells

    sheet = load_workbook(io.BytesIO(briefing_xlsx(briefing))).active
    assert sheet is not None
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    assert rows[0][0] == "无锡市疫情防控工作日报"
    assert ("缺报", missing, "个") in [r[:3] for r in rows]
    assert ("当日交办任务", issued, "项") in [r[:3] for r in rows]


def test_every_registered_areas_section_is_gathered_in_its_order(monkeypatch, db):
    def briefing_section(*, day):
        return BriefingSection(
            key="testarea", title="测试区域", order=30,
            figures=[Figure("testarea.people_now", "在观察人数", 7, "人")],
        )  # fmt: skip

    monkeypatch.setattr(gathering, "_registry", {**gathering.registered_briefings()})
    gathering.register_briefing("testarea", briefing_section)
    briefing = briefing_build(day=DAY)
    keys = [s.key for s in briefing.sections]
    assert keys[0] == "command.notices"
    assert {"testarea", "command.tasks", "command.reports"} <= set(keys)
    orders = [s.order for s in briefing.sections]
    assert orders == sorted(orders)
    assert briefing.figure("testarea.people_now") == 7


def test_a_failing_section_is_reported_without_breaking_the_briefing(monkeypatch, db):
    def briefing_section(*, day):
        raise RuntimeError("boom")

    monkeypatch.setattr(gathering, "_registry", {"venues": briefing_section})
    briefing = briefing_build(day=DAY)
    assert briefing.sections[0].key == "venues.unavailable"


def test_sections_are_numbered_the_chinese_way():
    assert [chinese_ordinal(n) for n in (1, 9, 10, 11, 20, 23)] == [
        "一", "九", "十", "十一", "二十", "二十三",
    ]  # fmt: skip


def test_the_briefing_page_and_downloads_serve_the_hq(client, hq_admin):
    client.login(username="hq_admin", password=PASSWORD)
    page = client.get(reverse("command:briefing") + f"?day={DAY.isoformat()}")
    assert "无锡市疫情防控工作日报" in page.content.decode()
    docx = client.get(reverse("command:briefing_download", args=[DAY.isoformat(), "docx"]))
    assert docx.status_code == 200 and Document(io.BytesIO(docx.content)).paragraphs
    xlsx = client.get(reverse("command:briefing_download", args=[DAY.isoformat(), "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None and sheet["A1"].value == "无锡市疫情防控工作日报"


def test_a_unit_reporter_may_not_open_the_briefing(client, reporter):
    client.login(username="reporter", password=PASSWORD)
    assert client.get(reverse("command:briefing")).status_code == 403


def test_the_snapshot_job_keeps_each_days_figures_once_and_the_dashboard_draws_them(
    settings, hq_admin, reporter, committee
):
    from fangkong.command.models import FigureSnapshot
    from fangkong.command.selectors.dashboard import figure_trends
    from fangkong.command.services.snapshots import figure_snapshots_refresh

    report_submit_zero(unit=committee, day=DAY, by=reporter, at=at(10))
    figure_snapshots_refresh(at(11))
    figure_snapshots_refresh(at(12))
    zero = FigureSnapshot.objects.get(day=DAY, key="command.reports_zero")
    assert zero.value == UnitReport.objects.filter(day=DAY, kind="zero").count()
    assert FigureSnapshot.objects.filter(day=DAY, key="command.reports_zero").count() == 1
    trends = figure_trends(until=DAY, days=3)
    line = next(s for s in trends["series"] if s["name"] == "日报告与零报告·零报告")
    assert line["values"] == [None, 0.0, 1.0]  # the job also finalised the day before


def test_the_reporting_sentence_counts_zero_reports_among_all_reports_not_among_the_late(
    settings, city, hq_unit
):
    from fangkong.command.services.reports import report_submit
    from fangkong.jurisdictions.models import ResponsibilityKind
    from fangkong.jurisdictions.services import unit_create

    settings.FANGKONG_REPORT_LOOKBACK_DAYS = 0
    units = [
        unit_create(
            name=f"单位{n}",
            kind=ResponsibilityKind.ORGANISATION,
            jurisdiction=city,
            parent=hq_unit,
            by=None,
        )
        for n in range(6)
    ]
    figures = {"staff_checked": 10, "issues_found": 0, "issues_fixed": 0}
    report_submit(unit=units[0], day=DAY, figures=figures, by=None, at=at(9))
    report_submit_zero(unit=units[1], day=DAY, by=None, at=at(10))
    report_submit_zero(unit=units[2], day=DAY, by=None, at=at(11))
    reports_detect_missing(at(16, 30))
    report_submit(unit=units[3], day=DAY, figures=figures, by=None, at=at(17))
    report_submit_zero(unit=units[4], day=DAY, by=None, at=at(18))
    # units[5] never reports.

    briefing = briefing_build(day=DAY)
    section = next(s for s in briefing.sections if s.key == "command.reports")
    sentence = (
        "应报单位6个，已报送5个（按时3个、迟报2个），其中零报告3个；缺报1个。报送截止时间16:00。"
    )
    assert section.paragraphs[0] == sentence
    shown = [(f.label, f.value) for f in section.figures]
    assert shown[:6] == [
        ("应报单位", 6), ("已报送", 5), ("按时报送", 3), ("迟报", 2), ("零报告", 3), ("缺报", 1),
    ]  # fmt: skip

    document = Document(io.BytesIO(briefing_docx(briefing)))
    assert any(sentence in p.text for p in document.paragraphs)
    sheet = load_workbook(io.BytesIO(briefing_xlsx(briefing))).active
    assert sheet is not None
    assert any(sentence in str(c.value) for row in sheet.iter_rows() for c in row if c.value)
