"""Every figure on the wall screen links to its list page; narrowed to a district, the link
carries it and the page applies it (or the page has no district filter and says nothing)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.urls import resolve, reverse

from fangkong.alerts.models import Severity
from fangkong.alerts.services import alert_raise
from fangkong.command.selectors.screen import SCREEN_PANEL_NAMES

# The pages the screen links to that take no district: the link leaves it off.
WITHOUT_DISTRICT = {
    "policy:board",
}


def _links(body: Any) -> list[str]:
    """Every address under a "links" object, anywhere in a panel (a map's district or venue,
    a feed's task, link to their own pages)."""
    found: list[str] = []
    if isinstance(body, dict):
        for key, value in body.items():
            found += list(value.values()) if key == "links" else _links(value)
    elif isinstance(body, list):
        for item in body:
            found += _links(item)
    return found


def _district_shown(context: Any) -> Any:
    if "district" in context:
        return context["district"]
    form = context.get("form")
    return form.cleaned_data.get("district") if form is not None and form.is_bound else None


def test_each_panel_link_opens_its_list_narrowed_to_the_screens_district(
    client, hq_admin, liangxi, binhu, zhang_san, jiankang
):
    # One critical alert, so that the feed has an item.
    alert = alert_raise(
        kind="test.fever",
        title="发热",
        subject=zhang_san,
        jurisdiction=jiankang,
        severity=Severity.CRITICAL,
        by=None,
    )
    client.force_login(hq_admin)
    seen: set[str] = set()
    for name in SCREEN_PANEL_NAMES:
        panel = client.get(
            reverse(f"api:command-screen-{name}"),
            {"district": liangxi.pk},
            HTTP_ACCEPT="application/json",
        )
        assert panel.status_code == 200, name
        links = _links(panel.json())
        assert links or name == "contacts", name
        for link in links:
            address = urlsplit(link)
            url_name = resolve(address.path).view_name
            seen.add(url_name)
            query = parse_qs(address.query)
            page = client.get(link)
            assert page.status_code == 200, link
            if url_name in WITHOUT_DISTRICT:
                assert "district" not in query, link
                continue
            assert query["district"] == [str(liangxi.pk)], link
            assert _district_shown(page.context) == liangxi, link
            if "overdue" in query:
                assert page.context["overdue"] is True, link
            if "status" in query:
                assert page.context["form"].cleaned_data["status"] == query["status"][0], link
            if "classification" in query:
                assert page.context["classification"] == query["classification"][0], link
    feed = client.get(
        reverse("api:command-screen-feed"), {"district": liangxi.pk}, HTTP_ACCEPT="application/json"
    ).json()
    alert_urls = [item["url"] for item in feed["items"] if item["kind"] == "alert"]
    assert alert_urls == [reverse("alerts:detail", args=[alert.alert.pk])]
    assert client.get(alert_urls[0]).status_code == 200
    assert {
        "quarantine:home",
        "hospitals:overview",
        "alerts:list",
        "command:task_list",
        "cases:list",
        "venues:home",
    } <= seen
