"""Publishing a comparison of copies of a leak: who is in which copy, and where they differ.

The comparison of copies (``toolkit.safe.compare``) counts persons by *pattern*: the exact set
of copies a person appears in (« A et B », « B seulement »). Its published tables are:

* the overlap, persons by pattern (every person of the union of the copies in exactly one
  pattern: a partition, published with its total);
* the persons of each copy (the sum of the patterns holding it: the joint attacker is told);
* persons by pattern and month of sample, and by pattern and lab (a person counts in every
  month and every lab of their records: covers; records without a month or a lab are a cell of
  their own, so that the cells of a pattern cover all its persons).

The three tables describe the same people, so they are protected as one release
(``toolkit.publication.release.protect_jointly``): every cell of 1 to k - 1 persons is hidden,
then more cells until the joint attacker narrows no hidden cell; a table that cannot be
protected by hiding cells is left out, and the manifest says so. Every pattern of the months
and labs tables is published (not only « seulement ») because the tables are then complete: the
attacker is given every rule a reader could use, and a cell it cannot narrow is safe.

The charts show the overlap and, by month and by lab, the persons found in one copy only.
Files are written through the tripwire by the caller (``toolkit.app.compare``).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from toolkit import __version__
from toolkit.publication import charts, disclosure
from toolkit.publication.bundle import chart_files
from toolkit.publication.french_csv import HEADERS, csv_bytes, csv_table
from toolkit.publication.protection import chart_table, protect_table, published_summary
from toolkit.publication.release import (
    Draft,
    Meaning,
    PublishedTable,
    protect_jointly,
    published_table,
)
from toolkit.shared.errors import DisclosureError, InputError
from toolkit.shared.text import text

COUNT = "persons"
OVERLAP = "comparaison_recouvrement"
PER_COPY = "comparaison_par_copie"
BY_MONTH = "comparaison_par_mois"
BY_LAB = "comparaison_par_laboratoire"

#: name -> (key columns, what each key counts for the joint attacker).
TABLES: dict[str, tuple[tuple[str, ...], tuple[tuple[str, Any], ...]]] = {
    OVERLAP: (("copies",), (("copies", "partition"),)),
    PER_COPY: (("copy",), (("copy", "flag"),)),
    BY_MONTH: (("copies", "month"), (("copies", "partition"), ("month", "cover"))),
    BY_LAB: (("copies", "lab"), (("copies", "partition"), ("lab", "cover"))),
}


@dataclass
class ComparisonRelease:
    """A comparison's publication in memory: file name -> bytes, and the tables it publishes."""

    files: dict[str, bytes]
    manifest: dict[str, Any]
    tables: list[PublishedTable] = field(default_factory=list)
    #: Tables left out: {"table": name, "reason": why}.
    left_out: list[dict[str, str]] = field(default_factory=list)


def pattern_label(copies: str, labels: Sequence[str], lang: str = "fr") -> str:
    """« A et B », « B seulement », « A, B et C » for a pattern written "A+B"."""
    members = copies.split("+")
    if len(members) == 1:
        if len(labels) < 2:
            return members[0]
        return text("compare.chart.only", lang, copy=members[0])  # type: ignore[arg-type]
    last = text("compare.chart.and", lang)  # type: ignore[arg-type]
    return f"{', '.join(members[:-1])} {last} {members[-1]}"


def _aggregates(
    overlap: pl.DataFrame, by_pattern: pl.DataFrame, per_copy: pl.DataFrame | None = None
) -> dict[str, pl.DataFrame]:
    """The tables to protect, checked: counts of persons, every pattern present."""
    needs = {"overlap": (overlap, ("copies", COUNT)),
             "by_pattern": (by_pattern, ("copies", "dimension", "value", COUNT))}  # fmt: skip
    for name, (frame, needed) in needs.items():
        missing = [c for c in needed if c not in frame.columns]
        if missing:
            raise InputError(f"the comparison's {name} table lacks {', '.join(missing)}")
    # A pattern of records that holds no person (the records differ, the persons do not) is no
    # cell of the partition of persons.
    made = {OVERLAP: overlap.filter(pl.col(COUNT) > 0)
            .select("copies", pl.col(COUNT).cast(pl.Int64)).sort("copies")}  # fmt: skip
    if per_copy is not None:
        made[PER_COPY] = per_copy.select("copy", pl.col(COUNT).cast(pl.Int64)).sort("copy")
    for name, dimension in ((BY_MONTH, "month"), (BY_LAB, "lab")):
        made[name] = (
            by_pattern.filter(pl.col("dimension") == dimension)
            .select("copies", pl.col("value").cast(pl.String).alias(dimension),
                    pl.col(COUNT).cast(pl.Int64))
            .sort("copies", dimension, nulls_last=True)
        )  # fmt: skip
    return made


