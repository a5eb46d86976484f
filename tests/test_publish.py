"""The publication bundle: disclosure-safe CSVs, no personal data on any export path, same bytes.

One small synthetic leak (3,000 fictional rows) is published once per module; the checks read
the files back. The identifier check here is written independently of the tripwire: it folds
every value of every direct-identifier column of the input and looks for it in every file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import polars as pl
import pytest

from toolkit.app import publishing, workflows
from toolkit.boundary import keys, pseudonymise, safe_table, tripwire
from toolkit.publication import french_csv
from toolkit.publication.bundle import (
    Bundle,
    Extra,
    build_bundle,
    build_extra,
    file_listing,
    write_bundle,
)
from toolkit.publication.figures import named_labs
from toolkit.raw import ingest, schema, synth
from toolkit.shared.errors import DisclosureError, InputError
from toolkit.shared.vocabulary import DIRECT_IDENTIFIERS

KEY = bytes(range(32))
K = 11
ROOT = Path(__file__).resolve().parent.parent


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def leak(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("raw") / "leak.csv"
    synth.write_synthetic_leak(path, rows=3_000, seed=11, progress=False)
    return path


@pytest.fixture(scope="module")
def labs(leak) -> Path:
    return leak.with_name(leak.stem + ".labs.csv")


@pytest.fixture(scope="module")
def bundle(leak, labs, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pub") / "bundle"
    publishing.publish_leak(leak, out, key=KEY, labs=labs, synthetic=True)
    return out


@pytest.fixture(scope="module")
def raw_identifiers(leak) -> list[str]:
    """Every non-empty value of every direct-identifier column of the input, as written."""
    raw = ingest.read_leak(leak)
    columns = [c for c, cat in schema.classify(raw.frame).mapping.items()
               if cat in DIRECT_IDENTIFIERS]  # fmt: skip
    values = raw.frame.select(pl.concat_list(columns).alias("v")).explode("v").collect()["v"]
    return sorted(set(values.drop_nulls().str.strip_chars().to_list()) - {""})


@pytest.fixture(scope="module")
def surname(leak) -> str:
    """A surname of the input that the tripwire searches (not a place or an ordinary word)."""
    raw = ingest.read_leak(leak).frame.select("NOM").collect()["NOM"].drop_nulls()
    words, phrases = tripwire.public_vocabulary()
    return next(
        s for s in raw.to_list()
        if len(s) >= 6 and tripwire.fold([s])[0] not in words | phrases
    )  # fmt: skip


# --- an independent identifier search ------------------------------------------------------------


def fold(text: str) -> str:
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def folder_texts(folder: Path) -> dict[str, str]:
    return {
        p.name: tripwire.file_text(p.name, p.read_bytes()) for p in sorted(folder.iterdir())
    }


def public_places(labs: Path | None = None) -> list[str]:
    """Names of départements and regions, and of the registry's labs (businesses), which a
    bundle shows by design (longest first)."""
    from toolkit.shared import reference

    names = [*reference.departements_table()["name"], *reference.regions_table()["name"]]
    if labs is not None:
        names += pl.read_csv(labs)["name"].drop_nulls().to_list()
    return sorted({fold(n) for n in names}, key=len, reverse=True)


def leaked_identifiers(
    folder: Path, identifiers: list[str], labs: Path | None = None
) -> list[tuple[str, int]]:
    """(file, index of the identifier) for every input identifier found in a file.

    Words the toolkit writes itself and the names of départements, regions and of the labs of
    the registry ``labs`` are public: a surname "Denis" is not a leak in "Seine-Saint-Denis",
    nor a doctor's town « Évreux » in the lab name « Laboratoire fictif Pays d'Évreux Bio ».
    """
    words, phrases = tripwire.public_vocabulary()
    places = public_places(labs)
    found = []
    for name, text in folder_texts(folder).items():
        folded = f" {fold(text)} "
        for place in places:
            folded = folded.replace(f" {place} ", "  ")
        tokens = folded.split()
        grams = {" ".join(tokens[i : i + n]) for n in range(1, 9) for i in range(len(tokens))}
        digit_runs = set(re.findall(r"\d+", re.sub(r"(?<=\d)[ .](?=\d)", "", text)))
        for index, value in enumerate(identifiers):
            folded = " ".join(fold(value).split()[:8])
            digits = re.sub(r"\D", "", value)
            if re.search("[a-z]", folded):
                public = folded in phrases or (" " not in folded and folded in words)
                if len(folded.replace(" ", "")) >= 4 and not public and folded in grams:
                    found.append((name, index))
            elif len(digits) >= 9 and digits in digit_runs:
                found.append((name, index))
    return found


# --- the bundle ----------------------------------------------------------------------------------


def test_the_bundle_holds_exactly_the_files_of_its_manifest(bundle):
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    on_disk = {p.name for p in bundle.iterdir()}
    assert on_disk == set(manifest["files"]) | {"manifest.json"}
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((bundle / name).read_bytes()).hexdigest() == digest, name


def test_each_figure_has_svg_png_vega_lite_csv_and_alt_text(bundle):
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["figures"]) == 9
    for figure in manifest["figures"]:
        suffixes = sorted(f.removeprefix(figure["name"]) for f in figure["files"])
        assert suffixes == [".csv", ".md", ".png", ".svg", ".vl.json"]
    assert (bundle / "departements.geojson").exists()
    assert (bundle / "methodologie.md").exists()


def test_no_lab_code_is_published_where_the_registry_names_the_labs(bundle):
    for path in bundle.iterdir():
        text = path.read_bytes().decode("utf-8", errors="replace")
        assert not re.search(r"lbm\d+", text, re.IGNORECASE), path.name


def test_the_lab_chart_and_the_map_name_the_labs_of_the_registry(bundle, labs):
    names = set(pl.read_csv(labs)["name"])
    listed = set(pl.read_csv(bundle / "02_laboratoires.csv", separator=";")["Laboratoire"])
    assert listed - {None} <= names and listed & names
    drawn = {n for n in names if n in (bundle / "03_departements.vl.json").read_text("utf-8")}
    assert drawn


def test_a_lab_named_after_a_patients_surname_is_published_and_the_surname_alone_is_not(
    leak, labs, surname, tmp_path
):
    """A FINESS lab may bear a person's name (« Laboratoire Kervarec »). Its name on a chart is
    public; the tripwire still refuses the same surname anywhere else."""
    raw = ingest.read_leak(leak)
    found = tripwire.collect_identifiers(raw, schema.classify(raw.frame))
    registry = pl.read_csv(labs, infer_schema=False)
    renamed = registry.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.lit(f"Laboratoire {surname.title()}"))
        .otherwise(pl.col("name")).alias("name")
    )
    renamed.write_csv(tmp_path / "registry.csv")
    out = tmp_path / "bundle"
    publishing.publish_leak(leak, out, key=KEY, labs=tmp_path / "registry.csv", synthetic=True)
    shown = (out / "02_laboratoires.csv").read_text(encoding="utf-8-sig")
    assert f"Laboratoire {surname.title()}" in shown  # the lab is there, under its name
    public = found.with_public(publishing.public_lab_names(renamed.with_columns(
        pl.col("code").str.to_lowercase().alias("lab"))))  # fmt: skip
    with pytest.raises(DisclosureError, match="name from the input"):
        tripwire.scan({"x.md": f"Laboratoire {surname.title()} : {surname}".encode()}, public)


def test_two_codes_of_one_lab_in_one_table_keep_their_codes():
    located = pl.DataFrame({"lab": ["lbm5601", "009560012"], "name": ["Biogolfe"] * 2,
                            "insee": ["56260"] * 2, "key": ["009560012"] * 2})
    table = pl.DataFrame({"lab": ["lbm5601", "009560012", "other"], "persons": [40, 30, 20]})
    assert named_labs(table, located)["lab"].to_list() == ["lbm5601", "009560012", "other"]


def test_a_lab_code_the_registry_names_is_replaced_by_its_name():
    located = pl.DataFrame({"lab": ["lbm5601"], "name": ["Biogolfe"], "insee": ["56260"]})
    table = pl.DataFrame({"lab": ["lbm5601", None], "persons": [40, 30]})
    assert named_labs(table, located)["lab"].to_list() == ["Biogolfe", None]


def test_the_manifest_records_input_rows_persons_and_every_parameter(bundle, leak):
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["input"]["sha256"] == hashlib.sha256(leak.read_bytes()).hexdigest()
    assert manifest["input"]["rows_read"] == 3_000
    assert manifest["input"]["rows_quarantined"] == 0
    assert manifest["persons"] > 2_000
    assert manifest["parameters"] | {"key": None} == {
        "k": K, "allow_zero": True, "rounding": None, "epsilon": None, "lang": "fr",
        "synthetic_input": True, "key": None, "small_k_allowed": False, "epsilon_spent": None,
    }  # fmt: skip
    assert manifest["tripwire"]["source"] == "raw input"
    assert sum(f["suppressed_cells"] for f in manifest["figures"]) > 0


def test_the_manifest_does_not_say_which_hidden_cells_are_small(bundle):
    text = (bundle / "manifest.json").read_text(encoding="utf-8")
    assert "primary" not in text
    assert "secondary" not in text


def csv_rows(path: Path) -> list[dict[str, str]]:
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff"), path.name
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def test_every_csv_count_is_at_least_k_or_zero_or_suppressed(bundle):
    checked = 0
    for path in sorted(bundle.glob("*.csv")):
        for row in csv_rows(path):
            count, flag = row["Personnes"], row["Secret statistique"]
            if flag == "oui":
                assert count == "", (path.name, row)
            else:
                assert flag == "non" and (int(count) == 0 or int(count) >= K), (path.name, row)
            checked += 1
    assert checked > 100


def test_small_counts_were_actually_suppressed_somewhere(bundle):
    flags = [row["Secret statistique"] for p in bundle.glob("*.csv") for row in csv_rows(p)]
    assert "oui" in flags


def test_csv_files_have_french_headers_and_no_internal_column(bundle):
    header = (bundle / "03_departements.csv").read_bytes().decode("utf-8-sig").splitlines()[0]
    assert header == (
        "Code du département;Département;Population;Part de la population (%);"
        "Personnes;Secret statistique"
    )
    for path in bundle.glob("*.csv"):
        assert "reason" not in path.read_text(encoding="utf-8-sig"), path.name


def test_the_methodology_note_is_french_prose_with_the_bundle_figures(bundle):
    note = (bundle / "methodologie.md").read_text(encoding="utf-8")
    assert note.startswith("## Méthodologie\n")
    assert "3\u00a0000 lignes" in note
    assert "moins de 11 personnes" in note
    assert "ce fichier est synthétique" in note
    assert "{" not in note


def test_no_identifier_of_the_input_is_anywhere_in_the_bundle(bundle, raw_identifiers, labs):
    assert len(raw_identifiers) > 5_000
    assert leaked_identifiers(bundle, raw_identifiers, labs) == []


def test_the_search_used_by_these_tests_does_find_a_planted_identifier(tmp_path, surname):
    (tmp_path / "x.md").write_text(f"Titre : {surname.title()}", encoding="utf-8")
    assert leaked_identifiers(tmp_path, [surname]) == [("x.md", 0)]


def test_same_input_key_and_parameters_give_byte_identical_bundles(bundle, leak, labs, tmp_path):
    again = tmp_path / "again"
    publishing.publish_leak(leak, again, key=KEY, labs=labs, synthetic=True)

    def digests(folder: Path) -> dict[str, str]:
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}

    assert digests(again) == digests(bundle)


# --- planted identifiers abort every export path ------------------------------------------------


def planted_values(leak: Path, surname: str) -> dict[str, str]:
    frame = ingest.read_leak(leak).frame.collect()

    def first(column: str) -> str:
        return frame[column].drop_nulls().filter(frame[column].drop_nulls() != "")[0]

    return {
        "surname": surname.title(),
        "nir": first("NIR"),
        "email": first("EMAIL"),
        "phone": first("TEL_DOMICILE"),
        "address": first("ADRESSE1"),
    }


@pytest.fixture(scope="module")
def safe(leak) -> pl.DataFrame:
    raw = ingest.read_leak(leak)
    return pseudonymise.pseudonymise(raw, schema.classify(raw.frame), KEY).collect()


@pytest.fixture(scope="module")
def identifiers(leak) -> tripwire.Identifiers:
    return workflows.identifiers_of(leak)


@pytest.fixture(scope="module")
def built(safe, identifiers) -> Bundle:
    return build_bundle(safe, input_info={"sha256": "0" * 64}, identifiers=identifiers)


@pytest.mark.parametrize("kind", ["surname", "nir", "email", "phone", "address"])
def test_an_identifier_planted_in_a_bundle_file_aborts_and_writes_nothing(
    kind, leak, built, identifiers, surname, tmp_path
):
    value = planted_values(leak, surname)[kind]
    files = dict(built.files)
    files["04_categories.csv"] += f"Total;{value};1;non\n".encode()
    out = tmp_path / "bundle"
    with pytest.raises(DisclosureError, match="04_categories.csv contains a") as caught:
        write_bundle(Bundle(files, built.manifest), out, identifiers)
    assert value.lower() not in str(caught.value).lower()
    assert list(tmp_path.iterdir()) == []


def mentions_by_year(safe: pl.DataFrame) -> Extra:
    return build_extra(safe, "mentions_par_annee", k=K)


@pytest.mark.parametrize("kind", ["surname", "nir", "email"])
def test_an_identifier_in_a_chart_export_aborts_it(kind, leak, safe, identifiers, surname,
                                                    tmp_path):  # fmt: skip
    files = dict(mentions_by_year(safe).files)
    files["mentions_par_annee.md"] += f"Le cas {planted_values(leak, surname)[kind]}".encode()
    with pytest.raises(DisclosureError, match=r"mentions_par_annee\.md contains a"):
        tripwire.write_checked(files, tmp_path, identifiers)
    assert list(tmp_path.iterdir()) == []


def test_a_single_chart_export_writes_five_files_without_any_identifier(
    leak, raw_identifiers, tmp_path
):
    written = publishing.export_figure(leak, "mentions_par_annee", tmp_path, key=KEY)
    assert [p.name for p in written] == [
        "mentions_par_annee.csv", "mentions_par_annee.md", "mentions_par_annee.png",
        "mentions_par_annee.svg", "mentions_par_annee.vl.json",
    ]  # fmt: skip
    assert leaked_identifiers(tmp_path, raw_identifiers) == []


def test_a_chart_export_of_an_unknown_figure_is_refused_naming_the_figures(leak, tmp_path):
    with pytest.raises(InputError, match="no figure called 'nope'; the figures are: 01_"):
        publishing.export_figure(leak, "nope", tmp_path, key=KEY)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("k", [3, 7])
def test_a_chart_export_refuses_a_threshold_below_11_unless_asked(leak, tmp_path, k):
    with pytest.raises(InputError, match=f"k = {k}"):
        publishing.export_figure(leak, "mentions_par_annee", tmp_path, key=KEY,
                                 protection=publishing.Protection(k=k))  # fmt: skip
    assert list(tmp_path.iterdir()) == []


def test_the_notebook_export_holds_no_identifier(
    leak, labs, raw_identifiers, tmp_path, monkeypatch
):
    import jupytext
    import nbclient

    notebook = jupytext.read(ROOT / "notebooks" / "04_export_for_publication.py")
    env = {"TOOLKIT_LEAK": str(leak), "TOOLKIT_OUT": str(tmp_path), "TOOLKIT_KEY": KEY.hex()}
    for name, value in env.items():
        monkeypatch.setenv(name, value)  # the kernel inherits the test process's environment
    nbclient.NotebookClient(
        notebook, timeout=600, kernel_name="python3",
        resources={"metadata": {"path": str(ROOT / "notebooks")}},
    ).execute()  # fmt: skip
    assert (tmp_path / "dossier" / "manifest.json").exists()
    assert (tmp_path / "graphiques" / "mentions_par_annee.csv").exists()
    for folder in (tmp_path / "dossier", tmp_path / "graphiques"):
        assert leaked_identifiers(folder, raw_identifiers, labs) == []


# --- labs, safe tables, CSV injection, CLI ------------------------------------------------------


def test_without_labs_the_bundle_leaves_out_distances_and_says_so(safe, identifiers, tmp_path):
    provenance = safe_table.Provenance("0" * 64, keys.fingerprint(KEY))
    safe_path = safe_table.write_safe_table(safe, tmp_path / "safe.parquet", provenance=provenance)
    result = publishing.publish_safe_table(safe_path, tmp_path / "bundle")
    manifest = result.manifest
    assert manifest["left_out"] == [
        {"figure": "09_distances", "reason": "no located lab (use --labs)"}
    ]
    assert not (tmp_path / "bundle" / "09_distances.png").exists()
    assert manifest["input"]["kind"] == "safe table"
    assert manifest["tripwire"]["source"] == "shapes only (the raw input was not given)"
    note = (tmp_path / "bundle" / "methodologie.md").read_text(encoding="utf-8")
    assert "la distance entre domicile et laboratoire" in note


def test_formula_like_text_cells_are_neutralised_and_negative_numbers_stay_numbers():
    frame = pl.DataFrame(
        {
            "label": ["=HYPERLINK(\"x\")", "+33", "-2", "@SUM(A1)", "\tx", "\rx", "Morbihan"],
            "value": [-5, 1, 2, 3, 4, 5, 6],
        }
    )
    out = french_csv.neutralise_formulas(frame)
    assert out["label"].to_list() == [
        "'=HYPERLINK(\"x\")", "'+33", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "Morbihan",
    ]  # fmt: skip
    assert out["value"].to_list() == [-5, 1, 2, 3, 4, 5, 6]
    text = french_csv.csv_bytes(out).decode("utf-8-sig")
    assert text.splitlines()[1] == '"\'=HYPERLINK(""x"")";-5'


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "toolkit", "publish", *args],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip


def test_cli_missing_file_is_one_line_and_non_zero(tmp_path):
    done = run_cli(str(tmp_path / "missing.csv"), "--out", str(tmp_path / "b"))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"leak-toolkit: {tmp_path / 'missing.csv'}: file not found"
    ]
    assert not (tmp_path / "b").exists()


def test_cli_refuses_to_overwrite_a_folder_that_is_not_a_bundle(leak, tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("à garder", encoding="utf-8")
    done = run_cli(str(leak), "--out", str(tmp_path / "mine"), "--quiet",
                   "--key-file", str(write_key(tmp_path)))  # fmt: skip
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "is not a bundle folder" in done.stderr
    assert [p.name for p in (tmp_path / "mine").iterdir()] == ["notes.txt"]


def write_key(folder: Path) -> Path:
    path = folder / "key.hex"
    path.write_text(KEY.hex() + "\n", encoding="ascii")
    return path


def test_cli_bad_rounding_is_refused_before_any_work(leak, tmp_path):
    done = run_cli(str(leak), "--out", str(tmp_path / "b"), "--rounding", "3")
    assert done.returncode == 2
    assert "invalid choice" in done.stderr
    assert not (tmp_path / "b").exists()


def bundle_counts(files: dict[str, bytes]) -> list[tuple[str, str]]:
    rows = []
    for name, data in files.items():
        if name.endswith(".csv"):
            text = data.decode("utf-8-sig")
            rows += [(r["Personnes"], r["Secret statistique"])
                     for r in csv.DictReader(io.StringIO(text), delimiter=";")]  # fmt: skip
    return rows


def test_with_rounding_every_published_count_is_a_multiple_of_the_base(safe, identifiers):
    built = build_bundle(safe, input_info={}, identifiers=identifiers, rounding=10)
    counts = [int(c) for c, flag in bundle_counts(built.files) if flag == "non"]
    assert counts and all(c % 10 == 0 for c in counts)
    assert built.manifest["parameters"]["rounding"] == 10
    assert "arrondis au multiple de 10" in built.files["methodologie.md"].decode()


def test_with_epsilon_counts_are_noisy_but_never_below_k(safe, identifiers):
    built = build_bundle(safe, input_info={}, identifiers=identifiers, epsilon=1.0)
    counts = [int(c) for c, flag in bundle_counts(built.files) if flag == "non"]
    assert counts and all(c == 0 or c >= K for c in counts)
    assert {f["disclosure"]["method"] for f in built.manifest["figures"]} == {
        "differential_privacy"
    }
    assert "epsilon = 1,0" in built.files["methodologie.md"].decode()


def _placed_sentence(note: str) -> str | None:
    found = re.search(r"(\S+(?:\u00a0\d{3})*) personnes? n'avai(?:en)?t qu'un code postal", note)
    return None if found is None else found.group(1)


def test_the_note_counts_persons_placed_by_postcode_protected_as_any_count(safe, identifiers):
    # Enough persons placed by postcode for a number to be shown: every record of a few dozen.
    chosen = safe["person_id"].unique().sort().head(44)
    safe = safe.with_columns(
        residence_resolution=pl.when(pl.col("person_id").is_in(chosen.implode()))
        .then(pl.lit("postcode_only")).otherwise(pl.col("residence_resolution"))
    )
    exact = (safe.filter(pl.col("residence_resolution") == "postcode_only")
             ["person_id"].n_unique())  # fmt: skip
    assert exact >= K and exact % 10
    plain = build_bundle(safe, input_info={}, identifiers=identifiers)
    shown = _placed_sentence(plain.files["methodologie.md"].decode())
    assert shown is not None and int(shown.replace("\u00a0", "")) == exact
    rounded = build_bundle(safe, input_info={}, identifiers=identifiers, rounding=10)
    shown = _placed_sentence(rounded.files["methodologie.md"].decode())
    assert shown is not None and int(shown.replace("\u00a0", "")) % 10 == 0


def test_under_epsilon_no_exact_count_of_placed_persons_is_published(safe, identifiers):
    built = build_bundle(safe, input_info={}, identifiers=identifiers, epsilon=1.0)
    for name in ("methodologie.md", "methodologie-annexe.md"):
        note = built.files[name].decode()
        assert _placed_sentence(note) is None, name
    assert "seul le code postal était utilisable" in built.files["methodologie.md"].decode()


def test_rounding_and_epsilon_together_are_refused(safe, identifiers):
    with pytest.raises(InputError, match="not both"):
        build_bundle(safe, input_info={}, identifiers=identifiers, rounding=5, epsilon=1)


def test_the_note_never_rounds_an_incomplete_share_up_to_100_percent():
    from toolkit.shared.formatting import percent_text

    assert percent_text(0.996, bounded=True) == "plus de 99\u00a0%"
    assert percent_text(1.0, bounded=True) == "100\u00a0%"
    assert percent_text(0.004, bounded=True) == "moins de 1\u00a0%"
    assert percent_text(0.55, bounded=True) == "55\u00a0%"


def test_a_safe_table_without_any_record_has_nothing_to_publish(safe, identifiers):
    with pytest.raises(InputError, match="nothing to publish"):
        build_bundle(safe.head(0), input_info={}, identifiers=identifiers)


def test_cli_binary_file_is_one_line_and_non_zero(tmp_path):
    garbage = tmp_path / "leak.csv"
    garbage.write_bytes(bytes(range(256)) * 20)
    done = run_cli(str(garbage), "--out", str(tmp_path / "b"), "--quiet")
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert done.stderr.startswith("leak-toolkit: ")
    assert not (tmp_path / "b").exists()


def test_a_chart_export_has_french_headers(safe):
    table = mentions_by_year(safe).files["mentions_par_annee.csv"]
    header = table.decode("utf-8-sig").splitlines()[0]
    assert header == "Mention relevée dans les commentaires;Année;Personnes;Secret statistique"


def test_file_listing_gives_every_file_with_its_size_and_sha256(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.csv").write_bytes(b"x;y\n")
    (tmp_path / "sub" / "b.md").write_bytes(b"")
    listing = file_listing(tmp_path)
    assert listing.rows() == [
        ("a.csv", 4, hashlib.sha256(b"x;y\n").hexdigest()),
        ("sub/b.md", 0, hashlib.sha256(b"").hexdigest()),
    ]


# --- a raw leak is published through a temporary safe table on disk (issue #7) -------------------


def test_publishing_the_raw_leak_or_its_safe_table_gives_the_same_figures(
    bundle, leak, labs, tmp_path
):
    safe_path = workflows.pseudonymise_file(
        leak, tmp_path / "safe.parquet", key_file=write_key(tmp_path)
    ).path
    publishing.publish_safe_table(safe_path, tmp_path / "from_safe", labs=labs, synthetic=True)

    def digests(folder: Path) -> dict[str, str]:
        # The manifest and the methodology describe the input (raw leak or safe table): they differ.
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()
                if p.name not in ("manifest.json", "methodologie.md",
                                  "methodologie-annexe.md")}  # fmt: skip

    assert len(digests(bundle)) == 9 * 5 + 1  # every figure file and the GeoJSON
    assert digests(tmp_path / "from_safe") == digests(bundle)


@pytest.fixture
def interim(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "interim"
    monkeypatch.setattr("toolkit.shared.paths.INTERIM", folder)
    return folder


def test_a_raw_leak_is_pseudonymised_to_a_file_under_interim_not_in_memory(
    leak, interim, tmp_path, monkeypatch
):
    written: list[Path] = []
    real = safe_table.write_safe_table

    def spy(safe, path, **options):
        written.append(Path(path))
        assert isinstance(safe, pl.LazyFrame)
        return real(safe, path, **options)

    monkeypatch.setattr(publishing, "write_safe_table", spy)
    publishing.publish_leak(leak, tmp_path / "bundle", key=KEY, synthetic=True)
    assert len(written) == 1
    assert written[0].parent.parent == interim


def test_publishing_a_raw_leak_leaves_nothing_in_interim(leak, interim, tmp_path):
    publishing.publish_leak(leak, tmp_path / "bundle", key=KEY, synthetic=True)
    assert (tmp_path / "bundle" / "manifest.json").exists()
    assert [p for p in interim.rglob("*") if not p.is_dir()] == []


def test_a_failed_publish_leaves_no_temporary_safe_table_behind(
    leak, interim, tmp_path, monkeypatch
):
    def refuse(*args, **kwargs):
        raise DisclosureError("export aborted, nothing written")

    monkeypatch.setattr(publishing, "build_bundle", refuse)
    with pytest.raises(DisclosureError):
        publishing.publish_leak(leak, tmp_path / "bundle", key=KEY, synthetic=True)
    assert [p for p in interim.rglob("*") if not p.is_dir()] == []
    assert not (tmp_path / "bundle").exists()
