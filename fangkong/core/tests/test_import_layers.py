"""The layers hold: shared apps < venues < quarantine < cases < hospitals < command, and
analytics knows nothing of Django (the contract is in `.importlinter` at the repository root).

import-linter sees imports wherever they are written, but an import inside a function is
also how a cycle between areas was hidden before: such an import between areas is refused
here outright, whatever its direction.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
ROOT = PACKAGE.parent
CONTRACT = ROOT / ".importlinter"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
DOMAIN_AREAS = frozenset({"venues", "quarantine", "cases", "hospitals", "assist", "command"})


def _imported_modules(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.ImportFrom):
        # A relative import stays inside its own package.
        return [node.module] if node.level == 0 and node.module else []
    return [alias.name for alias in node.names]


def _function_level_imports(tree: ast.AST) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom) and in_function:
                found.extend((child.lineno, name) for name in _imported_modules(child))
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            visit(child, inner)

    visit(tree, False)
    return found


def test_no_function_imports_another_domain_area():
    offences = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if "migrations" in relative.parts:
            continue
        own = relative.parts[1] if len(relative.parts) > 2 else ""
        for line, module in _function_level_imports(ast.parse(path.read_text(), str(path))):
            parts = module.split(".")
            area = parts[1] if parts[0] == "fangkong" and len(parts) > 1 else ""
            if area in DOMAIN_AREAS and area != own:
                offences.append(f"{relative}:{line} imports {module} inside a function")
    assert offences == [], "\n".join(offences)


def _lint_imports(cwd: Path, pythonpath: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(pythonpath)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_import_contract_holds_for_the_code_as_it_is():
    result = _lint_imports(ROOT, ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_import_contract_fails_when_a_venues_module_imports_the_cases_area(tmp_path):
    # Only the Python sources matter to the contract; templates, static files and
    # catalogues stay behind, so the copy is quick.
    shutil.copytree(
        PACKAGE,
        tmp_path / "fangkong",
        ignore=lambda folder, names: [
            name
            for name in names
            if name == "__pycache__" or (Path(folder, name).is_file() and not name.endswith(".py"))
        ],
    )
    shutil.copy(CONTRACT, tmp_path / ".importlinter")
    (tmp_path / "fangkong" / "venues" / "reaches_up.py").write_text(
        "from fangkong.cases.models import Case\n\n__all__ = ['Case']\n"
    )

    result = _lint_imports(tmp_path, tmp_path)

    assert result.returncode != 0
    assert "Domain areas depend one way BROKEN" in result.stdout
    assert "fangkong.venues.reaches_up -> fangkong.cases.models" in result.stdout
