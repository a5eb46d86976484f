"""Case files: what is specific to one leak, read from a TOML file, and « Données fictives ».

A second, fictional case (other départements, other dates, another source line) is written by
the tests; a bundle made with it carries its own attribution everywhere and nothing of the 2021
leak's. A bundle made from a synthetic file says « Données fictives » on every chart and alt text.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from toolkit.app import publishing, workflows
from toolkit.boundary import pseudonymise, tripwire
from toolkit.publication import charts
from toolkit.publication.bundle import Bundle, build_bundle
from toolkit.raw import claims, ingest, schema, synth, verify
from toolkit.shared.case import Case, load_case, shipped_cases
from toolkit.shared.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
KEY = bytes(range(32))
NBSP = "\u00a0"

#: The 2021 leak's own words, which no output of another case may carry.
OF_2021 = ("févr. 2021", "23 févr. 2021", "février 2021", "Feb. 2021", "Feb 23, 2021",
           "fichier ayant fuité")  # fmt: skip
FICTIONAL = "Données fictives"

SOURCE_FR = (f"Source{NBSP}: fichier fictif de la Clinique des Embruns (mars 2024), analyse de "
             "la rédaction")
SOURCE_EN = "Source: fictional file of the Embruns clinic (March 2024), newsroom analysis"

CASE_TOML = f"""\
# A fictional leak, for the tests.
id = "embruns_2024"
title = {{ fr = "Fuite fictive de la Clinique des Embruns", en = "Fictional Embruns leak" }}
source = {{ fr = "{SOURCE_FR}", en = "{SOURCE_EN}" }}
departements = ["29", "50", "2A"]
claims = "embruns.claims.json"

