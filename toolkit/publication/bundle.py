"""The publication bundle: protected aggregates, charts, map, manifest and methodology note.

:func:`build_bundle` makes, in memory, every file of a bundle from a safe table;
:func:`write_bundle` writes it into ``out/``:

* per figure of the registry (``toolkit.publication.figures``): ``<fig>.svg``, ``<fig>.png``,
  ``<fig>.vl.json`` (Vega-Lite), ``<fig>.md`` (alt text) and ``<fig>.csv``, the protected
  aggregate behind it (``toolkit.publication.french_csv``);
* ``departements.geojson``: the protected département counts with their shapes;
* ``manifest.json``: toolkit version, case (id, title, dates), input sha256, rows, persons,
  every parameter, cells suppressed per table and the sha256 of every other file;
* ``methodologie.md``: the French methodology box (at most 250 words), and
  ``methodologie-annexe.md``: the whole method (``toolkit.publication.methodology``).

Every export path goes through :func:`toolkit.boundary.tripwire.write_checked`: the files are
built in memory, scanned for personal data, written to a temporary folder and moved into place
only when the scan passed. Every count is checked one last time with
:func:`toolkit.publication.disclosure.assert_publishable` before anything is built.

Determinism: same input, key and parameters give byte-identical files (no timestamps, sorted
JSON keys, renderers without clocks). The one exception is ``epsilon``: differential-privacy
noise is fresh on every run by design.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from tqdm import tqdm

from toolkit import __version__
from toolkit.boundary import tripwire
from toolkit.boundary.safe_table import SafeTable, compact_person_ids, validate_safe_table
from toolkit.boundary.tripwire import Identifiers
from toolkit.publication import charts, disclosure
from toolkit.publication.figures import (
    CATEGORIES_FIGURE,
    DEPARTEMENTS_FIGURE,
    FIGURES,
    LAB_WINDOWS,
    TIMELINE_FIGURE,
    Figure,
    FigureInputs,
    figure_named,
)
from toolkit.publication.french_csv import COUNT, csv_bytes, csv_table
from toolkit.publication.methodology import (
    SENSITIVE_CATEGORIES,
    NoteFacts,
    PublishedCount,
    methodology_annex,
    methodology_note,
)
from toolkit.publication.protection import (
    chart_table,
    derive_from_published,
    protect_table,
    published_summary,
)
from toolkit.publication.release import (
    Draft,
    Meaning,
    PublishedTable,
    protect_jointly,
    published_table,
)
from toolkit.shared.case import Case, load_case
from toolkit.shared.errors import DisclosureError, InputError, ToolkitError
from toolkit.shared.text import text


def chart_files(chart: Any, name: str) -> dict[str, bytes]:
    """A chart's SVG, PNG, Vega-Lite JSON and alt text, in memory (the same chart, same bytes)."""
    spec = chart if isinstance(chart, dict) else chart.to_dict()
    return {
        f"{name}.svg": charts.to_svg(spec).encode("utf-8"),
        f"{name}.png": charts.to_png(spec),
        f"{name}.vl.json": charts.to_json(spec).encode("utf-8"),
        f"{name}.md": (charts.alt_text(chart) + "\n").encode("utf-8"),
    }


# --- the whole bundle ----------------------------------------------------------------------------


@dataclass
class Bundle:
    """A release in memory: file name -> bytes (manifest included), and what it publishes.

    ``tables`` are the records of the published tables (for the release ledger), ``persons``
    the published number of persons, ``epsilon_spent`` the differential-privacy budget used.
    """

    files: dict[str, bytes]
    manifest: dict[str, Any]
    tables: list[PublishedTable] = field(default_factory=list)
    persons: int | None = None
    epsilon_spent: float = 0.0


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_listing(folder: str | Path) -> pl.DataFrame:
    """Every file under ``folder``, size and SHA-256, sorted (proof of what was published)."""
    root = Path(folder)
    files = sorted(path for path in root.rglob("*") if path.is_file())
    return pl.DataFrame(
        {
            "fichier": [path.relative_to(root).as_posix() for path in files],
            "octets": [path.stat().st_size for path in files],
            "sha256": [_sha256(path.read_bytes()) for path in files],
        },
        schema={"fichier": pl.String, "octets": pl.Int64, "sha256": pl.String},
    )


