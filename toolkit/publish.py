"""The publication bundle: protected aggregates, charts, map, manifest and methodology note.

``publish(FILE | SAFE.parquet, out)`` runs the steps after the privacy boundary on the safe table
(from a raw leak it first reads, classifies and pseudonymises it into a temporary Parquet file
under ``data/interim/``, deleted at the end, so that memory stays bounded at any size) and
writes ``out/``:

* per figure: ``<fig>.svg``, ``<fig>.png``, ``<fig>.vl.json`` (Vega-Lite), ``<fig>.md`` (alt
  text) and ``<fig>.csv``, the protected aggregate behind it;
* ``departements.geojson``: the protected département counts with their shapes;
* ``manifest.json``: toolkit version, input sha256, rows, persons, every parameter, cells
  suppressed per table and the sha256 of every other file;
* ``methodologie.md``: the French methodology note.

Every export path goes through :func:`toolkit.tripwire.write_checked`: the files are built in
memory, scanned for personal data, written to a temporary folder and moved into place only when
the scan passed. Every count is checked one last time with
:func:`toolkit.disclosure.assert_publishable` before anything is built.

CSV files (Datawrapper- and Excel-ready, French conventions): UTF-8 with a byte-order mark (so
that Excel does not read them as cp1252), ``;`` between fields and a decimal comma (what Excel in
French expects; Datawrapper detects both), French headers, one row per cell, then the total
where one is published. A suppressed count is an empty cell with ``oui`` in the
"Secret statistique" column (``non`` elsewhere), and the columns computed from it (share, rate,
dates) are emptied too. Text cells that a spreadsheet would run as a formula (starting with
``=``, ``+``, ``-``, ``@``, tab or carriage return) get a leading ``'``; numeric columns are
written as numbers, so a negative number stays a number.

Determinism: same input, key and parameters give byte-identical files (no timestamps, sorted
JSON keys, renderers without clocks). The one exception is ``epsilon``: differential-privacy
noise is fresh on every run by design.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from tqdm import tqdm

from toolkit import __version__, disclosure, exposure, tripwire
from toolkit.categories import CATEGORY_LABELS, MENTION_LABELS
from toolkit.errors import InputError, ToolkitError
from toolkit.tripwire import Identifiers

COUNT = "persons"
FLAG = "Secret statistique"

#: French CSV headers, by column of the exposure aggregates.
HEADERS: dict[str, str] = {
    "month": "Mois",
    "lab": "Laboratoire",
    "first_sample": "Premier prélèvement (mois)",
    "last_sample": "Dernier prélèvement (mois)",
    "departement": "Code du département",
    "departement_name": "Département",
    "population": "Population",
    "per_100k": "Personnes pour 100 000 habitants",
    "category": "Donnée exposée",
    "year": "Année",
    "share": "Part des personnes (%)",
    "combination": "Combinaison de données",
    "n_categories": "Nombre de catégories",
    "rank": "Rang",
    "mention": "Mention de santé",
    "age_band": "Tranche d'âge",
    "sex": "Sexe",
    "band": "Distance domicile-laboratoire",
    "persons": "Personnes",
}
_SEXES = {"F": "Femmes", "M": "Hommes"}
_BANDS = {"unknown": "inconnue"}
_EXTRA_LABELS = {"health_mention": "Mention de santé", "none": "Aucune"}
# Characters that make a spreadsheet run a cell as a formula (OWASP "CSV injection").
_FORMULA_START = r"^[=+\-@\t\r]"


@dataclass(frozen=True)
class FigureSpec:
    """One figure of the bundle: its aggregate, how it is protected, how it is drawn."""

    name: str
    title: str
    aggregate: Callable[[pl.DataFrame], pl.DataFrame]
    keys: tuple[str, ...]
    chart: Callable[..., Any]
    derived: tuple[str, ...] = ()
    # "total" when the cells split all persons and the total is published beside them.
    totals: str = "none"
    chart_options: Mapping[str, Any] = field(default_factory=dict)
    needs_labs: bool = False
    #: Columns a drawable row must have (the figure is left out when no row has them all).
    required: tuple[str, ...] = ()


def _figure_specs() -> list[FigureSpec]:
    from toolkit import charts

    return [
        FigureSpec(
            "01_chronologie", "les personnes par mois de prélèvement",
            lambda s: exposure.records_by_month(s).select("month", COUNT),
            ("month",), charts.timeline_chart, chart_options={"count": COUNT},
        ),
        FigureSpec(
            "02_laboratoires", "la période couverte par chaque laboratoire",
            lambda s: exposure.lab_windows(s).select("lab", "first_sample", "last_sample", COUNT),
            ("lab",), charts.lab_windows_chart, derived=("first_sample", "last_sample"),
        ),
        FigureSpec(
            "03_departements", "les personnes par département de résidence",
            exposure.persons_by_departement, ("departement",), charts.departement_map,
            derived=("per_100k",), totals="total",
        ),
        FigureSpec(
            "04_categories", "les données exposées",
            exposure.category_exposure, ("category",), charts.categories_chart,
            derived=("share",),
        ),
        FigureSpec(
            "05_categories_par_annee", "les données exposées par année",
            exposure.category_by_year, ("category", "year"), charts.category_year_chart,
            derived=("share",),
        ),
        FigureSpec(
            "06_combinaisons", "les combinaisons de données exposées",
            exposure.co_exposure, ("combination",), charts.co_exposure_chart,
        ),
        FigureSpec(
            "07_mentions_sante", "les mentions de santé dans les commentaires",
            exposure.health_mentions, ("mention",), charts.health_mentions_chart,
        ),
        FigureSpec(
            "08_pyramide_des_ages", "l'âge et le sexe des personnes",
            exposure.age_sex_pyramid, ("age_band", "sex"), charts.pyramid_chart, totals="total",
            required=("age_band", "sex"),
        ),
        FigureSpec(
            "09_distances", "la distance entre domicile et laboratoire",
            lambda s: s, ("band",), charts.distance_chart, needs_labs=True,
        ),
    ]  # fmt: skip


# --- protecting and writing one table ------------------------------------------------------------


def _contributions(spec: FigureSpec, table: pl.DataFrame) -> int:
    # How many cells one person can count in (differential privacy's sensitivity): one when
    # the cells split people into groups, else at most every cell of the table.
    return 1 if spec.totals == "total" or spec.name == "06_combinaisons" else max(1, table.height)


def protect_table(
    table: pl.DataFrame,
    keys: Sequence[str],
    *,
    k: int = disclosure.DEFAULT_K,
    totals: str = "none",
    rounding: int | None = None,
    epsilon: float | None = None,
    contributions: int = 1,
    derived: Sequence[str] = (),
) -> disclosure.Protected:
    """Protect one aggregate (suppression, rounding or DP) and empty what a hidden count gives back.

    ``derived`` columns (a share, a rate, a lab's first and last month) are nulled where the
    count is hidden: they would let a reader recompute it, or say something about few people.
    """
    if epsilon is not None:
        protected = disclosure.dp_counts(
            table, COUNT, epsilon=epsilon, by=list(keys), contributions=contributions, k=k
        )
    else:
        protected = disclosure.protect(
            table, COUNT, by=list(keys), k=k, totals=totals, rounding=rounding  # type: ignore[arg-type]
        )
    hidden = pl.col(f"{COUNT}_suppressed")
    blank = [
        pl.when(hidden).then(None).otherwise(pl.col(c)).alias(c)
        for c in derived
        if c in protected.table.columns
    ]
    if blank:
        protected = disclosure.Protected(
            protected.table.with_columns(blank), protected.margins, COUNT, protected.summary
        )
    return protected


def chart_table(protected: disclosure.Protected) -> pl.DataFrame:
    """The cells a chart may embed: every hidden cell given the same reason.

    The chart shows "< k" only when all hidden cells are primary; otherwise "secret" for all.
    Giving every hidden cell the same reason keeps that choice and tells a reader of the
    embedded data nothing about which hidden cells are small.
    """
    reason = f"{COUNT}_reason"
    table = protected.table
    if reason not in table.columns:
        return table
    any_secondary = (table[reason] == disclosure.SECONDARY).any() or (
        protected.margins.height > 0
        and (protected.margins[reason] == disclosure.SECONDARY).any()
    )
    same = disclosure.SECONDARY if any_secondary else disclosure.PRIMARY
    return table.with_columns(
        pl.when(pl.col(f"{COUNT}_suppressed")).then(pl.lit(same)).otherwise(None).alias(reason)
    )


def _labels(column: str) -> pl.Expr | None:
    fr_categories = {**CATEGORY_LABELS["fr"], **_EXTRA_LABELS}
    value = pl.col(column)
    if column == "category":
        return value.replace_strict(fr_categories, default=value, return_dtype=pl.String)
    if column == "mention":
        return value.replace_strict(MENTION_LABELS["fr"], default=value, return_dtype=pl.String)
    if column == "sex":
        return value.replace_strict(_SEXES, default=value, return_dtype=pl.String)
    if column == "band":
        return value.replace_strict(_BANDS, default=value, return_dtype=pl.String)
    if column == "combination":
        return (
            value.str.split("+")
            .list.eval(
                pl.element().replace_strict(fr_categories, default=pl.element(),
                                            return_dtype=pl.String)
            )
            .list.join(" + ")
        )  # fmt: skip
    return None


def neutralise_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix with ``'`` every text cell a spreadsheet would run as a formula; numbers untouched."""
    text = [c for c, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(_FORMULA_START))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in text
    )


