"""The newsroom look, applied in one place: fonts, palette, French locale, titles, source line.

Every builder ends with :func:`finish`, which adds the title and subtitle, the source line (the
case's, ``toolkit.shared.case``; and a footnote explaining suppressed cells when there are any),
on a chart made from a synthetic file the warning « Données fictives » (in the chart and its alt
text, so that a PNG shared alone cannot pass fiction off as a real leak), the alt text
(``description``) and the theme's ``config``, including the d3 number and time locales. Because
the locale travels inside the Vega-Lite spec (``config.locale``), a chart exported as
``.vl.json`` shows French numbers and months wherever it is embedded, not only in our own
renderers.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import polars as pl

from toolkit.shared.case import default_case
from toolkit.shared.errors import InputError
from toolkit.shared.formatting import LOCALES
from toolkit.shared.text import LANGUAGES, text
from toolkit.shared.typography import french_spacing
from toolkit.shared.vocabulary import Lang

#: The font shipped in ``charts/fonts`` (Inter, SIL Open Font License), used for every text.
FONT_FAMILY = "Inter"
#: The shipped font first, then a generic fallback (only a ``.vl.json`` embedded elsewhere, on a
#: page that does not load Inter, ever falls back). Unquoted names only.
FONT = f"{FONT_FAMILY}, sans-serif"

INK = "#222222"
MUTED = "#666666"
GRID = "#e4e4e4"
#: Neutral colour for ordinary data.
BASE = "#3b5b75"
#: The one accent colour: health data (Art. 9 GDPR).
ACCENT = "#c0392b"
#: Suppressed cells (disclosure control): never drawn as zero, always as this grey + a label.
SUPPRESSED = "#b3b3b3"
#: Areas outside the data (map background).
NO_DATA = "#f0f0f0"
#: Sequential ramp for heatmaps and choropleths (light to dark blue-grey).
RAMP = ["#d6e2ec", "#a3bcd2", "#5f86a8", "#2c4a66", "#14273a"]
#: A restrained categorical palette (no red: red means health data).
CATEGORICAL = ["#3b5b75", "#e0a030", "#6a9a7f", "#8c6bb1", "#9c9c9c", "#4fa3c7", "#a0522d"]

#: Size of a default chart body, in pixels (the exported PNG is twice this).
WIDTH = 620
HEIGHT = 320


def check_lang(lang: str) -> None:
    """Refuse a chart language other than French or English, in one line."""
    if lang not in LANGUAGES:
        raise InputError(f"unknown chart language {lang!r}: use 'fr' or 'en'")


def config(lang: Lang) -> dict[str, Any]:
    """The theme as a Vega-Lite ``config`` object: fonts, colours, axes, legends, locale."""
    axis = {
        "labelFont": FONT,
        "titleFont": FONT,
        "labelFontSize": 12,
        "titleFontSize": 12,
        "titleFontWeight": "normal",
        "labelColor": INK,
        "titleColor": MUTED,
        "gridColor": GRID,
        "domainColor": "#999999",
        "tickColor": "#999999",
    }
    return {
        "font": FONT,
        "background": "white",
        "padding": 12,
        "locale": LOCALES[lang],
        "view": {"stroke": None, "continuousWidth": WIDTH, "continuousHeight": HEIGHT},
        "axis": axis,
        "axisX": {"grid": False},
        "axisY": {"domain": False, "ticks": False},
        "axisBand": {"grid": False, "domain": False, "ticks": False},
        "legend": {
            "labelFont": FONT,
            "titleFont": FONT,
            "labelFontSize": 12,
            "titleFontSize": 12,
            "titleFontWeight": "normal",
            "titleColor": MUTED,
            "labelColor": INK,
            "orient": "top",
            "direction": "horizontal",
            "titleOrient": "left",
            "labelLimit": 260,
        },
        "title": {
            "font": FONT,
            "fontSize": 19,
            "fontWeight": "bold",
            "color": INK,
            "anchor": "start",
            "subtitleFont": FONT,
            "subtitleFontSize": 13,
            "subtitleColor": MUTED,
            "subtitlePadding": 6,
            "offset": 14,
        },
        "text": {"font": FONT, "fontSize": 11, "color": INK},
        "range": {"category": CATEGORICAL, "ramp": RAMP, "heatmap": RAMP},
        "bar": {"color": BASE},
        "line": {"color": BASE, "strokeWidth": 2},
        "point": {"color": BASE},
        "concat": {"spacing": 8},
    }


def with_suppression(
    frame: pl.DataFrame,
    count: str,
    *,
    keys: tuple[str, ...],
    lang: Lang,
    k: int,
    derived: tuple[str, ...] = (),
) -> pl.DataFrame:
    """Only what the chart draws: keys, the count, what derives from it, ``suppressed``, ``marker``.

    A row is suppressed when any ``<count>_suppressed`` flag of the table says so or when the
    count itself is null: a null is never drawn as zero. The count and the columns derived from
    it (a share, a rate) are nulled on suppressed rows, since they would give the hidden value
    back; every other column is dropped, so that nothing unprotected (another count, the
    ``_reason`` saying which hidden cells are small) travels into the exported spec. The marker
    is "< k" when only primary suppression happened; as soon as one cell was hidden to protect
    another, every hidden cell says "secret", as in the published tables: telling them apart
    would tell the reader which cells hold fewer than k people.
    """
    check_lang(lang)
    flags = [c for c in frame.columns if c.endswith("_suppressed")]
    suppressed = pl.any_horizontal(
        pl.col(count).is_null(), *(pl.col(f).fill_null(False) for f in flags)
    )
    reasons = [c for c in frame.columns if c.endswith("_reason")]
    secondary = any((frame[r] == "secondary").any() for r in reasons)
    marker = text("chart.marker_secondary", lang) if secondary else f"< {k}"
    values = [c for c in (count, *derived) if c in frame.columns]
    return frame.select(
        *[c for c in keys if c in frame.columns],
        *[
            pl.when(suppressed).then(None).otherwise(pl.col(c)).alias(c)
            for c in values
        ],
        suppressed.alias("suppressed"),
        pl.when(suppressed).then(pl.lit(marker)).otherwise(pl.lit(None, pl.String)).alias("marker"),
    )


def footnotes(frames: list[pl.DataFrame], *, lang: Lang, k: int) -> list[str]:
    """The notes explaining the suppression markers that actually appear in the chart."""
    markers: set[str] = set()
    for frame in frames:
        if "marker" in frame.columns:
            markers.update(m for m in frame["marker"].unique().to_list() if m is not None)
    notes = []
    if f"< {k}" in markers:
        notes.append(text("chart.note_primary", lang, k=k))
    if text("chart.marker_secondary", lang) in markers:
        notes.append(text("chart.note_secondary", lang, k=k))
    return notes


def finish(
    chart: alt.TopLevelMixin,
    *,
    title: str,
    subtitle: str | list[str],
    alt_text: str,
    lang: Lang,
    source: str | None,
    notes: list[str] | None = None,
    fictional: bool = False,
) -> alt.VConcatChart:
    """Give a chart body its title, source line, alt text and theme: the one place for the look.

    ``source`` defaults to the default case's source line, and ends the alt text too;
    ``fictional`` (a chart of a synthetic file) adds « Données fictives » above the source line
    and at the head of the alt text.
    """
    source = source or default_case().source_line(lang)
    footer_lines = [source, *(notes or [])]
    if lang == "fr":
        # The case's source line and the titles may come from the user: French spacing for all.
        title, source = french_spacing(title), french_spacing(source)
        subtitle = (
            french_spacing(subtitle) if isinstance(subtitle, str)
            else [french_spacing(line) for line in subtitle]
        )
        footer_lines = [french_spacing(line) for line in footer_lines]
    # The alt text travels alone (a .md beside the image, a CMS field): it says its source too.
    alt_text = text("chart.alt_source", lang, alt=alt_text, source=source.rstrip("."))
    parts: list[alt.TopLevelMixin] = [chart]
    if fictional:
        alt_text = text("chart.fictional_alt", lang, alt=alt_text)
        parts.append(
            alt.Chart(alt.Data(values=[{}]))
            .mark_text(text=text("chart.fictional", lang), align="left", baseline="top",
                       fontSize=12, fontWeight="bold", color=INK)
            .encode(x=alt.value(0), y=alt.value(2))
            .properties(width=1, height=16)
        )  # fmt: skip
    footer = (
        alt.Chart(alt.Data(values=[{}]))
        .mark_text(
            text=footer_lines,
            align="left",
            baseline="top",
            fontSize=11,
            color=MUTED,
            lineHeight=15,
        )
        .encode(x=alt.value(0), y=alt.value(4))
        .properties(width=1, height=15 * len(footer_lines))
    )
    return (
        alt.vconcat(*parts, footer, spacing=14)
        .properties(
            title=alt.TitleParams(text=title, subtitle=subtitle),
            description=alt_text,
        )
        .configure(**config(lang))
    )
