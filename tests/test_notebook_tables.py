"""What the notebooks show readers, and what they commit: French tables (great-tables) and the git
filter that keeps outputs out of the repository."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import nbformat
import polars as pl
import pytest

from toolkit.app import strip_outputs, tables
from toolkit.raw import claims, schema, verify
from toolkit.raw.claims import CONTRADICTED, NOT_MEASURABLE, SUPPORTED, Claim
from toolkit.shared.typography import french_spacing, french_typography_problems

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def cells(table) -> list[str]:
    """The text of every cell of a table's HTML, header and body, unescaped."""
    found = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", table.as_raw_html(), re.DOTALL)
    return [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in found]


@pytest.fixture(autouse=True)
def no_gazetteer(monkeypatch):
    monkeypatch.setattr(schema, "reference_postcodes", lambda: None)


def report_of(columns: dict[str, list[str]]) -> verify.VerifyReport:
    return verify.verify(pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String)))


LONG_CLAIM = "Océalab : prélèvements du 1er juin 2018 au 5 février 2019, " * 3
CLAIMS = [
    Claim("women", "3 femmes", "Le Journal", "2021-02-23", "women", 3),
    Claim("end", "jusqu'à octobre 2020", "La Gazette", "2021-02", "last_sample_month", 202010),
    Claim("rows", "491 840 lignes", "La Revue", "2021-02-24", "rows", 491_840),
    Claim("labs", LONG_CLAIM, "Océalab", "2021", "labs", 1),
]
FILE = {"Sexe": ["F", "F", "F", "M"], "Date prlvt": ["01/01/2019", "", "", "15/10/2020"]}


# --- the claims table ---------------------------------------------------------------------------


def test_the_claims_table_shows_every_claim_whole_with_french_verdicts_and_values():
    verdicts = claims.check_claims(report_of(FILE), CLAIMS)
    shown = cells(tables.claims_summary(verdicts))
    # The claim whole, not cut; only its spaces follow French typography (« Océalab\u00a0: »).
    assert french_spacing(LONG_CLAIM.strip()) in shown
    assert not [c for c in shown if french_typography_problems(c)]
    assert {"confirmé", "contredit", "non vérifiable"} <= set(shown)
    assert {"octobre 2020", "491\u00a0840", "4"} <= set(shown)  # values as published, French
    assert not {SUPPORTED, CONTRADICTED, NOT_MEASURABLE, "202010.0", "2020-10"} & set(shown)


def test_the_claims_table_has_one_row_per_claim_even_past_ten():
    many = [Claim(f"c{i}", f"affirmation {i}", "s", "2021", "rows", i) for i in range(29)]
    shown = cells(tables.claims_summary(claims.check_claims(report_of(FILE), many)))
    assert [c for c in shown if c.startswith("affirmation ")] == [
        f"affirmation {i}" for i in range(29)
    ]


def test_the_claims_table_names_the_source_with_its_date_in_french_and_counts_verdicts():
    table = tables.claims_summary(claims.check_claims(report_of(FILE), CLAIMS))
    shown = cells(table)
    assert "Le Journal (23 févr. 2021)" in shown and "La Gazette (février 2021)" in shown
    assert "Affirmation publiée" in shown and "Verdict" in shown  # French headers
    note = html.unescape(table.as_raw_html()).replace("\u00a0", " ")
    assert "4 affirmations publiées : 2 confirmées, 1 contredite, 1 non vérifiable." in note


# --- the other summaries ------------------------------------------------------------------------


def test_a_generic_table_writes_counts_and_shares_the_french_way():
    frame = pl.DataFrame({"records": [491_840, None], "share": [0.56, 0.9996]})
    shown = cells(tables.french_table(frame, counts=["records"], shares=["share"]))
    assert shown == ["Enregistrements", "Part", "491\u00a0840", "56\u00a0%", "",
                     "plus de 99,9\u00a0%"]


def test_the_verification_summary_is_in_french_with_months_written_out():
    report = report_of({**FILE, "Labo": ["L1", "L2", "L1", "L1"]})
    shown = cells(tables.verify_summary(report))
    facts = dict(zip(shown[3::2], shown[4::2], strict=True))  # after the title and headers
    assert facts["Femmes"] == "3" and facts["Laboratoires"] == "2"
    assert facts["Premier prélèvement"] == "janvier 2019"
    assert facts["Dernier prélèvement"] == "octobre 2020"


def test_resolutions_are_named_in_french():
    rates = pl.DataFrame({"resolution": ["exact", "not_found"], "records": [1200, 3],
                          "persons": [1100, 3], "share": [0.9975, 0.0025]})  # fmt: skip
    shown = cells(tables.resolution_summary(rates))
    assert shown[5:8] == ["code INSEE exact", "1\u00a0200", "1\u00a0100"]
    assert "introuvable" in shown and "exact" not in shown


def _comparison() -> SimpleNamespace:
    copy = SimpleNamespace(label="A", name="a.csv", size=1_234_567, rows_read=12_000,
                           rows_quarantined=0, encoding="cp1252", delimiter=";", records=11_990,
                           duplicates=10, persons=9_000, sha256="ab" * 32)  # fmt: skip
    pair = SimpleNamespace(a="A", b="B", byte_identical=False, same_records=True,
                           records_only_a=0, records_only_b=0, records_both=11_990,
                           persons_only_a=0, persons_only_b=0, persons_both=9_000,
                           changed_records=0)  # fmt: skip
    return SimpleNamespace(copies=[copy], pairs=[pair])


