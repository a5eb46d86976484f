"""French typography in what the toolkit prints for people: the inspection and verification
reports of the command line, the notebook's tables and sentences.

Every French word they write comes from the text catalogue (``toolkit.shared.text``), so a
plain space before « : ; ? ! % » or inside « » written in code shows up here, on a synthetic leak
(fictional people only) whose report has every block, its indicators and the published claims.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from toolkit.shared.typography import french_typography_problems


def problems(text: str) -> list[str]:
    """The typography problems of each line of ``text`` (a line is checked on its own)."""
    return [p for line in text.splitlines() for p in french_typography_problems(line)]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """A small synthetic leak (fictional people), ingested, classified and verified."""
    from toolkit.raw import ingest, schema, synth, verify

    folder = tmp_path_factory.mktemp("console")
    result = synth.write_synthetic_leak(folder / "leak.csv", rows=3_000, progress=False)
    leak = ingest.read_leak(result.path, interim_dir=folder / "interim")
    classes = schema.classify(leak.frame)
    return leak, classes, verify.verify(leak, classes)


def test_the_verification_report_with_its_claims_has_french_typography(synthetic):
    from toolkit.raw import claims, verify

    _, _, report = synthetic
    table = claims.check_claims(report)
    assert table.height and report.indicators  # the claims and indicators are in the text
    shown = verify.report_text(report, table)
    for block in ("Lignes", "[nir]", "[postcode]", "[phone]", "[email]", "[comment]",
                  "Affirmations publiées"):  # fmt: skip
        assert block in shown
    assert problems(shown) == []


def test_the_indicators_read_the_french_way(synthetic):
    _, _, report = synthetic
    assert [p for i in report.indicators for p in french_typography_problems(i["fr"])] == []


def test_the_inspection_report_has_french_typography(synthetic):
    from toolkit.raw import schema

    leak, classes, _ = synthetic
    shown = schema.inspect_text(leak, classes)
    assert shown.startswith("Fichier") and "séparateur" in shown
    assert problems(shown) == []


def test_the_file_table_of_the_notebook_has_french_typography():
    from toolkit.app import tables

    leak = SimpleNamespace(
        path=Path("fictional.csv"), member=None, encoding="utf-8", delimiter=";",
        rows_read=1_234, rows_quarantined=12, quarantine_reasons={"too_many_fields": 12},
        columns=["A", "B"], sha256="0" * 64,
    )  # fmt: skip
    cells = tables.file_summary(leak)._tbl_data["value"].to_list()
    assert [p for cell in cells for p in french_typography_problems(cell)] == []
