"""Each area reads its FANGKONG_* settings through its own `conf.py` (one typed object built
at call time), never straight from django.conf.settings elsewhere."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1]
CONF_MODULES = sorted(PACKAGE.glob("*/conf.py"))


def _allowed(path: Path) -> bool:
    parts = path.relative_to(PACKAGE).parts
    # Tests override settings; a migration is frozen history and must not lean on code that
    # changes later; settings.py defines them; conf.py files are the one way in. The tests'
    # demo fixtures read every setting, whatever its area, to tell two demo builds apart.
    return (
        path.name == "conf.py"
        or parts == ("settings.py",)
        or parts == ("demo", "fixtures.py")
        or "tests" in parts
        or "migrations" in parts
    )


def _reads(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("FANGKONG_"):
            found.append((node.lineno, ast.unparse(node)))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("getattr", "hasattr")
            and len(node.args) >= 2
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id == "settings"
        ):
            name = node.args[1]
            # A name given by a variable could be any setting: refused too.
            if not isinstance(name, ast.Constant) or str(name.value).startswith("FANGKONG_"):
                found.append((node.lineno, ast.unparse(node)))
    return found


def test_no_module_outside_the_conf_modules_reads_a_fangkong_setting():
    offending = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if _allowed(path):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, text in _reads(tree):
            offending.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {text}")
    assert offending == [], "read through the area's conf.py instead:\n" + "\n".join(offending)


def test_the_scan_finds_a_direct_read_and_a_dynamic_one():
    tree = ast.parse(
        "from django.conf import settings\n"
        "a = settings.FANGKONG_LIST_PAGE_SIZE\n"
        "b = getattr(settings, name)\n"
        "c = settings.DEBUG\n"
    )
    assert [line for line, _text in _reads(tree)] == [2, 3]


@pytest.mark.parametrize("path", CONF_MODULES, ids=lambda p: p.parent.name)
def test_every_conf_object_is_built_from_the_settings_of_the_moment(path, settings):
    area = path.parent.name
    module = importlib.import_module(f"fangkong.{area}.conf")
    build = getattr(module, f"{area}_settings")
    before = build()
    assert before == build()  # equal values, yet a fresh object per call
    assert before is not build()
    source = path.read_text(encoding="utf-8")
    names = sorted({n.attr for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Attribute)})
    fangkong_names = [n for n in names if n.startswith("FANGKONG_")]
    assert fangkong_names, f"{path} reads no setting"
    for name in fangkong_names:
        setattr(settings, name, getattr(settings, name))  # every name it reads is defined
    first = fangkong_names[0]
    value = getattr(settings, first)
    changed = (not value) if isinstance(value, bool) else ("x" if isinstance(value, str) else 7)
    setattr(settings, first, changed)
    after = build()
    assert after != before, f"{area}_settings() did not see {first} change"
