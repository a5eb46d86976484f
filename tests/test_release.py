"""Publication safety for whole releases: joint attack, derived figures, ledger, differencing, k.

Each test is an attack a hostile reader could make with the published files alone (and the
earlier releases), or a misuse, followed by what the toolkit does about it.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.app import publishing
from toolkit.boundary import keys, pseudonymise
from toolkit.publication import attacker, bundle
from toolkit.publication.figures import EXTRAS, FIGURES, FigureInputs
from toolkit.publication.release import PERSONS, Cell, PublishedTable, build_model
from toolkit.raw import ingest, schema, synth
from toolkit.safe.labs import locate_labs
from toolkit.shared import reference
from toolkit.shared.errors import DisclosureError, InputError
from toolkit.shared.text import text

KEY = bytes(range(32))
K = 11


def make_leak(folder: Path, rows: int, seed: int) -> Path:
    path = folder / f"leak_{rows}_{seed}.csv"
    if not path.exists():
        synth.write_synthetic_leak(path, rows=rows, seed=seed, progress=False)
    return path


def safe_of(leak: Path) -> pl.DataFrame:
    raw = ingest.read_leak(leak)
    return pseudonymise.pseudonymise(raw, schema.classify(raw.frame), KEY).collect()


def located(leak: Path) -> pl.DataFrame:
    return locate_labs(leak.with_name(leak.stem + ".labs.csv"))[0]


def narrowed(tables, persons) -> list[attacker.Finding]:
    joint = build_model(tables, persons)
    return attacker.findings(joint.model, [h for h, _, _ in joint.hidden])


def release_tables(safe, labs, *, figures=FIGURES, earlier=(), rounding=None, k=K):
    persons = bundle.published_persons(safe, None)
    release = bundle.protect_release(
        safe, FigureInputs(located=labs), k=k, rounding=rounding, epsilon=None,
        persons=persons, earlier=earlier, figures=figures,
    )  # fmt: skip
    return release.tables, persons


@pytest.fixture(scope="module")
def leak(tmp_path_factory) -> Path:
    return make_leak(tmp_path_factory.mktemp("raw"), 2_000, 5)


@pytest.fixture(scope="module")
def safe(leak) -> pl.DataFrame:
    return safe_of(leak)


# --- 1. one guarantee, over every table of a release and every earlier one ----------------------


def test_tables_protected_one_by_one_can_be_attacked_jointly(safe, leak):
    # The attack the joint protection defeats: without it, some hidden cell of a small leak's
    # bundle is narrowed beyond its marker by combining tables.
    persons = bundle.published_persons(safe, None)
    inputs = FigureInputs(located=located(leak))
    drafts = [bundle.draft_figure(f, safe, inputs, k=K, rounding=None, epsilon=None)
              for f in (*FIGURES, *EXTRAS)]  # fmt: skip
    tables = [d.table for d in drafts if not isinstance(d, str)]
    assert narrowed(tables, persons)


def test_a_bundle_its_extras_and_an_earlier_release_leave_every_hidden_cell_free(safe, leak):
    labs = located(leak)
    earlier, persons = release_tables(safe, labs, rounding=10)
    tables, _ = release_tables(safe, labs, earlier=earlier)
    extra_a, _ = release_tables(safe, labs, figures=EXTRAS[:1], earlier=[*earlier, *tables])
    extra_b, _ = release_tables(safe, labs, figures=EXTRAS[1:],
                                earlier=[*earlier, *tables, *extra_a])  # fmt: skip
    everything = [*earlier, *tables, *extra_a, *extra_b]
    assert sum(c.hidden for t in everything for c in t.cells) > 20  # the test tests something
    assert narrowed(everything, persons) == []


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(rows=st.integers(300, 3_000), seed=st.integers(0, 10_000))
def test_random_small_leaks_give_releases_no_attacker_can_narrow(rows, seed, tmp_path_factory):
    leak = make_leak(tmp_path_factory.mktemp("random"), rows, seed)
    safe = safe_of(leak)
    tables, persons = release_tables(safe, located(leak), figures=(*FIGURES, *EXTRAS))
    assert narrowed(tables, persons) == []


def test_the_true_counts_are_always_a_solution_of_the_attackers_model(safe, leak):
    # The attacker's model may only hold true relations: with every cell shown exactly (k = 1,
    # which nothing publishes, so that nothing is hidden), the true tables must satisfy it, or
    # the solver finds the model infeasible.
    persons = bundle.published_persons(safe, None)
    inputs = FigureInputs(located=located(leak))
    drafts = [bundle.draft_figure(f, safe, inputs, k=1, rounding=None, epsilon=None)
              for f in (*FIGURES, *EXTRAS)]  # fmt: skip
    tables = [d.table for d in drafts if not isinstance(d, str)]
    assert not any(c.hidden for t in tables for c in t.cells)
    joint = build_model(tables, persons)
    assert len(joint.model.constraints) > 100
    assert attacker.bounds(joint.model, PERSONS) == (persons, persons)


def secret_table(dim: str, cells: dict[str, int | None]) -> PublishedTable:
    """A table by ``dim`` whose None cells are hidden as "secret" (anything from 0 up)."""
    return PublishedTable(
        name=dim, dims=((dim, "flag"),), k=K,
        cells=[Cell((key,), value, value is None, None if value is not None else "secondary")
               for key, value in cells.items()],
    )  # fmt: skip


def attacked(tables: list[PublishedTable], table: int, key: str) -> tuple[float, float]:
    """What the attacker learns of one cell of ``tables`` (1,000 persons in all)."""
    joint = build_model(tables, 1_000)
    cell = next(c for c, found in enumerate(tables[table].cells) if found.key == (key,))
    return attacker.bounds(joint.model, joint.where[(table, cell)])


def test_persons_with_a_health_mention_are_one_count_in_the_categories_and_mentions_tables():
    categories = secret_table("category", {"comment": 500, "health_mention": 40})
    mentions = secret_table("mention", {"health_mention": None, "pregnancy": 30, "hiv": 25})
    assert attacked([mentions], 0, "health_mention") == (30, 55)  # the test tests something
    assert attacked([categories, mentions], 1, "health_mention") == (40, 40)


def test_each_health_mention_is_at_most_the_persons_with_a_health_mention():
    mentions = secret_table("mention", {"health_mention": 40, "pregnancy": None, "hiv": 25})
    # At most 40; at least 15, since the 40 persons each have one of the two mentions.
    assert attacked([mentions], 0, "pregnancy") == (15, 40)


def test_persons_with_a_health_mention_are_at_most_the_sum_of_the_health_mentions():
    mentions = secret_table("mention", {"health_mention": None, "pregnancy": 30, "hiv": 25})
    assert attacked([mentions], 0, "health_mention") == (30, 55)


def test_child_and_baby_are_not_bounded_by_the_persons_with_a_health_mention():
    mentions = secret_table("mention", {"health_mention": 40, "child": None, "baby": 900})
    assert attacked([mentions], 0, "child") == (0, 1_000)


# --- 2. derived figures come only from published figures ----------------------------------------


def _datasets(spec: dict) -> list[dict]:
    rows = [row for values in spec.get("datasets", {}).values() for row in values]
    return [r for r in rows if isinstance(r, dict)]


@pytest.mark.parametrize("options", [{"rounding": 10}, {"epsilon": 1.0}], ids=["rounded", "dp"])
def test_every_share_and_rate_gives_back_the_published_count_not_the_true_one(
    leak, tmp_path, options
):
    out = tmp_path / "bundle"
    protection = publishing.Protection(**options)
    labs = leak.with_name(leak.stem + ".labs.csv")
    result = publishing.publish_leak(leak, out, key=KEY, labs=labs, protection=protection,
                                     synthetic=True)  # fmt: skip
    persons = result.manifest["persons"]
    population = dict(reference.departements_table().select("code", "population").iter_rows())
    checked = 0
    for name in ("03_departements", "04_categories"):
        spec = json.loads((out / f"{name}.vl.json").read_text(encoding="utf-8"))
        for row in _datasets(spec):
            if row.get("share") is not None and row.get("persons") is not None:
                assert row["share"] * persons == pytest.approx(row["persons"], abs=1e-6)
                checked += 1
            if row.get("population_share") is not None and row.get("persons") is not None:
                implied = row["population_share"] * population[row["departement"]]
                assert implied == pytest.approx(row["persons"], abs=1e-6)
                checked += 1
    geo = json.loads((out / "departements.geojson").read_text(encoding="utf-8"))
    for feature in geo["features"]:
        props = feature["properties"]
        if props["personnes"] is not None:
            implied = props["part_de_la_population_pct"] / 100 * population[props["code"]]
            # Rounded to 0.0001 %: the published count within half of that.
            tolerance = 0.00005 / 100 * population[props["code"]] + 1e-9
            assert abs(implied - props["personnes"]) <= tolerance
            checked += 1
        else:
            assert props["part_de_la_population_pct"] is None
    assert checked > 10


def test_explorer_tables_blank_the_rate_of_a_hidden_departement(safe):
    from toolkit.app.widgets import exposure_tables

    departements = exposure_tables(safe)["departements"]
    hidden = departements.filter(pl.col("persons_suppressed"))
    assert hidden.height > 0
    assert hidden["population_share"].null_count() == hidden.height


# --- 3. the release ledger ---------------------------------------------------------------------


def test_every_export_is_recorded_beside_the_key_owner_only(leak, tmp_path):
    publishing.publish_leak(leak, tmp_path / "b", key=KEY, synthetic=True)
    publishing.export_figure(leak, "mentions_par_annee", tmp_path / "x", key=KEY)
    ledger = publishing.open_ledger(KEY)
    assert [r.kind for r in ledger.releases] == ["bundle", "figure"]
    assert ledger.path.name == f"releases-{keys.fingerprint(KEY)}.json"
    assert stat.S_IMODE(os.stat(ledger.path).st_mode) == 0o600
    document = ledger.path.read_text(encoding="utf-8")
    assert KEY.hex() not in document


def test_publishing_the_same_figures_again_records_nothing_new(leak, tmp_path):
    publishing.publish_leak(leak, tmp_path / "b", key=KEY, synthetic=True)
    publishing.publish_leak(leak, tmp_path / "b", key=KEY, synthetic=True)
    assert len(publishing.open_ledger(KEY).releases) == 1


def test_the_note_says_what_the_protection_covers_and_the_releases_it_took_into_account(
    leak, tmp_path
):
    publishing.publish_leak(leak, tmp_path / "a", key=KEY, synthetic=True)
    first = (tmp_path / "a" / "methodologie-annexe.md").read_text(encoding="utf-8")
    assert "publié avec cet outil à partir de ce fichier et de la même clé" in first
    assert "d'une autre copie" in first
    assert "conjointement" not in first  # nothing was published before
    publishing.publish_leak(leak, tmp_path / "b", key=KEY, synthetic=True,
                            protection=publishing.Protection(rounding=10))  # fmt: skip
    second = (tmp_path / "b" / "methodologie-annexe.md").read_text(encoding="utf-8")
    earlier = json.loads((tmp_path / "b" / "manifest.json").read_text())["joint_protection"]
    tables = earlier["earlier_tables"]
    assert tables > 1
    assert f"conjointement avec {tables} tableaux publiés auparavant" in second


# --- 4. differencing between copies ------------------------------------------------------------


def _minus_one_row(leak: Path, folder: Path) -> Path:
    lines = leak.read_bytes().splitlines(keepends=True)
    copy = folder / "copy.csv"
    copy.write_bytes(b"".join(lines[:1] + lines[2:]))
    return copy


def test_a_copy_minus_one_person_is_refused_naming_the_earlier_release(leak, tmp_path):
    publishing.publish_leak(leak, tmp_path / "first", key=KEY, synthetic=True)
    copy = _minus_one_row(leak, tmp_path)
    expected = r"export refused, nothing written: release \w+ \(bundle, .*first.*fewer than k"
    with pytest.raises(DisclosureError, match=expected):
        publishing.publish_leak(copy, tmp_path / "second", key=KEY, synthetic=True)
    assert not (tmp_path / "second").exists()


def test_the_copy_can_be_published_after_forgetting_the_earlier_release(leak, tmp_path):
    publishing.publish_leak(leak, tmp_path / "first", key=KEY, synthetic=True)
    ledger = publishing.open_ledger(KEY)
    ledger.forget(ledger.releases[0].id)
    copy = _minus_one_row(leak, tmp_path)
    publishing.publish_leak(copy, tmp_path / "second", key=KEY, synthetic=True)
    assert (tmp_path / "second" / "manifest.json").exists()


def test_differential_privacy_budget_adds_up_across_releases(leak, tmp_path):
    dp = publishing.Protection(epsilon=1.0, epsilon_budget=15.0)
    result = publishing.publish_leak(leak, tmp_path / "a", key=KEY, protection=dp,
                                     synthetic=True)  # fmt: skip
    spent = publishing.open_ledger(KEY).epsilon_spent()
    # Each table and the number of persons: 8 figures without labs, plus the persons.
    assert spent == pytest.approx(len(result.manifest["figures"]) + 1) == 9
    assert result.manifest["parameters"]["epsilon_spent"] == pytest.approx(9)
    with pytest.raises(DisclosureError, match="past the budget of 15"):
        publishing.publish_leak(leak, tmp_path / "b", key=KEY, protection=dp, synthetic=True)
    assert not (tmp_path / "b").exists()


# --- 6. k below 11 -----------------------------------------------------------------------------


def test_k_below_11_needs_the_flag_and_is_written_in_manifest_and_note(leak, tmp_path):
    with pytest.raises(InputError, match="k = 7 is below 11"):
        publishing.publish_leak(leak, tmp_path / "a", key=KEY,
                                protection=publishing.Protection(k=7))  # fmt: skip
    result = publishing.publish_leak(
        leak, tmp_path / "b", key=KEY,
        protection=publishing.Protection(k=7, allow_small_k=True), synthetic=True,
    )  # fmt: skip
    assert result.manifest["parameters"]["k"] == 7
    assert result.manifest["parameters"]["small_k_allowed"] is True
    note = (tmp_path / "b" / "methodologie.md").read_text(encoding="utf-8")
    assert text("note.small_k", k=7).split(":")[0] in note
    assert "moins de 1 personnes" not in note


def test_k_below_5_is_refused_even_with_the_flag(leak, tmp_path):
    with pytest.raises(InputError, match="k = 1 is refused"):
        publishing.publish_leak(leak, tmp_path / "a", key=KEY,
                                protection=publishing.Protection(k=1, allow_small_k=True))
    assert not (tmp_path / "a").exists()


# --- 5. the manifest names the input by its sha256, not its file name ----------------------------


def test_a_nir_in_the_leaks_file_name_never_reaches_the_manifest(leak, tmp_path):
    named = tmp_path / "export_284075624979218.csv"
    named.write_bytes(leak.read_bytes())
    result = publishing.publish_leak(named, tmp_path / "b", key=KEY, synthetic=True)
    manifest = (tmp_path / "b" / "manifest.json").read_text(encoding="utf-8")
    assert "284075624979218" not in manifest
    assert result.manifest["input"]["label"] is None


def test_a_label_is_scanned_like_everything_else(leak, tmp_path):
    with pytest.raises(DisclosureError, match="manifest.json contains a NIR-shaped number"):
        publishing.publish_leak(leak, tmp_path / "b", key=KEY,
                                label="dossier 2 84 07 56 249 792 18")  # fmt: skip
    assert not (tmp_path / "b").exists()


def test_a_nir_hidden_in_the_lab_column_is_caught_in_every_written_form(tmp_path):
    leak = make_leak(tmp_path, 600, 1)
    text_ = leak.read_text(encoding="cp1252").splitlines()
    header = text_[0].split(";")
    lab = header.index("CODE_LABO")
    rows = [line.split(";") for line in text_[1:]]
    for row in rows[:20]:
        row[lab] = "LBM 2-84-07-56-249-792-18"
    leak.write_text("\n".join([text_[0], *(";".join(r) for r in rows)]) + "\n", encoding="cp1252")
    with pytest.raises(DisclosureError, match="NIR-shaped number"):
        publishing.publish_leak(leak, tmp_path / "b", key=KEY, synthetic=True)
    assert not (tmp_path / "b").exists()


@pytest.mark.slow
def test_the_full_size_demo_release_leaves_every_hidden_cell_free(tmp_path):
    # The demo's leak (491,840 rows): its bundle, the two extra figures and an earlier rounded
    # release, attacked together.
    leak = make_leak(tmp_path, synth.PUBLISHED_ROWS, 2021)
    safe = safe_of(leak)
    labs = located(leak)
    earlier, persons = release_tables(safe, labs, rounding=10)
    tables, _ = release_tables(safe, labs, earlier=earlier)
    extras, _ = release_tables(safe, labs, figures=EXTRAS, earlier=[*earlier, *tables])
    everything = [*earlier, *tables, *extras]
    assert sum(c.hidden for t in everything for c in t.cells) > 10
    assert narrowed(everything, persons) == []