[dates]
end_of_data = 2024-01-31
first_report = 2024-03-12
"""

CLAIMS = {
    "claims": [
        {"id": "rows", "claim": "3 000 lignes", "source": "Le Journal fictif", "date": "2024-03",
         "metric": "rows", "published": 3000},
        {"id": "labs", "claim": "quatre laboratoires", "source": "Le Journal fictif",
         "date": "2024-03", "metric": "labs", "published": 4, "comparison": "at_least"},
    ]
}  # fmt: skip


def write_case(folder: Path, text: str = CASE_TOML, name: str = "embruns.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "embruns.claims.json").write_text(json.dumps(CLAIMS), encoding="utf-8")
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def case_file(tmp_path_factory) -> Path:
    return write_case(tmp_path_factory.mktemp("case"))


# --- reading a case -------------------------------------------------------------------------------


def test_the_default_case_is_the_2021_leak():
    case = load_case()
    assert case.id == "dedalus_2021" and "dedalus_2021" in shipped_cases()
    assert load_case("dedalus_2021") == case
    assert case.first_report == dt.date(2021, 2, 23)
    assert case.end_of_data == dt.date(2020, 10, 31)
    assert case.departements == ("22", "27", "35", "41", "45", "56")
    assert case.source_line() == f"Source{NBSP}: fichier ayant fuité (févr. 2021), analyse " \
        "leak-toolkit"  # fmt: skip
    assert case.source_line("en") == "Source: leaked file (Feb. 2021), leak-toolkit analysis"
    assert case.first_report == charts.FIRST_REPORT
    assert case.departements == charts.LEAK_DEPARTEMENTS


def test_a_case_file_gives_its_title_source_dates_departements_and_claims(case_file):
    case = load_case(case_file)
    assert isinstance(case, Case) and load_case(case) is case and load_case(str(case_file)) == case
    assert (case.id, case.title(), case.title("en")) == (
        "embruns_2024", "Fuite fictive de la Clinique des Embruns", "Fictional Embruns leak"
    )
    assert (case.source_line(), case.source_line("en")) == (SOURCE_FR, SOURCE_EN)
    assert (case.first_report, case.end_of_data) == (dt.date(2024, 3, 12), dt.date(2024, 1, 31))
    assert case.departements == ("29", "50", "2A")
    assert case.claims == case_file.parent / "embruns.claims.json"
    assert case.labs is None
    assert case.describe()["id"] == "embruns_2024"


def test_english_is_optional_and_falls_back_to_french(tmp_path):
    text = CASE_TOML.replace(', en = "Fictional Embruns leak"', "").replace(
        f', en = "{SOURCE_EN}"', "")
    case = load_case(write_case(tmp_path, text))
    assert case.title("en") == case.title() and case.source_line("en") == SOURCE_FR


@pytest.mark.parametrize(
    "change,problem",
    [
        (lambda t: t.replace('id = "embruns_2024"\n', ""), "missing field id"),
        (lambda t: t.replace("source = {", "sources = {"), "missing field source"),
        (lambda t: 'titel = "x"\n' + t, "unknown field 'titel'"),
        (lambda t: t + 'when = 2024-03-01\n', "unknown field 'dates.when'"),
        (lambda t: t.replace("first_report = 2024-03-12", 'first_report = "12/03/2024"'),
         "bad date for dates.first_report: '12/03/2024'"),
        (lambda t: t.replace("first_report = 2024-03-12\n", ""),
         "missing field dates.first_report"),
        (lambda t: t.replace("end_of_data = 2024-01-31", "end_of_data = 2024-06-30"),
         "dates.end_of_data is after dates.first_report"),
        (lambda t: t.replace('"2A"', '"20"'), "unknown département code '20'"),
        (lambda t: t.replace('"50"', '"99"'), "unknown département code '99'"),
        (lambda t: t.replace('"50"', "50"), "unknown département code 50"),
        (lambda t: t.replace("embruns.claims.json", "missing.json"),
         "claims names a file that does not exist: missing.json"),
        (lambda t: t.replace("[dates]", "[dates"), "not valid TOML"),
    ],
)  # fmt: skip
def test_a_malformed_case_file_is_one_line_naming_the_file_and_the_problem(
    tmp_path, change, problem
):
    path = write_case(tmp_path, change(CASE_TOML))
    with pytest.raises(InputError) as caught:
        load_case(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: case file")
    assert problem in message
    assert "\n" not in message


def test_a_missing_case_file_or_an_unknown_case_name_is_one_line(tmp_path):
    with pytest.raises(InputError, match="case file not found"):
        load_case(tmp_path / "nope.toml")
    with pytest.raises(InputError, match="unknown case 'nope': the cases shipped are dedalus_2021"):
        load_case("nope")


# --- claims ---------------------------------------------------------------------------------------


def test_the_claims_checker_reads_the_cases_claims(case_file, monkeypatch):
    monkeypatch.setattr(schema, "reference_postcodes", lambda: None)  # claims need no gazetteer
    assert [c.id for c in claims.load_claims(case_file)] == ["rows", "labs"]
    assert len(claims.load_claims()) == len(claims.load_claims("dedalus_2021")) > 20
    report = verify.verify(pl.DataFrame({"Labo": ["L1", "L2"]}))
    table = claims.check_claims(report, case=case_file)
    assert table["claim_id"].to_list() == ["rows", "labs"]
    assert table["source"].unique().to_list() == ["Le Journal fictif"]


def test_a_case_without_claims_checks_none(tmp_path):
    case = load_case(write_case(tmp_path, CASE_TOML.replace('claims = "embruns.claims.json"\n',
                                                            "")))  # fmt: skip
    assert case.claims is None and claims.load_claims(case) == []


def test_a_malformed_claims_file_is_one_line_naming_it(tmp_path):
    path = write_case(tmp_path)
    (tmp_path / "embruns.claims.json").write_text(
        json.dumps({"claims": [{"id": "x", "claim": "x", "metric": "rows"}]}), encoding="utf-8")
    with pytest.raises(InputError, match=r"embruns\.claims\.json: claim x: missing field"):
        claims.load_claims(path)


# --- bundles --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def leak(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("raw") / "leak.csv"
    synth.write_synthetic_leak(path, rows=3_000, seed=7, progress=False)
    return path


@pytest.fixture(scope="module")
def safe(leak) -> pl.DataFrame:
    raw = ingest.read_leak(leak)
    return pseudonymise.pseudonymise(raw, schema.classify(raw.frame), KEY).collect()


@pytest.fixture(scope="module")
def identifiers(leak) -> tripwire.Identifiers:
    return workflows.identifiers_of(leak)


@pytest.fixture(scope="module")
def other(safe, identifiers, case_file) -> Bundle:
    """The fictional case's bundle, from a file not marked synthetic."""
    return build_bundle(safe, input_info={"sha256": "0" * 64}, identifiers=identifiers,
                        case=case_file)  # fmt: skip


