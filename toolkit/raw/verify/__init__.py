"""Check a leak's authenticity and measure it, with counts only: never a raw value leaves.

For each data category: cells filled, valid, invalid and why (NIR keys and their consistency with
sex and birth date, the French phone plan, email syntax, postcodes that exist and match the
commune, dates that parse and their range), then persons, labs and period, and plain-language
authenticity indicators in French and English. All checks are Polars expressions over the lazy
frame, collected in one pass (a few seconds for the 491,840-row leak).

:func:`verify` runs the steps, one module each:

* ``derived_columns``: the values derived from the raw records (NIR parts, phone classes,
  parsed dates, folded names, person keys), once per distinct value or row by row;
* ``counts``: every count as a Polars aggregation, and how they are collected (one streaming
  query up to ``SMALL_ROWS`` rows, else small queries on a temporary Parquet copy);
* ``report``: :class:`VerifyReport`, the counts arranged into sections, metrics and indicators;
* ``text``: :func:`report_text`, the report in French for people;
* ``weighing``: :func:`conclusion`, the verdict on authenticity in a few plain sentences.

``SMALL_ROWS`` is re-exported here for reading; it is read at run time from ``counts``, so that
is the module to patch.
"""

from __future__ import annotations

import sys
from typing import Any

import polars as pl

from toolkit.raw.schema import Schema, classify
from toolkit.raw.verify.counts import SMALL_ROWS, collect_counts
from toolkit.raw.verify.derived_columns import derive_columns
from toolkit.raw.verify.report import VerifyReport, build_report
from toolkit.raw.verify.text import fabrication_table, report_text
from toolkit.raw.verify.weighing import conclusion
from toolkit.shared.text import text


def verify(
    ingested: Any, schema: Schema | None = None, *, progress: bool = False
) -> VerifyReport:
    """Verify a leak: per-category counts, persons, labs, period and authenticity indicators.

    ``ingested`` is a ``toolkit.raw.ingest.Ingested`` or a bare all-String (Lazy)DataFrame; the
    schema is computed when not given.
    """
    frame = ingested.frame if hasattr(ingested, "frame") else ingested.lazy()
    schema = schema or classify(frame)
    if progress:
        print(text("verify.progress"), file=sys.stderr)
    in_memory = getattr(ingested, "in_memory", isinstance(ingested, pl.DataFrame))
    lazy, role = derive_columns(frame, schema, in_memory=in_memory)
    rows = ingested.height if isinstance(ingested, pl.DataFrame) else getattr(
        ingested, "rows_parsed", None
    )
    report = build_report(schema, role, collect_counts(lazy, schema, role, rows=rows))
    if hasattr(ingested, "rows_read"):
        report.sections["file"] = {
            "rows_read": ingested.rows_read,
            "rows_quarantined": ingested.rows_quarantined,
            "quarantine_reasons": dict(ingested.quarantine_reasons),
            "encoding": ingested.encoding,
            "delimiter": ingested.delimiter,
        }
    return report


__all__ = ["SMALL_ROWS", "VerifyReport", "conclusion", "fabrication_table", "report_text",
           "verify"]
