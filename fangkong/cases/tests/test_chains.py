"""Transmission chains and clusters: who infected whom, generations, the likely source, and
venues shared by several infections."""

from __future__ import annotations

import pytest

from fangkong.cases.selectors.chain_view import chain_data
from fangkong.cases.selectors.chains import chain_graph, cluster_of, venue_clusters
from fangkong.cases.services.contacts import contact_add

pytestmark = pytest.mark.django_db


def _named(make_case, person, onset):
    return make_case(person, onset=onset, detected=f"{onset}T20:00")


@pytest.fixture
def outbreak(make_person, make_case, investigator):
    """A → B → C, and D a secondary contact of A through B; G ↔ F; E alone."""
    people = {name: make_person(name) for name in "ABCDEFG"}
    cases = {
        name: _named(make_case, people[name], onset)
        for name, onset in [
            ("A", "2021-07-25"),
            ("B", "2021-07-28"),
            ("C", "2021-07-30"),
            ("D", "2021-07-31"),
            ("E", "2021-07-26"),
            ("G", "2021-07-29"),
            ("F", "2021-08-01"),
        ]
    }

    def contact(of, who, degree=1, via=None):
        return contact_add(
            case=cases[of],
            person=people[who],
            degree=degree,
            via=people[via] if via else None,
            category="meal_entertainment",
            evidence="同桌",
            by=investigator,
        )

    contact("A", "B")
    contact("A", "D", degree=2, via="B")
    contact("B", "C")
    contact("F", "G")  # F's list names G, who fell ill first
    contact("G", "F")
    return cases


def test_clusters_are_connected_infections_with_the_earliest_as_source(outbreak, hq_admin):
    clusters = chain_graph(viewer=hq_admin).clusters()
    summary = [
        (c.source.person.name, {k.person.name: c.generation[k.pk] for k in c.cases})
        for c in clusters
    ]
    assert summary == [
        ("A", {"A": 1, "B": 2, "C": 3, "D": 3}),
        ("G", {"G": 1, "F": 2}),
    ]
    assert clusters[0].generations == 3 and clusters[0].size == 4


def test_each_link_runs_from_the_person_exposed_through_to_the_infected(outbreak, hq_admin):
    graph = chain_graph(viewer=hq_admin)
    names = {pk: c.person.name for pk, c in graph.cases.items()}
    links = sorted((names[a], names[b]) for a, b in graph.links)
    assert links == [("A", "B"), ("B", "C"), ("B", "D"), ("G", "F")]


def test_a_case_linked_to_nobody_is_its_own_cluster_of_one(outbreak, hq_admin):
    alone = cluster_of(viewer=hq_admin, case=outbreak["E"])
    assert alone is not None and [c.pk for c in alone.cases] == [outbreak["E"].pk]


def test_the_cluster_of_any_member_is_the_whole_cluster(outbreak, hq_admin):
    cluster = cluster_of(viewer=hq_admin, case=outbreak["C"])
    assert cluster is not None
    assert cluster.source == outbreak["A"]
    assert [c.person.name for c in cluster.cases] == ["A", "B", "C", "D"]


def test_a_district_officer_sees_the_chain_of_their_own_cases_only(
    outbreak, binhu_officer, liangxi_officer
):
    assert chain_graph(viewer=binhu_officer).clusters() == []
    assert len(chain_graph(viewer=liangxi_officer).clusters()) == 2


def test_venues_visited_by_several_infections_within_their_windows_are_clusters(
    outbreak, make_venue, stay
):
    market = make_venue("朝阳农贸市场", "market")
    cafe = make_venue("咖啡馆", "restaurant")
    a, e, c = outbreak["A"], outbreak["E"], outbreak["C"]
    stay(a.person, market, "2021-07-23T08:00", "2021-07-23T08:30")
    stay(e.person, market, "2021-07-24T09:00", None)
    # C was at the café long before its own window: not part of any cluster there.
    stay(c.person, cafe, "2021-07-01T09:00", "2021-07-01T10:00")
    stay(a.person, cafe, "2021-07-23T09:00", "2021-07-23T10:00")
    found = venue_clusters([a, e, c])
    assert [(v.venue.name, sorted(k.person.name for k in v.cases)) for v in found] == [
        ("朝阳农贸市场", ["A", "E"])
    ]


def test_visits_further_apart_than_the_cluster_span_do_not_make_a_venue_cluster(
    outbreak, make_venue, stay, settings
):
    settings.FANGKONG_CLUSTER_DAYS = 1
    market = make_venue("菜场", "market")
    stay(outbreak["A"].person, market, "2021-07-21T08:00", "2021-07-21T08:30")
    stay(outbreak["E"].person, market, "2021-07-24T09:00", "2021-07-24T09:20")
    assert venue_clusters([outbreak["A"], outbreak["E"]]) == []


def test_the_chain_view_draws_the_cluster_by_generation_and_the_cases_own_contacts(
    outbreak, hq_admin, make_person, investigator
):
    b = outbreak["B"]
    contact_add(
        case=b,
        person=make_person("B的同事"),
        degree=1,
        category="workplace",
        evidence="同一办公室",
        by=investigator,
    )
    cluster = cluster_of(viewer=hq_admin, case=b)
    data = chain_data(cluster, focus=b, viewer=hq_admin)
    cases = {n["name"].split()[-1]: n for n in data["nodes"] if n["kind"] == "case"}
    assert {name: n["category"] + 1 for name, n in cases.items()} == {
        "A": 1,
        "B": 2,
        "C": 3,
        "D": 3,
    }
    assert cases["B"]["focus"] is True
    others = [n for n in data["nodes"] if n["kind"] == "contact"]
    assert [n["name"] for n in others] == ["B的同事"]
    node_ids = {n["id"] for n in data["nodes"]}
    assert all(link["source"] in node_ids and link["target"] in node_ids for link in data["links"])
    assert [c["name"] for c in data["categories"]] == [
        "第 1 代",
        "第 2 代",
        "第 3 代",
        "密接",
        "次密接",
    ]
