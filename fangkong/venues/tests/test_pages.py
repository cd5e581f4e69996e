import io
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook

from fangkong.core.models import AuditEvent
from fangkong.policy.models import Measure
from fangkong.venues.briefing import briefing_section
from fangkong.venues.models import Venue, VenueRoom
from fangkong.venues.tests.factories import crowd, persons
from fangkong.venues.tests.test_inspections import client_for


def test_each_role_lands_on_its_venue_page(venue_manager, inspector):
    assert client_for(venue_manager).get("/")["Location"] == "/venues/"
    assert client_for(inspector).get("/")["Location"] == "/venues/inspections/mine/"


def test_the_main_page_shows_figures_chart_and_the_over_limit_list(bar, ktv, hq_admin):
    page = client_for(hq_admin).get("/venues/").content.decode()
    for marker in (
        'data-figure="venues.over_limit"',
        "category-chart",
        'id="over-limit"',
        bar.name,
    ):
        assert marker in page


def test_a_venue_manager_sees_their_venue_only(bar, ktv, venue_manager):
    client = client_for(venue_manager)
    page = client.get("/venues/").content.decode()
    assert bar.name in page and ktv.name not in page
    assert client.get(f"/venues/{bar.pk}/").status_code == 200
    assert client.get(f"/venues/{ktv.pk}/").status_code == 404


def test_a_district_officer_gets_404_for_a_venue_of_another_district(ktv, liangxi_officer):
    assert client_for(liangxi_officer).get(f"/venues/{ktv.pk}/").status_code == 404


def test_the_venue_page_shows_live_occupancy_curve_and_rooms(bar, hq_admin, now):
    crowd(bar, persons(7), at=now)
    VenueRoom.objects.create(venue=bar, name="V8", kind="hall", approved_capacity=12)
    page = client_for(hq_admin).get(f"/venues/{bar.pk}/").content.decode()
    assert 'data-testid="occupancy">7<' in page
    assert 'data-testid="limit">75<' in page
    assert "curve-data" in page and "V8" in page


def test_the_poster_carries_a_qr_code_of_the_public_address(bar, venue_manager, settings):
    settings.PUBLIC_BASE_URL = "https://fk.example.cn"
    page = client_for(venue_manager).get(f"/venues/{bar.pk}/poster/").content.decode()
    assert "<svg" in page and "<path" in page
    assert f"https://fk.example.cn/venues/c/{bar.code}/" in page


def test_a_district_officer_registers_and_edits_a_venue_in_their_district(
    liangxi_officer, jiankang
):
    client = client_for(liangxi_officer)
    answer = client.post(
        "/venues/new/",
        {
            "name": "新开KTV",
            "category": "ktv",
            "jurisdiction": jiankang.pk,
            "approved_capacity": 120,
        },
    )
    venue = Venue.objects.get(name="新开KTV")
    assert answer["Location"] == venue.get_absolute_url()
    client.post(
        f"/venues/{venue.pk}/edit/",
        {
            "name": "新开KTV",
            "category": "ktv",
            "jurisdiction": jiankang.pk,
            "approved_capacity": 100,
        },
    )
    venue.refresh_from_db()
    assert venue.approved_capacity == 100
    assert AuditEvent.objects.get(action="venue.update").after == {"approved_capacity": 100}


def test_a_venue_manager_cannot_change_the_approved_capacity(bar, venue_manager):
    answer = client_for(venue_manager).get(f"/venues/{bar.pk}/edit/")
    assert answer.status_code == 403


