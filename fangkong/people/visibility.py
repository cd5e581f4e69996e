"""Who may see which persons.

A viewer sees the persons whose home jurisdiction lies in their scope. Areas add more: a site's
staff see the people placed at their site, a hospital's staff their patients. They register a
rule here (from AppConfig.ready) returning the extra persons as a Q on Person, or None.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q

from fangkong.accounts.capabilities import user_can
from fangkong.accounts.scope import scope_of

VisibilityRule = Callable[[Any], Q | None]
_rules: list[VisibilityRule] = []


def register_person_visibility(rule: VisibilityRule) -> None:
    if rule not in _rules:
        _rules.append(rule)


def person_visibility_q(viewer: Any) -> Q:
    if not user_can(viewer, "person.view"):
        return Q(pk__in=[])
    scope = scope_of(viewer)
    if scope.city_wide:
        return Q()
    visible = scope.jurisdiction_q("home_jurisdiction")
    for rule in _rules:
        extra = rule(viewer)
        if extra is not None:
            visible |= extra
    return visible
