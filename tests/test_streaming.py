"""Streaming gives the same answers as the in-memory path, stage by stage (issue 7).

Large leaks run through Polars' streaming engine, batch by batch; small ones may be collected
whole. Each test runs one stage both ways on the same synthetic data and asserts identical
results. The leak is written by the generator into a temporary folder (20,000 rows, several
streaming batches); the one full-size run is in ``benchmarks/bench_pipeline.py``, not here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from toolkit.boundary import pseudonymise as ps
from toolkit.boundary import safe_table
from toolkit.raw import distinct, ingest, schema, synth, verify
from toolkit.raw.verify import counts as verify_counts
from toolkit.raw.verify.derived_columns import derive_columns
from toolkit.safe import exposure
from toolkit.shared.errors import BoundaryError

KEY = bytes(range(32))
ROWS = 20_000


@pytest.fixture(scope="module")
def leak(tmp_path_factory) -> Path:
    """A 20,000-row synthetic leak in cp1252 (so ingest transcodes it), written once."""
    path = tmp_path_factory.mktemp("streaming") / "leak.csv"
    synth.write_synthetic_leak(path, rows=ROWS, progress=False)
    return path


@pytest.fixture(scope="module")
def raw(leak) -> ingest.Ingested:
    """The leak scanned lazily from disk, as a leak larger than ``IN_MEMORY_BYTES`` is read."""
    return ingest.read_leak(leak, interim_dir=leak.parent / "interim", in_memory=False)


@pytest.fixture(scope="module")
def kept(leak) -> ingest.Ingested:
    """The same leak parsed once and kept in memory, as a small leak is read by default."""
    return ingest.read_leak(leak, interim_dir=leak.parent / "interim")


@pytest.fixture(scope="module")
def safe(raw) -> pl.DataFrame:
    """The safe table collected by the in-memory engine (the reference)."""
    lazy = ps.pseudonymise(raw, synth.COLUMN_CATEGORIES, KEY)
    return lazy.collect(engine="in-memory")


def in_memory(fn, *args, **kwargs):
    """Run ``fn`` with every default ``collect()`` on the in-memory engine."""
    with pl.Config(engine_affinity="in-memory"):
        return fn(*args, **kwargs)


def streaming(fn, *args, **kwargs):
    """Run ``fn`` with every default ``collect()`` on the streaming engine."""
    with pl.Config(engine_affinity="streaming"):
        return fn(*args, **kwargs)


# --- ingest -------------------------------------------------------------------------------------


def test_ingest_in_tiny_blocks_reads_the_same_frame_and_counts(leak, raw, tmp_path, monkeypatch):
    # 64 KB blocks instead of 64 MB: hundreds of block boundaries, some inside quoted fields.
    monkeypatch.setattr(ingest, "_BLOCK", 1 << 16)
    monkeypatch.setattr(ingest, "_CHUNK", 1 << 14)
    monkeypatch.setattr(ingest, "IN_MEMORY_BYTES", 0)  # else a small file is one block
    small = ingest.read_leak(leak, interim_dir=tmp_path)
    assert small.describe() == raw.describe()
    assert_frame_equal(small.frame.collect(), raw.frame.collect())


def test_a_small_leak_is_kept_in_memory_by_default_and_equals_the_scanned_one(raw, kept):
    assert isinstance(kept.frame, pl.LazyFrame)
    assert "csv" not in kept.frame.explain().lower()  # parsed once: no scan left in its plan
    assert "csv" in raw.frame.explain().lower()
    assert kept.describe() == raw.describe()
    assert_frame_equal(kept.frame.collect(), raw.frame.collect())


def test_ingest_frame_is_the_same_collected_by_either_engine(raw):
    assert_frame_equal(
        raw.frame.collect(engine="streaming"), raw.frame.collect(engine="in-memory")
    )


# --- verify -------------------------------------------------------------------------------------


def test_verify_counts_are_the_same_from_the_scanned_file_and_from_memory(raw):
    from_file = verify.verify(raw, None).to_dict()
    from_memory = verify.verify(raw.frame.collect(engine="in-memory"), None).to_dict()
    from_file.pop("file")  # what only a file has: its encoding, delimiter, quarantine
    assert from_file == from_memory


def test_verify_counts_are_the_same_in_small_queries_on_disk_as_in_one_query(
    raw, tmp_path, monkeypatch
):
    in_one_query = verify.verify(raw, None).to_dict()
    monkeypatch.setattr(verify_counts, "SMALL_ROWS", 0)  # take the large-leak path
    monkeypatch.setattr(verify_counts.paths, "INTERIM", tmp_path)
    assert verify.verify(raw, None).to_dict() == in_one_query
    assert list(tmp_path.iterdir()) == []  # the copy of derived personal data is deleted


# --- pseudonymise -------------------------------------------------------------------------------


def test_safe_table_from_a_leak_kept_in_memory_equals_the_streamed_one(kept, safe):
    lazy = ps.pseudonymise(kept, synth.COLUMN_CATEGORIES, KEY)
    assert_frame_equal(lazy.collect(engine="streaming"), safe)


def test_verify_counts_are_the_same_from_a_leak_kept_in_memory(raw, kept):
    assert verify.verify(kept, None).to_dict() == verify.verify(raw, None).to_dict()


def test_streamed_safe_table_equals_the_in_memory_one(raw, safe):
    lazy = ps.pseudonymise(raw, synth.COLUMN_CATEGORIES, KEY)
    assert_frame_equal(lazy.collect(engine="streaming"), safe)


def test_safe_table_sunk_to_parquet_equals_the_in_memory_one_byte_for_byte(raw, safe, tmp_path):
    lazy = ps.pseudonymise(raw, synth.COLUMN_CATEGORIES, KEY)
    streamed = safe_table.write_safe_table(lazy, tmp_path / "streamed.parquet")
    collected = safe_table.write_safe_table(safe, tmp_path / "collected.parquet")
    assert streamed.read_bytes() == collected.read_bytes()


def test_safe_table_is_the_same_when_values_are_derived_on_every_row(raw, safe, monkeypatch):
    # Past the limit of distinct keys, values are derived row by row: same result.
    monkeypatch.setattr(distinct, "DISTINCT_LIMIT", 10)
    lazy = ps.pseudonymise(raw, synth.COLUMN_CATEGORIES, KEY)
    assert_frame_equal(lazy.collect(engine="streaming"), safe)


def test_a_refused_streamed_table_leaves_no_file_behind(tmp_path):
    row = {
        "person_id": "0" * 32, "lab": "lbm5601", "sample_month": dt.date(2019, 1, 1),
        "age_band": "20-24", "sex": "Kerfictif", "residence_insee": "56260",
        "residence_departement": "56", "residence_region": "53", "residence_resolution": "exact",
    }  # fmt: skip
    smuggled = pl.LazyFrame([row], schema=safe_table.SAFE_COLUMNS)
    with pytest.raises(BoundaryError, match="'sex'"):
        safe_table.write_safe_table(smuggled, tmp_path / "safe.parquet")
    assert list(tmp_path.iterdir()) == []


# --- aggregates ---------------------------------------------------------------------------------

AGGREGATES = {
    "records_by_month": lambda s: exposure.records_by_month(s, by="lab"),
    "lab_windows": exposure.lab_windows,
    "persons_by_departement": exposure.persons_by_departement,
    "persons_by_commune": exposure.persons_by_commune,
    "category_exposure": exposure.category_exposure,
    "category_by_year": exposure.category_by_year,
    "co_exposure": exposure.co_exposure,
    "health_mentions": lambda s: exposure.health_mentions(s, by="year"),
    "age_sex_pyramid": exposure.age_sex_pyramid,
}


@pytest.mark.parametrize("name", list(AGGREGATES))
def test_aggregate_from_the_parquet_file_streamed_equals_the_in_memory_one(name, safe, tmp_path):
    aggregate = AGGREGATES[name]
    path = safe_table.write_safe_table(safe, tmp_path / "safe.parquet")
    assert_frame_equal(
        streaming(aggregate, safe_table.read_safe_table(path)), in_memory(aggregate, safe)
    )


# --- no stage falls back to whole columns ------------------------------------------------------


def _streaming_nodes(capfd, run) -> str:
    """What the streaming engine says it runs (its verbose log) while ``run()`` executes."""
    capfd.readouterr()
    with pl.Config(verbose=True):
        run()
    return capfd.readouterr().err


def test_streamed_verification_and_safe_table_run_batch_by_batch(raw, tmp_path, capfd):
    # A "columnar-function" node needs a whole column at once: the streaming engine then holds
    # the whole leak (Expr.replace / replace_strict did: 6 GB at 3 M rows, 14 GB at 10 M).
    derived, _ = derive_columns(raw.frame, schema.classify(raw.frame), in_memory=False)
    plans = {
        "verify": lambda: derived.sink_parquet(tmp_path / "v.parquet", engine="streaming"),
        "pseudonymise": lambda: ps.pseudonymise(raw, synth.COLUMN_CATEGORIES, KEY).sink_parquet(
            tmp_path / "p.parquet", engine="streaming"
        ),
    }
    for name, run in plans.items():
        log = _streaming_nodes(capfd, run)
        assert "running with-columns in subgraph" in log, name  # the log was captured
        assert "columnar-function" not in log, name


def test_the_check_sees_a_whole_column_node(raw, tmp_path, capfd):
    text = pl.col(raw.columns[0])
    plan = raw.frame.select(text.str.strip_chars().replace("", None)).with_columns(text)
    log = _streaming_nodes(capfd, lambda: plan.sink_parquet(tmp_path / "r.parquet"))
    assert "columnar-function" in log