def exact_persons(safe: SafeTable) -> int:
    """The number of distinct persons of a safe table (never published as such under DP)."""
    return int(compact_person_ids(safe.lazy()).select(pl.col("person_id").n_unique())
               .collect().item())  # fmt: skip


def published_persons(safe: SafeTable, epsilon: float | None, *, exact: int | None = None) -> int:
    """The number of persons as published: exact, or noised with differential privacy.

    ``exact`` is the exact number when the caller has counted it already.
    """
    exact = exact_persons(safe) if exact is None else exact
    if epsilon is None:
        return exact
    noisy = disclosure.dp_counts(pl.DataFrame({COUNT: [exact]}), COUNT, epsilon=epsilon, k=None)
    return int(noisy.table[COUNT][0])


def placed_by_postcode(
    safe: SafeTable, *, k: int, rounding: int | None, epsilon: float | None
) -> PublishedCount | None:
    """The persons whose residence was placed on their postcode's most populous commune (at
    least one record known by its postcode only), protected as every published count: hidden
    below ``k``, rounded to ``rounding``. Under differential privacy (``epsilon``), None: the
    note then says how such residences are placed without any count (an exact count would
    break the guarantee; a noised one would spend budget on a sentence)."""
    if epsilon is not None:
        return None
    exact = (
        safe.lazy().filter(pl.col("residence_resolution") == "postcode_only")
        .select(pl.col("person_id").n_unique()).collect().item()
    )  # fmt: skip
    cell = pl.DataFrame({"placed": ["postcode_only"], COUNT: [exact]})
    protected = disclosure.protect(cell, COUNT, by=["placed"], k=k, rounding=rounding)
    hidden = bool(protected.table[f"{COUNT}_suppressed"][0])
    return PublishedCount(None if hidden else int(protected.table[COUNT][0]), hidden=hidden)


def draft_figure(
    figure: Figure,
    safe: SafeTable,
    inputs: FigureInputs,
    *,
    k: int,
    rounding: int | None,
    epsilon: float | None,
) -> Draft | str:
    """A figure's table protected on its own, with its record; or why it is left out."""
    if figure.needs_labs and inputs.located is None:
        return NO_LABS
    aggregate = figure.aggregate(safe, inputs)
    # A lab window cannot be drawn without its dates (a lab whose records are all undated); a
    # table that lost rows so is not complete (its cells no longer cover every person). Months
    # keep their cell of unknown month: the persons of the undated records, published (and
    # protected) like any other cell, so that the note can say how many they are.
    dates = [c for c in ("first_sample", "last_sample") if c in aggregate.columns]
    kept = aggregate.drop_nulls(dates) if dates else aggregate
    complete = kept.height == aggregate.height
    if not kept.drop_nulls(list(figure.required))[COUNT].sum():
        return NO_DATA
    protected = protect_table(
        kept, figure.keys, k=k, totals=figure.totals, rounding=rounding, epsilon=epsilon,
        contributions=figure.contributions(kept), derived=figure.derived,
    )  # fmt: skip
    table = published_table(
        figure.name, Meaning(figure.dims, complete), protected, figure.keys, k=k,
        rounding=rounding, dp=epsilon is not None,
    )  # fmt: skip
    return Draft(table, protected, figure.keys)


