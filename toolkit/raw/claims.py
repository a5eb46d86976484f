"""Check the figures published about a leak against a file, claim by claim.

The claims live as data in a JSON file named by the case file (``toolkit.shared.case``; for the
2021 leak, the default case, ``toolkit/shared/cases/dedalus_2021.claims.json``): wording as
published, source, date, the metric of ``toolkit.raw.verify`` that measures it, the comparison
and its tolerance. Where sources disagree
(28, 27 or "about thirty" labs), each version is its own claim and the table says which one the
data supports.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import MISSING, dataclass, fields
from typing import Any

import polars as pl

from toolkit.shared.case import Case, load_case
from toolkit.shared.errors import InputError
from toolkit.shared.formatting import decimal, month_long, number, percent_text
from toolkit.shared.text import text

SUPPORTED = "supported"
CONTRADICTED = "contradicted"
NOT_MEASURABLE = "not measurable with this file"

#: French readings of the verdicts, for the human report.
VERDICT_LABELS_FR = {
    SUPPORTED: text("claims.verdict.supported"),
    CONTRADICTED: text("claims.verdict.contradicted"),
    NOT_MEASURABLE: text("claims.verdict.not_measurable"),
}

COMPARISONS = ("exact", "approx", "at_least", "at_most")

#: Residents of France used for "1 in 200" (INSEE, 1 January 2021, rounded).
FRANCE_POPULATION = 66_000_000


@dataclass(frozen=True)
class Claim:
    """One published figure and how to measure it."""

    id: str
    claim: str
    source: str
    date: str
    metric: str
    published: float | None
    comparison: str = "exact"
    tolerance: float = 0.0
    relative_tolerance: float = 0.0
    calibrated: bool = True
    note: str = ""

    def verdict(self, measured: float | None) -> str:
        """Supported, contradicted, or not measurable when the file cannot tell."""
        if measured is None or self.published is None:
            return NOT_MEASURABLE
        slack = max(self.tolerance, self.relative_tolerance * abs(self.published))
        if self.comparison == "at_least":
            ok = measured >= self.published - slack
        elif self.comparison == "at_most":
            ok = measured <= self.published + slack
        else:
            ok = abs(measured - self.published) <= slack
        return SUPPORTED if ok else CONTRADICTED


_FIELDS = {f.name for f in fields(Claim)}
_NEEDED = {f.name for f in fields(Claim) if f.default is MISSING}


def load_claims(case: Case | str | os.PathLike[str] | None = None) -> list[Claim]:
    """The claims published about ``case`` (a :class:`Case`, its id or file; default: the 2021
    leak); none when the case names no claims file."""
    chosen = load_case(case)
    if chosen.claims is None:
        return []
    path = chosen.claims
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["claims"]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"claims file unreadable ({type(exc).__name__}): it must be JSON "
                         'with a list "claims"', path) from None  # fmt: skip
    claims = []
    for position, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise InputError(f"claim {position} is not an object", path)
        name = entry.get("id", position)
        missing = sorted(_NEEDED - set(entry))
        unknown = sorted(set(entry) - _FIELDS)
        if missing or unknown:
            what = f"missing field {missing[0]}" if missing else f"unknown field {unknown[0]!r}"
            raise InputError(f"claim {name}: {what}", path)
        claim = Claim(**entry)
        if claim.comparison not in COMPARISONS:
            raise InputError(f"claim {name}: unknown comparison {claim.comparison!r}", path)
        claims.append(claim)
    return claims


def residence_shares(report: Any, departements: tuple[str, ...]) -> dict[str, float | None]:
    """The percentage of well-formed residence postcodes in each of ``departements``
    (``residence_<code>_pct``) and in all of them (``residence_departements_pct``); nothing
    when the file has no postcode column, None when no postcode is well formed."""
    postcode = report.sections.get("postcode")
    if postcode is None:
        return {}
    by_departement, well = postcode["by_departement"], postcode["well_formed"]

    def pct(count: int) -> float | None:
        return round(100 * count / well, 2) if well else None

    shares = {f"residence_{code}_pct": pct(by_departement.get(code, 0)) for code in departements}
    shares["residence_departements_pct"] = pct(sum(by_departement.get(c, 0) for c in departements))
    return shares


def measured_metrics(
    report: Any, case: Case | str | os.PathLike[str] | None = None
) -> dict[str, float | None]:
    """The figures a report measures, plus those derived from them: persons per 100 residents,
    and the shares of residents in the départements of ``case`` (default: the 2021 leak)."""
    metrics = dict(report.metrics)
    persons = metrics.get("persons")
    if persons is not None:
        metrics["persons_share_of_france_pct"] = round(100 * persons / FRANCE_POPULATION, 3)
    metrics.update(residence_shares(report, load_case(case).departements))
    return metrics


def check_claims(
    report: Any, claims: list[Claim] | None = None, *,
    case: Case | str | os.PathLike[str] | None = None,
) -> pl.DataFrame:
    """Compare every published claim with the file: one row per claim with its verdict.

    ``claims`` default to those of ``case`` (default: the 2021 leak)."""
    claims = load_claims(case) if claims is None else claims
    metrics = measured_metrics(report, case)
    measured = [metrics.get(c.metric) for c in claims]
    return pl.DataFrame(
        {
            "claim_id": [c.id for c in claims],
            "claim": [c.claim for c in claims],
            "source": [c.source for c in claims],
            "date": [c.date for c in claims],
            "metric": [c.metric for c in claims],
            "comparison": [c.comparison for c in claims],
            "published": [c.published for c in claims],
            "measured": [None if m is None else float(m) for m in measured],
            "verdict": [c.verdict(m) for c, m in zip(claims, measured, strict=True)],
            "calibrated": [c.calibrated for c in claims],
            "note": [c.note for c in claims],
        },
        schema={
            "claim_id": pl.String, "claim": pl.String, "source": pl.String, "date": pl.String,
            "metric": pl.String, "comparison": pl.String, "published": pl.Float64,
            "measured": pl.Float64, "verdict": pl.String, "calibrated": pl.Boolean,
            "note": pl.String,
        },
    )


def format_value(metric: str, value: float | None) -> str:
    """A published or measured value for people, written the French way: "36,04 %", a month
    written out (``formatting.month_long``)."""
    if value is None:
        return "-"
    if metric == "last_sample_month":
        return month_long(dt.date(int(value) // 100, int(value) % 100, 1))
    if metric == "first_sample_year":
        return str(int(value))
    if metric.endswith("_pct"):
        return percent_text(value, digits=2, points=True)
    if float(value).is_integer():
        return number(int(value))
    return decimal(value, digits=3, trim=True)


def claims_records(table: pl.DataFrame) -> list[dict[str, Any]]:
    """The claims table as a JSON-ready list of dicts (for ``verify --json``)."""
    return table.to_dicts()
