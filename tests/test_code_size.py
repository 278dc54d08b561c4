"""The size rules of docs/architecture.md: no module over 500 lines, no function over 80.

A module that outgrows them is split by what its parts do (as text_analysis/ and crm/receipts/services/
were); demo content and migrations are data, not logic, and are left out by name below.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("accounts", "cms", "crm", "home", "search")
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80

#: Demo content: the texts, images and records of the demo site and CRM.
DEMO_CONTENT = {
    "crm/demo.py",
    "crm/events/demo.py",
    "crm/mailings/demo.py",
    "crm/receipts/demo.py",
    "home/demo/content.py",
    "home/demo/images.py",
    "home/demo/loader.py",
}


def _modules() -> list[Path]:
    return sorted(
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.relative_to(ROOT).parts
    )


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_the_rule_reads_the_code():
    modules = [_name(path) for path in _modules()]
    assert len(modules) > 200
    assert "crm/events/models.py" in modules and "home/models.py" in modules
    assert set(modules) >= DEMO_CONTENT, "a demo module named here was moved or renamed"


def test_no_module_over_500_lines():
    too_long = {
        _name(path): lines
        for path in _modules()
        if _name(path) not in DEMO_CONTENT
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert too_long == {}


def _functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


@pytest.mark.parametrize("package", PACKAGES)
def test_no_function_over_80_lines(package):
    too_long = {
        f"{_name(path)}:{node.lineno} {node.name}": node.end_lineno - node.lineno + 1
        for path in _modules()
        if _name(path).startswith(f"{package}/")
        for node in _functions(ast.parse(path.read_text(encoding="utf-8")))
        if node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    }
    assert too_long == {}