def figure_files(
    figure: Figure,
    protected: disclosure.Protected,
    inputs: FigureInputs,
    *,
    persons: int | None,
    k: int,
    rounding: int | None,
) -> tuple[disclosure.Protected, dict[str, bytes]]:
    """A protected figure's files (chart, CSV, attachments), every derived value from published
    counts; also returns the table as published."""
    protected = derive_from_published(protected, persons=persons)
    inputs.protected[figure.name] = protected
    for frame in (protected.table, protected.margins):
        disclosure.assert_publishable(frame, COUNT, k=k, rounding=rounding)
    try:
        chart = figure.chart(chart_table(protected), k=k, **inputs.attribution(),
                             **figure.chart_options(inputs))
    except ToolkitError:
        raise
    except Exception as exc:  # a chart that cannot be drawn: one line, not a traceback
        raise ToolkitError(
            f"could not draw the figure {figure.name} from this file ({type(exc).__name__}); "
            "run `inspect` on it to check how its columns were read"
        ) from exc
    files = chart_files(chart, figure.name)
    files[f"{figure.name}.csv"] = csv_bytes(csv_table(protected))
    files.update(figure.attachments(protected))
    return protected, files


def _located(labs: pl.DataFrame | None) -> pl.DataFrame | None:
    located = None if labs is None else labs.filter(pl.col("lon").is_not_null())
    return None if located is None or located.height == 0 else located


def _check_parameters(k: int, rounding: int | None, epsilon: float | None,
                      allow_small_k: bool) -> None:  # fmt: skip
    disclosure.check_threshold(k, allow_small_k=allow_small_k)
    if rounding is not None and epsilon is not None:
        raise InputError("choose rounding or differential privacy (epsilon), not both")


@dataclass
class ProtectedRelease:
    """The tables of a release after joint protection, before any file is made."""

    drafts: list[tuple[Figure, Draft]]
    left_out: list[dict[str, str]]
    hidden_jointly: int

    @property
    def tables(self) -> list[PublishedTable]:
        """The records of the published tables, in figure order."""
        return [draft.table for _, draft in self.drafts]


def protect_release(
    safe: SafeTable,
    inputs: FigureInputs,
    *,
    k: int,
    rounding: int | None,
    epsilon: float | None,
    persons: int,
    earlier: Sequence[PublishedTable] = (),
    figures: Sequence[Figure] = FIGURES,
    bar: tqdm | None = None,
    withheld: Collection[str] = (),
) -> ProtectedRelease:
    """Every figure's table protected alone, then all of them jointly (with ``earlier``).

    A figure counting persons by one of the ``withheld`` dimensions
    (``toolkit.publication.ledger.Ledger.withheld_dimensions``) is left out. Raises
    ``InputError`` when no figure can be made from the file.
    """
    made: list[tuple[Figure, Draft]] = []
    left_out: list[dict[str, str]] = []
    for figure in figures:
        if bar is not None:
            bar.set_postfix_str(figure.name)
        draft = NO_LINKED if withholds(figure, withheld) else draft_figure(
            figure, safe, inputs, k=k, rounding=rounding, epsilon=epsilon)  # fmt: skip
        if isinstance(draft, str):
            left_out.append({"figure": figure.name, "reason": draft})
        else:
            made.append((figure, draft))
        if bar is not None:
            bar.update(1)
    if not made:
        raise InputError(
            "nothing to publish: no usable column (dates, labs, places, categories) was found; "
            "run `inspect` on the file"
        )
    if bar is not None:
        bar.set_postfix_str("joint protection")
    jointly = protect_jointly([d for _, d in made], earlier,
                              None if epsilon is not None else persons)  # fmt: skip
    hidden = sum(
        sum(c.hidden for c in after.table.cells) - sum(c.hidden for c in before.table.cells)
        for (_, before), after in zip(made, jointly, strict=True) if after is not None
    )
    if bar is not None:
        bar.update(1)
    drafts = []
    for (figure, _), draft in zip(made, jointly, strict=True):
        if draft is None:
            left_out.append({"figure": figure.name, "reason": NO_JOINT})
        else:
            drafts.append((figure, draft))
    if not drafts:
        raise DisclosureError(
            "export refused, nothing written: every table would give hidden cells of the others "
            "(or of earlier releases of this file) away; publish with a higher k or from a "
            "larger file"
        )
    return ProtectedRelease(drafts, left_out, hidden)


