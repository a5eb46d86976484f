"""Ordinary messy files never end in a traceback: every verb, the notebooks, the explorer.

A small synthetic leak is damaged the way real exports are (``tests/_messy_leaks.py``: blank lab
codes on a few rows and on every row, meaningless headers COL01… in UTF-8 and UTF-16, blank or
garbage dates, no date column, blank sexes, blank residences, no comment column, no lab column,
one lab, one month, one département, one row, twenty rows). Each variant goes through:

* the command line, as a user runs it: ``inspect``, ``verify``, ``pseudonymise`` and ``publish``
  each exit 0 (nothing on stderr with ``--quiet``) or print one line on stderr naming the file;
  never a traceback;
* the explorer widget, every lab and every département picked one at a time;
* the verification report and the methodology note, which count what is missing and say it, a
  published count never below k.

The five notebooks run once, on the most hostile file a fact-checker met (meaningless headers in
UTF-16 with blank lab codes): no cell may raise.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import polars as pl
import pytest
from _messy_leaks import (
    LAB,
    ROWS,
    SAMPLE_DATES,
    VARIANTS,
    read_leak_text,
    write_messy_leaks,
    write_variant,
)
from nbclient import NotebookClient

from toolkit.app import notebook, publishing, widgets, workflows
from toolkit.publication import charts
from toolkit.raw import verify
from toolkit.shared.errors import InputError, ToolkitError

ROOT = Path(__file__).resolve().parent.parent
KEY_HEX = "5e" * 32
KEY = bytes.fromhex(KEY_HEX)
K = 11
VERBS = ("inspect", "verify", "pseudonymise", "publish")

#: Variants from which no bundle can be published, and the start of the one line that says so.
REFUSED = {"one_row": "nothing to publish: the file describes fewer than 11 persons"}


@pytest.fixture(scope="module")
def messy(tmp_path_factory) -> dict[str, Path]:
    """Every messy variant of the small synthetic leak, written once (with its lab registry)."""
    return write_messy_leaks(tmp_path_factory.mktemp("messy"))


@pytest.fixture(scope="module")
def registry(messy) -> Path:
    return next(iter(messy.values())).with_name("clean.labs.csv")


def _environment(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "TOOLKIT_KEY": KEY_HEX, "TOOLKIT_LEDGER_DIR": str(tmp_path / "ledger"),
            "PYTHONWARNINGS": "default"}  # fmt: skip


def _arguments(verb: str, leak: Path, out: Path, registry: Path) -> list[str]:
    if verb == "pseudonymise":
        return [str(leak), "--out", str(out / "safe.parquet"), "--quiet"]
    if verb == "publish":
        return [str(leak), "--out", str(out / "bundle"), "--labs", str(registry), "--quiet"]
    return [str(leak), "--quiet"]


# --- (a) the command line --------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_every_verb_exits_0_or_says_why_in_one_line_never_a_traceback(
    messy, registry, name, tmp_path
):
    leak = messy[name]
    for verb in VERBS:
        done = subprocess.run(
            [sys.executable, "-m", "toolkit", verb, *_arguments(verb, leak, tmp_path, registry)],
            capture_output=True, text=True, cwd=ROOT, env=_environment(tmp_path), timeout=300,
        )  # fmt: skip
        assert "Traceback" not in done.stderr, (verb, done.stderr[-2_000:])
        if verb == "publish" and name in REFUSED:
            assert done.returncode != 0
            assert done.stderr.count("\n") == 1, (verb, done.stderr)
            assert done.stderr.startswith(f"leak-toolkit: {leak}: {REFUSED[name]}"), done.stderr
            continue
        # --quiet: a verb that succeeds writes nothing on stderr (no warning either).
        assert (verb, done.returncode, done.stderr) == (verb, 0, "")
    if name not in REFUSED:
        _assert_no_count_below_k(tmp_path / "bundle")


def _assert_no_count_below_k(bundle: Path) -> None:
    """No count of 1 to k - 1 persons in a CSV of the bundle or in its note."""
    for path in sorted(bundle.glob("*.csv")):
        table = pl.read_csv(path, separator=";", infer_schema=False)
        counts = [int(v) for v in table["Personnes"].drop_nulls()]
        assert [n for n in counts if 0 < n < K] == [], path.name
    note = "\n".join((bundle / name).read_text(encoding="utf-8")
                     for name in ("methodologie.md", "methodologie-annexe.md"))
    # "une case de 1 à 10 personnes" states the rule; every other count is of persons.
    said = re.findall(r"(?<!à )(?<![\d\u00a0])(\d[\d\u00a0]*) personnes?\b", note)
    assert [n for n in said if 0 < int(n.replace("\u00a0", "")) < K] == [], said


# --- (c) the explorer widget -----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_the_explorer_picks_every_lab_and_departement_of_a_messy_file(messy, registry, name):
    safe = workflows.safe_table_of(messy[name], KEY)
    explorer = widgets.ExposureExplorer(safe, labs=notebook.lab_locations(registry))
    views = [*explorer.views.values(), explorer.table_view, explorer.summary]

    def check() -> None:
        assert explorer.summary.value
        for chart, view in explorer.views.items():
            # A chart, or one sentence saying why there is none: never an empty box.
            assert view.value.startswith("<svg") or "<p>" in view.value, chart
            assert (chart in explorer.charts) == view.value.startswith("<svg"), chart

    check()
    for picker in (explorer.lab_picker, explorer.departement_picker):
        for _, value in picker.options:
            picker.value = (value,)
            if explorer.records:
                check()
        picker.value = ()
    explorer.k_slider.value = 1
    check()
    assert all(isinstance(view.value, str) for view in views)


def test_the_explorer_says_in_one_sentence_why_a_chart_is_missing(messy):
    explorer = widgets.ExposureExplorer(workflows.safe_table_of(messy["no_date_column"], KEY))
    assert "timeline" not in explorer.charts and "labs" not in explorer.charts
    assert explorer.views["timeline"].value == (
        "<p><i>Pas de graphique pour cette sélection\u00a0: le fichier ne donne aucune date de "
        "prélèvement exploitable.</i></p>"
    )
    assert explorer.views["categories"].value.startswith("<svg")


# --- what is missing is counted and said -----------------------------------------------------


def _report(leak: Path) -> verify.VerifyReport:
    return workflows.verify_file(leak)[0]


def test_the_verification_report_counts_rows_without_a_lab_a_date_a_sex_or_a_residence(messy):
    gaps = _report(messy["blank_lab_few"]).sections["gaps"]
    assert (gaps["rows_without_lab"], gaps["columns_not_found"]) == (7, [])
    assert _report(messy["dates_garbage"]).sections["gaps"]["rows_without_sample_date"] == ROWS
    assert _report(messy["residence_blank"]).sections["gaps"]["rows_without_residence"] == ROWS
    assert _report(messy["sexes_blank"]).sections["gaps"]["rows_without_sex"] == ROWS
    missing = _report(messy["no_lab_column"]).sections["gaps"]
    assert missing["columns_not_found"] == ["lab"] and "rows_without_lab" not in missing
    text = verify.report_text(_report(messy["blank_lab_few"]))
    assert "Valeurs manquantes ou illisibles\n  lignes sans laboratoire\u00a0: 7" in text
    text = verify.report_text(_report(messy["no_date_column"]))
    assert "  colonnes introuvables\u00a0: Date de prélèvement" in text


def test_a_clean_file_reports_no_gap_but_its_blank_sexes(messy):
    clean = messy["blank_lab_few"].with_name("clean.csv")
    gaps = _report(clean).sections["gaps"]
    assert gaps["rows_without_lab"] == gaps["rows_without_sample_date"] == 0
    assert gaps["columns_not_found"] == []


def _note(leak: Path, registry: Path, out: Path) -> str:
    # Each variant is another file under the same key: a ledger of its own for each, so that
    # the differencing check between copies of a leak does not refuse the second.
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TOOLKIT_LEDGER_DIR", str(out.with_name(out.name + "-ledger")))
        result = publishing.publish_leak(leak, out, key=KEY, labs=registry)
    return "\n".join((result.out / name).read_text(encoding="utf-8")
                      for name in ("methodologie.md", "methodologie-annexe.md"))


def _many_blank(leak: Path, folder: Path, columns: tuple[str, ...], rows: int) -> Path:
    """The clean leak with ``columns`` blank on its first ``rows`` rows."""
    frame = read_leak_text(leak.with_name("clean.csv"))
    blank = pl.int_range(pl.len()) < rows
    frame = frame.with_columns(pl.when(blank).then(None).otherwise(pl.col(c)).alias(c)
                               for c in columns)  # fmt: skip
    return write_variant(frame, folder / "many.csv", "utf-8")


def test_the_note_gives_the_persons_without_a_lab_never_below_k(messy, registry, tmp_path):
    few = _note(messy["blank_lab_few"], registry, tmp_path / "few")
    assert "le laboratoire manque ou n'est pas reconnaissable" in few
    assert re.search(r"elles concernent (moins de 11 personnes|un nombre de personnes couvert)",
                     few)  # fmt: skip
    many = _note(_many_blank(messy["blank_lab_few"], tmp_path, (LAB,), 150), registry,
                 tmp_path / "many")  # fmt: skip
    shown = re.search(r"reconnaissable\u00a0: elles concernent ([\d\u00a0]+) personnes", many)
    assert shown and int(shown.group(1).replace("\u00a0", "")) >= K
    none = _note(messy["blank_lab_all"], registry, tmp_path / "none")
    assert "Aucune ligne du fichier n'indique de laboratoire reconnaissable." in none
    assert "patientes de 0 laboratoires" not in none


def test_the_note_gives_the_persons_without_a_usable_date(messy, registry, tmp_path):
    many = _note(_many_blank(messy["blank_lab_few"], tmp_path, SAMPLE_DATES, 150),
                 registry, tmp_path / "many")  # fmt: skip
    shown = re.search(r"est illisible\u00a0: elles concernent ([\d\u00a0]+) personnes", many)
    assert shown and int(shown.group(1).replace("\u00a0", "")) >= K
    none = _note(messy["dates_garbage"], registry, tmp_path / "none")
    assert "Aucune ligne du fichier n'a de date de prélèvement exploitable" in none
    assert "entre ? et ?" not in none and "?" not in none.split("**Ce qui a été compté.**")[0]


def test_the_note_of_a_file_without_residences_says_no_one_was_placed(messy, registry, tmp_path):
    note = _note(messy["residence_blank"], registry, tmp_path / "b")
    assert "0\u00a0% des personnes ont ainsi pu être situées" in note


def test_a_file_that_cannot_be_published_is_named_in_one_line(messy, registry, tmp_path):
    with pytest.raises(InputError, match=r"one_row.csv: nothing to publish: the file describes "
                                         r"fewer than 11 persons"):  # fmt: skip
        publishing.publish_leak(messy["one_row"], tmp_path / "b", key=KEY, labs=registry)


# --- chart builders on odd tables ------------------------------------------------------------


def test_the_lab_chart_draws_records_without_a_lab_under_their_own_label():
    import datetime as dt

    table = pl.DataFrame({
        "lab": [None, "lbm5601"], "first_sample": [dt.date(2018, 1, 1)] * 2,
        "last_sample": [dt.date(2019, 1, 1)] * 2, "persons": [40, 60],
    })  # fmt: skip
    svg = charts.to_svg(charts.lab_windows_chart(table))
    assert "Laboratoire inconnu" in svg and "lbm5601" in svg


def test_undated_months_are_left_out_of_the_timeline_and_a_timeline_of_none_is_refused():
    import datetime as dt

    table = pl.DataFrame({"month": [None, dt.date(2019, 3, 1)], "persons": [40, 60]},
                         schema_overrides={"month": pl.Date})  # fmt: skip
    assert "mars 2019" in charts.alt_text(charts.timeline_chart(table, count="persons"))
    with pytest.raises(InputError, match="nothing to draw"):
        charts.timeline_chart(table.head(1), count="persons")


def test_a_pyramid_without_any_sex_or_age_is_refused_in_one_line():
    table = pl.DataFrame({"age_band": [None, "40-44"], "sex": ["F", None], "persons": [12, 30]})
    with pytest.raises(InputError, match="nothing to draw"):
        charts.pyramid_chart(table)


def test_a_heatmap_leaves_out_the_year_it_does_not_know():
    table = pl.DataFrame({"category": ["nir", "nir"], "year": [None, 2019], "persons": [20, 30]})
    chart = charts.category_year_chart(table)
    assert "2019" in charts.alt_text(chart)
    with pytest.raises(InputError, match="nothing to draw"):
        charts.category_year_chart(table.head(1))


# --- (b) the notebooks -----------------------------------------------------------------------


def test_the_notebook_helpers_draw_or_say_why_in_french(capsys):
    table = pl.DataFrame({"month": [None], "persons": [40]}, schema_overrides={"month": pl.Date})
    assert notebook.chart(charts.timeline_chart, table, count="persons") is None
    out = capsys.readouterr().out
    assert out.startswith("Pas de graphique ici\u00a0: ") and out.count("\n") == 1


def test_the_notebook_helpers_raise_one_clear_error_on_a_file_they_cannot_read(tmp_path):
    binary = tmp_path / "leak.csv"
    binary.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(ToolkitError):
        notebook.safe_table(binary, KEY)


@pytest.fixture(scope="module")
def executed(messy, tmp_path_factory) -> dict[str, nbformat.NotebookNode]:
    """Notebooks 00-04 executed on meaningless UTF-16 headers with blank lab codes."""
    work = tmp_path_factory.mktemp("run")
    environment = {
        "TOOLKIT_LEAK": str(messy["col_headers_utf16"]), "TOOLKIT_KEY": KEY_HEX,
        "TOOLKIT_OUT": str(work / "out"), "TOOLKIT_LEDGER_DIR": str(work / "ledger"),
    }  # fmt: skip
    results = {}
    with pytest.MonkeyPatch.context() as env:
        for name, value in environment.items():
            env.setenv(name, value)  # the kernels inherit the test process's environment
        for path in sorted((ROOT / "notebooks").glob("0[0-4]_*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            client = NotebookClient(nb, timeout=240, kernel_name="python3", allow_errors=True,
                                    resources={"metadata": {"path": str(work)}})  # fmt: skip
            client.execute()
            results[path.stem] = nb
    return results


def test_no_notebook_cell_raises_on_a_messy_file(executed):
    assert len(executed) == 5
    for name, nb in executed.items():
        code = [cell for cell in nb.cells if cell.cell_type == "code"]
        errors = [
            (name, cell.source.splitlines()[0], output.get("ename"), output.get("evalue"))
            for cell in code for output in cell.get("outputs", [])
            if output["output_type"] == "error"
        ]  # fmt: skip
        assert errors == []
        assert all(cell.get("execution_count") for cell in code), name


def test_a_notebook_cell_that_cannot_run_on_the_file_says_so_in_french(executed):
    # The headers say nothing: the comments are not recognised, so there is no health mention
    # to export by year; the cell says so instead of failing.
    printed = [
        output["text"] for cell in executed["04_export_for_publication"].cells
        for output in cell.get("outputs", []) if output.get("name") == "stdout"
    ]  # fmt: skip
    assert any(line.startswith("Rien n'a été exporté") for line in printed), printed
