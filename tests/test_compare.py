"""Comparing copies of a leak: the same records whatever the form, extracts, additions, edits.

Every copy is derived here from one synthetic leak (no real data), and every expected count is
computed from what the test changed (rows removed or added, values altered), with the safe
table's person ids for persons, never with the comparison engine's own helpers.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from toolkit.app import cli
from toolkit.app.compare import compare_files, comparison_dict
from toolkit.boundary import fingerprints, pseudonymise, tripwire
from toolkit.raw import ingest, schema, synth
from toolkit.safe import compare as compare_module
from toolkit.safe.compare import Copy, check_fingerprints, compare
from toolkit.shared import paths
from toolkit.shared.errors import BoundaryError

ROOT = Path(__file__).resolve().parents[1]
KEY = bytes.fromhex("5e" * 32)
KEY_HEX = KEY.hex()
ROWS = 3_000


# --- copies of one synthetic leak -----------------------------------------------------------


def read_text(path: Path, separator: str = ";", encoding: str = "cp1252") -> pl.DataFrame:
    return pl.read_csv(path, separator=separator, encoding=encoding, infer_schema=False)


def write(frame: pl.DataFrame, path: Path, **options) -> Path:
    frame.write_csv(path, **{"separator": ";", **options})
    return path


def person_ids(frame: pl.DataFrame) -> pl.Series:
    """The safe table's person id of each row (row order kept)."""
    return pseudonymise.pseudonymise(frame, schema.classify(frame), KEY).collect()["person_id"]


