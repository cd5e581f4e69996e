"""Transmission chains and clusters (networkx).

The graph's nodes are the infections (confirmed and asymptomatic cases) the viewer may see.
A confirmed contact record whose person is itself an infection is an edge: from the person
they were exposed through (the case for a close contact, the close contact for a secondary
one) to them. Where two cases are each other's contacts, the earlier one (onset, then
finding) is taken as the source of the pair.

A cluster is a connected group of infections; its earliest case is the likely source and
each case's generation is its distance from that source along the edges, plus one. Venue
clusters (聚集性疫情 by place) are the venues where at least FANGKONG_CLUSTER_MIN_CASES
infections stayed within their tracing windows, no more than FANGKONG_CLUSTER_DAYS apart.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
from django.db.models import QuerySet
from django.utils import timezone

from fangkong.cases.conf import cases_settings
from fangkong.cases.models import INFECTED, Case, Contact
from fangkong.cases.visibility import case_scope_q
from fangkong.venues.models import Venue
from fangkong.venues.selectors.stays import persons_stays


@dataclass(frozen=True)
class Link:
    source: int  # case pk
    target: int
    venue: str
    at: dt.datetime | None


@dataclass
class Cluster:
    source: Case
    cases: list[Case]  # in generation order, then by onset
    generation: dict[int, int]  # case pk -> 1 for the source, 2 for those it infected...
    links: list[Link]
    venues: list[VenueCluster] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.cases)

    @property
    def generations(self) -> int:
        return max(self.generation.values(), default=0)

    @property
    def first_day(self) -> dt.date | None:
        return _day(self.source)

    @property
    def last_day(self) -> dt.date | None:
        days = [d for d in (_day(c) for c in self.cases) if d is not None]
        return max(days, default=None)


@dataclass
class VenueCluster:
    venue: Venue
    cases: list[Case]
    first_visit: dt.datetime
    last_visit: dt.datetime


def _day(case: Case) -> dt.date | None:
    if case.tracing_onset is not None:
        return case.tracing_onset
    return timezone.localdate(case.detected_at) if case.detected_at else None


def _earliness(case: Case) -> tuple[Any, ...]:
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return (_day(case) or dt.date.max, case.detected_at or far, case.number)


@dataclass
class ChainGraph:
    cases: dict[int, Case]
    graph: nx.DiGraph
    links: dict[tuple[int, int], Link]

    def component_of(self, case_pk: int) -> set[int]:
        if case_pk not in self.graph:
            return set()
        return set(nx.node_connected_component(self.graph.to_undirected(as_view=True), case_pk))

    def cluster(self, members: set[int]) -> Cluster:
        ordered = sorted((self.cases[pk] for pk in members), key=_earliness)
        source = ordered[0]
        reachable = nx.single_source_shortest_path_length(self.graph, source.pk)
        undirected = nx.single_source_shortest_path_length(
            self.graph.subgraph(members).to_undirected(as_view=True), source.pk
        )
        generation = {pk: reachable.get(pk, undirected.get(pk, 0)) + 1 for pk in members}
        cases = sorted(ordered, key=lambda c: (generation[c.pk], _earliness(c)))
        links = [link for (a, b), link in self.links.items() if a in members and b in members]
        return Cluster(source=source, cases=cases, generation=generation, links=links)

    def clusters(self, *, min_cases: int | None = None) -> list[Cluster]:
        least = cases_settings().cluster_min_cases if min_cases is None else min_cases
        groups = nx.connected_components(self.graph.to_undirected(as_view=True))
        found = [self.cluster(set(group)) for group in groups if len(group) >= least]
        return sorted(found, key=lambda c: (-c.size, _earliness(c.source)))


def chain_graph(*, viewer: Any) -> ChainGraph:
    return chain_graph_of(Case.objects.filter(case_scope_q(viewer)))


def chain_graph_of(visible: QuerySet[Case]) -> ChainGraph:
    """The graph over these cases' infections (the briefing passes every case)."""
    cases = {c.pk: c for c in visible.filter(classification__in=INFECTED).select_related("person")}
    by_person = {c.person_id: c for c in cases.values()}
    graph = nx.DiGraph()
    graph.add_nodes_from(cases)
    links: dict[tuple[int, int], Link] = {}
    rows = (
        Contact.objects.confirmed()
        .filter(case_id__in=list(cases), person_id__in=list(by_person))
        .select_related("venue")
        .order_by("first_exposure", "pk")
    )
    for contact in rows:
        infected = by_person[contact.person_id]
        infector = by_person.get(contact.via_id) or cases[contact.case_id]
        if infector.pk == infected.pk:
            continue
        source, target = infector, infected
        if (target.pk, source.pk) in links:
            if _earliness(source) >= _earliness(target):
                continue
            del links[(target.pk, source.pk)]
            graph.remove_edge(target.pk, source.pk)
        if (source.pk, target.pk) in links:
            continue
        links[(source.pk, target.pk)] = Link(
            source=source.pk,
            target=target.pk,
            venue=contact.venue.name
            if contact.venue is not None
            else str(contact.get_category_display()),
            at=contact.first_exposure,
        )
        graph.add_edge(source.pk, target.pk)
    return ChainGraph(cases=cases, graph=graph, links=links)


