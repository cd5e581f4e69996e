"""Every date and time field of every form renders and parses ISO, in both languages, through
the one widget pair of `core.form_fields` (so the rule holds for forms added later)."""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from collections.abc import Iterator

import pytest
from django import forms
from django.utils import timezone, translation

import fangkong
from fangkong.core.form_fields import DateInput, DateTimeInput

# Modules that are not part of the running site (or import nothing of forms).
_SKIP = (
    ".tests",
    ".migrations",
    ".management",
    "fangkong.analytics",
    "fangkong.__main__",
    "fangkong.wsgi",
)


def _project_forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(fangkong.__path__, "fangkong."):
        if not any(part in module.name for part in _SKIP):
            importlib.import_module(module.name)

    def subclasses(cls: type) -> Iterator[type]:
        sub: type
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    # A test module's own forms are not the site's (and are here only if a test of the same
    # worker imported it first): the rule holds for the forms users fill in.
    found = {
        c
        for c in subclasses(forms.BaseForm)
        if c.__module__.startswith("fangkong.") and not any(part in c.__module__ for part in _SKIP)
    }
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


PROJECT_FORMS = _project_forms()


def _date_fields(form: type[forms.BaseForm]) -> Iterator[tuple[str, forms.Field]]:
    fields: dict[str, forms.Field] = getattr(form, "base_fields", {})
    for name, field in fields.items():
        if isinstance(field, forms.DateField | forms.DateTimeField):
            yield name, field


def test_the_walk_finds_the_forms_of_every_area():
    areas = {c.__module__.split(".")[1] for c in PROJECT_FORMS}
    assert {"cases", "hospitals", "quarantine", "venues", "command", "policy", "core"} <= areas


@pytest.mark.parametrize("form", PROJECT_FORMS, ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_every_date_and_time_field_uses_the_core_widget(form):
    for name, field in _date_fields(form):
        expected = DateTimeInput if isinstance(field, forms.DateTimeField) else DateInput
        assert isinstance(field.widget, expected), (
            f"{form.__module__}.{form.__name__}.{name} uses {type(field.widget).__name__}; "
            f"use fangkong.core.form_fields.{expected.__name__} (or its field)"
        )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_core_widgets_render_iso_in_both_languages(language):
    moment = timezone.make_aware(dt.datetime(2026, 12, 2, 9, 5))
    with translation.override(language):
        day = DateInput().render("d", dt.date(2026, 12, 2))
        local = DateTimeInput().render("t", moment)
    assert 'type="date"' in day and 'value="2026-12-02"' in day
    assert 'type="datetime-local"' in local and 'value="2026-12-02T09:05"' in local
