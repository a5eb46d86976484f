"""How the toolkit writes numbers and dates for readers, in French (and English on request).

The one formatter of the toolkit: charts, alt texts, the explorer, the methodology note,
disclosure control's sentences and the claims report all write their numbers and dates here.
French is the default: thousands grouped with a no-break space (U+00A0), a decimal comma,
months as the French locale abbreviates them.

The d3 locales below come from vl-convert itself, so that the numbers and months a chart's
Vega-Lite spec draws (its axes and legends) and the ones the toolkit writes in labels, alt texts
and notes agree. That locale writes a *narrow* no-break space (U+202F) before the percent sign:
:func:`percent` follows it, since chart labels sit beside the axes' percentages, while running
prose (:func:`percent_text`: the note, the reports) keeps the ordinary no-break space.

>>> number(491840), number(491840, "en")
('491\\xa0840', '491,840')
>>> percent(0.56), percent(0.56, "en")
('56\\u202f%', '56%')
>>> percent_text(0.996, bounded=True), percent_text(36.04, digits=2, points=True)
('plus de 99\\xa0%', '36,04\\xa0%')
>>> decimal(1.25, digits=1), decimal(0.5, "en", trim=True), decimal(12345.6, digits=1)
('1,2', '0.5', '12\\xa0345,6')
>>> import datetime as dt
>>> month_short(dt.date(2020, 10, 1)), month_long(dt.date(2020, 10, 1))
('oct. 2020', 'octobre 2020')
>>> day_short(dt.date(2021, 2, 23)), day_short(dt.date(2021, 2, 23), "en")
('23 févr. 2021', 'Feb 23, 2021')
>>> import polars as pl
>>> pl.select(number_expr(pl.lit(1234567), "fr")).item()
'1\\xa0234\\xa0567'
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import polars as pl
import vl_convert as vlc

from toolkit.shared.text import text
from toolkit.shared.vocabulary import Lang

#: d3 locales, from vl-convert itself so that the spec and the renderer agree exactly.
LOCALES: dict[str, dict[str, Any]] = {
    "fr": {
        "number": vlc.get_format_locale("fr-FR"),
        "time": vlc.get_time_format_locale("fr-FR"),
    },
    "en": {
        "number": vlc.get_format_locale("en-US"),
        "time": vlc.get_time_format_locale("en-US"),
    },
}

#: The percent sign of running text: a no-break space before it in French, none in English.
_TEXT_PERCENT = {"fr": "\u00a0%", "en": "%"}

#: Where day, month and year go in a short date.
_DAY_LAYOUT = {"fr": "{day} {month} {year}", "en": "{month} {day}, {year}"}


def _thousands(lang: Lang) -> str:
    return LOCALES[lang]["number"]["thousands"]


def _chart_percent(lang: Lang) -> str:
    return LOCALES[lang]["number"].get("percent", "%")


def number(n: int, lang: Lang = "fr") -> str:
    """A whole number grouped as the locale does it: "491\u00a0840" / "491,840"."""
    return f"{n:,}".replace(",", _thousands(lang))


def number_expr(expr: pl.Expr, lang: Lang = "fr") -> pl.Expr:
    """:func:`number` as a Polars expression (whole, non-negative counts; rounded first)."""
    separator = _thousands(lang)
    # Group digits from the right: reverse, add a separator after every three, reverse back.
    return (
        expr.round(0).cast(pl.Int64).cast(pl.String).str.reverse()
        .str.replace_all(r"(\d{3})", "${1}" + separator)
        .str.strip_chars_end(separator).str.reverse()
    )  # fmt: skip


def decimal(
    value: float, lang: Lang = "fr", digits: int | None = None, *, trim: bool = False
) -> str:
    """A number with a decimal comma (point in English) and grouped thousands: "1\u00a0234,5".

    ``digits`` fixes the number of decimals (rounded); without it the shortest exact writing
    is used ("1,0", "0,25"). ``trim`` drops trailing zeros, and the comma if nothing is left.
    """
    raw = str(value) if digits is None else f"{value:.{digits}f}"
    point = LOCALES[lang]["number"]["decimal"]
    if not re.fullmatch(r"-?\d+(\.\d+)?", raw):  # an exponent, inf or nan: no grouping
        return raw.replace(".", point)
    if trim and "." in raw:
        raw = raw.rstrip("0").rstrip(".")
    whole, _, fraction = raw.partition(".")
    whole = re.sub(r"\B(?=(\d{3})+$)", _thousands(lang), whole)
    return whole + (point + fraction if fraction else "")


def percent(share: float, lang: Lang = "fr") -> str:
    """A share as a whole percentage, as the charts' locale writes it: "56\u202f%" / "56%"."""
    return f"{share * 100:.0f}{_chart_percent(lang)}"


def percent_expr(expr: pl.Expr, lang: Lang = "fr") -> pl.Expr:
    """:func:`percent` as a Polars expression."""
    return (expr * 100).round(0).cast(pl.Int64).cast(pl.String) + pl.lit(_chart_percent(lang))


def percent_text(
    value: float,
    lang: Lang = "fr",
    *,
    digits: int = 0,
    bounded: bool = False,
    points: bool = False,
) -> str:
    """A percentage in running text: "56\u00a0%", "36,04\u00a0%" / "56%".

    ``value`` is a share (0.56), or with ``points`` already a percentage (56.0). ``digits``
    decimals are kept, trailing zeros dropped. ``bounded`` never rounds a share that is not
    whole or nil to 100 % or 0 %: "plus de 99\u00a0%", "moins de 1\u00a0%".
    """
    share = value / 100 if points else value
    if bounded:
        low = 10 ** -(digits + 2)
        if 1 - low < share < 1:
            return text("format.more_than", lang, value=percent_text(1 - low, lang, digits=digits))
        if 0 < share < low:
            return text("format.less_than", lang, value=percent_text(low, lang, digits=digits))
    percentage = value if points else value * 100
    return decimal(percentage, lang, digits, trim=True) + _TEXT_PERCENT[lang]


def month_short(day: dt.date, lang: Lang = "fr") -> str:
    """A month as the locale writes it short: "oct. 2020" / "Oct 2020"."""
    return f"{LOCALES[lang]['time']['shortMonths'][day.month - 1]} {day.year}"


def month_long(day: dt.date, lang: Lang = "fr") -> str:
    """A month written out: "octobre 2020" / "October 2020"."""
    return f"{LOCALES[lang]['time']['months'][day.month - 1]} {day.year}"


def day_short(day: dt.date, lang: Lang = "fr") -> str:
    """A date as the locale writes it short: "23 févr. 2021" / "Feb 23, 2021"."""
    month = LOCALES[lang]["time"]["shortMonths"][day.month - 1]
    return _DAY_LAYOUT[lang].format(day=day.day, month=month, year=day.year)


__all__ = [
    "LOCALES",
    "day_short",
    "decimal",
    "month_long",
    "month_short",
    "number",
    "number_expr",
    "percent",
    "percent_expr",
    "percent_text",
]