def xlsx(rows: list[list[Any]]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "venues.xlsx"
    return data


def test_a_venue_import_with_a_bad_row_names_it_and_creates_nothing(hq_admin, jiankang):
    header = ["名称", "类别", "所属辖区", "核定容量", "包间"]
    data = xlsx(
        [
            header,
            ["星光KTV", "KTV", "320213001001", 200, "K01:10;K02:12"],
            ["无名", "夜总会", "320213001001", 50, ""],
            ["湖景餐厅", "餐饮", "健康社区", 0, ""],
        ]
    )
    page = client_for(hq_admin).post("/venues/import/", {"file": data})
    assert page.status_code == 400
    text = page.content.decode()
    assert "夜总会" in text and "核定容量" in text
    assert not Venue.objects.exists()


def test_a_valid_venue_import_creates_venues_and_rooms(hq_admin, jiankang):
    data = xlsx(
        [
            ["名称", "类别", "所属辖区", "核定容量", "包间"],
            ["星光KTV", "KTV", "320213001001", 200, "K01:10；K02:12"],
            ["湖景餐厅", "restaurant", "健康社区", 80, ""],
        ]
    )
    page = client_for(hq_admin).post("/venues/import/", {"file": data})
    assert page.status_code == 200
    ktv = Venue.objects.get(name="星光KTV")
    assert sorted(ktv.rooms.values_list("name", "kind", "approved_capacity")) == [
        ("K01", "ktv_room", 10),
        ("K02", "ktv_room", 12),
    ]
    again = client_for(hq_admin).post(
        "/venues/import/",
        {
            "file": xlsx(
                [["名称", "类别", "所属辖区", "核定容量"], ["星光KTV", "KTV", "320213001001", 200]]
            )
        },
    )
    assert "已登记 1 家" in again.content.decode()
    assert Venue.objects.count() == 2


def test_the_hq_sets_a_category_tier_on_the_tiers_page(hq_admin, bar):
    client = client_for(hq_admin)

    answer = client.post(
        "/venues/tiers/",
        {
            "categories": ["bar", "ktv"],
            "tier": "tightened",
            "effective_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "source": "第33号通告",
        },
    )
    assert answer.status_code == 302
    assert set(Measure.objects.values_list("subject", "value", "source")) == {
        ("bar", "tightened", "第33号通告"),
        ("ktv", "tightened", "第33号通告"),
    }


def test_only_the_hq_sets_tiers(liangxi_officer, db):
    client = client_for(liangxi_officer)
    assert client.get("/venues/tiers/").status_code == 200
    assert client.post("/venues/tiers/", {"categories": ["bar"]}).status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/venues/",
        "/venues/over-limit/",
        "/venues/inspections/",
        "/venues/campaigns/",
        "/venues/tiers/",
    ],
)
def test_the_area_pages_answer_for_the_hq(path, hq_admin, bar):
    assert client_for(hq_admin).get(path).status_code == 200


def test_other_roles_are_kept_out(site_staff, bar):
    assert client_for(site_staff).get("/venues/").status_code == 403
    assert Client().get("/venues/").status_code == 302


def test_the_briefing_section_counts_venues_and_over_limit_now(bar, ktv, now):
    crowd(bar, persons(80), at=now)
    section = briefing_section(day=timezone.localdate(now))
    figures = {f.key: f.value for f in section.figures}
    assert figures["venues.total"] == 2
    assert figures["venues.over_limit"] == 1
    assert section.tables[0].rows  # by category and status
    assert "2 家" in section.paragraphs[0]


def test_the_person_page_lists_their_check_ins_for_investigators(zhang_san, bar, investigator, now):
    from fangkong.venues.services.checkins import checkin_enter

    checkin_enter(venue=bar, person=zhang_san, by=None)
    page = client_for(investigator).get(f"/persons/{zhang_san.pk}/").content.decode()
    assert "person-checkins" in page and bar.name in page


def test_the_over_limit_page_narrowed_to_a_district_lists_its_venues_alone(
    bar, ktv, hq_admin, liangxi, now
):
    # Given a crowded bar in Liangxi and a crowded KTV in Binhu
    people = persons(250)
    crowd(bar, people[:80], at=now)
    crowd(ktv, people[80:], at=now)
    client = client_for(hq_admin)
    every = client.get("/venues/over-limit/").context["rows"]
    assert {row.venue for row in every} == {bar, ktv}
    # When the page is opened for Liangxi (as the command screen links to it)
    page = client.get("/venues/over-limit/", {"district": liangxi.pk})
    # Then only the bar is listed, and the page says which district it shows
    assert [row.venue for row in page.context["rows"]] == [bar]
    assert 'data-testid="over-limit-district"' in page.content.decode()