def test_copies_and_pairs_are_french_tables_with_grouped_counts():
    copies = cells(tables.copies_summary(_comparison()))
    assert {"Copie", "Octets", "1\u00a0234\u00a0567", "11\u00a0990"} <= set(copies)
    assert "ab" * 8 + "…" in copies  # the start of the SHA-256
    pairs = cells(tables.pairs_summary(_comparison()))
    assert pairs[-10:-7] == ["A / B", "non", "oui"] and "Paire" in pairs


def test_labs_and_published_files_are_french_tables(tmp_path):
    (tmp_path / "a.csv").write_bytes(b"x" * 2_000)
    files = cells(tables.files_summary(tmp_path))
    assert files[-3:-1] == ["a.csv", "2\u00a0000"] and files[-1].endswith("…")
    located = pl.DataFrame({"lab": ["L2", "L1"], "name": ["Labo B", "Labo A"],
                            "departement": ["56", "35"], "insee": ["56260", "35238"]})  # fmt: skip
    labs = cells(tables.labs_summary(located))
    assert labs[1:5] == ["Laboratoire", "Nom", "Département", "Commune (code INSEE)"]
    assert labs[5:7] == ["L1", "Labo A"]


def test_tables_render_offline_with_no_script_font_or_link_to_fetch():
    verdicts = claims.check_claims(report_of(FILE), CLAIMS)
    for table in (tables.claims_summary(verdicts), tables.fabrication_summary(report_of(FILE))):
        page = table.as_raw_html(make_page=True)
        assert "<table" in page
        assert not re.search(r"https?://|@import|<script|<link|src=", page)


# --- the clean filter ---------------------------------------------------------------------------


def executed_notebook() -> str:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("1 + 1", execution_count=3)
    cell.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"},
                                           execution_count=3)]  # fmt: skip
    cell.metadata["execution"] = {"iopub.status.busy": "2026-01-01T00:00:00Z"}
    nb.cells = [nbformat.v4.new_markdown_cell("# titre"), cell]
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    return nbformat.writes(nb)


def test_the_filter_strips_outputs_execution_counts_and_run_metadata():
    stripped = nbformat.reads(strip_outputs.strip(executed_notebook()), as_version=4)
    code = stripped.cells[1]
    assert (code.outputs, code.execution_count, code.metadata) == ([], None, {})
    assert "widgets" not in stripped.metadata
    assert [c.source for c in stripped.cells] == ["# titre", "1 + 1"]


def test_the_filter_is_idempotent():
    once = strip_outputs.strip(executed_notebook())
    assert strip_outputs.strip(once) == once


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_filter_leaves_a_committed_notebook_byte_for_byte(path):
    committed = path.read_text(encoding="utf-8")
    assert strip_outputs.strip(committed) == committed


def test_the_filter_reads_stdin_and_writes_stdout_in_utf8_whatever_the_locale():
    done = subprocess.run([sys.executable, "-m", "toolkit.app.strip_outputs"],
                          input=executed_notebook().replace("titre", "élément").encode(),
                          capture_output=True, env={"LANG": "C", "PATH": ""}, cwd=ROOT,
                          check=True)  # fmt: skip
    stripped = nbformat.reads(done.stdout.decode("utf-8"), as_version=4)
    assert (stripped.cells[0].source, stripped.cells[1].outputs) == ("# élément", [])


def test_the_lab_save_hook_strips_a_notebook_and_leaves_other_files():
    notebook = {"type": "notebook", "content": json.loads(executed_notebook())}
    strip_outputs.pre_save_hook(notebook, path="x.ipynb", contents_manager=None)
    assert notebook["content"]["cells"][1]["outputs"] == []
    other = {"type": "file", "content": "x"}
    strip_outputs.pre_save_hook(other, path="x.py")
    assert other == {"type": "file", "content": "x"}


def test_gitattributes_passes_every_notebook_through_the_filter():
    lines = (ROOT / ".gitattributes").read_text().splitlines()
    assert f"*.ipynb filter={strip_outputs.FILTER_NAME}" in lines


def _filter_recipe() -> str:
    """The Makefile's lines that declare the filter, as the shell runs them."""
    makefile = (ROOT / "Makefile").read_text()
    block = re.search(r"^\t@if git rev-parse.*?^\tfi$", makefile, re.DOTALL | re.MULTILINE)
    assert block, "the Makefile does not declare the filter"
    return (block.group(0).replace("\t@", "").replace("$(PY)", ".venv/bin/python")
            .replace("$(NB_FILTER)", strip_outputs.FILTER_NAME))  # fmt: skip


def test_the_makefile_installs_the_filter_in_a_clone_when_it_sets_up(tmp_path):
    assert re.search(r"^\$\(STAMP\):(?:.*\n\t.*)*?\n\t@if git rev-parse", (ROOT / "Makefile")
                     .read_text(), re.MULTILINE)  # fmt: skip
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["sh", "-c", _filter_recipe()], cwd=tmp_path, check=True)
    configured = subprocess.run(
        ["git", "config", f"filter.{strip_outputs.FILTER_NAME}.clean"], cwd=tmp_path,
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert configured == ".venv/bin/python -m toolkit.app.strip_outputs"


def test_the_makefile_skips_the_filter_outside_a_clone(tmp_path):
    outside = {"PATH": "/usr/bin:/bin", "GIT_CEILING_DIRECTORIES": str(tmp_path.parent)}
    done = subprocess.run(["sh", "-c", _filter_recipe()], cwd=tmp_path, capture_output=True,
                          env=outside)
    assert done.returncode == 0


def test_make_lab_saves_notebooks_without_outputs():
    makefile = (ROOT / "Makefile").read_text()
    assert "--ContentsManager.pre_save_hook=toolkit.app.strip_outputs.pre_save_hook" in makefile