def csv_table(protected: disclosure.Protected) -> pl.DataFrame:
    """The protected cells (then the published totals) with French headers and labels."""
    c = COUNT
    cells = protected.table.drop(f"{c}_reason", strict=False)
    frames = [cells]
    keys = [col for col in cells.columns if col in protected.margins.columns and col not in
            (c, f"{c}_suppressed", f"{c}_reason", "margin")]  # fmt: skip
    if protected.margins.height:
        margins = protected.margins.drop(f"{c}_reason", "margin", strict=False)
        frames.append(margins)
    table = pl.concat(frames, how="diagonal_relaxed")
    if protected.margins.height and keys:
        first = keys[0]
        is_total = pl.int_range(pl.len()) >= cells.height
        table = table.with_columns(pl.col(first).cast(pl.String)).with_columns(
            pl.when(is_total).then(pl.lit("Total")).otherwise(pl.col(first)).alias(first)
        )
    conversions = []
    for col, dtype in table.schema.items():
        label = _labels(col)
        if label is not None:
            conversions.append(label.alias(col))
        elif dtype == pl.Date:
            conversions.append(pl.col(col).dt.strftime("%Y-%m-%d"))
        elif col == "share":
            conversions.append((pl.col(col) * 100).round(1))
        elif col == "per_100k":
            conversions.append(pl.col(col).round(1))
    table = table.with_columns(conversions).with_columns(
        pl.when(pl.col(f"{c}_suppressed")).then(pl.lit("oui")).otherwise(pl.lit("non")).alias(FLAG)
    )
    ordered = [col for col in table.columns if col not in (c, f"{c}_suppressed", FLAG)]
    table = table.select(*ordered, c, FLAG)
    return neutralise_formulas(table).rename({k: v for k, v in HEADERS.items() if k in ordered
                                              or k == c})  # fmt: skip


