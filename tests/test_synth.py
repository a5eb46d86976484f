"""The synthetic leak: calibrated counts, geography, dirt, fictional markers, determinism, errors.

Counts are measured by reading the written file back as strings, independently of the truth
file; the truth file is then checked against those measurements.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from stdnum.fr import nir as stdnum_nir

from toolkit.app import cli
from toolkit.raw import health, synth
from toolkit.raw.synth import writer
from toolkit.shared import folding, reference
from toolkit.shared.errors import ToolkitError
from toolkit.shared.vocabulary import CATEGORIES, COMMENT_MENTIONS

SMALL = 20_000
FICTION_PREFIXES = ("0199 00", "0261 91", "0353 01", "0465 71", "0536 49", "0639 98")


def _read(path: Path, encoding: str = "cp1252", delimiter: str = ";") -> pl.DataFrame:
    return pl.read_csv(path, separator=delimiter, encoding=encoding, infer_schema=False)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[synth.SynthResult, pl.DataFrame]:
    folder = tmp_path_factory.mktemp("synth_small")
    result = synth.write_synthetic_leak(folder / "leak.csv", rows=SMALL, seed=7, progress=False)
    return result, _read(result.path)


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> tuple[synth.SynthResult, pl.DataFrame]:
    folder = tmp_path_factory.mktemp("synth_full")
    result = synth.write_synthetic_leak(folder / "leak.csv", progress=False)
    return result, _read(result.path)


# --------------------------------------------------------------------------- measured from file


def _persons(frame: pl.DataFrame) -> int:
    """Distinct persons by the documented rule: valid NIR, else surname + first name + birth."""
    nir = frame["NIR"].str.replace_all(" ", "")
    body = nir.str.slice(0, 13).str.replace("2A", "19").str.replace("2B", "18")
    valid = (97 - body.cast(pl.Int64, strict=False) % 97) == nir.str.slice(13, 2).cast(
        pl.Int64, strict=False)
    keys = frame.select(
        pl.when(pl.lit(valid.fill_null(False)))
        .then(pl.lit("N") + pl.lit(nir))
        .otherwise(pl.concat_str([pl.lit("P"), folding.fold(pl.col("NOM")).str.strip_chars(),
                                  folding.fold(pl.col("PRENOM")).str.strip_chars(),
                                  pl.col("DATE_NAISSANCE")], separator="|"))
    ).to_series()
    return keys.drop_nulls().n_unique() + keys.null_count()


def _measured(frame: pl.DataFrame) -> dict[str, int]:
    comments = pl.concat_str(["COMMENTAIRE_1", "COMMENTAIRE_2"], separator=" ",
                             ignore_nulls=True)
    words = frame.select(*[health.word_expr(comments, w).sum() for w in health.WORD_PATTERNS])
    doctor_emails = pl.concat([frame["MED_TRAITANT_EMAIL"], frame["MED_PRESCRIPTEUR_EMAIL"]])
    return {
        "nir_present": frame["NIR"].is_not_null().sum(),
        "women": (frame["SEXE"] == "F").sum(),
        "men": (frame["SEXE"] == "M").sum(),
        "surname_present": frame["NOM"].is_not_null().sum(),
        "landline_present": frame["TEL_DOMICILE"].is_not_null().sum(),
        "mobile_present": frame["TEL_PORTABLE"].is_not_null().sum(),
        "patient_emails_unique": frame["EMAIL"].drop_nulls().n_unique(),
        "doctor_emails_unique": doctor_emails.drop_nulls().n_unique(),
        "password_present": frame["MOT_DE_PASSE"].is_not_null().sum(),
        "enfant_rows": words["enfant"].item(),
        "bebe_rows": words["bebe"].item(),
    }


def _residence_shares(frame: pl.DataFrame) -> dict[str, float]:
    """Share of rows per département of residence, from the written postcode and commune."""
    pairs = reference.postcodes().select(
        "postcode", folding.fold(pl.col("name")).alias("commune"), "departement").unique()
    by_postcode = pairs.group_by("postcode").agg(pl.col("departement").first().alias("fallback"))
    rows = frame.select(pl.col("CODE_POSTAL").alias("postcode"),
                        folding.fold(pl.col("VILLE")).alias("commune"))
    located = (rows.join(pairs, on=["postcode", "commune"], how="left")
               .join(by_postcode, on="postcode", how="left")
               .select(pl.coalesce("departement", "fallback").alias("dep")))
    assert located["dep"].null_count() == 0
    counts = located["dep"].value_counts()
    return {d: n / frame.height for d, n in counts.iter_rows()}


# --------------------------------------------------------------------------- full size (slow)


@pytest.mark.slow
@pytest.mark.parametrize("count", list(synth.PUBLISHED_COUNTS))
def test_full_size_file_carries_each_published_count_exactly(full, count: str) -> None:
    _, frame = full
    assert frame.height == synth.PUBLISHED_ROWS
    assert _measured(frame)[count] == synth.PUBLISHED_COUNTS[count]


@pytest.mark.slow
def test_full_size_residence_shares_are_within_one_point_of_the_published_ones(full) -> None:
    _, frame = full
    shares = _residence_shares(frame)
    for dep, published in synth.DEPARTEMENT_SHARES.items():
        assert abs(shares[dep] - published) < 0.01, dep
    others = sum(v for d, v in shares.items() if d not in synth.DEPARTEMENT_SHARES)
    assert others < 0.07


@pytest.mark.slow
def test_full_size_truth_file_agrees_with_the_file(full) -> None:
    result, frame = full
    truth = json.loads(result.truth_path.read_text(encoding="utf-8"))
    measured = _measured(frame)
    assert truth["calibration"]["planted"] == measured
    assert truth["duplicates"]["distinct_persons"] == _persons(frame)
    assert truth["duplicates"]["duplicate_rows"] == frame.height - _persons(frame)
    assert truth["filled"]["by_column"] == {h: frame[h].is_not_null().sum() for h in frame.columns}


# --------------------------------------------------------------------------- small runs


def test_small_run_counts_follow_the_rounding_rule(small) -> None:
    _, frame = small
    expected = {k: synth.scaled(v, SMALL) for k, v in synth.PUBLISHED_COUNTS.items()}
    assert _measured(frame) == expected


def test_scaling_is_round_half_up_and_exact_at_full_size() -> None:
    assert [synth.scaled(491_840, 491_840), synth.scaled(425, 20_000),
            synth.scaled(337, 10_000_000)] == [491_840, 17, 6852]


def test_small_run_residence_shares_are_within_one_point(small) -> None:
    _, frame = small
    shares = _residence_shares(frame)
    assert all(abs(shares[d] - s) < 0.01 for d, s in synth.DEPARTEMENT_SHARES.items())


def test_header_is_the_documented_columns_each_with_a_known_category(small) -> None:
    result, frame = small
    assert frame.columns == list(synth.COLUMN_CATEGORIES) == result.columns
    assert 40 <= len(frame.columns) <= 60
    assert set(synth.COLUMN_CATEGORIES.values()) <= set(CATEGORIES)


def test_truth_file_matches_the_small_file(small) -> None:
    result, frame = small
    t = result.truth
    nir = frame["NIR"].drop_nulls().str.replace_all(" ", "")
    valid = nir.map_elements(stdnum_nir.is_valid, return_dtype=pl.Boolean)
    mentions = frame.select(**{k: pl.any_horizontal(
        health.mention_exprs(pl.col(c))[k] for c in ("COMMENTAIRE_1", "COMMENTAIRE_2")).sum()
        for k in COMMENT_MENTIONS}).row(0, named=True)
    assert (t["rows"], t["nir"]["present"], t["nir"]["valid_key"], t["nir"]["invalid_key"]) == (
        frame.height, nir.len(), valid.sum(), nir.len() - valid.sum())
    assert t["mentions"] == mentions
    assert t["duplicates"]["distinct_persons"] == _persons(frame)
    assert {c: v["rows"] for c, v in t["labs"].items()} == dict(
        frame["CODE_LABO"].value_counts().iter_rows())


def test_valid_nirs_agree_with_sex_and_birth_date_except_the_planted_ones(small) -> None:
    result, frame = small
    rows = frame.filter(pl.col("NIR").is_not_null()).with_columns(
        pl.col("NIR").str.replace_all(" ", "").alias("nir"))
    rows = rows.filter(pl.col("nir").map_elements(stdnum_nir.is_valid, return_dtype=pl.Boolean))
    birth = pl.col("DATE_NAISSANCE").str.to_date("%d/%m/%Y")
    bad_sex = pl.col("SEXE").is_not_null() & (
        pl.col("nir").str.slice(0, 1) != pl.col("SEXE").replace_strict({"M": "1", "F": "2"}))
    bad_birth = (pl.col("nir").str.slice(1, 2).cast(pl.Int32) != birth.dt.year() % 100) | (
        pl.col("nir").str.slice(3, 2).cast(pl.Int32) != birth.dt.month())
    counts = rows.select(bad_sex.sum().alias("sex"), bad_birth.sum().alias("birth")).row(0)
    nir = result.truth["nir"]
    assert counts == (nir["inconsistent_sex"], nir["inconsistent_birth_date"])
    assert nir["inconsistent_sex"] > 0 and nir["inconsistent_birth_date"] > 0


def test_every_lab_samples_inside_its_window_and_the_period_is_2015_to_2020_10(small) -> None:
    _, frame = small
    windows = {code: lab for code, lab in zip(synth.lab_codes(), synth.LABS, strict=True)}
    spans = (frame.group_by("CODE_LABO")
             .agg(pl.col("DATE_PRELEVEMENT").str.to_date("%d/%m/%Y").min().alias("lo"),
                  pl.col("DATE_PRELEVEMENT").str.to_date("%d/%m/%Y").max().alias("hi")))
    for code, lo, hi in spans.iter_rows():
        assert windows[code].first <= lo <= hi <= windows[code].last
    years = frame["DATE_PRELEVEMENT"].str.slice(6, 4).value_counts()
    by_year = dict(years.iter_rows())
    assert (by_year["2018"] + by_year["2019"]) / frame.height > 0.5
    assert set(by_year) == {"2015", "2016", "2017", "2018", "2019", "2020"}


def test_one_lab_has_the_oceanlab_like_window() -> None:
    assert any((lab.first.isoformat(), lab.last.isoformat()) == ("2018-06-01", "2019-02-05")
               for lab in synth.LABS)


def test_every_phone_is_in_a_range_reserved_for_fiction(small) -> None:
    _, frame = small
    phones = pl.concat([frame[c] for c in ("TEL_DOMICILE", "TEL_PORTABLE", "MED_TRAITANT_TEL",
                                           "MED_PRESCRIPTEUR_TEL")]).drop_nulls()
    digits = phones.str.replace(r"^\+33", "0").str.replace_all(r"\D", "")
    prefixes = {p.replace(" ", "") for p in FICTION_PREFIXES}
    assert digits.str.len_chars().unique().to_list() == [10]
    assert digits.str.slice(0, 6).is_in(list(prefixes)).all()
    assert phones.str.starts_with("+33 ").any() and phones.str.contains(r"^\d{10}$").any()


def test_every_email_is_under_a_reserved_domain(small) -> None:
    _, frame = small
    emails = pl.concat([frame[c] for c in ("EMAIL", "MED_TRAITANT_EMAIL",
                                           "MED_PRESCRIPTEUR_EMAIL")]).drop_nulls()
    assert emails.str.contains(r"^[a-z0-9.]+@[a-z]+\.example$").all()
    assert frame["MED_PRESCRIPTEUR_EMAIL"].drop_nulls().str.ends_with("@cabinet.example").all()


def test_lab_registry_has_28_fictional_labs_with_never_real_finess_numbers(small) -> None:
    result, _ = small
    labs = pl.read_csv(result.labs_path, infer_schema=False)
    assert labs.height == 28 and labs["code"].n_unique() == 28
    assert labs["name"].str.starts_with("Laboratoire fictif ").all()
    assert labs["finess"].str.contains(r"^00\d{7}$").all()
    assert sorted(labs["departement"].unique()) == ["22", "27", "35", "41", "45", "56"]
    real = reference.postcodes().select("postcode", "insee")
    assert labs.join(real, on=["postcode", "insee"], how="semi").height == 28


def test_residence_postcode_and_commune_are_real_pairs_except_planted_typos(small) -> None:
    result, frame = small
    pairs = reference.postcodes().select("postcode", folding.fold(pl.col("name")).alias("c"))
    rows = frame.select(pl.col("CODE_POSTAL").alias("postcode"),
                        folding.fold(pl.col("VILLE")).alias("c"))
    unknown = rows.join(pairs.unique(), on=["postcode", "c"], how="anti").height
    assert unknown == result.truth["dirt"]["commune_typos"] > 0


def test_comments_with_delimiter_and_newline_survive_quoting(small) -> None:
    result, frame = small
    comments = result.truth["comments"]
    assert frame.height == SMALL
    assert frame["COMMENTAIRE_1"].str.contains(";", literal=True).sum() + frame[
        "COMMENTAIRE_2"].str.contains(";", literal=True).sum() == comments["fields_with_delimiter"]
    assert (frame["COMMENTAIRE_1"].str.contains("\n", literal=True).sum()
            + frame["COMMENTAIRE_2"].str.contains("\n", literal=True).sum()
            == comments["fields_with_newline"])


def test_cp1252_file_round_trips_accented_names(tmp_path: Path) -> None:
    cp = synth.write_synthetic_leak(tmp_path / "a.csv", rows=3_000, seed=3, progress=False)
    utf = synth.write_synthetic_leak(tmp_path / "b.csv", rows=3_000, seed=3, encoding="utf-8",
                                     progress=False)
    text = cp.path.read_bytes().decode("cp1252")
    assert text == utf.path.read_bytes().decode("utf-8")
    assert any(ch in text for ch in "éèëêçï")


def test_same_seed_and_size_give_identical_bytes(tmp_path: Path) -> None:
    a = synth.write_synthetic_leak(tmp_path / "a.csv", rows=3_000, seed=11, progress=False)
    b = synth.write_synthetic_leak(tmp_path / "b.csv", rows=3_000, seed=11, progress=False)
    assert a.path.read_bytes() == b.path.read_bytes()
    assert a.truth_path.read_bytes() == b.truth_path.read_bytes()
    assert a.labs_path.read_bytes() == b.labs_path.read_bytes()


def test_another_seed_gives_another_file(tmp_path: Path) -> None:
    a = synth.write_synthetic_leak(tmp_path / "a.csv", rows=2_000, seed=1, progress=False)
    b = synth.write_synthetic_leak(tmp_path / "b.csv", rows=2_000, seed=2, progress=False)
    assert a.path.read_bytes() != b.path.read_bytes()


def test_counts_stay_exact_across_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer, "CHUNK_ROWS", 700)
    result = synth.write_synthetic_leak(tmp_path / "c.csv", rows=5_000, seed=5, progress=False)
    frame = _read(result.path)
    assert _measured(frame) == {k: synth.scaled(v, 5_000)
                                for k, v in synth.PUBLISHED_COUNTS.items()}


def test_other_delimiter_is_honoured(tmp_path: Path) -> None:
    result = synth.write_synthetic_leak(tmp_path / "d.csv", rows=1_000, delimiter=",",
                                        progress=False)
    assert _read(result.path, delimiter=",").shape == (1_000, len(synth.COLUMNS))


def test_a_single_row_is_a_valid_leak(tmp_path: Path) -> None:
    result = synth.write_synthetic_leak(tmp_path / "one.csv", rows=1, progress=False)
    assert _read(result.path).height == 1


def test_summary_gives_size_labs_period_and_truth_path_only(small) -> None:
    result, frame = small
    text = synth.summary_text(result)
    assert "20,000 rows x 48 columns" in text and str(result.truth_path) in text
    assert "28 fictional labs" in text
    names = set(frame["NOM"].drop_nulls().str.strip_chars()) | set(frame["NIR"].drop_nulls())
    assert not any(word.strip(",") in names for word in text.split())


def test_truth_file_holds_no_personal_value(small) -> None:
    result, frame = small
    text = result.truth_path.read_text(encoding="utf-8")
    for column in ("NOM", "PRENOM", "NIR", "EMAIL", "TEL_PORTABLE", "MOT_DE_PASSE"):
        values = frame[column].drop_nulls().str.strip_chars().unique().to_list()
        assert not any(f'"{v}"' in text for v in values), column


# --------------------------------------------------------------------------- bad arguments


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rows": 0}, "positive whole number"),
        ({"rows": -5}, "positive whole number"),
        ({"encoding": "klingon"}, "unknown encoding"),
        ({"encoding": "ascii"}, "French letters"),
        ({"encoding": "latin-1"}, "French letters"),
        ({"encoding": "utf-16"}, "ASCII bytes"),
        ({"delimiter": ";;"}, "delimiter"),
    ],
)
def test_bad_arguments_raise_a_one_line_toolkit_error(tmp_path: Path, kwargs: dict,
                                                      message: str) -> None:
    with pytest.raises(ToolkitError, match=message) as caught:
        synth.write_synthetic_leak(tmp_path / "x.csv", progress=False, **kwargs)
    assert "\n" not in str(caught.value)


def test_a_refused_encoding_leaves_no_file_behind(tmp_path: Path) -> None:
    with pytest.raises(ToolkitError):
        synth.write_synthetic_leak(tmp_path / "x.csv", rows=10, encoding="ascii", progress=False)
    assert list(tmp_path.iterdir()) == []


def test_missing_output_folder_is_a_toolkit_error(tmp_path: Path) -> None:
    with pytest.raises(ToolkitError, match="does not exist"):
        synth.write_synthetic_leak(tmp_path / "nowhere" / "x.csv", rows=10, progress=False)


@pytest.mark.parametrize(
    "extra",
    [["--encoding", "klingon"], ["--delimiter", "ab"], ["--out", "/nonexistent/dir/leak.csv"]],
)
def test_cli_bad_arguments_exit_non_zero_with_one_line(tmp_path: Path, capsys, extra) -> None:
    argv = ["synth", "--rows", "10", "--quiet", "--out", str(tmp_path / "x.csv"), *extra]
    code = cli.main(argv)
    err = capsys.readouterr().err
    assert code != 0
    assert err.count("\n") == 1 and err.startswith("leak-toolkit: ")


def test_cli_refuses_zero_rows(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["synth", "--rows", "0", "--out", str(tmp_path / "x.csv")])
    assert caught.value.code != 0
    assert "must be a positive number" in capsys.readouterr().err


def test_cli_writes_a_leak_and_prints_the_summary(tmp_path: Path, capsys) -> None:
    out = tmp_path / "leak.csv"
    assert cli.main(["synth", "--rows", "500", "--quiet", "--out", str(out)]) == 0
    assert out.exists() and out.with_name("leak.csv.truth.json").exists()
    assert "500 rows x 48 columns" in capsys.readouterr().out
