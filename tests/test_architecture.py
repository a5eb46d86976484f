"""The privacy boundary is the shape of the code: import contracts that fail when it is crossed.

The contracts live in ``pyproject.toml`` (``[tool.importlinter]``): layers from the application
down to shared foundations, no path from the safe or publication side to the raw side (imports
inside functions included), and no import cycle. These tests run them, and prove that they can
fail: a copy of the package with one planted import must break them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).parent / "lint-imports"
LAYERS = ("app", "publication", "safe", "boundary", "raw", "shared")


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter on the package found under ``root`` with the project's contracts."""
    return subprocess.run(
        [str(LINT), "--no-cache", str(ROOT / "pyproject.toml")],
        cwd=root, capture_output=True, text=True, check=False,
        env={"PYTHONPATH": str(root), "PATH": str(LINT.parent)},
    )  # fmt: skip


@pytest.fixture
def copy(tmp_path) -> Path:
    """A copy of the package, to plant imports in."""
    shutil.copytree(ROOT / "toolkit", tmp_path / "toolkit",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    return tmp_path


def plant(copy: Path, module: str, line: str) -> None:
    path = copy / "toolkit" / module
    path.write_text(path.read_text(encoding="utf-8") + line, encoding="utf-8")


def test_the_package_keeps_every_import_contract():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_every_module_sits_in_a_layer():
    loose = [p.name for p in (ROOT / "toolkit").glob("*.py")
             if p.name not in ("__init__.py", "__main__.py")]  # fmt: skip
    folders = sorted(p.name for p in (ROOT / "toolkit").iterdir()
                     if p.is_dir() and p.name != "__pycache__")  # fmt: skip
    assert loose == []
    assert folders == sorted(LAYERS)


def test_a_safe_side_module_importing_the_raw_side_inside_a_function_breaks_the_contract(copy):
    plant(copy, "safe/exposure.py", "\n\ndef _peek():\n    from toolkit.raw import ingest\n")
    result = lint(copy)
    assert result.returncode != 0
    assert "The safe and publication sides never reach raw data" in result.stdout
    assert "toolkit.safe.exposure -> toolkit.raw.ingest" in result.stdout


def test_publication_reaching_pseudonymisation_through_another_module_breaks_the_contract(copy):
    # Indirect: publication -> safe -> boundary.pseudonymise -> raw.
    plant(copy, "safe/distances.py", "\nfrom toolkit.boundary import pseudonymise  # noqa\n")
    result = lint(copy)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout


def test_a_lower_layer_importing_a_higher_one_breaks_the_layers(copy):
    plant(copy, "shared/text.py", "\nfrom toolkit.publication import methodology  # noqa\n")
    result = lint(copy)
    assert result.returncode != 0
    assert "Layers: app > publication > safe > boundary > raw > shared BROKEN" in result.stdout


def test_an_import_cycle_breaks_the_acyclic_contract(copy):
    plant(copy, "safe/distances.py", "\nfrom toolkit.safe import exposure  # noqa\n")
    result = lint(copy)
    assert result.returncode != 0
    assert "No import cycle, at any depth of the package BROKEN" in result.stdout