def csv_bytes(table: pl.DataFrame) -> bytes:
    """A table as French CSV bytes: UTF-8 with BOM, ``;`` separator, decimal comma."""
    buffer = io.BytesIO()
    table.write_csv(buffer, separator=";", decimal_comma=True, quote_style="necessary")
    return b"\xef\xbb\xbf" + buffer.getvalue()


def chart_files(chart: Any, name: str) -> dict[str, bytes]:
    """A chart's SVG, PNG, Vega-Lite JSON and alt text, in memory (the same chart, same bytes)."""
    from toolkit import charts

    spec = chart if isinstance(chart, dict) else chart.to_dict()
    return {
        f"{name}.svg": charts.to_svg(spec).encode("utf-8"),
        f"{name}.png": charts.to_png(spec),
        f"{name}.vl.json": charts.to_json(spec).encode("utf-8"),
        f"{name}.md": (charts.alt_text(chart) + "\n").encode("utf-8"),
    }


def _protected_of(table: disclosure.Protected | pl.DataFrame) -> disclosure.Protected:
    if isinstance(table, disclosure.Protected):
        return table
    if f"{COUNT}_suppressed" not in table.columns:
        raise InputError(
            "this table has not been through disclosure control: protect it first "
            "(toolkit.publish.protect_table or toolkit.disclosure.protect)"
        )
    margins = table.head(0).with_columns(margin=pl.lit(None, pl.String))
    return disclosure.Protected(table, margins, COUNT, {})