def protect_comparison(
    overlap: pl.DataFrame,
    by_pattern: pl.DataFrame,
    *,
    k: int = disclosure.DEFAULT_K,
    allow_small_k: bool = False,
    earlier: Sequence[PublishedTable] = (),
    per_copy: pl.DataFrame | None = None,
    withheld: Collection[str] = (),
) -> tuple[dict[str, Draft], list[dict[str, str]]]:
    """The comparison's tables protected together (and with ``earlier``); those left out.

    ``per_copy`` (``copy``, ``persons``): the persons of each copy, published beside the overlap.
    It is what anyone can publish with a bundle of each copy, so the attacker is given it as
    known (its cells are never hidden to protect the others). A table counting persons by one
    of the ``withheld`` dimensions is left out (``Ledger.withheld_dimensions``).
    """
    disclosure.check_threshold(k, allow_small_k=allow_small_k)
    made = _aggregates(overlap, by_pattern, per_copy)
    drafts: list[Draft] = []
    names: list[str] = []
    left_out: list[dict[str, str]] = []
    known: list[Draft] = []
    for name, table in made.items():
        keys, dims = TABLES[name]
        if any(d in withheld for d, _ in dims):
            left_out.append({"table": name, "reason": text("bundle.left_out.linked", "en")})
            continue
        if not table.height or not table[COUNT].sum():
            left_out.append({"table": name, "reason": text("bundle.left_out.no_data", "en")})
            continue
        protected = protect_table(table, keys, k=k, totals="total" if name == OVERLAP else "none")
        draft = Draft(published_table(name, Meaning(dims), protected, keys, k=k), protected, keys)
        if name == PER_COPY:
            if any(c.hidden for c in draft.table.cells):
                raise DisclosureError("export refused, nothing written: a copy holds fewer "
                                      f"than k = {k} persons")  # fmt: skip
            known.append(draft)
            continue
        drafts.append(draft)
        names.append(name)
    if OVERLAP not in names:
        raise DisclosureError("nothing to publish: the copies describe no person")
    jointly = protect_jointly(drafts, [*earlier, *(d.table for d in known)], None)
    protected = {d.table.name: d for d in known}
    for name, draft in zip(names, jointly, strict=True):
        if draft is None:
            left_out.append({"table": name, "reason": text("bundle.left_out.joint", "en")})
        else:
            protected[name] = draft
    kept = {name: protected[name] for name in made if name in protected}
    if OVERLAP not in kept:
        raise DisclosureError(
            "export refused, nothing written: some of these copies differ by 1 to k - 1 "
            "persons, which the number of persons of each copy (published, or publishable by a "
            "bundle of each) would give away; nothing about them can be published"
        )
    return kept, left_out


def comparison_release(
    overlap: pl.DataFrame,
    by_pattern: pl.DataFrame,
    copies: Sequence[Mapping[str, Any]],
    *,
    k: int = disclosure.DEFAULT_K,
    allow_small_k: bool = False,
    lang: str = "fr",
    earlier: Sequence[PublishedTable] = (),
    withheld: Collection[str] = (),
) -> ComparisonRelease:
    """The comparison's charts, French CSV tables and manifest, protected, in memory.

    ``copies`` describe the files compared, one mapping each with at least ``label`` and
    ``sha256`` (and, when known, ``size``, ``rows_read``, ``rows_quarantined`` and ``persons``,
    published as the persons of each copy): the manifest names the copies by their sha256 and
    label, never by a value read from them. ``earlier`` are the tables of earlier releases of the
    same comparison (the ledger's), protected with these; ``withheld``: dimensions its tables
    may not count persons by (see :func:`protect_comparison`).
    """
    labels = [str(c["label"]) for c in copies]
    per_copy = None
    if all("persons" in c for c in copies):
        per_copy = pl.DataFrame({"copy": labels, COUNT: [int(c["persons"]) for c in copies]})
    kept, left_out = protect_comparison(overlap, by_pattern, k=k, allow_small_k=allow_small_k,
                                        earlier=earlier, per_copy=per_copy,
                                        withheld=withheld)  # fmt: skip
    patterns = overlap["copies"].to_list()
    words = {c: pattern_label(c, labels, lang) for c in patterns}  # the charts' language
    words_fr = {c: pattern_label(c, labels, "fr") for c in patterns}  # the CSV's
    files: dict[str, bytes] = {}
    summaries: list[dict[str, Any]] = []
    for name, draft in kept.items():
        table = chart_table(draft.protected)
        if "copies" in table.columns:
            table = table.with_columns(pattern=pl.col("copies").replace(words))
        if name == PER_COPY:
            chart = None
        elif name == OVERLAP:
            chart = charts.overlap_chart(table, lang=lang, k=k)  # type: ignore[arg-type]
        else:
            dimension = TABLES[name][0][1]
            only = table.filter(~pl.col("copies").str.contains("+", literal=True))
            if len(labels) < 2 or not only.height:
                chart = None
            else:
                chart = charts.differences_chart(only, dimension, lang=lang, k=k)  # type: ignore[arg-type]
        if chart is not None:
            files.update(chart_files(chart, name))
        csv = csv_table(draft.protected)
        if "copies" in draft.protected.table.columns:
            csv = csv.with_columns(pl.col(HEADERS["copies"]).replace(words_fr))
        files[f"{name}.csv"] = csv_bytes(csv)
        summaries.append({"name": name, "files": sorted(f for f in files if f.startswith(name)),
                          **published_summary(draft.protected.summary)})  # fmt: skip
    manifest = {
        "toolkit": {"name": "leak-toolkit", "version": __version__},
        "kind": "comparison",
        "copies": [
            {key: c[key] for key in ("label", "sha256", "size", "rows_read", "rows_quarantined")
             if key in c}
            for c in copies
        ],  # fmt: skip
        "parameters": {"k": k, "lang": lang},
        "tables": summaries,
        "left_out": left_out,
    }
    files["manifest.json"] = (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True)
                              + "\n").encode("utf-8")  # fmt: skip
    return ComparisonRelease(files, manifest, [d.table for d in kept.values()], left_out)
