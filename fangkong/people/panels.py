"""Sections that other areas add to a person's page (their cases, placements, check-ins).

An area lists functions in its AppConfig's `person_panels` (dotted paths). Each takes the
request and the person and returns a `Panel` (a template and its context) or None when it
has nothing to show for that person or viewer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.http import HttpRequest
from django.utils.module_loading import import_string

from fangkong.people.models import Person


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any]


PanelProvider = Callable[[HttpRequest, Person], Panel | None]


def person_panels(request: HttpRequest, person: Person) -> list[Panel]:
    panels: list[Panel] = []
    for config in apps.get_app_configs():
        for path in getattr(config, "person_panels", ()):
            provider: PanelProvider = import_string(path)
            panel = provider(request, person)
            if panel is not None:
                panels.append(panel)
    return panels
