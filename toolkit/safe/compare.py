"""Comparing copies of a leak from their fingerprints: same file, extract, enrichment, edits.

A leak circulates in several copies (the 2021 file in seven places), re-exported, re-encoded,
cut or enriched on the way. :func:`compare` takes, per copy, what was measured when it was read
(sha256, size, rows, encoding, columns) and its fingerprint frame
(``toolkit.boundary.fingerprints``: keyed fingerprints and the safe table's coarse columns, no
value), and says which copies hold the same records, which is an extract of which, which adds
persons and from where, and which values changed.

Definitions (docs/CONTRACTS.md):

* a *record* is a distinct ``record`` fingerprint (the record's normalised values, by column
  key); ``duplicates`` are rows whose fingerprint repeats within a copy;
* two copies hold the *same records* when they hold the same multiset of fingerprints;
* ``changed_records``: distinct (person, sample date) fingerprints found both among the records
  only in A and among the records only in B (the same sample, written differently);
* ``changed_values[key]``: records only in A that B holds with that key's value alone changed
  (the same fingerprints for every other key): an altered NIR, a corrected birth date;
* ``overlap``: one row per set of copies ("A+C") holding records (persons) in exactly those
  copies;
* ``differences``: records and persons found in one copy only, by lab, month, département and
  data category. These counts are *not* protected (they go down to 1): publish them only
  through disclosure control; the command line never prints them.

Whole-copy and pair counts are large and say nothing about a person: they are what the verdicts
and the command line report.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import reduce
from pathlib import Path
from string import ascii_uppercase

import polars as pl

from toolkit.shared import formatting, scratch
from toolkit.shared.errors import BoundaryError, InputError
from toolkit.shared.folding import fold_text
from toolkit.shared.text import enumeration, plural, text
from toolkit.shared.vocabulary import CATEGORIES, CATEGORY_LABELS, Lang

#: The fixed columns of a fingerprint frame and their dtypes; plus ``v_<key>`` (UInt64) and
#: ``exposed_<category>`` (Boolean).
FINGERPRINT_COLUMNS: dict[str, pl.DataType] = {
    "record": pl.UInt128(),
    "person_id": pl.UInt128(),
    "sample": pl.UInt64(),
    "lab": pl.String(),
    "sample_month": pl.Date(),
    "departement": pl.String(),
}
DIMENSIONS: tuple[str, ...] = ("lab", "month", "departement", "category")


@dataclass(frozen=True)
class Copy:
    """One copy to compare: what was measured when it was read, and its fingerprint frame."""

    name: str
    sha256: str
    size: int
    rows_read: int
    rows_quarantined: int
    encoding: str
    delimiter: str
    columns: dict[str, str]
    fingerprints: pl.DataFrame | pl.LazyFrame = field(repr=False)


@dataclass(frozen=True)
class CopySummary:
    """One copy as read: file facts and whole-copy counts (never a value from the file)."""

    label: str
    name: str
    sha256: str
    size: int
    rows_read: int
    rows_quarantined: int
    encoding: str
    delimiter: str
    columns: dict[str, str]
    records: int
    duplicates: int
    persons: int


@dataclass(frozen=True)
class PairComparison:
    """Two copies compared: columns, records, persons, changed records and values, verdicts."""

    a: str
    b: str
    byte_identical: bool
    same_records: bool
    columns_only_in_a: list[str]
    columns_only_in_b: list[str]
    columns_recategorised: list[tuple[str, str, str]]
    records_only_a: int
    records_only_b: int
    records_both: int
    persons_only_a: int
    persons_only_b: int
    persons_both: int
    changed_records: int
    changed_values: dict[str, int]
    verdict_fr: str
    verdict_en: str


@dataclass(frozen=True)
class Comparison:
    """N copies compared: each copy, each pair, the overlap table, the differences, verdicts."""

    copies: list[CopySummary]
    pairs: list[PairComparison]
    overlap: pl.DataFrame
    differences: pl.DataFrame
    verdict_fr: str
    verdict_en: str
    #: UNPROTECTED persons by pattern (the exact set of copies a person is in, "A+B") and month
    #: of sample or lab: ``copies``, ``dimension`` ("month" | "lab"), ``value`` ("YYYY-MM" or
    #: the lab; null when unknown), ``persons``. A person counts once in every month (lab) of
    #: their records in any copy. What ``toolkit.publication.comparison`` publishes, protected.
    by_pattern: pl.DataFrame = field(default_factory=pl.DataFrame)


def check_fingerprints(frame: pl.DataFrame | pl.LazyFrame) -> None:
    """Refuse anything but a fingerprint frame: a raw column must never reach this module."""
    for name, dtype in frame.collect_schema().items():
        expected = FINGERPRINT_COLUMNS.get(name)
        if expected is None and name.startswith("v_"):
            expected = pl.UInt64()
        elif expected is None and name.startswith("exposed_") and name[8:] in CATEGORIES:
            expected = pl.Boolean()
        if expected is None:
            raise BoundaryError(f"not a fingerprint frame: unexpected column {name!r}")
        if dtype != expected:
            raise BoundaryError(f"not a fingerprint frame: {name!r} is {dtype}, not {expected}")
    missing = set(FINGERPRINT_COLUMNS) - set(frame.collect_schema().names())
    if missing:
        raise BoundaryError(f"not a fingerprint frame: missing {', '.join(sorted(missing))}")


def labels_for(n: int) -> list[str]:
    """The labels "A", "B", "C"… for ``n`` copies (then "AA", "AB"…)."""
    letters = list(ascii_uppercase)
    return [letters[i] if i < 26 else letters[i // 26 - 1] + letters[i % 26] for i in range(n)]


# --- membership -----------------------------------------------------------------------------


#: Distinct values a query of the comparison holds at most, roughly: beyond, the keys (records,
#: persons, samples) are split into parts by their value, and each part is compared alone.
PART_ROWS = 4_000_000


class _Plan:
    """How the comparison runs: the number of parts its keys are split into, and where it
    keeps its intermediate tables (in memory, or as private Parquet files in ``folder``)."""

    def __init__(self, folder: str | Path | None, rows: int) -> None:
        self.folder = None if folder is None else Path(folder)
        self.parts = max(1, -(-rows // PART_ROWS))
        self.made = 0

    def keep(self, lazy: pl.LazyFrame) -> pl.LazyFrame:
        """``lazy`` computed now, and kept where the plan keeps its tables."""
        if self.folder is None:
            return lazy.collect().lazy()
        self.made += 1
        return pl.scan_parquet(scratch.sink_private(lazy, self.folder / f"{self.made}.parquet"))

    def split(self, key: pl.Expr, rows: int | None = None) -> list[pl.Expr]:
        """One filter per part: the rows whose ``key`` (a keyed fingerprint, evenly spread
        values) falls in it. Each value is in exactly one part: counts add up over parts.
        ``rows``: the rows of the tables to split, when fewer than the copies' (fewer parts)."""
        parts = self.parts if rows is None else min(self.parts, max(1, -(-rows // PART_ROWS)))
        if parts == 1:
            return [pl.lit(True)]
        return [key % parts == p for p in range(parts)]


def _collect(*queries: pl.LazyFrame) -> list[pl.DataFrame]:
    return pl.collect_all(list(queries), engine="streaming")


def _total(queries: list[pl.LazyFrame]) -> int:
    """The sum of one-number queries, run one at a time (each holds its own hash table)."""
    return sum(_collect(q)[0].item() for q in queries)


def _membership(frames: list[pl.LazyFrame], column: str, plan: _Plan) -> list[pl.LazyFrame]:
    """Each distinct value of ``column`` with the bit mask of the copies that hold it, by part."""
    bits = pl.concat([f.select(column, _bit=pl.lit(1 << i, pl.UInt64))
                      for i, f in enumerate(frames)])  # fmt: skip
    return [plan.keep(bits.filter(part).group_by(column).agg(mask=pl.col("_bit").bitwise_or()))
            for part in plan.split(pl.col(column))]  # fmt: skip


def _pattern(mask: int, labels: list[str]) -> str:
    return "+".join(label for i, label in enumerate(labels) if mask >> i & 1)


def _by_mask(members: list[pl.LazyFrame]) -> dict[int, int]:
    counts = pl.concat(_collect(*(m.group_by("mask").len() for m in members)))
    counts = counts.group_by("mask").agg(pl.col("len").sum())
    return dict(zip(counts["mask"].to_list(), counts["len"].to_list(), strict=True))


def _split(by_mask: dict[int, int], i: int, j: int) -> tuple[int, int, int]:
    """(only in i, only in j, in both) of distinct values, from their membership masks."""
    only_i = sum(n for m, n in by_mask.items() if m >> i & 1 and not m >> j & 1)
    only_j = sum(n for m, n in by_mask.items() if m >> j & 1 and not m >> i & 1)
    both = sum(n for m, n in by_mask.items() if m >> i & 1 and m >> j & 1)
    return only_i, only_j, both


def _overlap(records: dict[int, int], persons: dict[int, int], labels: list[str]) -> pl.DataFrame:
    masks = sorted(set(records) | set(persons), key=lambda m: (-m.bit_count(), m))
    return pl.DataFrame(
        {
            "copies": [_pattern(m, labels) for m in masks],
            "records": [records.get(m, 0) for m in masks],
            "persons": [persons.get(m, 0) for m in masks],
        },
        schema={"copies": pl.String, "records": pl.Int64, "persons": pl.Int64},
    )


# --- one pair -------------------------------------------------------------------------------


def _folded(headers: Sequence[str]) -> dict[str, str]:
    folded = pl.select(fold_text(pl.Series(list(headers), dtype=pl.String))).to_series()
    return dict(zip(folded.to_list(), headers, strict=True))


def _column_changes(
    a: dict[str, str], b: dict[str, str]
) -> tuple[list[str], list[str], list[tuple[str, str, str]]]:
    """Headers only in a, only in b (compared folded), and headers whose category changed."""
    folded_a, folded_b = _folded(list(a)), _folded(list(b))
    only_a = [folded_a[f] for f in folded_a if f not in folded_b]
    only_b = [folded_b[f] for f in folded_b if f not in folded_a]
    recategorised = [(folded_a[f], a[folded_a[f]], b[folded_b[f]]) for f in folded_a
                     if f in folded_b and a[folded_a[f]] != b[folded_b[f]]]  # fmt: skip
    return only_a, only_b, recategorised


def _same_multiset(a: pl.LazyFrame, b: pl.LazyFrame, plan: _Plan) -> bool:
    """Whether two copies holding the same records repeat them as often: their repeated
    records compared (a record held once by both needs no comparing), part by part."""
    for part in plan.split(pl.col("record")):
        repeated = [f.filter(part).group_by("record").len().filter(pl.col("len") > 1)
                    for f in (a, b)]  # fmt: skip
        counts_a, counts_b = _collect(*repeated)
        differing = counts_a.join(counts_b, on="record", how="full", coalesce=True)
        if not differing.filter(pl.col("len").ne_missing(pl.col("len_right"))).is_empty():
            return False
    return True


def _weight(key: str) -> int:
    """An odd 64-bit multiplier per column key (odd: multiplying by it loses nothing)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little") | 1


def _only(a: pl.LazyFrame, b: pl.LazyFrame, columns: list, plan: _Plan) -> pl.LazyFrame:
    """The rows of ``a`` whose record ``b`` lacks (``columns`` of them), kept part by part."""
    parts = [plan.keep(a.filter(part).join(b.filter(part).select("record"), on="record",
                                           how="anti").select(columns))
             for part in plan.split(pl.col("record"))]  # fmt: skip
    return pl.concat(parts)


def _changed(
    a: pl.LazyFrame, b: pl.LazyFrame, keys: list[str], plan: _Plan
) -> tuple[int, dict[str, int]]:
    """Changed records (same sample) and, per key, records that differ by that value alone.

    A record's values but one are compared through a weighted sum of its value fingerprints
    (wrapping 64-bit arithmetic) minus that one's term: one subtraction per key, instead of
    hashing every other column again for each key. Rows are kept, not distinct records: a wide
    row is cheap to stream and costly to hash whole (a repeated record is counted once, by its
    fingerprint).
    """
    weights = {k: pl.lit(_weight(k), pl.UInt64) for k in keys}
    total = pl.sum_horizontal(pl.col(f"v_{k}") * weights[k] for k in keys).alias("_total")
    wanted = ["record", "sample", *(f"v_{k}" for k in keys), total]
    only_a, only_b = _only(a, b, wanted, plan), _only(b, a, wanted, plan)
    sizes = [f.item() for f in _collect(only_a.select(pl.len()), only_b.select(pl.len()))]
    if 0 in sizes:
        return 0, dict.fromkeys(keys, 0)
    samples = _total([
        only_a.filter(part).select("sample").unique()
        .join(only_b.filter(part).select("sample").unique(), on="sample").select(pl.len())
        for part in plan.split(pl.col("sample"), sum(sizes))
    ])  # fmt: skip
    changed = {}
    for key in keys:
        rest = pl.col("_total") - pl.col(f"v_{key}") * weights[key]
        a_rest, b_rest = (f.select("record", _rest=rest) for f in (only_a, only_b))
        changed[key] = _total([
            a_rest.filter(part).join(b_rest.filter(part).select("_rest").unique(), on="_rest",
                                     how="semi").select(pl.col("record").n_unique())
            for part in plan.split(pl.col("_rest"), sum(sizes))
        ])  # fmt: skip
    return samples, changed


def _labs_of(frame: pl.LazyFrame, other: pl.LazyFrame, plan: _Plan) -> int:
    """Distinct labs (known) among the records of ``frame`` that ``other`` lacks."""
    labs = _collect(*(
        frame.filter(part).join(other.filter(part).select("record"), on="record", how="anti")
        .select(pl.col("lab").drop_nulls().unique())
        for part in plan.split(pl.col("record"))
    ))  # fmt: skip
    return pl.concat(labs)["lab"].n_unique()


# --- verdicts -------------------------------------------------------------------------------


def _value_label(key: str, lang: Lang) -> str:
    if key.startswith("other:"):
        return text("compare.other_column", lang, header=key[6:])
    label = CATEGORY_LABELS[lang][key]
    return label[:1].lower() + label[1:]


def _records(n: int, lang: Lang) -> str:
    return plural("compare.records", n, lang, n=formatting.number(n, lang))


def _persons(n: int, lang: Lang) -> str:
    return plural("compare.persons", n, lang, n=formatting.number(n, lang))


def _pair_verdict(pair: dict, copies: dict[str, CopySummary], added_labs: int, lang: Lang) -> str:
    names = {"a": pair["a"], "b": pair["b"]}
    if pair["byte_identical"]:
        return text("compare.pair.identical", lang, **names)
    only_a, only_b, both = pair["records_only_a"], pair["records_only_b"], pair["records_both"]
    if pair["same_records"]:
        sentence = text("compare.pair.same_records", lang, **names)
    elif only_a == 0 and only_b == 0:
        sentence = text("compare.pair.same_set", lang, **names)
    elif both == 0:
        sentence = text("compare.pair.disjoint", lang, **names)
    elif only_b == 0:
        share = both / copies[pair["a"]].records
        sentence = text(
            "compare.pair.extract", lang, **names,
            share=formatting.percent_text(share, lang, digits=1, bounded=True),
            records=_records(only_a, lang), persons=_persons(pair["persons_only_a"], lang),
        )  # fmt: skip
    elif only_a == 0:
        labs = plural("compare.labs", added_labs, lang, n=formatting.number(added_labs, lang))
        sentence = text(
            "compare.pair.adds", lang, **names, labs=labs,
            persons=_persons(pair["persons_only_b"], lang), records=_records(only_b, lang),
        )  # fmt: skip
    else:
        sentence = text(
            "compare.pair.overlap", lang, **names, both=_records(both, lang),
            only_a=formatting.number(only_a, lang), only_b=formatting.number(only_b, lang),
        )  # fmt: skip
    columns_a, columns_b = pair["columns_only_in_a"], pair["columns_only_in_b"]
    if columns_a or columns_b:
        sentence += " " + text("compare.pair.columns_differ", lang, **names,
                               only_a=len(columns_a), only_b=len(columns_b))  # fmt: skip
    if pair["changed_records"]:
        changed_records = _records(pair["changed_records"], lang)
        sentence += " " + text("compare.pair.changed_records", lang, records=changed_records)
    changed = {k: n for k, n in pair["changed_values"].items() if n}
    if changed:
        items = [
            text("compare.value_count", lang, value=_value_label(k, lang),
                 n=formatting.number(n, lang))
            for k, n in changed.items()
        ]  # fmt: skip
        values = enumeration(items, lang)
        sentence += " " + text("compare.pair.changed_values", lang, values=values)
    return sentence


def _overall_verdict(
    copies: list[CopySummary], pairs: list[PairComparison], overlap: pl.DataFrame, lang: Lang
) -> str:
    n = len(copies)
    if all(p.byte_identical for p in pairs):
        return text("compare.all.identical", lang, n=n)
    if all(p.same_records for p in pairs):
        sentence = text("compare.all.same_records", lang, n=n)
    else:
        records, persons = int(overlap["records"].sum()), int(overlap["persons"].sum())
        everywhere = "+".join(c.label for c in copies)
        common = int(overlap.filter(pl.col("copies") == everywhere)["records"].sum())
        share = formatting.percent_text(common / records if records else 0.0, lang, digits=1,
                                        bounded=True)  # fmt: skip
        sentence = text("compare.all.summary", lang, n=n, records=_records(records, lang),
                        persons=_persons(persons, lang), common=_records(common, lang),
                        share=share)  # fmt: skip
        complete = [c.label for c in copies if c.records == records]
        if complete:
            sentence += " " + plural(
                "compare.all.complete", len(complete), lang, copies=enumeration(complete, lang)
            )
    if any(p.columns_only_in_a or p.columns_only_in_b for p in pairs):
        sentence += " " + text("compare.all.columns_differ", lang)
    return sentence


# --- differences ----------------------------------------------------------------------------


def _differences(
    frames: list[pl.LazyFrame],
    records: list[pl.LazyFrame],
    persons: list[pl.LazyFrame],
    labels: list[str],
    plan: _Plan,
) -> pl.DataFrame:
    """Records and persons of each copy found in no other, by lab, month, département, category.

    A record's lab, month and département come from its own values (they are part of it), so
    its distinct records are counted once each; a person counts in every value of their rows.
    Counted part by part (records by record, persons by person): the counts add up.
    """
    parts: list[pl.LazyFrame] = []
    for i, (frame, label) in enumerate(zip(frames, labels, strict=True)):
        flags = [c for c in frame.collect_schema().names() if c.startswith("exposed_")]
        rows = frame.select("record", "person_id", "lab", "departement", *flags,
                            month=pl.col("sample_month").dt.strftime("%Y-%m"))  # fmt: skip
        mine = pl.col("mask") == 1 << i
        by_record = [
            plan.keep(rows.filter(part).join(members.filter(mine).select("record"),
                                             on="record", how="semi").unique("record"))
            for part, members in zip(plan.split(pl.col("record")), records, strict=True)
        ]  # fmt: skip
        by_person = [
            plan.keep(rows.filter(part).drop("record").join(
                members.filter(mine).select("person_id"), on="person_id", how="semi"))
            for part, members in zip(plan.split(pl.col("person_id")), persons, strict=True)
        ]  # fmt: skip
        named = {"only_in": pl.lit(label)}
        for dimension in ("lab", "month", "departement"):
            value = pl.col(dimension).alias("value")
            for kept in by_record:
                parts.append(kept.group_by(value).agg(n=pl.len())
                             .with_columns(**named, dimension=pl.lit(dimension),
                                           what=pl.lit("records")))  # fmt: skip
            for kept in by_person:
                parts.append(kept.select(value, "person_id").unique().group_by("value")
                             .agg(n=pl.len()).with_columns(**named, dimension=pl.lit(dimension),
                                                           what=pl.lit("persons")))  # fmt: skip
        if not flags:
            continue
        sources = [(kept, "records") for kept in by_record] + [
            (kept.group_by("person_id").agg(pl.col(flags).any()), "persons") for kept in by_person
        ]  # fmt: skip
        for source, what in sources:
            parts.append(
                source.select(pl.col(flags).sum()).unpivot(variable_name="value", value_name="n")
                .with_columns(value=pl.col("value").str.slice(8), what=pl.lit(what), **named,
                              dimension=pl.lit("category"))
            )  # fmt: skip
    columns = ["only_in", "dimension", "value", "records", "persons"]
    if not parts:
        return pl.DataFrame(schema=dict.fromkeys(columns, pl.String))
    long = pl.concat(
        [p.select("only_in", "dimension", pl.col("value").cast(pl.String), "what",
                  pl.col("n").cast(pl.Int64)) for p in _collect(*parts)]
    ).group_by("only_in", "dimension", "value", "what").agg(pl.col("n").sum())  # fmt: skip
    table = long.pivot("what", index=["only_in", "dimension", "value"], values="n")
    for what in ("records", "persons"):
        if what not in table.columns:
            table = table.with_columns(pl.lit(0, pl.Int64).alias(what))
    return (
        table.select(columns)
        .with_columns(pl.col("records", "persons").fill_null(0))
        .filter((pl.col("records") > 0) | (pl.col("persons") > 0))
        .sort("only_in", "dimension", "value", nulls_last=True)
    )


def _by_pattern(
    frames: list[pl.LazyFrame], persons: list[pl.LazyFrame], labels: list[str], plan: _Plan
) -> pl.DataFrame:
    """Persons by pattern of copies and month, and by pattern and lab (see ``by_pattern``)."""
    rows = pl.concat([f.select("person_id", month=pl.col("sample_month").dt.strftime("%Y-%m"),
                               lab=pl.col("lab").cast(pl.String)) for f in frames])  # fmt: skip
    counted = _collect(*(
        rows.filter(part).select("person_id", pl.col(dimension).alias("value")).unique()
        .join(members, on="person_id").group_by("mask", "value").agg(persons=pl.len())
        .with_columns(dimension=pl.lit(dimension))
        for dimension in ("month", "lab")
        for part, members in zip(plan.split(pl.col("person_id")), persons, strict=True)
    ))  # fmt: skip
    table = pl.concat(counted).group_by("mask", "dimension", "value").agg(pl.col("persons").sum())
    words = {m: _pattern(m, labels) for m in table["mask"].unique().to_list()}
    return table.select(
        copies=pl.col("mask").replace_strict(words, return_dtype=pl.String),
        dimension="dimension", value="value", persons=pl.col("persons").cast(pl.Int64),
    ).sort("copies", "dimension", "value", nulls_last=True)  # fmt: skip


# --- the comparison -------------------------------------------------------------------------


def compare(
    copies: Sequence[Copy],
    *,
    labels: Sequence[str] | None = None,
    spill: str | Path | None = None,
) -> Comparison:
    """Compare two or more copies of a leak (see the module's docstring for every definition).

    ``labels`` default to "A", "B", "C"… in the order given. Each copy's fingerprint frame must
    hold the same ``v_<key>`` columns (the keys every copy shares), as
    ``toolkit.app.compare.compare_files`` builds them. ``spill``: a private folder where the
    intermediate tables (which records and persons each copy holds, what one copy alone holds)
    are written instead of held in memory, for copies of tens of millions of rows; every query
    then runs on Polars' streaming engine, and memory is bounded by the largest hash table (one
    entry per distinct record or person), not by the copies' width.
    """
    if len(copies) < 2:
        raise InputError("give at least two copies to compare")
    names = list(labels) if labels is not None else labels_for(len(copies))
    if len(names) != len(copies) or len(set(names)) != len(names):
        raise InputError("give one distinct label per copy")
    frames = []
    for copy in copies:
        check_fingerprints(copy.fingerprints)
        frames.append(copy.fingerprints.lazy())
    rows = [n.item() for n in _collect(*(f.select(pl.len()) for f in frames))]
    plan = _Plan(spill, sum(rows))
    record_members = _membership(frames, "record", plan)
    person_members = _membership(frames, "person_id", plan)
    records, persons = _by_mask(record_members), _by_mask(person_members)

    def held(by_mask: dict[int, int], i: int) -> int:
        return sum(n for m, n in by_mask.items() if m >> i & 1)

    summaries = [
        CopySummary(label=label, name=c.name, sha256=c.sha256, size=c.size,
                    rows_read=c.rows_read, rows_quarantined=c.rows_quarantined,
                    encoding=c.encoding, delimiter=c.delimiter, columns=dict(c.columns),
                    records=held(records, i), duplicates=rows[i] - held(records, i),
                    persons=held(persons, i))
        for i, (label, c) in enumerate(zip(names, copies, strict=True))
    ]  # fmt: skip
    by_label = {s.label: s for s in summaries}
    value_sets = [{c[2:] for c in f.collect_schema().names() if c.startswith("v_")}
                  for f in frames]  # fmt: skip
    keys = sorted(reduce(set.intersection, value_sets))

    pairs = []
    for i in range(len(copies)):
        for j in range(i + 1, len(copies)):
            a, b = summaries[i], summaries[j]
            only_a, only_b, both = _split(records, i, j)
            persons_a, persons_b, persons_both = _split(persons, i, j)
            columns_a, columns_b, recategorised = _column_changes(a.columns, b.columns)
            byte_identical = a.sha256 == b.sha256 and a.size == b.size
            same = byte_identical or (only_a == only_b == 0
                                      and _same_multiset(frames[i], frames[j], plan))  # fmt: skip
            changed_records, changed_values = (
                (0, dict.fromkeys(keys, 0)) if same
                else _changed(frames[i], frames[j], keys, plan)
            )
            pair = {
                "a": a.label, "b": b.label, "byte_identical": byte_identical,
                "same_records": same, "columns_only_in_a": columns_a,
                "columns_only_in_b": columns_b, "columns_recategorised": recategorised,
                "records_only_a": only_a, "records_only_b": only_b, "records_both": both,
                "persons_only_a": persons_a, "persons_only_b": persons_b,
                "persons_both": persons_both, "changed_records": changed_records,
                "changed_values": changed_values,
            }  # fmt: skip
            added_labs = _labs_of(frames[j], frames[i], plan) if only_a == 0 and only_b else 0
            pairs.append(PairComparison(
                **pair,
                verdict_fr=_pair_verdict(pair, by_label, added_labs, "fr"),
                verdict_en=_pair_verdict(pair, by_label, added_labs, "en"),
            ))  # fmt: skip
    overlap = _overlap(records, persons, names)
    differences = _differences(frames, record_members, person_members, names, plan)
    by_pattern = _by_pattern(frames, person_members, names, plan)
    return Comparison(
        by_pattern=by_pattern,
        copies=summaries,
        pairs=pairs,
        overlap=overlap,
        differences=differences,
        verdict_fr=_overall_verdict(summaries, pairs, overlap, "fr"),
        verdict_en=_overall_verdict(summaries, pairs, overlap, "en"),
    )


__all__ = [
    "DIMENSIONS",
    "FINGERPRINT_COLUMNS",
    "Comparison",
    "Copy",
    "CopySummary",
    "PairComparison",
    "check_fingerprints",
    "compare",
    "labels_for",
]