@pytest.fixture(scope="module")
def leak(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("compare")
    path = folder / "original.csv"
    synth.write_synthetic_leak(path, rows=ROWS, seed=11, progress=False)
    other = folder / "other.csv"
    synth.write_synthetic_leak(other, rows=400, seed=12, progress=False)
    frame = read_text(path)
    return {"folder": folder, "path": path, "frame": frame, "other": read_text(other)}


def test_a_shuffled_reencoded_reformatted_copy_holds_the_same_records(leak):
    frame = leak["frame"]
    reformatted = frame.sample(fraction=1.0, shuffle=True, seed=3).with_columns(
        pl.col("NOM").str.to_uppercase(),
        pl.col("PRENOM").str.to_lowercase(),
        (pl.lit("  ") + pl.col("ADRESSE1").str.replace_all(" ", "   ") + pl.lit(" ")).alias(
            "ADRESSE1"
        ),
        # A tab, or a line break inside a quoted cell, is spacing too.
        pl.col("COMMENTAIRE_1").str.replace_all(" ", "\t"),
        pl.col("COMMENTAIRE_2").str.replace_all(" ", "\r\n "),
    )
    copy = write(reformatted, leak["folder"] / "reformatted.csv", separator=",",
                 quote_style="always")  # fmt: skip
    assert copy.read_bytes() != leak["path"].read_bytes()

    result = compare_files([leak["path"], copy], KEY, progress=False)

    pair = result.pairs[0]
    assert result.copies[0].encoding == "cp1252" and result.copies[1].encoding == "utf-8"
    assert result.copies[1].delimiter == ","
    assert not pair.byte_identical
    assert pair.same_records
    assert pair.records_only_a == pair.records_only_b == 0
    assert pair.records_both == result.copies[0].records
    assert "mêmes enregistrements" in pair.verdict_fr
    assert "same records" in pair.verdict_en
    assert "mêmes enregistrements" in result.verdict_fr


def test_a_byte_identical_copy_is_called_so(leak):
    twin = leak["folder"] / "twin.csv"
    twin.write_bytes(leak["path"].read_bytes())
    result = compare_files([leak["path"], twin], KEY, progress=False)
    assert result.pairs[0].byte_identical and result.pairs[0].same_records
    assert "octet pour octet" in result.pairs[0].verdict_fr


@pytest.fixture(scope="module")
def extract_and_enriched(leak) -> dict:
    frame = leak["frame"].with_row_index("_i")
    removed = frame.filter(pl.col("_i") % 7 == 3).drop("_i")
    kept = frame.filter(pl.col("_i") % 7 != 3).drop("_i")
    added = leak["other"].select(kept.columns)
    enriched = pl.concat([leak["frame"], added])
    return {
        "removed": removed, "kept": kept, "added": added,
        "extract": write(kept, leak["folder"] / "extract.csv"),
        "enriched": write(enriched, leak["folder"] / "enriched.csv", quote_style="always"),
    }  # fmt: skip


def test_an_extract_and_an_enriched_copy_give_exact_counts_of_what_differs(
    leak, extract_and_enriched
):
    e = extract_and_enriched
    original = leak["frame"]
    ids = person_ids(original)
    kept_ids = set(ids.filter(pl.Series(range(ROWS)) % 7 != 3).to_list())
    added_ids = set(person_ids(e["added"]).to_list())
    expected_extract_persons = len(set(ids.to_list()) - kept_ids)
    expected_added_persons = len(added_ids - set(ids.to_list()))
    removed_records = e["removed"].unique().join(e["kept"], on=e["kept"].columns, how="anti")
    added_records = e["added"].unique().join(original, on=original.columns, how="anti")

    result = compare_files([leak["path"], e["extract"], e["enriched"]], KEY, progress=False)
    extract, enriched, between = result.pairs

    assert (extract.a, extract.b) == ("A", "B")
    assert extract.records_only_a == removed_records.height > 0
    assert extract.records_only_b == 0
    assert extract.records_both == e["kept"].unique().height
    assert extract.persons_only_a == expected_extract_persons
    assert extract.persons_only_b == 0
    assert extract.verdict_fr.startswith("B est un extrait de A")
    assert "extract of A" in extract.verdict_en

    assert enriched.records_only_a == 0
    assert enriched.records_only_b == added_records.height == 400
    assert enriched.persons_only_b == expected_added_persons > 0
    assert enriched.verdict_fr.startswith("C contient tout A et ajoute")
    labs = e["added"]["CODE_LABO"].n_unique()
    assert f"{labs}\u00a0laboratoire" in enriched.verdict_fr

    assert between.records_only_a == 0
    assert between.records_only_b == removed_records.height + 400
    assert between.changed_records == 0


def test_the_overlap_table_adds_up(leak, extract_and_enriched):
    e = extract_and_enriched
    result = compare_files([e["extract"], leak["path"], e["enriched"]], KEY, progress=False)
    overlap = result.overlap
    assert overlap.columns == ["copies", "records", "persons"]
    assert overlap["copies"].n_unique() == overlap.height
    union = pl.concat([leak["frame"], e["added"]]).unique().height
    assert overlap["records"].sum() == union
    for copy in result.copies:
        holding = overlap.filter(pl.col("copies").str.split("+").list.contains(copy.label))
        assert holding["records"].sum() == copy.records
    assert set(overlap["copies"]) == {"A+B+C", "B+C", "C"}
    everywhere = overlap.filter(pl.col("copies") == "A+B+C")
    assert everywhere["records"].item() == e["kept"].unique().height
    assert overlap.filter(pl.col("copies") == "C")["records"].item() == 400
    persons = person_ids(pl.concat([leak["frame"], e["added"]])).n_unique()
    assert overlap["persons"].sum() == persons


def test_the_differences_count_what_one_copy_alone_holds(leak, extract_and_enriched):
    e = extract_and_enriched
    result = compare_files([leak["path"], e["enriched"]], KEY, progress=False)
    diff = result.differences
    assert diff.columns == ["only_in", "dimension", "value", "records", "persons"]
    assert set(diff["only_in"]) == {"B"}
    assert set(diff["dimension"]) <= {"lab", "month", "departement", "category"}
    by_lab = diff.filter(pl.col("dimension") == "lab")
    assert by_lab["records"].sum() == 400
    months = diff.filter(pl.col("dimension") == "month")["value"].drop_nulls()
    assert months.str.contains(r"^\d{4}-\d{2}$").all()
    nir = diff.filter((pl.col("dimension") == "category") & (pl.col("value") == "nir"))
    assert nir["records"].item() == e["added"]["NIR"].str.strip_chars().ne("").sum()


def test_large_copies_compared_part_by_part_on_disk_give_the_same_comparison(
    leak, extract_and_enriched, tmp_path, monkeypatch
):
    """Copies too large for memory are compared in parts, through private files on disk."""
    e = extract_and_enriched
    altered = leak["frame"].with_columns(
        pl.when(pl.int_range(pl.len()) % 50 == 0).then(pl.lit("01/01/1901"))
        .otherwise(pl.col("DATE_NAISSANCE")).alias("DATE_NAISSANCE")
    )  # fmt: skip
    files = [e["extract"], leak["path"], e["enriched"], write(altered, tmp_path / "altered.csv")]
    in_memory = compare_files(files, KEY, progress=False)
    interim = tmp_path / "interim"
    monkeypatch.setattr(paths, "INTERIM", interim)
    monkeypatch.setattr(ingest, "IN_MEMORY_BYTES", 0)  # every copy read as a large one
    monkeypatch.setattr(compare_module, "PART_ROWS", 1_000)  # 12 parts
    modes: list[int] = []
    keep = compare_module._Plan.keep

    def watched(plan, lazy):
        kept = keep(plan, lazy)
        assert plan.parts == 12
        modes.extend(p.stat().st_mode & 0o777 for p in plan.folder.iterdir())
        return kept

    monkeypatch.setattr(compare_module._Plan, "keep", watched)
    on_disk = compare_files(files, KEY, progress=False)
    assert modes and set(modes) == {0o600}  # private files
    assert [p for p in interim.rglob("*") if p.is_file()] == []  # all gone after
    assert on_disk.pairs == in_memory.pairs
    assert sum(on_disk.pairs[-1].changed_values.values()) > 0
    for table in ("overlap", "differences", "by_pattern"):
        assert_frame_equal(getattr(on_disk, table), getattr(in_memory, table))
    assert on_disk.copies == in_memory.copies


# --- altered values -------------------------------------------------------------------------


def nir_with_key(body: str) -> str:
    return body + f"{97 - int(body) % 97:02d}"


def test_altered_nirs_and_birth_dates_are_counted_by_category(leak):
    frame = leak["frame"].with_row_index("_i")
    nir = pl.col("NIR").str.replace_all(r"\D", "")
    candidates = frame.filter(nir.str.len_chars() == 15)
    # Rows that appear once: an altered row is then one record that changed.
    unique_rows = frame.drop("_i").is_unique()
    nir_rows = candidates.filter(unique_rows.gather(candidates["_i"]))["_i"].head(24).to_list()
    birth_rows = (
        frame.filter(~pl.col("_i").is_in(nir_rows) & (pl.col("DATE_NAISSANCE").str.len_chars() > 0)
                     & unique_rows)["_i"].head(17).to_list()
    )  # fmt: skip

    def altered_nir(value: str, index: int) -> str:
        digits = "".join(ch for ch in value if ch.isdigit())
        body = digits[:5] + str((int(digits[5]) + 1) % 10) + digits[6:13]
        # Half still valid (key recomputed), half with a wrong key.
        return nir_with_key(body) if index % 2 else body + digits[13:]

    nirs = frame["NIR"].to_list()
    births = frame["DATE_NAISSANCE"].to_list()
    for n, i in enumerate(nir_rows):
        nirs[i] = altered_nir(nirs[i], n)
    for i in birth_rows:
        births[i] = "01/01/1901" if births[i] != "01/01/1901" else "02/01/1901"
    altered = frame.drop("_i").with_columns(pl.Series("NIR", nirs),
                                            pl.Series("DATE_NAISSANCE", births))  # fmt: skip
    copy = write(altered, leak["folder"] / "altered.csv")

    pair = compare_files([leak["path"], copy], KEY, progress=False).pairs[0]

    assert pair.changed_values["nir"] == len(nir_rows) == 24
    assert pair.changed_values["birth_date"] == len(birth_rows) == 17
    assert sum(pair.changed_values.values()) == 24 + 17
    assert pair.records_only_a == pair.records_only_b == 24 + 17
    assert "(NIR) (24)" in pair.verdict_fr
    assert "date de naissance (17)" in pair.verdict_fr


# --- columns --------------------------------------------------------------------------------


def test_renamed_and_extra_columns_are_reported_and_records_still_match(leak):
    frame = leak["frame"]
    renamed = write(frame.rename({"NIR": "Numero securite sociale"}), leak["folder"] / "ren.csv")
    extra = write(frame.with_columns(SOURCE_FICHIER=pl.lit("export 3")),
                  leak["folder"] / "extra.csv")  # fmt: skip

    result = compare_files([leak["path"], renamed, extra], KEY, progress=False)
    to_renamed, to_extra, _ = result.pairs

    assert result.copies[1].columns["Numero securite sociale"] == "nir"
    assert to_renamed.columns_only_in_a == ["NIR"]
    assert to_renamed.columns_only_in_b == ["Numero securite sociale"]
    assert to_renamed.same_records
    assert to_extra.columns_only_in_a == []
    assert to_extra.columns_only_in_b == ["SOURCE_FICHIER"]
    # Records are compared on the columns every copy has.
    assert to_extra.same_records


def test_a_column_classified_differently_is_reported_as_recategorised(leak):
    raw = ingest.read_leak(leak["path"])
    classes = schema.classify(raw.frame)
    frame = fingerprints.fingerprints(raw, classes, KEY).collect()
    facts = {"sha256": raw.sha256, "size": 1, "rows_read": ROWS, "rows_quarantined": 0,
             "encoding": raw.encoding, "delimiter": raw.delimiter}  # fmt: skip
    columns = dict(classes.mapping)
    moved = {**columns, "STATUT": "comment"}
    result = compare([Copy(name="a.csv", columns=columns, fingerprints=frame, **facts),
                      Copy(name="b.csv", columns=moved, fingerprints=frame, **facts)])  # fmt: skip
    assert result.pairs[0].columns_recategorised == [("STATUT", "other", "comment")]


def test_the_safe_side_refuses_a_frame_with_a_raw_column(leak):
    raw = ingest.read_leak(leak["path"])
    frame = fingerprints.fingerprints(raw, schema.classify(raw.frame), KEY).collect()
    check_fingerprints(frame)
    with pytest.raises(BoundaryError):
        check_fingerprints(frame.with_columns(NIR=pl.lit("1850578006048")))


def test_no_fingerprint_is_the_same_under_another_key(leak):
    raw = ingest.read_leak(leak["path"])
    classes = schema.classify(raw.frame)
    one = fingerprints.fingerprints(raw, classes, KEY).collect()
    two = fingerprints.fingerprints(raw, classes, bytes(32)).collect()
    for column in ("record", "person_id", "sample", "v_nir"):
        assert not one[column].is_in(two[column].implode()).any(), column


# --- the command line -----------------------------------------------------------------------


def run_cli(*args: str | Path, interim: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "TOOLKIT_KEY": KEY_HEX, "TOOLKIT_INTERIM_DIR": str(interim)}
    command = [sys.executable, "-m", "toolkit", "compare", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)


def raw_identifiers(path: Path) -> tuple[tripwire.Identifiers, list[str]]:
    raw = ingest.read_leak(path)
    classes = schema.classify(raw.frame)
    frame = raw.frame.collect()
    values = [v for column in ("NIR", "NOM", "PRENOM", "TEL_DOMICILE", "TEL_PORTABLE", "EMAIL")
              for v in frame[column].drop_nulls().to_list() if len(v.strip()) >= 4]  # fmt: skip
    return tripwire.collect_identifiers(raw, classes), values


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "text"])
def test_the_command_prints_no_raw_value(as_json, leak, extract_and_enriched, tmp_path):
    e = extract_and_enriched
    interim = tmp_path / "interim"
    options = ["--json"] if as_json else []
    done = run_cli(leak["path"], e["extract"], e["enriched"], *options, interim=interim)
    assert done.returncode == 0, done.stderr
    if as_json:
        document = json.loads(done.stdout)
        assert [c["label"] for c in document["copies"]] == ["A", "B", "C"]
        assert "differences" not in document
        assert document["pairs"][0]["records_only_a"] > 0
    else:
        assert "Copie A" in done.stdout and "Ensemble des copies" in done.stdout
    identifiers, values = raw_identifiers(leak["path"])
    for stream in (done.stdout, done.stderr):
        assert tripwire.find(stream, identifiers) is None
        assert not [v for v in values if v in stream]
    assert not [p for p in interim.rglob("*") if p.is_file()]