def export_chart(
    chart: Any,
    table: disclosure.Protected | pl.DataFrame,
    out_dir: str | Path,
    name: str,
    *,
    identifiers: Identifiers,
    k: int = disclosure.DEFAULT_K,
    rounding: int | None = None,
) -> list[Path]:
    """Export one chart and its protected table: SVG, PNG, Vega-Lite JSON, alt text and CSV.

    The table must have been protected (``protect_table``); its counts are checked against
    ``k``, and every file is scanned by the tripwire before anything is written to ``out_dir``.
    """
    protected = _protected_of(table)
    for frame in (protected.table, protected.margins):
        disclosure.assert_publishable(frame, COUNT, k=k, rounding=rounding)
    files = chart_files(chart, name)
    files[f"{name}.csv"] = csv_bytes(csv_table(protected))
    return tripwire.write_checked(files, out_dir, identifiers)


# --- the whole bundle ----------------------------------------------------------------------------


@dataclass
class Bundle:
    """A bundle in memory: file name -> bytes (manifest included), and the headline figures."""

    files: dict[str, bytes]
    manifest: dict[str, Any]


@dataclass
class PublishResult:
    """What :func:`publish` wrote, and the figures worth printing."""

    out: Path
    files: list[Path]
    manifest: dict[str, Any]

    def summary(self) -> str:
        """A few lines for the terminal: where the bundle is, what it holds."""
        m = self.manifest
        suppressed = sum(f["suppressed_cells"] for f in m["figures"])
        cells = sum(f["cells"] for f in m["figures"])
        lines = [
            f"bundle: {self.out} ({len(self.files)} files)",
            f"records: {m['input']['records']:,}  persons: {m['persons']:,}",
            f"figures: {len(m['figures'])}  cells suppressed: {suppressed:,} of {cells:,} "
            f"(k = {m['parameters']['k']})",
        ]
        lines += [f"left out: {o['figure']} ({o['reason']})" for o in m["left_out"]]
        return "\n".join(lines)


def published_summary(summary: Mapping[str, Any]) -> dict[str, Any]:
    """What the manifest says of one table's disclosure control: cells, hidden cells, method.

    The split between primary and secondary suppression is left out: with two hidden cells,
    "one primary, one secondary" would tell the reader that one of them holds fewer than k.
    """
    hidden = summary["suppressed_primary"] + summary["suppressed_secondary"]
    kept = {
        key: value for key, value in summary.items()
        if key not in ("suppressed_primary", "suppressed_secondary")
    }  # fmt: skip
    return {"cells": summary["cells"] + summary["margins"], "suppressed_cells": hidden,
            "disclosure": kept}  # fmt: skip


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


def _lab_points(located: pl.DataFrame | None, protected: disclosure.Protected) -> pl.DataFrame:
    """Located labs with their protected person counts (labs with a hidden count are not drawn)."""
    persons = protected.table.filter(~pl.col(f"{COUNT}_suppressed")).select("lab", COUNT)
    return (
        located.filter(pl.col("lon").is_not_null())
        .select("lab", "lon", "lat")
        .join(persons, on="lab", how="inner")
        .sort("lab")
    )


def departements_geojson(protected: disclosure.Protected) -> bytes:
    """The protected département counts as GeoJSON (EPSG:4326), stable byte for byte."""
    import shapely

    from toolkit import reference

    cells = protected.table.filter(pl.col("departement").is_not_null())
    shapes = reference.departements()
    shapes = shapes[shapes["code"].isin(cells["departement"].to_list())].sort_values("code")
    by_code = {row["departement"]: row for row in cells.iter_rows(named=True)}
    features = []
    for code, name, geometry in zip(shapes["code"], shapes["name"], shapes.geometry, strict=True):
        row = by_code[code]
        features.append({
            "type": "Feature",
            "properties": {
                "code": code,
                "nom": name,
                "personnes": row[COUNT],
                "pour_100000_habitants": None if row.get("per_100k") is None
                else round(row["per_100k"], 1),
                "secret_statistique": bool(row[f"{COUNT}_suppressed"]),
            },
            "geometry": json.loads(shapely.to_geojson(geometry)),
        })  # fmt: skip
    document = {"type": "FeatureCollection", "features": features}
    return (json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            + "\n").encode("utf-8")  # fmt: skip


