"""Rules about where code lives that a reviewer would otherwise have to remember."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENVIRONMENT_READERS = {"environ", "environb", "getenv"}


def _python_files(*packages: str) -> list[Path]:
    return sorted(path for package in packages for path in (ROOT / package).rglob("*.py"))


def _environment_reads(path: Path) -> list[str]:
    """Each `os.environ` / `os.getenv` use (or `from os import environ`) in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ENVIRONMENT_READERS
            and isinstance(node.value, ast.Name)
            and node.value.id == "os"
        ):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: os.{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            for alias in node.names:
                if alias.name in ENVIRONMENT_READERS:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: from os import {alias.name}")
    return found


def test_only_config_reads_the_environment():
    """Every setting has one home (storefront/config.py), where its default and override live."""
    config = ROOT / "storefront" / "config.py"
    reads = [
        read
        for path in _python_files("storefront", "blog")
        if path != config
        for read in _environment_reads(path)
    ]
    assert reads == []


@pytest.mark.parametrize(
    "source, expected",
    [
        ("import os\nx = os.environ.get('A')\n", ["m.py:2: os.environ"]),
        ("import os\nx = os.getenv('A')\n", ["m.py:2: os.getenv"]),
        ("from os import environ\n", ["m.py:1: from os import environ"]),
        ("from flask import request\nx = request.environ.get('A')\n", []),
    ],
)
def test_environment_reads_are_recognised(tmp_path, monkeypatch, source, expected):
    """The rule above sees the usual spellings, and leaves the WSGI environ of a request alone."""
    module = tmp_path / "m.py"
    module.write_text(source)
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert _environment_reads(module) == expected


def test_create_app_lists_packages_without_discovery():
    """Blueprints, models and commands are imported by name in create_app, not found at run time."""
    factory = (ROOT / "storefront" / "__init__.py").read_text()
    assert "importlib" not in factory


def test_create_app_runs_every_package_init_app():
    """Wiring is explicit, so a package's init_app that create_app forgets never runs (the
    catalog's registers its versioned tables: forgetting it would leave every page stale)."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    wiring = (root / "storefront" / "__init__.py").read_text()
    packages = [p.parent for p in root.glob("storefront/*/__init__.py")] + [root / "blog"]
    for package in packages:
        tree = ast.parse((package / "__init__.py").read_text())
        if any(isinstance(n, ast.FunctionDef) and n.name == "init_app" for n in tree.body):
            assert f"{package.name}.init_app(app)" in wiring, f"create_app never calls {package.name}.init_app"