def test_the_json_is_the_comparison_without_its_unprotected_table(leak, extract_and_enriched):
    result = compare_files([leak["path"], extract_and_enriched["extract"]], KEY, progress=False)
    document = comparison_dict(result)
    assert set(document) == {"copies", "pairs", "overlap", "verdict_fr", "verdict_en"}
    json.dumps(document)


def truncated(path: Path, out: Path) -> Path:
    data = path.read_bytes()
    header_end = data.index(b"\n") + 1
    out.write_bytes(data[: header_end + 40])
    return out


@pytest.mark.parametrize("kind", ["empty", "truncated", "not_a_leak"])
def test_a_file_that_is_not_a_comparable_leak_gives_one_line(kind, leak, tmp_path):
    bad = tmp_path / f"{kind}.csv"
    if kind == "empty":
        bad.write_bytes(b"")
    elif kind == "truncated":
        truncated(leak["path"], bad)
    else:
        bad.write_text("a,b,c\n" + "".join(f"{i},{i * 2},{i * 3}\n" for i in range(200)))
    done = run_cli(leak["path"], bad, "--quiet", interim=tmp_path / "interim")
    assert done.returncode != 0
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"leak-toolkit: {bad}")
    assert "Traceback" not in done.stderr


def test_one_file_is_a_usage_error(leak, capsys):
    assert cli.main(["compare", str(leak["path"]), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "two" in err


def test_nothing_is_left_in_the_interim_folder(leak, extract_and_enriched, tmp_path, monkeypatch,
                                               capsys):  # fmt: skip
    interim = tmp_path / "interim"
    monkeypatch.setattr(paths, "INTERIM", interim)
    monkeypatch.setattr(ingest, "IN_MEMORY_BYTES", 0)  # copies on disk, as for a large leak
    monkeypatch.setenv("TOOLKIT_KEY", KEY_HEX)
    gz = tmp_path / "extract.csv.gz"
    import gzip

    gz.write_bytes(gzip.compress(extract_and_enriched["extract"].read_bytes()))
    assert cli.main(["compare", str(leak["path"]), str(gz), "--quiet"]) == 0
    assert "extrait" in capsys.readouterr().out
    assert [p for p in interim.rglob("*") if p.is_file()] == []


# --- publishing a comparison ----------------------------------------------------------------


def test_persons_by_pattern_and_lab_are_those_of_the_safe_tables(leak, extract_and_enriched):
    e = extract_and_enriched
    result = compare_files([leak["path"], e["extract"]], KEY, progress=False)
    original = pseudonymise.pseudonymise(leak["frame"], schema.classify(leak["frame"]), KEY)
    safe = original.collect()
    kept = set(person_ids(e["kept"]).to_list())
    only_a = safe.filter(~pl.col("person_id").is_in(list(kept)))
    assert only_a.height > 0
    expected = dict(only_a.group_by("lab").agg(pl.col("person_id").n_unique()).iter_rows())
    got = result.by_pattern.filter((pl.col("copies") == "A") & (pl.col("dimension") == "lab"))
    assert dict(got.select("value", "persons").iter_rows()) == expected
    overlap = dict(result.overlap.select("copies", "persons").iter_rows())
    assert overlap["A"] == only_a["person_id"].n_unique()


def test_a_published_comparison_holds_no_raw_value_no_small_count_and_is_recorded(
    leak, extract_and_enriched, tmp_path
):
    e = extract_and_enriched
    out = tmp_path / "comparaison"
    done = run_cli(leak["path"], e["extract"], e["enriched"], "--out", out, "--quiet",
                   interim=tmp_path / "interim")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "comparison published" in done.stdout
    names = {p.name for p in out.iterdir()}
    assert {"comparaison_recouvrement.svg", "comparaison_recouvrement.csv",
            "comparaison_par_copie.csv", "manifest.json"} <= names  # fmt: skip
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    shas = [c["sha256"] for c in manifest["copies"]]
    assert not [k for k in manifest if k.startswith("verdict")]  # unprotected counts in them
    assert shas == [ingest.read_leak(p).sha256 for p in (leak["path"], e["extract"],
                                                        e["enriched"])]  # fmt: skip
    # Nothing of any copy in any file, whatever its format.
    _, values = raw_identifiers(e["enriched"])
    for path in out.iterdir():
        content = path.read_bytes().decode("utf-8", errors="ignore")
        # The shipped font embedded in an SVG is base64: any letters may occur in it by chance.
        content = re.sub(r"url\(data:font/[^)]*\)", "", content)
        assert not [v for v in values if v in content], path.name
    for path in out.glob("*.csv"):
        table = pl.read_csv(path, separator=";", infer_schema=False)
        counts = [int(v) for v in table["Personnes"].drop_nulls()]
        assert [n for n in counts if 0 < n < 11] == [], path.name
    ledger = next(Path(os.environ["TOOLKIT_LEDGER_DIR"]).glob("releases-*.json"))
    kinds = [r["kind"] for r in json.loads(ledger.read_text())["releases"]]
    assert kinds == ["comparison"]


def test_a_comparison_of_copies_that_differ_by_a_few_persons_is_refused(leak, tmp_path):
    few = write(leak["frame"].head(ROWS - 3), tmp_path / "minus_three.csv")
    out = tmp_path / "comparaison"
    done = run_cli(leak["path"], few, "--out", out, "--quiet", interim=tmp_path / "interim")
    assert done.returncode != 0
    assert done.stderr.count("\n") == 1 and "differ by 1 to k - 1 persons" in done.stderr
    assert not out.exists()


def test_the_copy_picker_compares_what_is_picked_and_asks_for_two(leak, extract_and_enriched):
    from toolkit.app.widgets import CopyPicker

    picker = CopyPicker(folder=leak["folder"], chosen=[leak["path"]], key=KEY)
    assert picker.run() is None and "au moins deux" in picker.message.value
    picker.files.value = (str(leak["path"]), str(extract_and_enriched["extract"]))
    result = picker.run()
    assert result is not None and result.pairs[0].records_only_a > 0
    assert "extrait" in picker.message.value
    _, values = raw_identifiers(leak["path"])
    shown = picker.message.value + picker.tables.value
    assert not [v for v in values if v in shown]


def _left_out(out: Path) -> dict[str, str]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {o.get("table") or o["figure"]: o["reason"] for o in manifest["left_out"]}


def test_a_copy_and_a_comparison_never_both_count_its_persons_by_month_or_lab(
    leak, extract_and_enriched, tmp_path, monkeypatch
):
    """Persons by month of one copy minus persons by month of a group of copies holding it
    would give a hidden cell back: whichever is published second leaves those tables out."""
    from toolkit.app.publishing import publish_comparison, publish_leak

    monkeypatch.setattr(paths, "INTERIM", tmp_path / "interim")
    e = extract_and_enriched
    linked = "a comparison of copies of this file (or a compared copy)"
    # The comparison first, then a bundle of one of its copies.
    publish_comparison([leak["path"], e["enriched"]], tmp_path / "c1", key=KEY)
    assert not _left_out(tmp_path / "c1")
    publish_leak(e["enriched"], tmp_path / "b1", key=KEY)
    left = _left_out(tmp_path / "b1")
    assert {"01_chronologie", "02_laboratoires", "05_categories_par_annee"} <= set(left)
    assert all(linked in left[f] for f in ("01_chronologie", "02_laboratoires"))
    assert (tmp_path / "b1" / "03_departements.csv").exists()  # the rest is published
    # Under another key (a new ledger), a bundle first, then a comparison holding its copy.
    monkeypatch.setenv("TOOLKIT_LEDGER_DIR", str(tmp_path / "ledger2"))
    publish_leak(e["extract"], tmp_path / "b2", key=KEY)
    assert "01_chronologie" not in _left_out(tmp_path / "b2")
    publish_comparison([e["extract"], e["enriched"]], tmp_path / "c2", key=KEY)
    left = _left_out(tmp_path / "c2")
    assert set(left) == {"comparaison_par_mois", "comparaison_par_laboratoire"}
    assert (tmp_path / "c2" / "comparaison_recouvrement.csv").exists()
    # A copy compared under another key only keeps everything.
    monkeypatch.setenv("TOOLKIT_LEDGER_DIR", str(tmp_path / "ledger3"))
    publish_leak(leak["path"], tmp_path / "b3", key=KEY)
    assert "01_chronologie" not in _left_out(tmp_path / "b3")


def test_the_demonstration_copies_are_published_under_a_key_of_their_own(leak, tmp_path):
    # Notebook 05's copies, made from the leak, must not enter the ledger of the project's key:
    # there the leak's own bundle would make their comparison leave out its months and labs.
    from toolkit.app import notebook
    from toolkit.app.publishing import publish_comparison, publish_leak
    from toolkit.shared import scratch

    ledgers = tmp_path / "ledgers"
    with scratch.session(), pytest.MonkeyPatch.context() as mp:
        mp.setenv("TOOLKIT_LEDGER_DIR", str(ledgers))
        mp.setenv("TOOLKIT_KEY", KEY_HEX)
        publish_leak(leak["path"], tmp_path / "bundle")  # the project's key, as notebook 04
        copies = notebook.demo_copies(leak["path"])
        key_file = notebook.copies_key_file(copies)
        assert key_file is not None and key_file.parent == copies[1].parent
        assert key_file.stat().st_mode & 0o777 == 0o600
        assert notebook.copies_key_file([leak["path"], leak["path"]]) is None
        made = publish_comparison(copies[:2], tmp_path / "demo", key_file=key_file)
        assert "comparaison_par_mois" not in {o["table"] for o in made.manifest["left_out"]}
        linked = publish_comparison(copies[:2], tmp_path / "linked")  # the project's key
        assert "comparaison_par_mois" in {o["table"] for o in linked.manifest["left_out"]}
        folder = copies[1].parent
    assert not folder.exists()  # the copies and their key go with the session
