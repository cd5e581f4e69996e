"""A case with many contacts stays usable: its page shows the counts first, then the contacts a
page at a time in groups of one exposure (venue and time), its filters in the URL; the chain
counts in groups what it cannot draw; and the page asks the database as many times for fifty
contacts as for five (bench/case_page.py times it at ten thousand). In the browser, paging and
filtering fetch the list alone and keep the page's URL in step."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fangkong.cases.models import (
    Case,
    Contact,
    ContactCategory,
    ContactDegree,
    ContactSource,
    ContactStatus,
)
from fangkong.cases.selectors.chain_view import chain_data
from fangkong.cases.selectors.chains import cluster_of
from fangkong.cases.tests.conftest import at
from fangkong.people.models import IdType, Person
from fangkong.testing.browser import log_in
from fangkong.testing.cast import PASSWORD
from fangkong.venues.models import Venue

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


@pytest.fixture
def add_contacts(jiankang) -> Callable[..., list[Contact]]:
    """Contacts written in bulk (the list is what is tested here, not the trace): `close`
    close contacts spread over the venues in turn from 21:00 a minute apart, then
    `secondary` secondary contacts exposed through them at the last venue the next day."""

    def add(
        case: Case,
        venues: list[Venue],
        *,
        close: int,
        secondary: int = 0,
        status: str = ContactStatus.PROPOSED,
    ) -> list[Contact]:
        persons = Person.objects.bulk_create(
            Person(
                name=f"接触者{n}",
                id_type=IdType.OTHER,
                id_number=f"BIG{n:07d}",
                home_jurisdiction=jiankang,
            )
            for n in itertools.islice(_numbers, close + secondary)
        )
        start = at("2021-07-28T21:00")
        rows = []
        for i, person in enumerate(persons):
            degree = ContactDegree.CLOSE if i < close else ContactDegree.SECONDARY
            first = start + dt.timedelta(minutes=i) + dt.timedelta(days=degree - 1)
            rows.append(
                Contact(
                    case=case,
                    person=person,
                    degree=degree,
                    via=case.person if i < close else persons[i % close],
                    venue=venues[i % len(venues)] if i < close else venues[-1],
                    first_exposure=first,
                    last_exposure=first + dt.timedelta(minutes=30),
                    overlap_minutes=30,
                    category=ContactCategory.VENUE_CODE,
                    source=ContactSource.CHECKIN,
                    status=status,
                    identified_at=None if status == ContactStatus.PROPOSED else first,
                )
            )
        return Contact.objects.bulk_create(rows)

    return add


@pytest.fixture
def as_hq(client, hq_admin):
    client.force_login(hq_admin)
    return client


@pytest.fixture
def bars(make_venue) -> list[Venue]:
    return [make_venue("老街酒吧"), make_venue("星光KTV", "ktv")]


def _rows(html: str) -> int:
    return html.count('<tr id="contact-')


def test_a_case_of_sixty_contacts_shows_the_counts_the_first_fifty_and_a_link_to_the_rest(
    as_hq, make_person, make_case, bars, add_contacts, settings
):
    settings.FANGKONG_CASE_CONTACTS_SHOWN = 50
    case = make_case(make_person("病例"))
    add_contacts(case, bars, close=40, secondary=20)
    page = as_hq.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert _rows(page) == 50
    assert "第 1–50 人，共 60 人（第 1/2 页）" in page
    counts = page.split('data-testid="contact-counts"')[1].split("</div>\n  </div>")[0]
    assert re.search(r'data-degree="1"[^>]*>密切接触者 <span class="badge[^"]*">40<', counts)
    assert re.search(r'data-degree="2"[^>]*>次密切接触者 <span class="badge[^"]*">20<', counts)
    assert re.search(r'data-status="proposed"[^>]*>待核实 <span class="badge[^"]*">60<', counts)
    assert re.search(r">老街酒吧 <span class=\"badge[^\"]*\">20<", counts)
    assert re.search(r">星光KTV <span class=\"badge[^\"]*\">40<", counts)  # 20 + 20 secondary
    following = reverse("cases:contacts", args=[case.pk]) + "?page=2"
    assert f'hx-get="{following}"' in page
    rest = as_hq.get(following, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in rest and _rows(rest) == 10
    assert "第 51–60 人，共 60 人（第 2/2 页）" in rest and 'rel="next"' not in rest


def test_the_list_is_grouped_by_venue_each_group_with_its_size_and_window(
    as_hq, make_person, make_case, bars, add_contacts, settings
):
    settings.FANGKONG_CASE_CONTACTS_SHOWN = 8
    case = make_case(make_person("病例"))
    add_contacts(case, bars, close=10)
    first = as_hq.get(reverse("cases:contacts", args=[case.pk])).content.decode()
    groups = first.split('data-testid="contact-group"')[1:]
    # Close contacts alternate between the bars, one a minute: the bar's group came first.
    assert [g.split('data-testid="group-place">')[1].split("<")[0] for g in groups] == [
        "老街酒吧",
        "星光KTV",
    ]
    assert "21:00 – 21:38" in groups[0] and ">5 人<" in groups[0] and _rows(groups[0]) == 5
    assert ">5 人<" in groups[1] and _rows(groups[1]) == 3  # two more on the next page
    following = as_hq.get(reverse("cases:contacts", args=[case.pk]), {"page": 2}).content.decode()
    assert "星光KTV" in following and "（续上页）" in following and _rows(following) == 2


def test_filters_by_degree_status_and_venue_narrow_the_list_and_stay_in_its_links(
    as_hq, make_person, make_case, bars, add_contacts, settings
):
    settings.FANGKONG_CASE_CONTACTS_SHOWN = 5
    case = make_case(make_person("病例"))
    add_contacts(case, bars, close=20, secondary=6)
    bar = bars[0]
    fragment = as_hq.get(
        reverse("cases:contacts", args=[case.pk]), {"venue": bar.pk, "degree": 1}
    ).content.decode()
    assert "第 1–5 人，共 10 人（第 1/2 页）" in fragment
    assert set(re.findall(r'data-degree="(\d)"', fragment.split("<tbody")[1])) == {"1"}
    # The next page keeps the filter; the page's own URL (pushed) says the same.
    assert f"?degree=1&amp;venue={bar.pk}&amp;page=2" in fragment
    assert f'hx-push-url="{reverse("cases:detail", args=[case.pk])}?degree=1' in fragment
    page = as_hq.get(
        reverse("cases:detail", args=[case.pk]), {"degree": 2, "status": "proposed"}
    ).content.decode()
    assert _rows(page) == 5 and "共 6 人" in page
    nothing = as_hq.get(
        reverse("cases:contacts", args=[case.pk]), {"status": "released"}
    ).content.decode()
    assert _rows(nothing) == 0 and "没有符合筛选条件的人员" in nothing


@pytest.mark.parametrize("chain_max", [300, 3], ids=["drawn-one-by-one", "counted-in-groups"])
def test_the_case_page_asks_as_many_queries_for_fifty_contacts_as_for_five(
    as_hq, make_person, make_case, bars, add_contacts, settings, chain_max
):
    settings.FANGKONG_CHAIN_MAX_CONTACTS = chain_max
    queries = []
    for close, secondary in [(4, 1), (35, 15)]:
        case = make_case(make_person())
        add_contacts(case, bars, close=close, secondary=secondary)
        as_hq.get(reverse("cases:detail", args=[case.pk]))  # sessions, caches: once
        with CaptureQueriesContext(connection) as page:
            assert as_hq.get(reverse("cases:detail", args=[case.pk])).status_code == 200
        with CaptureQueriesContext(connection) as fragment:
            as_hq.get(reverse("cases:contacts", args=[case.pk]), {"page": 1})
        queries.append((len(page), len(fragment)))
    assert queries[1][0] <= queries[0][0] and queries[1][1] <= queries[0][1]


def _contact_nodes(data: dict) -> list[dict]:
    return [n for n in data["nodes"] if n["kind"] == "contact"]


def test_a_chain_with_more_close_contacts_than_it_draws_counts_them_per_venue(
    hq_admin, make_person, make_case, bars, add_contacts, settings
):
    settings.FANGKONG_CHAIN_MAX_CONTACTS = 10
    case = make_case(make_person("病例"))
    add_contacts(case, bars, close=40, secondary=30)
    data = chain_data(cluster_of(viewer=hq_admin, case=case), focus=case, viewer=hq_admin)
    nodes = _contact_nodes(data)
    assert sum(n["count"] for n in nodes) == 70 == data["contacts"] and data["grouped"]
    close = {n["name"]: n for n in nodes if n["id"].startswith("venue-")}
    assert set(close) == {"老街酒吧 密接 20 人", "星光KTV 密接 20 人"}
    assert close["老街酒吧 密接 20 人"]["url"].endswith(f"?degree=1&venue={bars[0].pk}#contacts")
    ids = {n["id"] for n in data["nodes"]}
    assert all(link["source"] in ids and link["target"] in ids for link in data["links"])


def test_a_chain_with_few_close_but_many_secondary_contacts_counts_the_secondaries_per_close(
    hq_admin, make_person, make_case, bars, add_contacts, settings
):
    settings.FANGKONG_CHAIN_MAX_CONTACTS = 10
    case = make_case(make_person("病例"))
    contacts = add_contacts(case, bars, close=4, secondary=30)
    Contact.objects.filter(pk=contacts[-1].pk).update(
        status=ContactStatus.DISMISSED, dismissed_at=at("2021-07-30T09:00")
    )
    data = chain_data(None, focus=case, viewer=hq_admin)
    nodes = _contact_nodes(data)
    assert sum(n["count"] for n in nodes) == 33 == data["contacts"]  # the dismissed one is out
    assert sorted(n["count"] for n in nodes if n.get("group")) == [7, 7, 7, 8]
    assert len([n for n in nodes if not n.get("group")]) == 4
    group = next(n for n in nodes if n.get("group"))
    assert "?degree=2&via=" in group["url"]


def test_the_chain_of_a_small_case_draws_each_contact(
    hq_admin, make_person, make_case, bars, add_contacts
):
    case = make_case(make_person("病例"))
    add_contacts(case, bars, close=3, secondary=2)
    data = chain_data(None, focus=case, viewer=hq_admin)
    assert [n["count"] for n in _contact_nodes(data)] == [1] * 5 and not data["grouped"]
    assert json.dumps(data)  # what the page writes with json_script


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_the_browser_the_pager_and_a_venue_fetch_the_list_alone_and_keep_the_url(
    page, live_server, hq_admin, make_person, make_case, bars, add_contacts, settings
):
    settings.FANGKONG_CASE_CONTACTS_SHOWN = 50
    case = make_case(make_person("病例"))
    add_contacts(case, bars, close=40, secondary=20)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, live_server, "hq_admin", PASSWORD)
    page.goto(f"{live_server.url}{reverse('cases:detail', args=[case.pk])}")
    page.wait_for_function("() => document.getElementById('chain').dataset.ready === 'true'")
    rows = page.get_by_test_id("contact-table").locator("tbody tr[data-status]")
    assert rows.count() == 50
    page.get_by_test_id("contacts-next").click()
    page.wait_for_function("() => location.search === '?page=2'")
    page.wait_for_function("() => document.querySelectorAll('tr[data-status]').length === 10")
    assert page.locator("#chain canvas").count() >= 1  # the page itself was not reloaded
    page.get_by_test_id("counts-venue").get_by_role("link", name="老街酒吧").click()
    page.wait_for_function(f"() => location.search === '?venue={bars[0].pk}'")
    page.wait_for_function("() => document.querySelectorAll('tr[data-status]').length === 20")
    page.reload()  # the URL alone gives the same list
    chosen = page.get_by_test_id("counts-venue").locator("a.btn-secondary")
    assert rows.count() == 20 and "老街酒吧" in chosen.inner_text()
    assert errors == []
