"""verify_and_pseudonymise gives what verify and pseudonymise give one after the other."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.app import workflows
from toolkit.boundary import keys, pseudonymise, safe_table
from toolkit.raw import ingest, schema, synth, verify
from toolkit.shared.errors import BoundaryError

KEY = bytes(range(32))


@pytest.fixture(scope="module")
def leak(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pipeline") / "leak.csv"
    synth.write_synthetic_leak(path, rows=3_000, progress=False)
    return path


@pytest.mark.parametrize("in_memory", [True, False], ids=["in memory (threads)", "streamed"])
def test_the_report_and_safe_table_equal_those_of_the_two_stages_run_alone(
    leak, tmp_path, in_memory
):
    raw = ingest.read_leak(leak, interim_dir=tmp_path / "interim", in_memory=in_memory)
    assert raw.in_memory is in_memory
    classes = schema.classify(raw.frame)
    report, path = workflows.verify_and_pseudonymise(raw, classes, KEY, tmp_path / "both.parquet")
    provenance = safe_table.Provenance(raw.sha256, keys.fingerprint(KEY))
    alone = safe_table.write_safe_table(
        pseudonymise.pseudonymise(raw, classes, KEY), tmp_path / "alone.parquet",
        provenance=provenance,
    )
    assert report.to_dict() == verify.verify(raw, classes).to_dict()
    assert path == tmp_path / "both.parquet"
    assert path.read_bytes() == alone.read_bytes()


def test_a_refused_safe_table_raises_and_leaves_no_file(leak, tmp_path, monkeypatch):
    raw = ingest.read_leak(leak, interim_dir=tmp_path / "interim")
    classes = schema.classify(raw.frame)

    def refuse(frame, **kwargs):
        raise BoundaryError("column 'nir' may not cross the privacy boundary")

    monkeypatch.setattr(safe_table, "validate_safe_table", refuse)
    with pytest.raises(BoundaryError):
        workflows.verify_and_pseudonymise(raw, classes, KEY, tmp_path / "safe.parquet")
    assert not (tmp_path / "safe.parquet").exists()
