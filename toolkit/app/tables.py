"""The notebooks' tables, for readers: great-tables objects in French, never a raw frame.

Each function turns one of the toolkit's summaries (a Polars frame, a report, a comparison) into
a :class:`great_tables.GT` whose column labels come from the text catalogue (``table.column.*``)
and whose numbers and dates are written by ``toolkit.shared.formatting``: thousands with a
no-break space, decimal comma, percentages as prose writes them, months written out in full
(``formatting.month_long``). Every row is shown (29 published claims are 29 rows) and no text
is cut.

The HTML that great-tables writes is self-contained: styles inline, the system's fonts, no
script and no web font, so a table shows in a JupyterLab with no network (tested).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import polars as pl
from great_tables import GT, style
from great_tables import loc as location

from toolkit.publication.bundle import file_listing
from toolkit.raw.claims import (
    CONTRADICTED,
    NOT_MEASURABLE,
    SUPPORTED,
    VERDICT_LABELS_FR,
    format_value,
)
from toolkit.raw.ingest import Ingested
from toolkit.raw.schema import Schema
from toolkit.raw.verify import VerifyReport, fabrication_table
from toolkit.safe.compare import Comparison
from toolkit.shared.formatting import day_short, month_long, number, percent_text
from toolkit.shared.text import plural, text, texts
from toolkit.shared.typography import french_spacing
from toolkit.shared.vocabulary import category_label

#: Characters of a SHA-256 shown in a table (enough to tell files apart; the manifest has all).
SHA_SHOWN = 16


def _labels() -> dict[str, str]:
    """Column labels by column name (``table.column.*``)."""
    return texts("table.column")


def _cells(function: Callable[[Any], str]) -> Callable[[Any], str]:
    """``function`` for a table cell: an empty cell stays empty (great-tables gives None)."""
    return lambda value: "" if value is None else function(value)


def french_table(
    frame: pl.DataFrame,
    *,
    title: str | None = None,
    counts: Iterable[str] = (),
    shares: Iterable[str] = (),
    note: str | None = None,
) -> GT:
    """``frame`` as a French table: labels from ``table.column.*``, ``counts`` written
    "491 840", ``shares`` (0 to 1) "56 %", an optional title and a note under the table."""
    labels = _labels()
    table = GT(frame).cols_label(**{c: labels.get(c, c) for c in frame.columns})
    if counts := list(counts):
        table = table.fmt(_cells(lambda n: number(int(n))), columns=counts)
    if shares := list(shares):
        table = table.fmt(_cells(lambda s: percent_text(s, digits=1, bounded=True)), columns=shares)
    if title:
        table = table.tab_header(title=title)
    if note:
        table = table.tab_source_note(note)
    return table.tab_options(
        table_font_size="14px", data_row_padding="4px", column_labels_font_weight="bold",
        table_width="100%" if frame.width > 4 else None,
    )  # fmt: skip


def _facts(facts: dict[str, Any], title: str) -> GT:
    """A two-column table of named facts (label, value as text)."""
    labels = _labels()
    frame = pl.DataFrame({"item": [labels[k] for k in facts],
                          "value": [str(v) for v in facts.values()]})  # fmt: skip
    return french_table(frame, title=title).cols_align("left")


def file_summary(leak: Ingested) -> GT:
    """What was read: file, encoding, separator, rows read and set aside (and why), columns."""
    reasons = ", ".join(text("table.quarantine_reason", reason=k, n=number(v))
                        for k, v in leak.quarantine_reasons.items() if v)  # fmt: skip
    quarantined = number(leak.rows_quarantined) + (f" ({reasons})" if reasons else "")
    return _facts({
        "file": leak.path.name + (f" ({leak.member})" if leak.member else ""),
        "encoding": leak.encoding,
        "delimiter": text("table.delimiter", delimiter=leak.delimiter),
        "rows_read": number(leak.rows_read),
        "rows_quarantined": quarantined,
        "columns": number(len(leak.columns)),
        "sha256": leak.sha256[:SHA_SHOWN] + "…",
    }, text("table.title.file"))  # fmt: skip


def columns_summary(schema: Schema) -> GT:
    """Each column of the file, the category it was put in and how sure the toolkit is."""
    frame = pl.DataFrame({
        "column": [c.name for c in schema.columns],
        "category": [category_label(c.category) for c in schema.columns],
        "confidence": [float(c.confidence) for c in schema.columns],
    }, schema={"column": pl.String, "category": pl.String, "confidence": pl.Float64})  # fmt: skip
    return french_table(frame, title=text("table.title.columns"), shares=["confidence"])


def _month(key: str | None) -> str:
    """A "YYYY-MM" month written out (``formatting.month_long``); "-" when unknown."""
    if not key:
        return "-"
    return month_long(dt.date(int(key[:4]), int(key[5:7]), 1))


def _published_on(date: str) -> str:
    """A claim's date as the claims file gives it ("2021-02-23", "2021-02") written the French
    way (``formatting.day_short``, ``formatting.month_long``); anything else as it is."""
    try:
        if len(date) == 10:
            return day_short(dt.date.fromisoformat(date))
        if len(date) == 7:
            return month_long(dt.date.fromisoformat(date + "-01"))
    except ValueError:
        pass  # a free-form date ("printemps 2021") is shown as written
    return date


def verify_summary(report: VerifyReport) -> GT:
    """The key counts of a verification: rows, persons, NIRs, sex, period, labs, postcodes."""
    s = report.sections
    facts: dict[str, Any] = {"rows": number(s["rows"]),
                             "distinct_persons": number(s["persons"]["distinct_persons"]),
                             "duplicate_rows": number(s["persons"]["duplicate_rows"])}  # fmt: skip
    if "nir" in s:
        facts.update(nir_filled=number(s["nir"]["filled"]),
                     nir_valid_key=number(s["nir"]["valid_key"]))  # fmt: skip
    if "sex" in s:
        facts.update(women=number(s["sex"]["female"]), men=number(s["sex"]["male"]))
    if "sample_date" in s:
        facts.update(first_month=_month(s["sample_date"]["first_month"]),
                     last_month=_month(s["sample_date"]["last_month"]))  # fmt: skip
    if "labs" in s:
        facts["labs"] = number(s["labs"]["distinct"])
    if "postcode" in s:
        facts["postcodes_well_formed"] = number(s["postcode"]["well_formed"])
    return _facts(facts, text("table.title.verify"))


def indicators_summary(report: VerifyReport) -> GT:
    """The authenticity indicators: each one's share and its reading in plain French."""
    frame = pl.DataFrame({
        "share": [i["percent"] / 100 for i in report.indicators],
        "reading": [i["fr"] for i in report.indicators],
    }, schema={"share": pl.Float64, "reading": pl.String})  # fmt: skip
    return french_table(frame, title=text("table.title.indicators"), shares=["share"])


