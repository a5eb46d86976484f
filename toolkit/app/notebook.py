"""What the numbered notebooks call first: offline charts, which leak to analyse, the safe table.

Importing this module makes the offline chart renderer the default (Vega's JavaScript inlined in
each output), so that charts draw in a JupyterLab with no network at all. Each output's scripts
run in their own function scope: Altair's inline template declares top-level ``const`` names,
and JupyterLab runs every output's scripts in the same page, so from the second chart on the
scripts would fail ("Identifier has already been declared") and the chart stay blank.

Which file a notebook analyses is a parameter: the ``LEAK`` cell of every notebook (papermill
style), else the ``TOOLKIT_LEAK`` environment variable, else the embedded default, the synthetic
leak in ``data/raw/synthetic_leak.csv`` (generated when missing). The same notebooks thus run on a
real file, on the default, or, in the tests, on a small synthetic leak. The investigation (source
line under the charts, dates) is the ``TOOLKIT_CASE`` environment variable (a shipped case's id or
a case file, ``toolkit.shared.case``), else the default, the 2021 leak.

A real file is often incomplete: no lab, no usable date, no residence, no comment. A cell that
cannot run on the file analysed prints one French sentence saying why instead of failing
(:func:`chart`, :func:`publish`, :func:`methodology`, :func:`export_extra`); the helpers that must
succeed for the notebook to go on raise a :class:`~toolkit.shared.errors.ToolkitError` with a
one-line message.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from great_tables import GT
from IPython.display import SVG, Markdown

from toolkit.app import publishing, tables, workflows
from toolkit.app.compare import compare_files
from toolkit.boundary import keys
from toolkit.publication import charts, disclosure
from toolkit.publication.charts.render import RENDERER, isolate_scripts
from toolkit.publication.figures import named_labs
from toolkit.raw import ingest, synth, verify
from toolkit.raw.verify import VerifyReport
from toolkit.safe import exposure
from toolkit.safe.compare import Comparison
from toolkit.safe.labs import locate_labs
from toolkit.shared import paths, scratch
from toolkit.shared.case import Case, load_case
from toolkit.shared.errors import InputError, ToolkitError
from toolkit.shared.text import text
from toolkit.shared.vocabulary import Lang

#: Environment variables that override the notebooks' defaults (used by the tests).
LEAK_ENV = "TOOLKIT_LEAK"
LABS_ENV = "TOOLKIT_LABS"
CASE_ENV = "TOOLKIT_CASE"


def enable_offline_rendering(lang: Lang = "fr") -> None:
    """Make charts draw in JupyterLab with no network, any number of them per notebook."""
    charts.enable_offline_rendering(lang)


# The whole point of importing this module from a notebook: charts must draw offline.
enable_offline_rendering()


#: Columns of ``toolkit.safe.labs.geocode_labs`` (an empty table of them stands for "no registry").
_LOCATED_SCHEMA = {
    "lab": pl.String, "name": pl.String, "insee": pl.String, "departement": pl.String,
    "region": pl.String, "lon": pl.Float64, "lat": pl.Float64, "resolution": pl.String,
    "precision": pl.String, "code": pl.String, "finess": pl.String, "key": pl.String,
}  # fmt: skip


def _existing(chosen: str | os.PathLike[str], missing: str) -> Path:
    """``chosen`` if it exists; a relative path is also tried from the repository root, since
    notebooks run in ``notebooks/`` while users type paths like ``data/raw/leak.csv``."""
    path = Path(chosen).expanduser()
    for candidate in (path, paths.ROOT / path):
        if candidate.exists():
            return candidate
    raise InputError(missing, path)


#: Whether the leak this notebook analyses (the last one :func:`resolve_leak` gave) is
#: synthetic: :func:`chart` then marks every chart « Données fictives ».
_analysed = {"fictional": False}


def resolve_leak(leak: str | os.PathLike[str] | None = None) -> Path:
    """The leak a notebook analyses: ``leak``, else ``$TOOLKIT_LEAK``, else the synthetic leak.

    The default synthetic leak (full size, 491,840 rows) is generated on first use. The charts
    the notebook draws afterwards (:func:`chart`) say « Données fictives » when this leak is
    synthetic (:func:`is_fictional`).
    """
    chosen = leak if leak is not None else os.environ.get(LEAK_ENV) or None
    if chosen is not None:
        path = _existing(chosen, "leak file not found (check the LEAK cell or TOOLKIT_LEAK)")
    else:
        path = paths.DEFAULT_LEAK
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            synth.write_synthetic_leak(path, progress=True)
    _analysed["fictional"] = is_fictional(path)
    return path


def is_fictional(leak: str | os.PathLike[str]) -> bool:
    """Whether ``leak`` is synthetic (``toolkit.app.workflows.is_synthetic``: the embedded
    default, or a file the generator wrote, its ``<file>.truth.json`` beside it). Its charts,
    alt texts and notes then say « Données fictives »."""
    return workflows.is_synthetic(leak)


def resolve_case(case: Case | str | os.PathLike[str] | None = None) -> Case:
    """The investigation (``toolkit.shared.case``): ``case``, else ``$TOOLKIT_CASE`` (a shipped
    case's id or a case file), else the default, the 2021 leak."""
    return load_case(case if case is not None else os.environ.get(CASE_ENV) or None)


def resolve_labs(
    leak: str | os.PathLike[str], labs: str | os.PathLike[str] | None = None
) -> Path | None:
    """The lab registry: ``labs``, else ``$TOOLKIT_LABS``, else ``<stem>.labs.csv`` beside the leak.

    None when there is none (a real leak comes without one until the user writes it).
    """
    chosen = labs if labs is not None else os.environ.get(LABS_ENV) or None
    if chosen is not None:
        return _existing(chosen, "lab registry not found (check the LABS cell or TOOLKIT_LABS)")
    beside = Path(leak).with_name(Path(leak).stem + ".labs.csv")
    return beside if beside.exists() else None


def safe_table(leak: str | os.PathLike[str], key: bytes | None = None) -> pl.DataFrame:
    """Read, classify and pseudonymise ``leak``: the safe table, the only thing analyses see.

    ``key`` defaults to the project's key (``toolkit.boundary.keys.load_key``: ``TOOLKIT_KEY``,
    ...).
    """
    return workflows.safe_table_of(leak, key)


def lab_locations(registry: str | os.PathLike[str] | None) -> pl.DataFrame:
    """The labs of a registry or FINESS file located offline (``toolkit.safe.labs.locate_labs``).

    One row per value a safe table's ``lab`` may hold (a lab's key or an alias naming it alone),
    so that joining never counts a person twice. Without a registry, an empty table of the same
    columns: maps then show no lab and every distance is "unknown", but the notebooks still run
    on a leak that came without one.
    """
    if registry is not None:
        return locate_labs(registry)[0]
    return pl.DataFrame(schema=_LOCATED_SCHEMA)


def lab_points(
    safe: pl.DataFrame | pl.LazyFrame, located: pl.DataFrame | None, k: int = 11
) -> pl.DataFrame | None:
    """Labs as map points: ``lab, code, lon, lat, persons, persons_suppressed``.

    ``lab`` is the name a reader sees (``toolkit.safe.labs.lab_labels``: a name two labs share
    gets its commune), ``code`` the value the leak gives. Counts below ``k`` are hidden (null);
    labs with no location are left out; None when no lab is located at all (the maps then draw
    no lab layer, and a sentence says so).
    """
    if located is None:
        located = lab_locations(None)
    persons = exposure.lab_windows(safe).select("lab", "persons")
    windows = disclosure.protect(persons, by=["lab"], k=k).table.drop("persons_reason")
    points = (
        located.select("lab", pl.col("lab").alias("code"), "lon", "lat")
        .join(windows, on="lab", how="inner")
        .filter(pl.col("lon").is_not_null() & pl.col("lat").is_not_null())
    )
    if not points.height:
        print(text("notebook.no_lab_located"))
        return None
    return named_labs(points, located).sort("lab")


def chart(build: Callable[..., Any], data: Any, /, **options: Any) -> Any:
    """``build(data, **options)``, a chart ready to show; or, when this file cannot give it (no
    usable date, no lab, no data of the kind), None and one French sentence saying why.

    The source line, the timeline's first report and the départements of the commune map are
    the case's (:func:`resolve_case`); the chart says « Données fictives » when the leak the
    notebook analyses is synthetic (:func:`resolve_leak`)."""
    try:
        case = resolve_case()
        options.setdefault("source", case.source_line(options.get("lang", "fr")))
        options.setdefault("fictional", _analysed["fictional"])
        if build is charts.timeline_chart:
            options.setdefault("first_report", case.first_report)
        if build is charts.commune_map:
            options.setdefault("departements", case.departements)
        drawn = build(data, **options)
        drawn.to_dict()  # validated now, not when the notebook shows it
    except ToolkitError as exc:
        print(text("notebook.no_chart", reason=str(exc)))
        return None
    except Exception as exc:  # a chart that cannot be drawn: one sentence, as in a bundle
        print(text("notebook.no_chart", reason=type(exc).__name__))
        return None
    return drawn


def publish(
    leak: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    labs: str | os.PathLike[str] | pl.DataFrame | None = None,
    protection: publishing.Protection | None = None,
    case: Case | str | os.PathLike[str] | None = None,
) -> publishing.PublishResult | None:
    """Publish ``leak``'s bundle into ``out`` (``publishing.publish_leak``) and print its summary.

    ``case``: see :func:`resolve_case`. A synthetic leak's bundle says « Données fictives »
    (:func:`is_fictional`).

    When nothing can be published from this file (no usable column, too few persons, a
    release refused by disclosure control), print one French sentence saying why and return
    None: nothing was written.
    """
    try:
        result = publishing.publish_leak(leak, out, labs=labs, protection=protection,
                                         case=resolve_case(case),
                                         synthetic=is_fictional(leak))  # fmt: skip
    except ToolkitError as exc:
        print(text("notebook.not_published", reason=str(exc)))
        return None
    print(result.summary())
    return result


def conclusion(report: VerifyReport) -> Markdown:
    """The verification's conclusion on authenticity in plain French
    (``toolkit.raw.verify.conclusion``), to show as a paragraph a fact-checker can paste."""
    return Markdown(f"**{text('verify.conclusion_heading')}** {verify.conclusion(report)}")


def fabrication_verdict(report: VerifyReport) -> Markdown:
    """The signs of fabrication's verdict (the sentence a methodology note quotes), then what
    the file's structure shows without being weighed, as a list."""
    fabrication = report.sections.get("fabrication", {})
    context = [f"- {entry['fr']}" for entry in fabrication.get("context", [])]
    verdict = fabrication.get("verdict", {}).get("fr", text("fabrication.verdict_untested"))
    return Markdown("\n".join([verdict, "", *context]))


def methodology(result: publishing.PublishResult | None) -> Markdown | None:
    """The methodology note of a published bundle, to show; a sentence when none was published."""
    if result is None:
        print(text("notebook.no_note"))
        return None
    return Markdown((result.out / "methodologie.md").read_text(encoding="utf-8"))


def export_extra(
    leak: str | os.PathLike[str],
    name: str,
    out_dir: str | os.PathLike[str],
    *,
    labs: str | os.PathLike[str] | pl.DataFrame | None = None,
    protection: publishing.Protection | None = None,
    case: Case | str | os.PathLike[str] | None = None,
) -> SVG | None:
    """Export one more figure (``publishing.export_figure``) and return its SVG, to show.

    ``case`` and « Données fictives » as for :func:`publish`.

    When this file cannot give it (no health mention, no date...) or disclosure control refuses
    it, print one French sentence saying why and return None: nothing was written.
    """
    try:
        publishing.export_figure(leak, name, out_dir, labs=labs, protection=protection,
                                 case=resolve_case(case),
                                 synthetic=is_fictional(leak))  # fmt: skip
    except ToolkitError as exc:
        print(text("notebook.not_exported", reason=str(exc)))
        return None
    return SVG(filename=str(Path(out_dir) / f"{name}.svg"))


# --- comparing copies (notebook 05) -------------------------------------------------------------

COPIES_ENV = "TOOLKIT_COPIES"
#: Rows of another synthetic leak added to the demonstration's enriched copy.
_ADDED_ROWS = 2_000


def demo_copies(leak: str | os.PathLike[str]) -> list[Path]:
    """``leak`` and two copies derived from it the way copies of a leak come to differ.

    B is an extract (one row in ten removed); C is the whole file shuffled, re-encoded in UTF-8
    with ``,`` between fields, with 2,000 rows of another synthetic leak added (when its columns
    are those of ``leak``). They hold the leak's records: they are written private (0600) in a
    folder of their own under ``data/interim/``, deleted when the kernel stops (or by
    ``python -m toolkit purge``). A key of their own is written beside them
    (:func:`copies_key_file`): their publication is a demonstration, which must not enter the
    release ledger of the project's key, where it would be linked with the leak's own bundle.
    """
    raw = ingest.read_leak(leak, progress=False)
    with raw:
        frame = raw.frame.collect()
    folder = scratch.track(tempfile.mkdtemp(prefix="copies-",
                                            dir=scratch.private_folder(paths.INTERIM)))  # fmt: skip
    extract = scratch.reserve_private(folder / "copie_B_extrait.csv")
    frame.with_row_index("_i").filter(pl.col("_i") % 10 != 9).drop("_i").write_csv(
        extract, separator=";"
    )
    other = folder / "autre.csv"
    synth.write_synthetic_leak(other, rows=_ADDED_ROWS, seed=2_021, progress=False)
    added = ingest.read_leak(other, progress=False)
    with added:
        extra = added.frame.collect()
    shuffled = frame.sample(fraction=1.0, shuffle=True, seed=5)
    if set(frame.columns) <= set(extra.columns):
        shuffled = pl.concat([shuffled, extra.select(frame.columns)])
    enriched = scratch.reserve_private(folder / "copie_C_enrichie.csv")
    shuffled.write_csv(enriched, separator=",")
    keys.create_key_file(folder / DEMO_KEY_NAME, announce=False)
    return [Path(leak), extract, enriched]


#: The key written beside the demonstration copies (:func:`demo_copies`).
DEMO_KEY_NAME = "cle_demonstration.key"


def copies_key_file(copies: list[Path]) -> Path | None:
    """The key file to compare and publish ``copies`` with: the demonstration copies' own key
    when they are those of :func:`demo_copies`, else None (the project's key)."""
    demo = [Path(c).parent / DEMO_KEY_NAME for c in copies[1:]]
    return demo[0] if demo and all(k == demo[0] and k.exists() for k in demo) else None


def resolve_copies(
    leak: str | os.PathLike[str], copies: list[str | os.PathLike[str]] | None = None
) -> list[Path]:
    """The copies notebook 05 compares: ``copies``, else ``$TOOLKIT_COPIES`` (paths separated by
    ``os.pathsep``), else ``leak`` and two copies derived from it (:func:`demo_copies`)."""
    chosen = copies if copies is not None else [
        c for c in os.environ.get(COPIES_ENV, "").split(os.pathsep) if c
    ] or None  # fmt: skip
    if chosen is None:
        return demo_copies(leak)
    return [_existing(c, "copy not found (check the COPIES cell or TOOLKIT_COPIES)")
            for c in chosen]  # fmt: skip


def compare(copies: list[Path], key: bytes | None = None,
            key_file: str | os.PathLike[str] | None = None) -> Comparison | None:
    """Compare the copies (``toolkit.app.compare.compare_files``) with ``key``, else the key of
    ``key_file``, else the project's; a French sentence if they cannot be compared."""
    try:
        return compare_files(list(copies), key or keys.load_key(key_file), progress=True)
    except ToolkitError as exc:
        print(text("notebook.not_compared", reason=str(exc)))
        return None


def copies_table(comparison: Comparison | None) -> GT | None:
    """Each copy as read, as a French table (:func:`toolkit.app.tables.copies_summary`)."""
    return None if comparison is None else tables.copies_summary(comparison)


def pairs_table(comparison: Comparison | None) -> GT | None:
    """Each pair of copies, as a French table (:func:`toolkit.app.tables.pairs_summary`)."""
    return None if comparison is None else tables.pairs_summary(comparison)


def verdict(comparison: Comparison | None) -> Markdown | None:
    """The comparison's verdict in French, every pair's then all copies', to show."""
    if comparison is None:
        return None
    lines = [
        "- " + text("compare.report.pair_verdict",
                    pair=f"**{text('compare.report.pair', a=p.a, b=p.b)}**", verdict=p.verdict_fr)
        for p in comparison.pairs
    ]  # fmt: skip
    return Markdown("\n".join([*lines, "", comparison.verdict_fr]))


def publish_comparison(
    copies: list[Path],
    out: str | os.PathLike[str],
    *,
    protection: publishing.Protection | None = None,
    key_file: str | os.PathLike[str] | None = None,
) -> SVG | None:
    """Publish the comparison's charts and tables (``publishing.publish_comparison``, under the
    key of ``key_file``, else the project's) and return its overlap chart; when disclosure
    control refuses it, one French sentence and None."""
    try:
        publishing.publish_comparison(list(copies), out, protection=protection,
                                      key_file=key_file)
    except ToolkitError as exc:
        print(text("notebook.not_published", reason=str(exc)))
        return None
    return SVG(filename=str(Path(out) / "comparaison_recouvrement.svg"))


def published_chart(out: str | os.PathLike[str], name: str) -> SVG | None:
    """A chart of a published folder (its SVG), or a French sentence when it was not made."""
    path = Path(out) / f"{name}.svg"
    if not path.exists():
        print(text("notebook.no_chart", reason=name))
        return None
    return SVG(filename=str(path))


__all__ = [
    "COPIES_ENV",
    "LABS_ENV",
    "LEAK_ENV",
    "RENDERER",
    "chart",
    "compare",
    "conclusion",
    "copies_key_file",
    "copies_table",
    "demo_copies",
    "enable_offline_rendering",
    "export_extra",
    "fabrication_verdict",
    "isolate_scripts",
    "lab_locations",
    "lab_points",
    "methodology",
    "pairs_table",
    "publish",
    "publish_comparison",
    "published_chart",
    "resolve_copies",
    "resolve_labs",
    "resolve_leak",
    "safe_table",
    "verdict",
]