@pytest.fixture(scope="module")
def fictional(safe, identifiers) -> Bundle:
    """The default case's bundle, from a file marked synthetic (as the demo does)."""
    return build_bundle(safe, input_info={"sha256": "0" * 64}, identifiers=identifiers,
                        synthetic=True)  # fmt: skip


def chart_texts(bundle: Bundle) -> dict[str, str]:
    """What a reader sees in every chart file (SVG, Vega-Lite) and alt text of a bundle."""
    names = [f"{figure['name']}{suffix}" for figure in bundle.manifest["figures"]
             for suffix in (".svg", ".vl.json", ".md")]  # fmt: skip
    assert len(names) >= 3 * 6
    return {name: tripwire.visible_text(name, bundle.files[name]) for name in names}


def test_every_chart_and_alt_text_of_another_case_carries_its_own_source(other):
    seen = chart_texts(other)
    assert [name for name, text in seen.items() if SOURCE_FR not in text] == []


def test_no_output_of_another_case_says_anything_of_2021(other):
    texts = {**chart_texts(other),
             "methodologie.md": other.files["methodologie.md"].decode("utf-8")}  # fmt: skip
    assert [(name, words) for name, text in texts.items() for words in OF_2021
            if words in text] == []  # fmt: skip


def test_the_timeline_marks_the_cases_first_report(other):
    for name in ("01_chronologie.svg", "01_chronologie.md"):
        text = tripwire.visible_text(name, other.files[name])
        assert "12 mars 2024" in text, name
    assert f"Premier signalement{NBSP}: 12 mars 2024" in tripwire.visible_text(
        "01_chronologie.svg", other.files["01_chronologie.svg"])  # fmt: skip


def test_the_note_and_the_manifest_name_the_case(other):
    note = other.files["methodologie.md"].decode("utf-8")
    assert "Fuite fictive de la Clinique des Embruns" in note and SOURCE_FR in note
    manifest = json.loads(other.files["manifest.json"])
    assert manifest["case"]["id"] == "embruns_2024"
    assert manifest["case"]["first_report"] == "2024-03-12"
    assert manifest["case"]["departements"] == ["29", "50", "2A"]


def test_a_bundle_of_a_file_not_marked_synthetic_never_says_fictional(other):
    texts = {**chart_texts(other),
             "methodologie.md": other.files["methodologie.md"].decode("utf-8")}  # fmt: skip
    assert [name for name, text in texts.items() if FICTIONAL in text] == []


def test_every_chart_and_alt_text_of_a_synthetic_file_says_fictional_data(fictional):
    seen = chart_texts(fictional)
    assert [name for name, text in seen.items() if FICTIONAL not in text] == []
    for name in seen:
        if name.endswith(".md"):
            assert seen[name].startswith(f"{FICTIONAL} (fichier synthétique). "), name


def test_the_note_of_a_synthetic_file_says_fictional_data_at_the_top(fictional):
    note = fictional.files["methodologie.md"].decode("utf-8")
    paragraphs = note.split("\n\n")
    assert paragraphs[2].startswith(f"**{FICTIONAL}{NBSP}:** ce fichier est synthétique")
    assert fictional.manifest["parameters"]["synthetic_input"] is True


def test_the_default_case_keeps_the_2021_source_and_first_report(fictional):
    source = load_case().source_line()
    assert [name for name, text in chart_texts(fictional).items()
            if source not in text] == []  # fmt: skip
    timeline = tripwire.visible_text("01_chronologie.svg", fictional.files["01_chronologie.svg"])
    assert f"Premier signalement{NBSP}: 23 févr. 2021" in timeline
    assert fictional.manifest["case"]["id"] == "dedalus_2021"