def fabrication_summary(report: VerifyReport) -> GT:
    """The signs of fabrication, one row per test (``verify.fabrication_table``), labels
    capitalised as a table's."""
    frame = fabrication_table(report)
    frame = frame.rename({c: c[:1].upper() + c[1:] for c in frame.columns})
    return french_table(frame, title=text("fabrication.heading"))


def claims_summary(verdicts: pl.DataFrame) -> GT:
    """Every published claim, whole, with its source, the figure published, what the file
    measures and the verdict in French (« confirmé », « contredit », « non vérifiable »)."""
    frame = pl.DataFrame({
        # A claim is quoted as its source wrote it; only its spaces follow French typography.
        "claim": [french_spacing(c) for c in verdicts["claim"]],
        "source": [french_spacing(f"{s} ({_published_on(d)})")
                   for s, d in verdicts.select("source", "date").iter_rows()],
        "published": [format_value(m, v) for m, v in
                      verdicts.select("metric", "published").iter_rows()],
        "measured": [format_value(m, v) for m, v in
                     verdicts.select("metric", "measured").iter_rows()],
        "verdict": verdicts["verdict"].replace_strict(VERDICT_LABELS_FR),
    })  # fmt: skip
    counts = dict(verdicts["verdict"].value_counts().iter_rows())
    n = {verdict: counts.get(verdict, 0) for verdict in VERDICT_LABELS_FR}
    note = text(
        "table.claims_note",
        claims=plural("table.claims_count.claims", verdicts.height, n=number(verdicts.height)),
        supported=plural("table.claims_count.supported", n[SUPPORTED], n=number(n[SUPPORTED])),
        contradicted=plural("table.claims_count.contradicted", n[CONTRADICTED],
                            n=number(n[CONTRADICTED])),
        not_measurable=plural("table.claims_count.not_measurable", n[NOT_MEASURABLE],
                              n=number(n[NOT_MEASURABLE])),
    )  # fmt: skip
    return (
        french_table(frame, title=text("table.title.claims"), note=note)
        .cols_align("right", columns=["published", "measured"])
        .tab_style(style.text(weight="bold"), location.body(columns="verdict"))
    )


