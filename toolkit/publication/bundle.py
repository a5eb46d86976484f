"""The publication bundle: protected aggregates, charts, map, manifest and methodology note.

:func:`build_bundle` makes, in memory, every file of a bundle from a safe table;
:func:`write_bundle` writes it into ``out/``:

* per figure of the registry (``toolkit.publication.figures``): ``<fig>.svg``, ``<fig>.png``,
  ``<fig>.vl.json`` (Vega-Lite), ``<fig>.md`` (alt text) and ``<fig>.csv``, the protected
  aggregate behind it (``toolkit.publication.french_csv``);
* ``departements.geojson``: the protected département counts with their shapes;
* ``manifest.json``: toolkit version, input sha256, rows, persons, every parameter, cells
  suppressed per table and the sha256 of every other file;
* ``methodologie.md``: the French methodology note.

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
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from tqdm import tqdm

from toolkit import __version__
from toolkit.boundary import tripwire
from toolkit.boundary.safe_table import SafeTable, compact_person_ids, validate_safe_table
from toolkit.boundary.tripwire import Identifiers
from toolkit.publication import charts, disclosure
from toolkit.publication.figures import CATEGORIES_FIGURE, FIGURES, FigureInputs
from toolkit.publication.french_csv import COUNT, csv_bytes, csv_table
from toolkit.publication.methodology import SENSITIVE_CATEGORIES, NoteFacts, methodology_note
from toolkit.publication.protection import chart_table, protect_table, published_summary
from toolkit.shared.errors import InputError, ToolkitError
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


def _protected_of(table: disclosure.Protected | pl.DataFrame) -> disclosure.Protected:
    if isinstance(table, disclosure.Protected):
        return table
    if f"{COUNT}_suppressed" not in table.columns:
        raise InputError(
            "this table has not been through disclosure control: protect it first "
            "(toolkit.publication.bundle.protect_table or toolkit.publication.disclosure.protect)"
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
    progress: bool = False,
) -> Bundle:
    """Build every file of the bundle in memory from a safe table (nothing is written).

    ``labs`` are located labs (``toolkit.safe.labs.geocode_labs``) or None: then the figures that
    need lab locations are left out and the manifest and note say so.
    """
    if rounding is not None and epsilon is not None:
        raise InputError("choose rounding or differential privacy (epsilon), not both")
    safe = validate_safe_table(safe)
    located = None if labs is None else labs.filter(pl.col("lon").is_not_null())
    if located is not None and located.height == 0:
        located = None
    titles = {figure.name: figure.title for figure in FIGURES}
    files: dict[str, bytes] = {}
    figures: list[dict[str, Any]] = []
    left_out: list[dict[str, str]] = []
    inputs = FigureInputs(located=located)
    bar = tqdm(FIGURES, desc="bundle", unit="figure", file=sys.stderr, disable=not progress)
    for figure in bar:
        bar.set_postfix_str(figure.name)
        if figure.needs_labs and located is None:
            left_out.append({"figure": figure.name, "reason": NO_LABS})
            continue
        aggregate = figure.aggregate(safe, inputs)
        # A month or a lab window cannot be drawn without its dates (no date column found).
        dates = [c for c in ("month", "first_sample", "last_sample") if c in aggregate.columns]
        aggregate = aggregate.drop_nulls(dates) if dates else aggregate
        if not aggregate.drop_nulls(list(figure.required))[COUNT].sum():
            left_out.append({"figure": figure.name, "reason": NO_DATA})
            continue
        protected = protect_table(
            aggregate, figure.keys, k=k, totals=figure.totals, rounding=rounding,
            epsilon=epsilon, contributions=figure.contributions(aggregate),
            derived=figure.derived,
        )  # fmt: skip
        inputs.protected[figure.name] = protected
        for frame in (protected.table, protected.margins):
            disclosure.assert_publishable(frame, COUNT, k=k, rounding=rounding)
        try:
            chart = figure.chart(chart_table(protected), k=k, **figure.chart_options(inputs))
        except ToolkitError:
            raise
        except Exception as exc:  # a chart that cannot be drawn: one line, not a traceback
            raise ToolkitError(
                f"could not draw the figure {figure.name} from this file "
                f"({type(exc).__name__}); run `inspect` on it to check how its columns were read"
            ) from exc
        files.update(chart_files(chart, figure.name))
        files[f"{figure.name}.csv"] = csv_bytes(csv_table(protected))
        files.update(figure.attachments(protected))
        figures.append({
            "name": figure.name,
            "title": figure.title,
            "files": sorted(f for f in files if f.startswith(figure.name + ".")),
            **published_summary(protected.summary),
        })  # fmt: skip
    bar.close()
    if not figures:
        raise InputError(
            "nothing to publish: no usable column (dates, labs, places, categories) was found; "
            "run `inspect` on the file"
        )

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
            text("note.left_out_figure", figure=titles[o["figure"]],
                 reason=_REASONS_FR[o["reason"]])
            for o in left_out
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


#: Why a figure is left out, as the manifest says it (in English) and the note (in French).
NO_LABS = text("bundle.left_out.no_labs", "en")
NO_DATA = text("bundle.left_out.no_data", "en")
_REASONS_FR = {
    NO_LABS: text("bundle.left_out.no_labs"),
    NO_DATA: text("bundle.left_out.no_data"),
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


