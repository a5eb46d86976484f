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
from string import ascii_uppercase

import polars as pl

from toolkit.shared import formatting
from toolkit.shared.errors import BoundaryError, InputError
from toolkit.shared.folding import fold_text
from toolkit.shared.text import enumeration, plural, text
from toolkit.shared.vocabulary import CATEGORIES, CATEGORY_LABELS, Lang

#: The fixed columns of a fingerprint frame and their dtypes; plus ``v_<key>`` (UInt64) and
#: ``exposed_<category>`` (Boolean).
FINGERPRINT_COLUMNS: dict[str, pl.DataType] = {
    "record": pl.Binary(),
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


def _membership(frames: list[pl.LazyFrame], column: str) -> pl.DataFrame:
    """Each distinct value of ``column`` with the bit mask of the copies that hold it."""
    distinct = [f.select(column).unique().with_columns(_bit=pl.lit(1 << i, pl.UInt64))
                for i, f in enumerate(frames)]  # fmt: skip
    return pl.concat(distinct).group_by(column).agg(mask=pl.col("_bit").sum()).collect()


def _pattern(mask: int, labels: list[str]) -> str:
    return "+".join(label for i, label in enumerate(labels) if mask >> i & 1)


def _by_mask(members: pl.DataFrame) -> dict[int, int]:
    counts = members.group_by("mask").len()
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


def _same_multiset(a: pl.LazyFrame, b: pl.LazyFrame) -> bool:
    counts_a = a.group_by("record").len()
    counts_b = b.group_by("record").len()
    differing = counts_a.join(counts_b, on="record", how="full", coalesce=True, nulls_equal=True)
    unequal = differing.filter(pl.col("len") != pl.col("len_right"))
    return unequal.select(pl.len()).collect().item() == 0


def _weight(key: str) -> int:
    """An odd 64-bit multiplier per column key (odd: multiplying by it loses nothing)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little") | 1


def _changed(a: pl.LazyFrame, b: pl.LazyFrame, keys: list[str]) -> tuple[int, dict[str, int]]:
    """Changed records (same sample) and, per key, records that differ by that value alone.

    A record's values but one are compared through a weighted sum of its value fingerprints
    (wrapping 64-bit arithmetic) minus that one's term: one subtraction per key, instead of
    hashing every other column again for each key.
    """
    only_a = a.join(b, on="record", how="anti").unique("record").collect()
    only_b = b.join(a, on="record", how="anti").unique("record").collect()
    if only_a.is_empty() or only_b.is_empty():
        return 0, dict.fromkeys(keys, 0)
    samples = only_a.select("sample").unique().join(only_b.select("sample").unique(), on="sample")
    weights = {k: pl.lit(_weight(k), pl.UInt64) for k in keys}
    total = pl.sum_horizontal(pl.col(f"v_{k}") * weights[k] for k in keys).alias("_total")
    only_a, only_b = only_a.with_columns(total), only_b.with_columns(total)
    changed: dict[str, int] = {}
    for key in keys:
        rest = (pl.col("_total") - pl.col(f"v_{key}") * weights[key]).alias("_rest")
        in_b = only_b.select(rest).unique()
        changed[key] = only_a.select(rest).join(in_b, on="_rest", how="semi").height
    return samples.height, changed


def _labs_of(frame: pl.LazyFrame, other: pl.LazyFrame) -> int:
    """Distinct labs (known) among the records of ``frame`` that ``other`` lacks."""
    added = frame.join(other, on="record", how="anti")
    return added.select(pl.col("lab").drop_nulls().n_unique()).collect().item()


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


def _differences(frames: list[pl.LazyFrame], records: pl.DataFrame, persons: pl.DataFrame,
                 labels: list[str]) -> pl.DataFrame:  # fmt: skip
    """Records and persons of each copy found in no other, by lab, month, département, category."""
    parts = []
    for i, (frame, label) in enumerate(zip(frames, labels, strict=True)):
        own_records = records.lazy().filter(pl.col("mask") == 1 << i).select("record")
        own_persons = persons.lazy().filter(pl.col("mask") == 1 << i).select("person_id")
        rows = frame.with_columns(
            month=pl.col("sample_month").dt.strftime("%Y-%m"),
            _own_record=pl.col("record").is_in(own_records.collect()["record"].implode()),
            _own_person=pl.col("person_id").is_in(own_persons.collect()["person_id"].implode()),
        ).filter(pl.col("_own_record") | pl.col("_own_person"))
        flags = [c for c in frame.collect_schema().names() if c.startswith("exposed_")]
        for dimension, value in (("lab", "lab"), ("month", "month"),
                                 ("departement", "departement")):  # fmt: skip
            parts.append(rows.group_by(pl.col(value).alias("value")).agg(
                records=pl.col("record").filter("_own_record").n_unique(),
                persons=pl.col("person_id").filter("_own_person").n_unique(),
            ).with_columns(only_in=pl.lit(label), dimension=pl.lit(dimension)))  # fmt: skip
        for flag in flags:
            parts.append(rows.filter(flag).select(
                records=pl.col("record").filter("_own_record").n_unique(),
                persons=pl.col("person_id").filter("_own_person").n_unique(),
            ).with_columns(only_in=pl.lit(label), dimension=pl.lit("category"),
                           value=pl.lit(flag[8:])))  # fmt: skip
    columns = ["only_in", "dimension", "value", "records", "persons"]
    if not parts:
        return pl.DataFrame(schema=dict.fromkeys(columns, pl.String))
    table = pl.concat([p.select(columns) for p in pl.collect_all(parts)], how="vertical_relaxed")
    return (
        table.filter((pl.col("records") > 0) | (pl.col("persons") > 0))
        .with_columns(pl.col("records", "persons").cast(pl.Int64))
        .sort("only_in", "dimension", "value", nulls_last=True)
    )


def _by_pattern(
    frames: list[pl.LazyFrame], persons: pl.DataFrame, labels: list[str]
) -> pl.DataFrame:
    """Persons by pattern of copies and month, and by pattern and lab (see ``by_pattern``)."""
    words = {m: _pattern(m, labels) for m in persons["mask"].unique().to_list()}
    patterns = persons.lazy().select(
        "person_id", copies=pl.col("mask").replace_strict(words, return_dtype=pl.String)
    )
    rows = pl.concat([f.select("person_id", month=pl.col("sample_month").dt.strftime("%Y-%m"),
                               lab=pl.col("lab").cast(pl.String)) for f in frames])  # fmt: skip
    parts = [
        rows.select("person_id", pl.col(dimension).alias("value")).unique()
        .join(patterns, on="person_id").group_by("copies", "value").agg(persons=pl.len())
        .with_columns(dimension=pl.lit(dimension))
        for dimension in ("month", "lab")
    ]  # fmt: skip
    table = pl.concat(pl.collect_all(parts))
    return table.select("copies", "dimension", "value", pl.col("persons").cast(pl.Int64)).sort(
        "copies", "dimension", "value", nulls_last=True
    )


# --- the comparison -------------------------------------------------------------------------


def compare(copies: Sequence[Copy], *, labels: Sequence[str] | None = None) -> Comparison:
    """Compare two or more copies of a leak (see the module's docstring for every definition).

    ``labels`` default to "A", "B", "C"… in the order given. Each copy's fingerprint frame must
    hold the same ``v_<key>`` columns (the keys every copy shares), as
    ``toolkit.app.compare.compare_files`` builds them.
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
    counted = pl.collect_all([f.select(rows=pl.len(), records=pl.col("record").n_unique(),
                                       persons=pl.col("person_id").n_unique())
                              for f in frames])  # fmt: skip
    summaries = [
        CopySummary(label=label, name=c.name, sha256=c.sha256, size=c.size,
                    rows_read=c.rows_read, rows_quarantined=c.rows_quarantined,
                    encoding=c.encoding, delimiter=c.delimiter, columns=dict(c.columns),
                    records=n["records"][0], duplicates=n["rows"][0] - n["records"][0],
                    persons=n["persons"][0])
        for label, c, n in zip(names, copies, counted, strict=True)
    ]  # fmt: skip
    by_label = {s.label: s for s in summaries}
    record_members = _membership(frames, "record")
    person_members = _membership(frames, "person_id")
    records, persons = _by_mask(record_members), _by_mask(person_members)
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
                                      and _same_multiset(frames[i], frames[j]))  # fmt: skip
            changed_records, changed_values = (
                (0, dict.fromkeys(keys, 0)) if same else _changed(frames[i], frames[j], keys)
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
            added_labs = _labs_of(frames[j], frames[i]) if only_a == 0 and only_b else 0
            pairs.append(PairComparison(
                **pair,
                verdict_fr=_pair_verdict(pair, by_label, added_labs, "fr"),
                verdict_en=_pair_verdict(pair, by_label, added_labs, "en"),
            ))  # fmt: skip
    overlap = _overlap(records, persons, names)
    differences = _differences(frames, record_members, person_members, names)
    by_pattern = _by_pattern(frames, person_members, names)
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