def build_bundle(
    safe: SafeTable,
    *,
    input_info: Mapping[str, Any],
    identifiers: Identifiers,
    k: int = disclosure.DEFAULT_K,
    rounding: int | None = None,
    epsilon: float | None = None,
    labs: pl.DataFrame | None = None,
    labs_info: Mapping[str, Any] | None = None,
    synthetic: bool = False,
    key_note: str = "secret pseudonymisation key (kept private, not published)",
    earlier: Sequence[PublishedTable] = (),
    allow_small_k: bool = False,
    progress: bool = False,
    fabrication: str | None = None,
    withheld: Collection[str] = (),
    case: Case | str | os.PathLike[str] | None = None,
) -> Bundle:
    """Build every file of the bundle in memory from a safe table (nothing is written).

    ``case`` is the investigation (``toolkit.shared.case``: a case, its id or its file; default:
    the 2021 leak): every chart's source line, the timeline's first report, and the manifest's
    ``case``. ``synthetic``: the input is a synthetic file; every chart, alt text and the note
    then say « Données fictives ».

    ``fabrication`` is the French verdict of the signs of fabrication of the raw leak (from
    ``verify``, on the raw side), quoted by the methodology note when given.

    ``labs`` are located labs (``toolkit.safe.labs.geocode_labs``) or None: then the figures that
    need lab locations are left out and the manifest and note say so. ``earlier`` are the tables
    already published from the same input (release ledger): every table of the bundle is
    protected jointly with them and with each other (``toolkit.publication.release``).
    ``withheld``: dimensions no figure may count persons by (a comparison of copies of this
    file already did: ``toolkit.publication.ledger.Ledger.withheld_dimensions``).
    """
    _check_parameters(k, rounding, epsilon, allow_small_k)
    case = load_case(case)
    safe = validate_safe_table(safe)
    located = _located(labs)
    titles = {figure.name: figure.title for figure in FIGURES}
    exact = exact_persons(safe)
    if exact < k:
        # Every count would be hidden, and the number of persons itself is below k.
        raise InputError(
            f"nothing to publish: the file describes fewer than {k} persons (k = {k}), so "
            "every count would be hidden"
        )
    persons = published_persons(safe, epsilon, exact=exact)
    inputs = FigureInputs(located=located, case=case, fictional=synthetic)
    bar = tqdm(total=len(FIGURES) + 2, desc="bundle", unit="step", file=sys.stderr,
               disable=not progress)  # fmt: skip
    release = protect_release(
        safe, inputs, k=k, rounding=rounding, epsilon=epsilon, persons=persons,
        earlier=earlier, bar=bar, withheld=withheld,
    )  # fmt: skip
    drafts, left_out = release.drafts, release.left_out
    files: dict[str, bytes] = {}
    figures: list[dict[str, Any]] = []
    for figure, draft in drafts:
        bar.set_postfix_str(figure.name)
        protected, made = figure_files(figure, draft.protected, inputs, persons=persons, k=k,
                                       rounding=rounding)  # fmt: skip
        files.update(made)
        figures.append({
            "name": figure.name,
            "title": figure.title,
            "files": sorted(f for f in made if f.startswith(figure.name + ".")),
            **published_summary(protected.summary),
        })  # fmt: skip
    bar.update(1)
    bar.close()
    tables = [draft.table for _, draft in drafts]
    epsilon_spent = 0.0 if epsilon is None else epsilon * (len(tables) + 1)

    # One query each, streamed: a LazyFrame of tens of millions of rows never sits in memory.
    compact = compact_person_ids(safe.lazy())
    records = compact.select(pl.len()).collect().item()
    months = compact.select(
        first=pl.col("sample_month").min(), last=pl.col("sample_month").max()
    ).collect()
    n_labs = compact.select(pl.col("lab").drop_nulls().n_unique()).collect().item()
    categories = inputs.protected.get(CATEGORIES_FIGURE)
    shares = {} if categories is None else dict(
        categories.table.select("category", "share").iter_rows()
    )
    sensitive = [(c, shares[c]) for c in SENSITIVE_CATEGORIES if shares.get(c) is not None]
    facts = NoteFacts(
        rows=int(input_info.get("rows_read") or records),
        persons=int(persons),
        labs=int(n_labs),
        first_month=months["first"][0],
        last_month=months["last"][0],
        quarantined=input_info.get("rows_quarantined"),
        located_share=_located_share(inputs.protected.get(DEPARTEMENTS_FIGURE), persons,
                                     nobody={"figure": DEPARTEMENTS_FIGURE,
                                             "reason": NO_DATA} in left_out),
        sensitive_shares=sensitive,
        k=k,
        suppressed=sum(f["suppressed_cells"] for f in figures),
        cells=sum(f["cells"] for f in figures),
        tables=len(figures),
        version=__version__,
        sha256=str(input_info.get("sha256", "")),
        secondary=epsilon is None,
        rounding=rounding,
        epsilon=epsilon,
        epsilon_spent=epsilon_spent or None,
        synthetic=synthetic,
        case_title=case.title("fr"),
        case_source=case.source_line("fr"),
        left_out=[
            text("note.left_out_figure", figure=titles[o["figure"]],
                 reason=_REASONS_FR[o["reason"]])
            for o in left_out
        ],
        without_lab=_unknown_cell(drafts, LAB_WINDOWS),
        without_sample_date=_unknown_cell(drafts, TIMELINE_FIGURE),
        earlier_tables=len(earlier),
        fabrication=fabrication,
        # A count of persons like the others: fewer than k is said as such, never as a number.
        placed_by_postcode=placed_by_postcode(safe, k=k, rounding=rounding, epsilon=epsilon),
    )
    files["methodologie.md"] = methodology_note(facts).encode("utf-8")
    files["methodologie-annexe.md"] = methodology_annex(facts).encode("utf-8")
    manifest: dict[str, Any] = {
        "toolkit": {"name": "leak-toolkit", "version": __version__},
        "case": case.describe(),
        "input": dict(input_info),
        "persons": int(persons),
        "labs": {"in_file": int(n_labs), **dict(labs_info or {})},
        "period": {
            "first_sample_month": _iso(months["first"][0]),
            "last_sample_month": _iso(months["last"][0]),
        },
        "parameters": {
            "k": k,
            "small_k_allowed": k < disclosure.DEFAULT_K,
            "allow_zero": True,
            "rounding": rounding,
            "epsilon": epsilon,
            "epsilon_spent": epsilon_spent or None,
            "lang": "fr",
            "synthetic_input": synthetic,
            "key": key_note,
        },
        "joint_protection": {
            "earlier_tables": len(earlier),
            "cells_hidden_jointly": release.hidden_jointly,
        },
        "figures": figures,
        "left_out": left_out,
        "tripwire": identifiers.describe(),
        "csv": {"encoding": "utf-8 with BOM", "separator": ";", "decimal": ","},
        "files": {name: _sha256(data) for name, data in sorted(files.items())},
    }
    files["manifest.json"] = (
        json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n"
    ).encode("utf-8")
    return Bundle(files, manifest, tables, int(persons), epsilon_spent)