def build_bundle(
    safe: pl.DataFrame | pl.LazyFrame,
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
    progress: bool = False,
) -> Bundle:
    """Build every file of the bundle in memory from a safe table (nothing is written).

    ``labs`` are located labs (``toolkit.geo.geocode_labs``) or None: then the figures that need
    lab locations are left out and the manifest and note say so.
    """
    from toolkit.methodology import SENSITIVE, NoteFacts, methodology_note
    from toolkit.pseudonymise import compact_person_ids, validate_safe_table

    if rounding is not None and epsilon is not None:
        raise InputError("choose rounding or differential privacy (epsilon), not both")
    safe = validate_safe_table(safe)
    located = None if labs is None else labs.filter(pl.col("lon").is_not_null())
    if located is not None and located.height == 0:
        located = None
    specs = _figure_specs()
    titles = {spec.name: spec.title for spec in specs}
    files: dict[str, bytes] = {}
    figures: list[dict[str, Any]] = []
    left_out: list[dict[str, str]] = []
    protected_by_name: dict[str, disclosure.Protected] = {}
    bar = tqdm(specs, desc="bundle", unit="figure", file=sys.stderr, disable=not progress)
    for spec in bar:
        bar.set_postfix_str(spec.name)
        if spec.needs_labs and located is None:
            left_out.append({"figure": spec.name, "reason": NO_LABS})
            continue
        if spec.name == "09_distances":
            aggregate = exposure.distance_bands(safe, located)
        else:
            aggregate = spec.aggregate(safe)
        # A month or a lab window cannot be drawn without its dates (no date column found).
        dates = [c for c in ("month", "first_sample", "last_sample") if c in aggregate.columns]
        aggregate = aggregate.drop_nulls(dates) if dates else aggregate
        if not aggregate.drop_nulls(list(spec.required))[COUNT].sum():
            left_out.append({"figure": spec.name, "reason": NO_DATA})
            continue
        protected = protect_table(
            aggregate, spec.keys, k=k, totals=spec.totals, rounding=rounding, epsilon=epsilon,
            contributions=_contributions(spec, aggregate), derived=spec.derived,
        )  # fmt: skip
        protected_by_name[spec.name] = protected
        windows = protected_by_name.get("02_laboratoires")
        for frame in (protected.table, protected.margins):
            disclosure.assert_publishable(frame, COUNT, k=k, rounding=rounding)
        options = dict(spec.chart_options)
        if spec.name == "03_departements" and located is not None and windows is not None:
            options["labs"] = _lab_points(located, windows)
        try:
            chart = spec.chart(chart_table(protected), k=k, **options)
        except ToolkitError:
            raise
        except Exception as exc:  # a chart that cannot be drawn: one line, not a traceback
            raise ToolkitError(
                f"could not draw the figure {spec.name} from this file ({type(exc).__name__}); "
                "run `inspect` on it to check how its columns were read"
            ) from exc
        files.update(chart_files(chart, spec.name))
        files[f"{spec.name}.csv"] = csv_bytes(csv_table(protected))
        figures.append({
            "name": spec.name,
            "title": spec.title,
            "files": sorted(f for f in files if f.startswith(spec.name + ".")),
            **published_summary(protected.summary),
        })  # fmt: skip
    bar.close()
    if not figures:
        raise InputError(
            "nothing to publish: no usable column (dates, labs, places, categories) was found; "
            "run `inspect` on the file"
        )
    if "03_departements" in protected_by_name:
        files["departements.geojson"] = departements_geojson(protected_by_name["03_departements"])

    # One query each, streamed: a LazyFrame of tens of millions of rows never sits in memory.
    compact = compact_person_ids(safe.lazy())
    persons = compact.select(pl.col("person_id").n_unique()).collect().item()
    records = compact.select(pl.len()).collect().item()
    months = compact.select(
        first=pl.col("sample_month").min(), last=pl.col("sample_month").max()
    ).collect()
    resolution = compact.select(pl.col("residence_departement").is_not_null().mean()).collect()
    resolution = resolution.item()
    n_labs = compact.select(pl.col("lab").drop_nulls().n_unique()).collect().item()
    categories = protected_by_name.get("04_categories")
    shares = {} if categories is None else dict(
        categories.table.select("category", "share").iter_rows()
    )
    sensitive = [(c, shares[c]) for c in SENSITIVE if shares.get(c) is not None]
    facts = NoteFacts(
        rows=int(input_info.get("rows_read") or records),
        persons=int(persons),
        labs=int(n_labs),
        first_month=months["first"][0],
        last_month=months["last"][0],
        quarantined=input_info.get("rows_quarantined"),
        located_share=resolution,
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
        synthetic=synthetic,
        left_out=[
            f"{titles[o['figure']]} ({_REASONS_FR[o['reason']]})" for o in left_out
        ],
    )
    files["methodologie.md"] = methodology_note(facts).encode("utf-8")
    manifest: dict[str, Any] = {
        "toolkit": {"name": "leak-toolkit", "version": __version__},
        "input": dict(input_info),
        "persons": int(persons),
        "labs": {"in_file": int(n_labs), **dict(labs_info or {})},
        "period": {
            "first_sample_month": _iso(months["first"][0]),
            "last_sample_month": _iso(months["last"][0]),
        },
        "parameters": {
            "k": k,
            "allow_zero": True,
            "rounding": rounding,
            "epsilon": epsilon,
            "lang": "fr",
            "synthetic_input": synthetic,
            "key": key_note,
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
    return Bundle(files, manifest)


NO_LABS = "no located lab (use --labs)"
NO_DATA = "the file holds no data for it"
_REASONS_FR = {
    NO_LABS: "faute d'une liste des laboratoires avec leur adresse",
    NO_DATA: "le fichier ne contient pas les données nécessaires",
}


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


def identifiers_of(leak: str | Path) -> Identifiers:
    """Read and classify a raw leak, and return its identifiers for the tripwire (in memory)."""
    from toolkit import ingest, schema

    raw = ingest.read_leak(leak)
    return tripwire.collect_identifiers(raw, schema.classify(raw.frame))


def raw_input_info(raw: Any, records: int) -> dict[str, Any]:
    """The manifest's description of a raw input: name, sha256, rows, encoding (no value)."""
    return {
        "kind": "raw leak",
        "file_name": Path(raw.path).name,
        "sha256": raw.sha256,
        "records": records,
        "rows_read": raw.rows_read,
        "rows_quarantined": raw.rows_quarantined,
        "quarantine_reasons": dict(sorted(raw.quarantine_reasons.items())),
        "encoding": raw.encoding,
        "delimiter": raw.delimiter,
    }


def locate_labs(path: str | Path) -> tuple[pl.DataFrame, dict[str, Any]]:
    """Read a lab registry (or a FINESS extract) and locate its labs offline."""
    from toolkit import geo

    path = Path(path)
    if not path.exists():
        raise InputError("lab list not found", path)
    head = path.read_bytes()[:64].lower()
    registry = geo.read_finess(path) if head.startswith(b"finess") else geo.read_lab_registry(path)
    located = geo.geocode_labs(registry)
    info = {
        "registry_sha256": _sha256(path.read_bytes()),
        "registry_labs": located.height,
        "located": int(located["lon"].is_not_null().sum()),
    }
    return located, info


def _scratch_safe_table(scratch: ExitStack) -> Path:
    """A temporary safe table's path under ``data/interim/``, deleted when ``scratch`` closes."""
    from toolkit import paths

    paths.INTERIM.mkdir(parents=True, exist_ok=True)
    folder = tempfile.TemporaryDirectory(prefix="publish-", dir=paths.INTERIM)
    scratch.enter_context(folder)
    return Path(folder.name) / "safe.parquet"


def publish(
    source: str | Path,
    out: str | Path,
    *,
    key_file: str | Path | None = None,
    key: bytes | None = None,
    labs: str | Path | pl.DataFrame | None = None,
    leak: str | Path | None = None,
    k: int = disclosure.DEFAULT_K,
    rounding: int | None = None,
    epsilon: float | None = None,
    synthetic: bool = False,
    progress: bool = False,
) -> PublishResult:
    """Write the publication bundle of a raw leak or of a safe table (``.parquet``) into ``out``.

    From a raw leak: read, classify, pseudonymise (key from ``key`` or ``key_file``, else the
    ``pseudonymise`` key logic), and take the tripwire's identifiers from it. From a safe table,
    give ``leak`` (the raw file it came from) so that the tripwire searches its identifiers;
    without it only NIR-, phone- and email-shaped strings are searched. ``labs`` is a lab list
    (CSV registry or FINESS extract) or already located labs; without it the figures that need
    lab locations are left out.
    """
    from toolkit import ingest, keys, pseudonymise, schema

    if k < 1:
        raise InputError(f"k must be at least 1, got {k}")
    if rounding is not None and rounding not in (5, 10):
        raise InputError(f"rounding must be 5 or 10, got {rounding}")
    if epsilon is not None and not epsilon > 0:
        raise InputError(f"epsilon must be a positive number, got {epsilon}")
    source = Path(source)
    if not source.exists():
        raise InputError("file not found", source)
    check_out_folder(out)
    stages = tqdm(total=4, desc="publish", unit="stage", file=sys.stderr, disable=not progress)
    # The safe table of a raw leak lives in a temporary folder until the bundle is written,
    # and the folder goes whatever happens (an error, a tripwire hit, Ctrl-C).
    with ExitStack() as scratch:
        if source.suffix.lower() == ".parquet":
            # Kept lazy: the aggregates stream from the file, whatever its size.
            safe = pseudonymise.validate_safe_table(pseudonymise.read_safe_table(source))
            with source.open("rb") as fh:
                digest = hashlib.file_digest(fh, "sha256").hexdigest()
            info: dict[str, Any] = {
                "kind": "safe table",
                "file_name": source.name,
                "sha256": digest,
                "records": safe.select(pl.len()).collect().item(),
                "rows_read": None,
                "rows_quarantined": None,
            }
            identifiers = tripwire.shapes_only()
            if leak is not None:
                identifiers = identifiers_of(leak)
            elif progress:
                print("leak-toolkit: no --leak given: the tripwire searches NIR-, phone- and "
                      "email-shaped strings only", file=sys.stderr)  # fmt: skip
            stages.update(2)
        else:
            raw = ingest.read_leak(source, progress=progress)
            classes = schema.classify(raw.frame)
            stages.update(1)
            identifiers = tripwire.collect_identifiers(raw, classes)
            # Streamed to Parquet and scanned back, as from a safe table given on the command
            # line: the whole table is never in memory (33 M rows would take gigabytes).
            path = _scratch_safe_table(scratch)
            pseudonymise.write_safe_table(
                pseudonymise.pseudonymise(raw, classes, key or keys.load_key(key_file)), path
            )
            safe = pseudonymise.read_safe_table(path)
            info = raw_input_info(raw, pl.scan_parquet(path).select(pl.len()).collect().item())
            stages.update(1)
        located, labs_info = None, {"registry_sha256": None, "located": 0}
        if isinstance(labs, pl.DataFrame):
            located, labs_info = labs, {"registry_sha256": None, "located": labs.height}
        elif labs is not None:
            located, labs_info = locate_labs(labs)
        stages.update(1)
        bundle = build_bundle(
            safe, input_info=info, identifiers=identifiers, k=k, rounding=rounding,
            epsilon=epsilon, labs=located, labs_info=labs_info, synthetic=synthetic,
            progress=progress,
        )  # fmt: skip
        written = write_bundle(bundle, out, identifiers)
    stages.update(1)
    stages.close()
    return PublishResult(Path(out), written, bundle.manifest)


__all__ = [
    "Bundle",
    "PublishResult",
    "build_bundle",
    "chart_files",
    "chart_table",
    "csv_bytes",
    "csv_table",
    "departements_geojson",
    "export_chart",
    "identifiers_of",
    "locate_labs",
    "neutralise_formulas",
    "published_summary",
    "protect_table",
    "publish",
    "raw_input_info",
    "write_bundle",
]
