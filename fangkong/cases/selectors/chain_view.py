"""The chain as an ECharts graph: infections by generation, and around one case its contacts
(close and secondary, confirmed or proposed) with the venue and time of exposure."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.cases.conf import cases_settings
from fangkong.cases.models import (
    Case,
    Contact,
    ContactCategory,
    ContactDegree,
    ContactQuerySet,
    ContactStatus,
)
from fangkong.cases.selectors.case_contacts import NO_VENUE
from fangkong.cases.selectors.chains import Cluster
from fangkong.cases.selectors.contacts import with_identities
from fangkong.cases.visibility import contact_scope_q

GROUP_OVER = 60  # secondary contacts drawn one by one up to this many
VENUE_GROUPS = 40  # close contacts counted per venue: this many venues, the rest as one node
CASE_SIZE = 34
CLOSE_SIZE = 14
SECONDARY_SIZE = 9


def _when(moment: Any) -> str:
    return f"{timezone.localtime(moment):%m-%d %H:%M}" if moment else ""


def _where(contact: Contact) -> str:
    if contact.venue is not None:
        return contact.venue.name
    return str(contact.get_category_display())


def _contact_node(contact: Contact, *, close_category: int, secondary_category: int) -> Any:
    close = contact.degree == ContactDegree.CLOSE
    return {
        "id": f"person-{contact.person_id}",
        "name": contact.shown.name,
        "category": close_category if close else secondary_category,
        "symbolSize": CLOSE_SIZE if close else SECONDARY_SIZE,
        "kind": "contact",
        "count": 1,
        "proposed": contact.status == ContactStatus.PROPOSED,
        "detail": f"{contact.get_degree_display()} · {contact.get_status_display()}",
        "url": reverse("cases:contact", args=[contact.pk]),
    }


def _group_node(
    node_id: str, *, name: str, count: int, category: int, detail: str, url: str
) -> dict[str, Any]:
    return {
        "id": node_id,
        "name": name,
        "category": category,
        "symbolSize": SECONDARY_SIZE + 3 * math.log2(count + 1),
        "kind": "contact",
        "group": True,
        "count": count,
        "detail": detail,
        "url": url,
    }


def chain_data(
    cluster: Cluster | None, *, focus: Case, viewer: Any, with_contacts: bool = True
) -> dict[str, Any]:
    """Nodes, links and categories for `cases/static/cases/chain.js`; contacts named as the
    viewer may see them (a proposed contact outside their view: masked). Every contact of the
    focus case is in the chart, one by one or in a counted group (the nodes' `count`s add up
    to the contacts), and the chart never holds more than FANGKONG_CHAIN_MAX_CONTACTS people
    drawn one by one plus a bounded number of groups, however big the trace."""
    cases = cluster.cases if cluster is not None else [focus]
    generation = cluster.generation if cluster is not None else {focus.pk: 1}
    generations = max(generation.values(), default=1)
    categories = [{"name": _("第 %s 代") % n} for n in range(1, generations + 1)]
    close_category, secondary_category = len(categories), len(categories) + 1
    categories += [{"name": _("密接")}, {"name": _("次密接")}]
    nodes: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    case_node = {c.person_id: f"case-{c.pk}" for c in cases}
    for case in cases:
        nodes.append(
            {
                "id": f"case-{case.pk}",
                "name": f"{case.number} {case.person.name}",
                "category": generation[case.pk] - 1,
                "symbolSize": CASE_SIZE + (6 if case.pk == focus.pk else 0),
                "kind": "case",
                "focus": case.pk == focus.pk,
                "detail": f"{case.get_classification_display()} · {_('发病/采样')} "
                f"{case.tracing_onset or '—'}",
                "url": reverse("cases:detail", args=[case.pk]),
            }
        )
    if cluster is not None:
        for link in cluster.links:
            links.append(
                {
                    "source": f"case-{link.source}",
                    "target": f"case-{link.target}",
                    "label": f"{link.venue} {_when(link.at)}".strip(),
                    "kind": "transmission",
                }
            )
    data: dict[str, Any] = {"nodes": nodes, "links": links, "categories": categories}
    if with_contacts:
        drawing = _ContactDrawing(
            focus=focus,
            viewer=viewer,
            case_node=case_node,
            close_category=close_category,
            secondary_category=secondary_category,
        )
        drawing.draw()
        nodes += drawing.nodes
        links += drawing.links
        data.update(contacts=drawing.total, grouped=drawing.grouped)
    return data


class _ContactDrawing:
    """The focus case's contacts as nodes: each person while they fit; past that, close
    contacts one by one and their secondaries counted per close contact; past that again,
    close contacts counted per venue (the busiest VENUE_GROUPS, the rest as one node) and
    their secondaries counted per the close contacts' venue. Aggregate queries only: the
    number of queries and rows read does not grow with the trace."""

    def __init__(
        self,
        *,
        focus: Case,
        viewer: Any,
        case_node: dict[int, str],
        close_category: int,
        secondary_category: int,
    ) -> None:
        self.focus = focus
        self.viewer = viewer
        self.case_node = case_node
        self.close_category = close_category
        self.secondary_category = secondary_category
        self.nodes: list[dict[str, Any]] = []
        self.links: list[dict[str, Any]] = []
        self.total = 0
        self.grouped = False
        self.page = reverse("cases:detail", args=[focus.pk])

    def listed(self) -> ContactQuerySet:
        """Who the chart stands for: the case's contacts not dismissed and not themselves
        cases of the chain (those are drawn as cases)."""
        return (
            Contact.objects.filter(contact_scope_q(self.viewer), case=self.focus)
            .exclude(status=ContactStatus.DISMISSED)
            .exclude(person_id__in=list(self.case_node))
            # What a node shows (the names as the viewer may see them, the venue), no more.
            .select_related("person__home_jurisdiction", "via__home_jurisdiction", "venue")
        )

    def list_url(self, **query: Any) -> str:
        return f"{self.page}?{urlencode(query)}#contacts"

    def draw(self) -> None:
        listed = self.listed()
        counts = dict(listed.order_by().values_list("degree").annotate(n=Count("pk")))
        close = counts.get(ContactDegree.CLOSE, 0)
        secondary = counts.get(ContactDegree.SECONDARY, 0)
        self.total = close + secondary
        most = cases_settings().chain_max_contacts
        if close + secondary <= most:
            self.people(list(listed.order_by("degree", "first_exposure", "person_id")))
        elif close <= most:
            self.grouped = True
            rows = listed.filter(degree=ContactDegree.CLOSE)
            self.people(list(rows.order_by("first_exposure", "person_id")), secondaries=False)
            self.secondaries_by_via(listed.filter(degree=ContactDegree.SECONDARY))
        else:
            self.grouped = True
            self.by_venue(listed)

    def node_of(self, person_id: int | None) -> str:
        return self.case_node.get(person_id or 0) or f"case-{self.focus.pk}"

    def people(self, rows: list[Contact], *, secondaries: bool = True) -> None:
        # A list of a hundred secondaries draws them as one node per close contact they came
        # through (a chart of a thousand dots says less than ten counted groups).
        by_via = (
            secondaries and sum(1 for c in rows if c.degree == ContactDegree.SECONDARY) > GROUP_OVER
        )
        shown = with_identities(
            viewer=self.viewer,
            contacts=[c for c in rows if not (by_via and c.degree == ContactDegree.SECONDARY)],
        )
        for contact in shown:
            self.case_node.setdefault(contact.person_id, f"person-{contact.person_id}")
        for contact in shown:
            self.nodes.append(
                _contact_node(
                    contact,
                    close_category=self.close_category,
                    secondary_category=self.secondary_category,
                )
            )
            close = contact.degree == ContactDegree.CLOSE
            self.links.append(
                {
                    "source": self.node_of(contact.via_id),
                    "target": f"person-{contact.person_id}",
                    "label": f"{_where(contact)} {_when(contact.first_exposure)}".strip(),
                    "kind": "close" if close else "secondary",
                }
            )
        if by_via:
            counted: dict[int, int] = {}
            for contact in rows:
                if contact.degree == ContactDegree.SECONDARY:
                    counted[contact.via_id] = counted.get(contact.via_id, 0) + 1
            self.via_groups(counted)

    def secondaries_by_via(self, secondaries: ContactQuerySet) -> None:
        self.via_groups(dict(secondaries.order_by().values_list("via_id").annotate(n=Count("pk"))))

    def via_groups(self, counted: dict[int, int]) -> None:
        self.grouped = self.grouped or bool(counted)
        for via_id, count in counted.items():
            self.nodes.append(
                _group_node(
                    f"group-{via_id}",
                    name=_("次密接 %s 人") % count,
                    count=count,
                    category=self.secondary_category,
                    detail=_("经同一密接暴露"),
                    url=self.list_url(degree=ContactDegree.SECONDARY, via=via_id),
                )
            )
            self.links.append(
                {
                    "source": self.node_of(via_id),
                    "target": f"group-{via_id}",
                    "label": "",
                    "kind": "secondary",
                }
            )

    def by_venue(self, listed: ContactQuerySet) -> None:
        close = (
            listed.filter(degree=ContactDegree.CLOSE)
            .order_by()
            .values_list("venue_id", "venue__name", "category")
            .annotate(n=Count("pk"))
            .order_by("-n", "venue__name", "category")
        )
        groups = list(close)
        drawn, rest = groups[:VENUE_GROUPS], groups[VENUE_GROUPS:]
        node_of_venue: dict[int | None, str] = {}
        for venue_id, name, category, count in drawn:
            node_id = f"venue-{venue_id}" if venue_id is not None else f"way-{category}"
            where = name or str(ContactCategory(category).label)
            node_of_venue.setdefault(venue_id, node_id)
            self.close_group(
                node_id,
                name=_("%(place)s 密接 %(n)s 人") % {"place": where, "n": count},
                count=count,
                url=self.list_url(
                    degree=ContactDegree.CLOSE,
                    venue=venue_id if venue_id is not None else NO_VENUE,
                ),
            )
        if rest:
            count = sum(n for *_rest, n in rest)
            self.close_group(
                "venue-other",
                name=_("其余 %(venues)s 处 密接 %(n)s 人") % {"venues": len(rest), "n": count},
                count=count,
                url=self.list_url(degree=ContactDegree.CLOSE),
            )
        # Secondaries counted per the venue where the close contact they came through met
        # the case (their own venues are many; the list, filtered, names each).
        via_venue = Subquery(
            Contact.objects.filter(case=self.focus, person_id=OuterRef("via_id"))
            .order_by()
            .values("venue_id")[:1]
        )
        secondary = (
            listed.filter(degree=ContactDegree.SECONDARY)
            .order_by()
            .annotate(via_venue=via_venue)
            .values_list("via_venue")
            .annotate(n=Count("pk"))
        )
        for venue_id, count in secondary:
            source = node_of_venue.get(venue_id, "venue-other" if rest else "")
            node_id = f"secondary-{venue_id}" if venue_id is not None else "secondary-none"
            if not source:
                source = f"case-{self.focus.pk}"
            self.nodes.append(
                _group_node(
                    node_id,
                    name=_("次密接 %s 人") % count,
                    count=count,
                    category=self.secondary_category,
                    detail=_("经同一场所的密接暴露"),
                    url=self.list_url(degree=ContactDegree.SECONDARY),
                )
            )
            self.links.append(
                {"source": source, "target": node_id, "label": "", "kind": "secondary"}
            )

    def close_group(self, node_id: str, *, name: str, count: int, url: str) -> None:
        self.nodes.append(
            _group_node(
                node_id,
                name=name,
                count=count,
                category=self.close_category,
                detail=_("点击打开这些人的名单"),
                url=url,
            )
        )
        self.links.append(
            {"source": f"case-{self.focus.pk}", "target": node_id, "label": "", "kind": "close"}
        )
