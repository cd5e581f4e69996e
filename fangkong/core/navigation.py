"""Navigation and role home pages, declared by each area in its AppConfig.

An area adds `nav_items` (menu entries guarded by a capability) and `role_homes` (role -> URL
name of the page that role lands on after login) to its AppConfig; nothing here names an area.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from fangkong.accounts.capabilities import user_can

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


@dataclass(frozen=True)
class NavItem:
    label: _StrPromise | str
    url_name: str
    capability: str
    order: int = 100
    icon: str = "circle"


@dataclass(frozen=True)
class ShownNavItem:
    label: str
    url: str
    icon: str
    active: bool


def declared_nav_items() -> list[NavItem]:
    items: list[NavItem] = []
    for config in apps.get_app_configs():
        items.extend(getattr(config, "nav_items", ()))
    return sorted(items, key=lambda item: item.order)


def role_home_url_name(role: str) -> str | None:
    for config in apps.get_app_configs():
        homes: dict[str, str] = getattr(config, "role_homes", {})
        if role in homes:
            return homes[role]
    return None


def nav_items_for(request: HttpRequest) -> Sequence[ShownNavItem]:
    user = request.user
    entries: list[tuple[NavItem, str]] = []
    for item in declared_nav_items():
        if not user_can(user, item.capability):
            continue
        try:
            entries.append((item, reverse(item.url_name)))
        except NoReverseMatch:
            continue
    # One entry is highlighted: the one whose address is the longest prefix of the page's,
    # so 督查 (/venues/inspections/) wins over 场所 (/venues/) on an inspection's page.
    matching = [url for _item, url in entries if url != "/" and request.path.startswith(url)]
    current = max(matching, key=len, default=None)
    return [
        ShownNavItem(label=str(item.label), url=url, icon=item.icon, active=url == current)
        for item, url in entries
    ]


def navigation(request: HttpRequest) -> dict[str, Any]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": nav_items_for(request)}