def _unknown_cell(drafts: Sequence[tuple[Figure, Draft]], name: str) -> PublishedCount | None:
    """The published cell of figure ``name`` whose one key is unknown (no lab, no month)."""
    for figure, draft in drafts:
        if figure.name != name:
            continue
        for cell in draft.table.cells:
            if cell.margin is None and cell.key == (None,):
                return PublishedCount(cell.value, cell.hidden, draft.table.marker == "secret")
    return None


def _located_share(
    departements: disclosure.Protected | None, persons: int, *, nobody: bool = False
) -> float | None:
    """The share of persons placed in a département, from the published cells only.

    ``nobody``: the figure was left out because no one could be placed (share 0).
    """
    if nobody:
        return 0.0
    if departements is None or not persons:
        return None
    shown = departements.table.filter(
        pl.col("departement").is_not_null() & ~pl.col(f"{COUNT}_suppressed")
    )[COUNT].sum()
    return min(1.0, float(shown) / persons)


@dataclass
class Extra:
    """One more figure, in memory: its files and the record of its table (for the ledger)."""

    name: str
    files: dict[str, bytes]
    table: PublishedTable
    epsilon_spent: float = 0.0


def build_extra(
    safe: SafeTable,
    name: str,
    *,
    k: int = disclosure.DEFAULT_K,
    rounding: int | None = None,
    epsilon: float | None = None,
    labs: pl.DataFrame | None = None,
    earlier: Sequence[PublishedTable] = (),
    persons: int | None = None,
    allow_small_k: bool = False,
    withheld: Collection[str] = (),
    case: Case | str | os.PathLike[str] | None = None,
    synthetic: bool = False,
) -> Extra:
    """One figure of the registry (a bundle figure or one of ``figures.EXTRAS``), in memory.

    Protected like a bundle, jointly with ``earlier`` (the tables already published from the
    same input) and the published number of ``persons`` when there is one; refused when it
    counts persons by one of the ``withheld`` dimensions (as a bundle leaves it out). ``case``
    and ``synthetic`` as for :func:`build_bundle`.
    """
    _check_parameters(k, rounding, epsilon, allow_small_k)
    safe = validate_safe_table(safe)
    case = load_case(case)
    figure = figure_named(name)
    if withholds(figure, withheld):
        raise DisclosureError(f"export refused, nothing written: {name} {NO_LINKED}")
    inputs = FigureInputs(located=_located(labs), case=case, fictional=synthetic)
    made = draft_figure(figure, safe, inputs, k=k, rounding=rounding, epsilon=epsilon)
    if isinstance(made, str):
        raise InputError(f"the figure {name} cannot be made from this file: {made}")
    (draft,) = protect_jointly([made], earlier, None if epsilon is not None else persons)
    if draft is None:
        raise DisclosureError(
            f"export refused, nothing written: {name} would give hidden cells of what was "
            "already published from this file away; choose another figure or a higher k"
        )
    _, files = figure_files(figure, draft.protected, inputs, persons=persons, k=k,
                            rounding=rounding)  # fmt: skip
    return Extra(name, files, draft.table, 0.0 if epsilon is None else epsilon)