def venue_clusters(cases: list[Case]) -> list[VenueCluster]:
    """Venues where enough of these infections stayed within their tracing windows."""
    span = dt.timedelta(days=cases_settings().cluster_days)
    least = cases_settings().cluster_min_cases
    by_person = {c.person_id: c for c in cases if c.tracing_onset is not None}
    visits: dict[int, list[tuple[dt.datetime, Case]]] = defaultdict(list)
    lookback = dt.timedelta(days=cases_settings().trace_lookback_days)
    for person_id, case in by_person.items():
        assert case.tracing_onset is not None
        start = timezone.make_aware(dt.datetime.combine(case.tracing_onset - lookback, dt.time()))
        # database and day archive as one: a case's window reaches days already archived
        for scan in persons_stays([person_id], start=start, end=case.isolated_at):
            visits[scan.venue_id].append((scan.check_in, case))
    found: list[tuple[int, list[Case], dt.datetime, dt.datetime]] = []
    for venue_id, seen in visits.items():
        seen.sort(key=lambda v: (v[0], v[1].pk))
        best: tuple[list[Case], dt.datetime, dt.datetime] | None = None
        first = 0
        for last in range(len(seen)):
            while seen[last][0] - seen[first][0] > span:
                first += 1
            window = seen[first : last + 1]
            distinct = list({case.pk: case for _at, case in window}.values())
            if len(distinct) >= least and (best is None or len(distinct) > len(best[0])):
                best = (distinct, window[0][0], window[-1][0])
        if best is not None:
            found.append((venue_id, *best))
    names = Venue.objects.in_bulk([venue_id for venue_id, *_rest in found])
    clusters = [
        VenueCluster(
            venue=names[venue_id],
            cases=sorted(members, key=_earliness),
            first_visit=first,
            last_visit=last,
        )
        for venue_id, members, first, last in found
    ]
    return sorted(clusters, key=lambda v: (-len(v.cases), v.first_visit))


def clusters_with_venues(*, viewer: Any) -> list[Cluster]:
    graph = chain_graph(viewer=viewer)
    clusters = graph.clusters()
    for cluster in clusters:
        cluster.venues = venue_clusters(cluster.cases)
    return clusters


def cluster_of(*, viewer: Any, case: Case) -> Cluster | None:
    """The cluster the case belongs to (itself alone when it is linked to nobody yet)."""
    graph = chain_graph(viewer=viewer)
    members = graph.component_of(case.pk)
    if not members:
        return None
    cluster = graph.cluster(members)
    cluster.venues = venue_clusters(cluster.cases)
    return cluster