def resolution_summary(rates: pl.DataFrame) -> GT:
    """How residences were resolved (``exposure.resolution_rates``), each way in French."""
    frame = rates.with_columns(
        pl.col("resolution").replace_strict(texts("table.resolution"), return_dtype=pl.String)
    )
    return french_table(frame, title=text("table.title.resolution"),
                        counts=["records", "persons"], shares=["share"])  # fmt: skip


def labs_summary(located: pl.DataFrame) -> GT:
    """The labs of the registry and where they were placed (labs are businesses, not persons)."""
    frame = located.select("lab", "name", "departement", "insee").sort("lab")
    return french_table(frame, title=text("table.title.labs"))


def _yes(column: str) -> pl.Expr:
    """A boolean column read « oui » / « non »."""
    return (pl.when(pl.col(column)).then(pl.lit(text("csv.flag_yes")))
            .otherwise(pl.lit(text("csv.flag_no"))).alias(column))  # fmt: skip


def copies_summary(comparison: Comparison) -> GT:
    """Each copy as read: file facts and whole-copy counts."""
    frame = pl.DataFrame([{
        "copy": c.label, "file": c.name, "bytes": c.size, "rows_read": c.rows_read,
        "rows_quarantined": c.rows_quarantined, "encoding": c.encoding,
        "delimiter": c.delimiter, "records": c.records, "duplicates": c.duplicates,
        "persons": c.persons, "sha256": c.sha256[:SHA_SHOWN] + "…",
    } for c in comparison.copies])  # fmt: skip
    return french_table(frame, title=text("table.title.copies"),
                        counts=["bytes", "rows_read", "rows_quarantined", "records",
                                "duplicates", "persons"])  # fmt: skip


_PAIR_COUNTS = ("records_only_a", "records_only_b", "records_both", "persons_only_a",
                "persons_only_b", "persons_both", "changed_records")  # fmt: skip


def pairs_summary(comparison: Comparison) -> GT:
    """Each pair of copies: what is in one only, in both, what changed."""
    frame = pl.DataFrame([{
        "pair": f"{p.a} / {p.b}", "byte_identical": p.byte_identical,
        "same_records": p.same_records, **{name: getattr(p, name) for name in _PAIR_COUNTS},
    } for p in comparison.pairs])  # fmt: skip
    frame = frame.with_columns(_yes("byte_identical"), _yes("same_records"))
    return french_table(frame, title=text("table.title.pairs"), counts=_PAIR_COUNTS)


def files_summary(folder: str | os.PathLike[str]) -> GT:
    """Every file of a published folder, its size and the start of its SHA-256."""
    frame = file_listing(Path(folder)).rename({"fichier": "file", "octets": "bytes"})
    frame = frame.with_columns(pl.col("sha256").str.slice(0, SHA_SHOWN) + "…")
    return french_table(frame, title=text("table.title.files"), counts=["bytes"])


__all__ = [
    "SHA_SHOWN",
    "claims_summary",
    "columns_summary",
    "copies_summary",
    "fabrication_summary",
    "file_summary",
    "files_summary",
    "french_table",
    "indicators_summary",
    "labs_summary",
    "pairs_summary",
    "resolution_summary",
    "verify_summary",
]
