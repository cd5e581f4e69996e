"""The chain as an ECharts graph: infections by generation, and around one case its contacts
(close and secondary, confirmed or proposed) with the venue and time of exposure."""

from __future__ import annotations

import math
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.cases.conf import cases_settings
from fangkong.cases.models import Case, Contact, ContactDegree, ContactStatus
from fangkong.cases.selectors.chains import Cluster
from fangkong.cases.selectors.contacts import with_identities

GROUP_OVER = 60  # secondary contacts drawn one by one up to this many
CASE_SIZE = 34
CLOSE_SIZE = 14
SECONDARY_SIZE = 9


def _when(moment: Any) -> str:
    return f"{timezone.localtime(moment):%m-%d %H:%M}" if moment else ""


def _where(contact: Contact) -> str:
    if contact.venue is not None:
        return contact.venue.name
    return str(contact.get_category_display())


def chain_data(
    cluster: Cluster | None, *, focus: Case, contacts: list[Contact], viewer: Any
) -> dict[str, Any]:
    """Nodes, links and categories for `cases/static/cases/chain.js`; contacts named as the
    viewer may see them (a proposed contact outside their view: masked)."""
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
    listed = [
        c for c in contacts if c.status != ContactStatus.DISMISSED and c.person_id not in case_node
    ]
    # A big list draws its secondaries as one node per close contact they came through
    # (a chart of a thousand dots says less than ten counted groups).
    grouped = sum(1 for c in listed if c.degree == ContactDegree.SECONDARY) > GROUP_OVER
    groups: dict[int, int] = {}
    if grouped:
        for contact in listed:
            if contact.degree == ContactDegree.SECONDARY:
                groups[contact.via_id] = groups.get(contact.via_id, 0) + 1
        listed = [c for c in listed if c.degree == ContactDegree.CLOSE]
    shown = with_identities(viewer=viewer, contacts=listed[: cases_settings().chain_max_contacts])
    node_of = dict(case_node)
    node_of.setdefault(focus.person_id, f"case-{focus.pk}")
    for contact in shown:
        node_of[contact.person_id] = f"person-{contact.person_id}"
    for contact in sorted(shown, key=lambda c: c.degree):
        close = contact.degree == ContactDegree.CLOSE
        nodes.append(
            {
                "id": f"person-{contact.person_id}",
                "name": contact.shown.name,
                "category": close_category if close else secondary_category,
                "symbolSize": CLOSE_SIZE if close else SECONDARY_SIZE,
                "kind": "contact",
                "proposed": contact.status == ContactStatus.PROPOSED,
                "detail": f"{contact.get_degree_display()} · {contact.get_status_display()}",
                "url": reverse("cases:contact", args=[contact.pk]),
            }
        )
        links.append(
            {
                "source": node_of.get(contact.via_id, f"case-{focus.pk}"),
                "target": f"person-{contact.person_id}",
                "label": f"{_where(contact)} {_when(contact.first_exposure)}".strip(),
                "kind": "close" if close else "secondary",
            }
        )
    for via_id, count in groups.items():
        nodes.append(
            {
                "id": f"group-{via_id}",
                "name": _("次密接 %s 人") % count,
                "category": secondary_category,
                "symbolSize": SECONDARY_SIZE + 3 * math.log2(count + 1),
                "kind": "contact",
                "detail": _("经同一密接暴露"),
                "url": reverse("cases:detail", args=[focus.pk]) + "?status=proposed#contacts",
            }
        )
        links.append(
            {
                "source": node_of.get(via_id, f"case-{focus.pk}"),
                "target": f"group-{via_id}",
                "label": "",
                "kind": "secondary",
            }
        )
    return {
        "nodes": nodes,
        "links": links,
        "categories": categories,
        "hidden": max(0, len(listed) - len(shown)),
    }