def test_a_fictional_english_chart_says_fictional_data():
    frame = pl.DataFrame({"month": [dt.date(2019, 6, 1), dt.date(2020, 1, 1)],
                          "records": [500, 400]}, schema_overrides={"records": pl.Int64})
    chart = charts.timeline_chart(frame, lang="en", fictional=True, source=SOURCE_EN)
    drawn = tripwire.visible_text("x.svg", charts.to_svg(chart).encode("utf-8"))
    assert "Fictional data: synthetic file" in drawn and SOURCE_EN in drawn
    assert charts.alt_text(chart).startswith("Fictional data (synthetic file). ")
    assert charts.alt_text(chart).endswith(f"{SOURCE_EN}.")


def test_an_exported_figure_carries_the_case_and_fiction(leak, case_file, tmp_path):
    written = publishing.export_figure(leak, "mentions_par_annee", tmp_path, key=KEY,
                                       case=case_file, synthetic=True)  # fmt: skip
    for path in written:
        if path.suffix in (".svg", ".md") or path.name.endswith(".vl.json"):
            text = tripwire.visible_text(path.name, path.read_bytes())
            assert SOURCE_FR in text and FICTIONAL in text, path.name
            assert not [w for w in OF_2021 if w in text], path.name


# --- the command line -----------------------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "toolkit", *args], capture_output=True,
                          text=True, cwd=ROOT, check=False)  # fmt: skip


@pytest.mark.parametrize("verb", ["publish", "export"])
def test_cli_a_malformed_case_file_is_one_line_and_exit_code_2_before_any_work(verb, tmp_path):
    bad = write_case(tmp_path, CASE_TOML.replace("first_report = 2024-03-12",
                                                 'first_report = "2024-13-01"'))  # fmt: skip
    extra = ["--figure", "mentions_par_annee"] if verb == "export" else []
    done = run_cli(verb, str(tmp_path / "missing.csv"), "--out", str(tmp_path / "out"), *extra,
                   "--case", str(bad))  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"leak-toolkit: {bad}: case file: bad date for dates.first_report: '2024-13-01' "
        "(write YYYY-MM-DD)"
    ]
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_cli_outputs_of_a_generated_file_say_fictional_data_and_synthetic_forces_it(
    leak, tmp_path
):
    key = tmp_path / "key.hex"
    key.write_text(KEY.hex() + "\n", encoding="ascii")
    copy = tmp_path / "elsewhere" / "leak.csv"  # the same bytes, without the generator's files
    copy.parent.mkdir()
    copy.write_bytes(leak.read_bytes())

    def exported(source: Path, out: str, *extra: str) -> str:
        done = run_cli("export", str(source), "--figure", "01_chronologie", "--out",
                       str(tmp_path / out), "--key-file", str(key), *extra)  # fmt: skip
        assert done.returncode == 0, done.stderr
        return (tmp_path / out / "01_chronologie.md").read_text(encoding="utf-8")

    assert FICTIONAL in exported(leak, "generated")  # its .truth.json lies beside it
    assert FICTIONAL not in exported(copy, "copy")
    assert FICTIONAL in exported(copy, "forced", "--synthetic")


def test_cli_an_unknown_case_name_is_one_line():
    done = run_cli("verify", "missing.csv", "--case", "nope")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "leak-toolkit: unknown case 'nope': the cases shipped are dedalus_2021; or give the path "
        "of a case file (.toml)"
    ]


def test_cli_verify_checks_the_claims_of_the_case_and_none_without_a_claims_file(tmp_path):
    leak = tmp_path / "leak.csv"
    leak.write_text("Labo;Date prlvt\nL1;01/03/2019\nL2;02/03/2019\n", encoding="utf-8")
    with_claims = write_case(tmp_path / "a")
    without = write_case(tmp_path / "b", CASE_TOML.replace('claims = "embruns.claims.json"\n', ""))
    done = run_cli("verify", str(leak), "--quiet", "--case", str(with_claims))
    assert done.returncode == 0, done.stderr
    assert "Le Journal fictif" in done.stdout and "Libération" not in done.stdout
    done = run_cli("verify", str(leak), "--quiet", "--case", str(without), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["claims"] == []
    done = run_cli("verify", str(leak), "--quiet", "--case", str(without))
    assert done.returncode == 0 and "Affirmations publiées" not in done.stdout
