"""Every action the services write to the audit trail reads as words in a history."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.utils import translation

from fangkong.core.audit_actions import ACTION_LABELS, audit_action_label
from fangkong.hospitals.models import MovementKind
from fangkong.quarantine.models import PlacementEnd
from fangkong.venues.models import EnforcementKind

pytestmark = pytest.mark.sqlite_pass

SOURCE = Path(__file__).resolve().parents[1]
CODE = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")
# Codes built at run time, by what they are built from.
BUILT = {
    "stock.{kind}": [f"stock.{kind}" for kind in MovementKind.values],
    "placement.end.{reason}": [f"placement.end.{reason}" for reason in PlacementEnd.values],
    "enforcement.{kind}": [f"enforcement.{kind}" for kind in EnforcementKind.values],
}
# Built codes with a label of their own kind: the admin's (`<model>.admin_<verb>`).
ADMIN = re.compile(r"^\{.*\}\.admin_[a-z]+$")


def written_codes() -> tuple[set[str], set[str]]:
    """Every `action=` given in the application's source: the literal codes, and the
    templates of those built at run time (`f"stock.{kind}"`). A name passed on
    (`action=action`) is fed a literal somewhere else, which is found there."""
    literal: set[str] = set()
    built: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        if {"tests", "migrations", "testing"} & set(path.relative_to(SOURCE).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                if keyword.arg != "action":
                    continue
                value = keyword.value
                for branch in (
                    [value.body, value.orelse] if isinstance(value, ast.IfExp) else [value]
                ):
                    if isinstance(branch, ast.Constant) and CODE.match(str(branch.value)):
                        literal.add(str(branch.value))
                    elif isinstance(branch, ast.JoinedStr):
                        built.add("".join(_template_part(part) for part in branch.values))
    return literal, built


def _template_part(part: ast.expr) -> str:
    """A part of an f-string: its text, or `{name}` for what is put in."""
    if isinstance(part, ast.FormattedValue):
        return "{" + ast.unparse(part.value) + "}"
    return str(part.value) if isinstance(part, ast.Constant) else ast.unparse(part)


def test_the_source_is_found_to_write_the_codes_a_history_shows():
    literal, built = written_codes()
    assert {"contact.confirm", "admission.create", "task.accept"} <= literal
    assert set(BUILT) <= built


def test_every_code_written_anywhere_has_a_label():
    literal, built = written_codes()
    unknown_builders = {b for b in built if b not in BUILT and not ADMIN.match(b)}
    assert unknown_builders == set(), "say which codes these build (BUILT) and label them"
    expected = literal | {code for codes in BUILT.values() for code in codes}
    assert sorted(expected - set(ACTION_LABELS)) == []


def test_a_history_reads_the_confirmation_of_a_contact_in_either_language():
    with translation.override("zh-hans"):
        assert audit_action_label("contact.confirm") == "判定密接"
    with translation.override("en"):
        assert audit_action_label("contact.confirm") == "Confirmed the contact"


def test_an_admin_edit_and_an_unknown_code_still_read_as_words():
    with translation.override("zh-hans"):
        assert audit_action_label("person.admin_change") == "后台修改（person）"
        assert audit_action_label("gadget.polish") == "其他操作（gadget.polish）"