#: Why a figure is left out, as the manifest says it (in English) and the note (in French).
NO_LABS = text("bundle.left_out.no_labs", "en")
NO_DATA = text("bundle.left_out.no_data", "en")
NO_JOINT = text("bundle.left_out.joint", "en")
NO_LINKED = text("bundle.left_out.linked", "en")
_REASONS_FR = {
    NO_LABS: text("bundle.left_out.no_labs"),
    NO_DATA: text("bundle.left_out.no_data"),
    NO_JOINT: text("bundle.left_out.joint"),
    NO_LINKED: text("bundle.left_out.linked"),
}


def withholds(figure: Figure, withheld: Collection[str]) -> bool:
    """Whether ``figure`` counts persons by one of the ``withheld`` dimensions."""
    return any(name in withheld for name, _ in figure.dims)


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def check_out_folder(out: str | Path) -> Path:
    """Refuse an output folder that exists and is not a bundle (it would be replaced whole)."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or (
        any(out.iterdir()) and not (out / "manifest.json").exists()
    )):  # fmt: skip
        raise InputError("exists and is not a bundle folder: choose an empty or new folder", out)
    return out


def write_bundle(bundle: Bundle, out: str | Path, identifiers: Identifiers) -> list[Path]:
    """Scan the bundle with the tripwire, then write it into ``out`` (replacing an old bundle)."""
    out = check_out_folder(out)
    return tripwire.write_checked(bundle.files, out, identifiers, replace_folder=True)


