"""The project's own promises: set-up files agree, docs cover the interface, notebooks are clean."""

from __future__ import annotations

import argparse
import ast
import json
import re
import subprocess
import tomllib
from pathlib import Path

import pytest

from toolkit.app.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _requirement_names(requirements: list[str]) -> dict[str, str]:
    """Map a normalised package name to its full requirement string."""
    out = {}
    for req in requirements:
        name = re.split(r"[<>=!~ \[]", req, maxsplit=1)[0].strip().lower().replace("_", "-")
        out[name] = req.replace(" ", "")
    return out


def test_environment_yml_lists_the_same_runtime_dependencies_as_pyproject():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    runtime = _requirement_names(pyproject["project"]["dependencies"])
    conda = []
    in_deps = False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        stripped = line.strip()
        if line.startswith("dependencies:"):
            in_deps = True
            continue
        if in_deps and stripped.startswith("- ") and not line.startswith("      "):
            item = stripped[2:]
            if item.startswith(("python=", "python ", "pip")) or item.endswith(":"):
                continue
            conda.append(item)
    assert _requirement_names(conda) == runtime


def test_ci_runs_exactly_the_readme_test_command():
    ci_commands = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.strip().startswith(("#", "set ", "cd "))
    ]
    # The last command is the README's; any other one only installs the browser that the
    # real-browser notebook test drives.
    assert ci_commands[-1] == "make test"
    for command in ci_commands[:-1]:
        assert command.startswith("command -v chromium >/dev/null ||"), command
        assert "apt-get install" in command and command.split()[-1] == "chromium)", command
    assert "make test" in README and "make demo" in README


def _cli_options() -> list[tuple[str, str]]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    options = []
    for verb, subparser in sub.choices.items():
        for action in subparser._actions:
            for flag in action.option_strings:
                if flag not in ("-h", "--help"):
                    options.append((verb, flag))
    return options


@pytest.mark.parametrize("verb,flag", _cli_options())
def test_every_cli_option_is_documented_in_the_readme(verb, flag):
    assert re.search(rf"\b{re.escape(verb)}\b", README), f"verb {verb} missing from README"
    assert flag in README, f"option {flag} of `{verb}` missing from README"


def _public_functions():
    for path in sorted((ROOT / "toolkit").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_"):
                yield path.relative_to(ROOT).as_posix(), node


@pytest.mark.parametrize(
    "where,node", [(w, n) for w, n in _public_functions()], ids=lambda x: getattr(x, "name", x)
)
def test_every_public_function_and_class_has_a_docstring(where, node):
    assert ast.get_docstring(node), f"{where}: {node.name} has no docstring"


def test_every_module_has_a_docstring():
    for path in sorted((ROOT / "toolkit").rglob("*.py")):
        assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))), path


def test_notebooks_are_committed_without_outputs():
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    for nb_path in notebooks:
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert cell.get("outputs") == [], f"{nb_path.name} has outputs"
                assert cell.get("execution_count") is None, f"{nb_path.name} has counts"


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="not a git checkout")
def test_raw_and_interim_data_are_git_ignored():
    for path in ("data/raw/leak.csv", "data/interim/safe.parquet", ".key/key.bin"):
        result = subprocess.run(
            ["git", "check-ignore", "-q", path], cwd=ROOT, capture_output=True, check=False
        )
        assert result.returncode == 0, f"{path} is not git-ignored"


def test_code_is_ruff_clean():
    import sys

    ruff = Path(sys.executable).parent / "ruff"
    result = subprocess.run(
        [str(ruff), "check", "--quiet", "toolkit", "tests", "benchmarks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_image_the_readme_shows_exists_and_is_a_png():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", readme)
    assert {"docs/images/demo_carte_departements.png", "docs/images/demo_chronologie.png"} <= set(
        images
    )
    for image in images:
        assert (ROOT / image).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", image
