"""``make demo``: where the synthetic leak lives, when it is regenerated, and the whole run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from toolkit.app import demo
from toolkit.shared import paths

ROOT = Path(__file__).resolve().parent.parent


def test_the_default_leak_is_the_one_the_notebooks_use():
    assert demo.leak_path() == paths.DEFAULT_LEAK


def test_another_size_gets_its_own_file(tmp_path):
    assert demo.leak_path(50_000, tmp_path) == tmp_path / "synthetic_leak_50000.csv"


def fake_leak(folder: Path, rows: int, seed: int, content: bytes = b"a;b\r\n1;2\r\n") -> Path:
    leak = folder / "synthetic_leak_7.csv"
    leak.write_bytes(content)
    truth = {"rows": rows, "generator": {"seed": seed}, "file_bytes": len(content)}
    leak.with_name(leak.name + ".truth.json").write_text(json.dumps(truth), encoding="utf-8")
    leak.with_name(leak.stem + ".labs.csv").write_text("code\n", encoding="utf-8")
    return leak


def test_a_leak_whose_truth_matches_rows_and_seed_is_reused(tmp_path):
    assert demo._is_current(fake_leak(tmp_path, 7, 2021), 7, 2021)


@pytest.mark.parametrize(("rows", "seed"), [(8, 2021), (7, 1)])
def test_a_leak_made_with_other_rows_or_seed_is_regenerated(tmp_path, rows, seed):
    assert not demo._is_current(fake_leak(tmp_path, 7, 2021), rows, seed)


def test_a_leak_changed_since_its_truth_was_written_is_regenerated(tmp_path):
    leak = fake_leak(tmp_path, 7, 2021)
    leak.write_bytes(b"a;b\r\n1;2\r\n3;4\r\n")
    assert not demo._is_current(leak, 7, 2021)


def test_a_missing_leak_is_generated(tmp_path):
    assert not demo._is_current(tmp_path / "synthetic_leak_7.csv", 7, 2021)


def test_the_demo_key_is_labelled_as_public_and_for_synthetic_data_only():
    assert "synthetic data only" in demo.DEMO_KEY_NOTE
    assert len(demo.DEMO_KEY) == 32


@pytest.mark.slow
def test_demo_runs_the_whole_pipeline_end_to_end(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "toolkit", "demo", "--rows", "50000", "--out", str(tmp_path)],
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "rows read: 50,000" in done.stdout
    assert "published claims supported by the file: " in done.stdout
    # The default synthetic leak is made up, and the demo says so.
    assert ("Signs of fabrication found by 3 tests of 10: first names out of their era, "
            "samples on closed days and mobiles by age.") in done.stdout
    assert "cells suppressed (k = 11): " in done.stdout
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["input"]["rows_read"] == 50_000
    assert manifest["parameters"]["key"] == demo.DEMO_KEY_NOTE
    assert manifest["left_out"] == []
    assert len(manifest["figures"]) == 9
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted([*manifest["files"], "manifest.json"])
