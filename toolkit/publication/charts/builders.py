"""Chart builders: one exposure aggregate in, one finished ``alt.VConcatChart`` out.

Each builder accepts the raw aggregate of ``toolkit.safe.exposure`` or its disclosure-protected
version (count nullable, ``<count>_suppressed``, ``<count>_reason``). A suppressed count is
drawn in grey with its marker ("< 11", "secret"), never as zero, and the derived columns that
would give it back (share, rate) are blanked. Titles, axes and legends are set explicitly so
that no English auto-title ("Sum of …", "count") reaches the page. Their words come from the
text catalogue (``toolkit.shared.text``, keys ``chart.*``), their numbers and dates from the
formatter (``toolkit.shared.formatting``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

import altair as alt
import polars as pl

from toolkit.publication.charts.theme import (
    ACCENT,
    BASE,
    CATEGORICAL,
    HEIGHT,
    INK,
    MUTED,
    RAMP,
    SUPPRESSED,
    WIDTH,
    finish,
    footnotes,
    with_suppression,
)
from toolkit.shared import reference
from toolkit.shared.case import default_case
from toolkit.shared.errors import InputError, ToolkitError
from toolkit.shared.formatting import (
    day_short,
    month_long,
    month_short,
    number,
    number_expr,
    percent,
    percent_expr,
)
from toolkit.shared.text import enumeration, plural, text
from toolkit.shared.vocabulary import (
    ANY_HEALTH_MENTION,
    CATEGORY_LABELS,
    HEALTH_CATEGORIES,
    HEALTH_MENTIONS,
    MENTION_LABELS,
    REPORTED_CATEGORIES,
    Lang,
)

#: First public report of the default case's leak (the 2021 leak: Libération CheckNews and
#: Zataz, 23 February 2021); a bundle gives the timeline its own case's date.
FIRST_REPORT: dt.date = default_case().first_report

Frame = pl.DataFrame | pl.LazyFrame

#: Altair refuses to inline more rows than this (MaxRowsError); a chart never needs more.
MAX_ROWS = 5_000


def collect(data: Frame, chart: str, required: Sequence[str]) -> pl.DataFrame:
    """The aggregate as a DataFrame, or an InputError naming the columns the chart needs."""
    frame = data.collect() if isinstance(data, pl.LazyFrame) else data
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError(
            f"the {chart} chart needs the column(s) {', '.join(missing)}; "
            f"the table has {', '.join(frame.columns) or 'none'}"
        )
    if frame.height == 0:
        raise InputError(f"the {chart} chart has nothing to draw: the table is empty")
    if frame.height > MAX_ROWS:
        raise InputError(
            f"the {chart} chart would draw {frame.height} rows (limit {MAX_ROWS}): "
            "aggregate further or pick fewer labs, départements or periods"
        )
    return frame


def _iso(column: str) -> pl.Expr:
    # Date-only ISO strings are read as UTC by Vega and shown on a UTC scale: the same pixels
    # whatever the time zone of the machine or the reader's browser.
    return pl.col(column).cast(pl.Date).dt.strftime("%Y-%m-%d").alias(column)


def _labels(column: str, labels: dict[str, str]) -> pl.Expr:
    return pl.col(column).replace_strict(labels, default=pl.col(column), return_dtype=pl.String)


def _count_axis(title: str, fmt: str = ",d") -> alt.Axis:
    return alt.Axis(title=title, format=fmt, tickCount=5, titleAngle=0, titleAlign="left",
                    titleAnchor="end", titleY=-10, titleX=0)


def nice_steps(high: float | None) -> list[int]:
    """Three round legend values up to ``high`` (e.g. 5 000, 20 000, 50 000)."""
    if not high:
        return []
    magnitude = 10 ** (len(str(int(high))) - 1)
    top = int(high // magnitude * magnitude) or int(high)
    return sorted({max(1, top // 10), max(1, top // 2), top})


def _highlight_axis(highlight: list[str]) -> alt.Axis:
    """A category axis whose health labels are written in the accent colour."""
    listed = json.dumps(highlight, ensure_ascii=False)
    return alt.Axis(
        labelLimit=240,
        labelColor=alt.ExprRef(expr=f"indexof({listed}, datum.value) >= 0 ? '{ACCENT}' : '{INK}'"),
    )


def departement_labels(codes: list[str]) -> dict[str, str]:
    """"Morbihan (56)" for each code, from the reference gazetteer; the bare code if unknown."""
    labels = {}
    for code in sorted(codes):
        try:
            labels[code] = f"{reference.departement_name(code)} ({code})"
        except (ToolkitError, OSError):
            labels[code] = code
    return labels


def nothing_to_draw(chart: str, why: str) -> InputError:
    """The error a builder raises when no row of its table can be drawn."""
    return InputError(f"the {chart} chart has nothing to draw: {why}")


def _named_labs(column: str, lang: Lang) -> pl.Expr:
    """Labs as the table names them (their names where a registry gives them, see
    ``toolkit.publication.figures.named_labs``), the records whose lab the file does not give
    under "Laboratoire inconnu"."""
    return pl.col(column).fill_null(text("chart.unknown_lab", lang))


def _suppressed_runs(frame: pl.DataFrame, by: str | None) -> pl.DataFrame:
    """Consecutive suppressed months merged into one band each, with one marker per band."""
    keys = [by] if by else []
    return (
        frame.sort([*keys, "month"])
        .with_columns(run=pl.col("suppressed").not_().cum_sum().over(keys or pl.lit(0)))
        .filter(pl.col("suppressed"))
        .with_columns(day=pl.col("month").str.to_date())
        .group_by([*keys, "run"])
        .agg(
            pl.col("day").min().alias("start"),
            pl.col("day").max().dt.offset_by("1mo").alias("end"),
            pl.col("marker").first(),
        )
        .with_columns(middle=pl.col("start") + (pl.col("end") - pl.col("start")) / 2)
        .sort([*keys, "start"])
        .with_columns(_iso("start"), _iso("end"), _iso("middle"))
    )


# --- timeline ------------------------------------------------------------------------------


def timeline_chart(
    data: Frame,
    *,
    count: str = "records",
    lang: Lang = "fr",
    k: int = 11,
    source: str | None = None,
    fictional: bool = False,
    first_report: dt.date = FIRST_REPORT,
) -> alt.VConcatChart:
    """Records per month (total, by département or by lab), with end of data and first report."""
    frame = collect(data, "timeline", ["month", count])
    by = next((c for c in ("lab", "departement") if c in frame.columns), None)
    # Records without a usable sample date have no place on a time axis (the table keeps them).
    frame = frame.filter(pl.col("month").is_not_null())
    if frame.height == 0:
        raise nothing_to_draw("timeline", "no record has a usable sample date")
    frame = with_suppression(frame, count, keys=("month", "lab", "departement"), lang=lang, k=k)
    if by == "lab":
        frame = frame.with_columns(_named_labs("lab", lang))
    months = frame["month"].cast(pl.Date)
    # The data begin and end with the first and last month with records, masked or not; the
    # axis runs from the first to past the case's first report.
    published = frame.filter((pl.col(count) > 0) | pl.col("suppressed"))["month"].cast(pl.Date)
    first = published.min() or months.min()
    last = published.max() or months.max()
    end = max(first_report, last).replace(day=1) + dt.timedelta(days=100)
    domain = [first.isoformat(), end.isoformat()]
    frame = frame.with_columns(_iso("month"))

    x_scale = alt.Scale(type="utc", domain=domain)
    x_axis = alt.Axis(title=None, format="%Y", tickCount={"interval": "year", "step": 1},
                      labelAlign="left", labelPadding=4)
    count_titles = {"records": text("chart.records", lang), "persons": text("chart.persons", lang)}
    count_title = count_titles.get(count, count)
    counted = frame.filter(pl.col("suppressed").not_())

    if by == "lab":
        order = (
            frame.group_by("lab").agg(pl.col("month").min().alias("first"))
            .sort(["first", "lab"])["lab"].to_list()
        )
        height = max(HEIGHT, 13 * len(order))
        y = alt.Y("lab:N", sort=order, title=None, axis=alt.Axis(labelFontSize=10))
        body = alt.layer(
            alt.Chart(counted).mark_rect().encode(
                x=alt.X("utcyearmonth(month):T", scale=x_scale, axis=x_axis),
                y=y,
                color=alt.Color(f"{count}:Q", title=count_title, scale=alt.Scale(range=RAMP[1:]),
                                legend=alt.Legend(format=",d", gradientLength=200)),
            ),
            alt.Chart(frame.filter(pl.col("suppressed"))).mark_rect(color=SUPPRESSED).encode(
                x=alt.X("utcyearmonth(month):T", scale=x_scale), y=y
            ),
        )
        subtitle = text("chart.timeline.subtitle_lab", lang, count=count_title)
    else:
        y = alt.Y(f"{count}:Q", axis=_count_axis(count_title), scale=alt.Scale(nice=True))
        x = alt.X("month:T", scale=x_scale, axis=x_axis)
        if by == "departement":
            names = departement_labels(frame["departement"].unique().drop_nulls().to_list())
            counted = counted.with_columns(
                _labels("departement", names).fill_null(text("chart.not_located", lang))
                .alias("name")
            )
            series = alt.Chart(counted).mark_line(interpolate="linear").encode(
                x=x, y=y,
                color=alt.Color("name:N", title=text("chart.departement", lang),
                                sort=[*(names[c] for c in sorted(names)),
                                      text("chart.not_located", lang)],
                                legend=alt.Legend(columns=3, direction="horizontal")),
            )
        else:
            series = alt.layer(
                alt.Chart(counted).mark_area(opacity=0.18, interpolate="linear").encode(x=x, y=y),
                alt.Chart(counted).mark_line(interpolate="linear").encode(x=x, y=y),
            )
        runs = _suppressed_runs(frame, by)
        body = alt.layer(
            alt.Chart(runs).mark_rect(color=SUPPRESSED, opacity=0.35).encode(
                x=alt.X("start:T", scale=x_scale), x2="end:T"
            ),
            alt.Chart(runs).mark_text(baseline="bottom", color=MUTED, fontSize=10, dy=-4).encode(
                x=alt.X("middle:T", scale=x_scale), y=alt.value(HEIGHT), text="marker:N"
            ),
            series,
        )
        height = HEIGHT
        subtitle = text(
            "chart.timeline.subtitle_departement" if by == "departement"
            else "chart.timeline.subtitle",
            lang, count=count_title,
        )  # fmt: skip

    events = pl.DataFrame(
        {
            # On the strip of month cells the data end after the last cell, not at its start.
            "date": [
                (last + dt.timedelta(days=31)).replace(day=1).isoformat() if by == "lab"
                else last.isoformat(),
                first_report.isoformat(),
            ],
            "label": [
                text("chart.timeline.end_of_data", lang, month=month_short(last, lang)),
                text("chart.timeline.first_report", lang, day=day_short(first_report, lang)),
            ],
            "row": [0, 1],
        }
    )
    rules = alt.Chart(events).mark_rule(color=MUTED, strokeDash=[4, 3]).encode(
        x=alt.X("date:T", scale=x_scale)
    )
    labels = alt.Chart(events).mark_text(align="right", dx=-4, fontSize=11, color=MUTED).encode(
        x=alt.X("date:T", scale=x_scale),
        y=alt.Y("row:Q", axis=None, scale=alt.Scale(domain=[0, 1], range=[-36, -18])),
        text="label:N",
    )
    body = alt.layer(body, rules, labels).resolve_scale(y="independent").properties(
        width=WIDTH, height=height
    )

    busiest = None if by or frame["suppressed"].any() else _busiest_years(counted, count)
    title = text(
        "chart.timeline.title_peak" if busiest else "chart.timeline.title", lang,
        first=first.year, last=month_long(last, lang), peak=busiest,
    )  # fmt: skip
    peak = counted.sort([count, "month"], descending=[True, False]).head(1)
    peak_text = " " + plural(
        f"chart.timeline.alt_peak_{count}", peak[count][0], lang, n=number(peak[count][0], lang),
        month=month_short(dt.date.fromisoformat(peak["month"][0]), lang),
    ) if peak.height and not by and count in ("persons", "records") else ""  # fmt: skip
    alt_text = text(
        "chart.timeline.alt", lang, counted=count_title.lower(), peak=peak_text,
        first=month_short(first, lang), last=month_short(last, lang),
        reported=day_short(first_report, lang),
    )  # fmt: skip
    chart = finish(
        body, title=title, subtitle=subtitle, alt_text=alt_text, lang=lang, source=source,
        fictional=fictional, notes=footnotes([frame], lang=lang, k=k),
    )
    return declare(chart, first_report=first_report.isoformat())


def _busiest_years(counted: pl.DataFrame, count: str) -> str | None:
    """« 2018-2019 »: the one year, or else the two years in a row, that hold at least half of
    the monthly counts; None when none does or the data span less than three years."""
    years = (
        counted.group_by(pl.col("month").str.slice(0, 4).cast(pl.Int32).alias("year"))
        .agg(pl.col(count).sum())
        .sort("year")
    )
    total = years[count].sum()
    if not total or years["year"].max() - years["year"].min() < 2:
        return None
    by_year = dict(zip(years["year"], years[count], strict=True))
    for width in (1, 2):
        best = max(by_year, key=lambda y: sum(by_year.get(y + i, 0) for i in range(width)))
        if 2 * sum(by_year.get(best + i, 0) for i in range(width)) >= total:
            return "-".join(str(best + i) for i in range(width))
    return None


def declare(chart: alt.VConcatChart, **figures: int | str) -> alt.VConcatChart:
    """``chart`` with the figures its alt text writes that its table does not hold (sums,
    dates of the case) declared in its spec's ``usermeta`` (checked by tests/test_alt_texts.py)."""
    return chart.properties(usermeta={"alt_figures": figures})


# --- labs ----------------------------------------------------------------------------------


def lab_windows_chart(
    data: Frame, *, lang: Lang = "fr", k: int = 11, source: str | None = None,
    fictional: bool = False,
) -> alt.VConcatChart:
    """One bar per lab from its first to its last sample, as thick as the persons it exposes."""
    frame = collect(data, "lab windows", ["lab", "first_sample", "last_sample", "persons"])
    frame = with_suppression(
        frame, "persons", keys=("lab", "first_sample", "last_sample"), lang=lang, k=k
    )
    # A lab whose records all lack a usable date has no window (its count stays in the table);
    # the records whose lab the file does not give are drawn under their own label.
    frame = frame.filter(pl.col("suppressed") | pl.col("first_sample").is_not_null())
    if frame.height == 0:
        raise nothing_to_draw("lab windows", "no lab has a usable sample date")
    labs = frame["lab"].drop_nulls().n_unique()
    frame = frame.with_columns(_named_labs("lab", lang)).sort(["first_sample", "lab"]).with_columns(
        _iso("first_sample"),
        _iso("last_sample"),
        label=pl.coalesce(pl.col("marker"), number_expr(pl.col("persons"), lang)),
    )
    order = frame["lab"].to_list()
    # Hidden labs have no dates (they would say something about few people): none may be left.
    firsts = frame["first_sample"].drop_nulls()
    start = min([dt.date(2015, 1, 1), *(dt.date.fromisoformat(firsts.min()) for _ in firsts[:1])])
    x_scale = alt.Scale(type="utc", domain=[start.isoformat(), "2021-07-01"])
    # Lab names are never cut: a cut name (« Seine Normand… ») can read as a surname, and the
    # tripwire would rightly stop the export.
    y = alt.Y("lab:N", sort=order, title=None, axis=alt.Axis(labelFontSize=11, labelLimit=0))
    x = alt.X("first_sample:T", scale=x_scale, title=None,
              axis=alt.Axis(format="%Y", tickCount={"interval": "year", "step": 1},
                            labelAlign="left", grid=True, orient="top"))
    bars = alt.Chart(frame.filter(pl.col("suppressed").not_())).mark_bar(cornerRadius=1).encode(
        x=x, x2="last_sample:T", y=y,
        size=alt.Size("persons:Q", title=text("chart.persons", lang),
                      scale=alt.Scale(range=[2, 15], zero=True),
                      legend=alt.Legend(format=",d", symbolType="square",
                                        values=nice_steps(frame["persons"].max()))),
    )
    masked = alt.Chart(frame.filter(pl.col("suppressed"))).mark_bar(
        color=SUPPRESSED, size=3
    ).encode(x=x, x2="last_sample:T", y=y)
    labels = alt.Chart(frame).mark_text(align="left", dx=5, fontSize=10, color=MUTED).encode(
        x=alt.X("last_sample:T", scale=x_scale), y=y, text="label:N"
    )
    height = max(160, 17 * len(order))
    body = alt.layer(bars, masked, labels).properties(width=WIDTH, height=height)
    counted = frame.filter(pl.col("suppressed").not_())
    biggest = counted.sort("persons", descending=True).head(1)
    title = plural("chart.lab_windows.title", labs, lang, n=labs)
    subtitle = text("chart.lab_windows.subtitle", lang)
    lead = (
        text("chart.lab_windows.lead", lang, lab=biggest["lab"][0],
             persons=number(biggest["persons"][0], lang))
        if biggest.height else ""
    )  # fmt: skip
    alt_text = plural("chart.lab_windows.alt", labs, lang, n=labs, lead=lead)
    return finish(body, title=title, subtitle=subtitle, alt_text=alt_text, lang=lang,
                  source=source, fictional=fictional, notes=footnotes([frame], lang=lang, k=k))


# --- what was leaked -----------------------------------------------------------------------


def _category_labels(lang: Lang) -> dict[str, str]:
    """Labels of the data categories and of the pseudo-category "comment with a health mention"."""
    return CATEGORY_LABELS[lang] | {ANY_HEALTH_MENTION: text("chart.health_mention", lang)}


def _category_order(present: set[str]) -> list[str]:
    """The ``present`` categories in the order charts list them, unknown ones last."""
    return [c for c in REPORTED_CATEGORIES if c in present] + sorted(
        present - set(REPORTED_CATEGORIES)
    )


def _health_kind(is_health: pl.Expr, lang: Lang, other: str | None = None) -> pl.Expr:
    """The legend entry of a row: health data (Art. 9), else ``other`` (other personal data)."""
    return pl.when(is_health).then(pl.lit(text("chart.health", lang))).otherwise(
        pl.lit(other or text("chart.not_health", lang))
    )


def _health_colour(lang: Lang, other: str | None = None) -> alt.Color:
    """Colour by ``kind`` (:func:`_health_kind`): health data in the accent, the rest in base."""
    return alt.Color(
        "kind:N",
        title=None,
        scale=alt.Scale(domain=[text("chart.health", lang),
                                other or text("chart.not_health", lang)],
                        range=[ACCENT, BASE]),
        legend=alt.Legend(labelLimit=0),  # 0: no limit, the legend says what is not health data
    )


def categories_chart(
    data: Frame, *, lang: Lang = "fr", k: int = 11, source: str | None = None,
    fictional: bool = False,
) -> alt.VConcatChart:
    """Share of persons exposed per data category, health categories (Art. 9) in the accent.

    Without a ``share`` column, shares are taken relative to the most exposed category.
    """
    frame = collect(data, "data categories", ["category", "persons"])
    frame = with_suppression(
        frame, "persons", keys=("category",), lang=lang, k=k, derived=("share",)
    )
    if "share" not in frame.columns:
        frame = frame.with_columns(share=pl.col("persons") / pl.col("persons").max())
    frame = frame.sort(
        ["share", "category"], descending=[True, False], nulls_last=True
    ).with_columns(
        name=_labels("category", _category_labels(lang)),
        kind=_health_kind(pl.col("category").is_in(sorted(HEALTH_CATEGORIES)), lang),
        label=pl.coalesce(
            pl.col("marker"),
            percent_expr(pl.col("share"), lang)
            + pl.lit(" (") + number_expr(pl.col("persons"), lang) + pl.lit(")"),
        ),
    )
    frame = frame.with_columns(label_x=pl.col("share").fill_null(0))
    order = frame["name"].to_list()
    y = alt.Y("name:N", sort=order, title=None, axis=alt.Axis(labelLimit=240))
    x = alt.X("share:Q", title=text("chart.share", lang), scale=alt.Scale(domain=[0, 1]),
              axis=alt.Axis(format=".0%", tickCount=5, orient="top"))
    bars = alt.Chart(frame).mark_bar(height={"band": 0.7}).encode(
        x=x, y=y, color=_health_colour(lang)
    )
    labels = alt.Chart(frame).mark_text(align="left", dx=4, fontSize=11).encode(
        x=alt.X("label_x:Q", scale=alt.Scale(domain=[0, 1])),
        y=y, text="label:N",
        color=alt.condition("datum.suppressed", alt.value(MUTED), alt.value("#222222")),
    )
    body = alt.layer(bars, labels).properties(width=WIDTH - 140, height=max(120, 22 * len(order)))
    health = frame.filter(
        pl.col("category").is_in(sorted(HEALTH_CATEGORIES)) & pl.col("suppressed").not_()
    )
    health_text = ", ".join(
        f"{n} ({percent(v, lang)})" for n, v in zip(health["name"], health["share"], strict=True)
    )
    # The finding: the most exposed category (or how many share the top), from its published
    # count; no number if every count is hidden.
    top = frame.filter(pl.col("persons") == pl.col("persons").max())  # hidden counts are null
    if top.height > 1:
        title = text("chart.categories.title_tied", lang, n=top.height,
                     persons=number(top["persons"][0], lang))
    elif top.height:
        title = text("chart.categories.title_top", lang, first=top["name"][0],
                     persons=number(top["persons"][0], lang))
    else:
        title = text("chart.categories.title", lang)
    subtitle = text("chart.categories.subtitle", lang)
    alt_text = text(
        "chart.categories.alt", lang, n=len(order), first=order[0],
        share=percent(frame["share"][0] or 0, lang), last=order[-1],
        health=health_text or text("chart.categories.no_health", lang),
    )  # fmt: skip
    return finish(body, title=title, subtitle=subtitle, alt_text=alt_text, lang=lang,
                  source=source, fictional=fictional, notes=footnotes([frame], lang=lang, k=k))


def _heatmap(
    frame: pl.DataFrame,
    *,
    row: str,
    column: str,
    value: str,
    row_order: list[str],
    value_format: str,
    value_title: str,
    column_title: str,
    highlight: list[str],
) -> alt.LayerChart:
    """A row x column grid coloured by value, suppressed cells grey with their marker."""
    high = float(frame[value].max() or 0)
    x = alt.X(f"{column}:O", title=column_title, axis=alt.Axis(orient="top", labelAngle=0))
    y = alt.Y(f"{row}:N", sort=row_order, title=None, axis=_highlight_axis(highlight))
    cells = alt.Chart(frame.filter(pl.col("suppressed").not_())).mark_rect(stroke="white").encode(
        x=x, y=y,
        color=alt.Color(f"{value}:Q", title=value_title, scale=alt.Scale(range=RAMP),
                        legend=alt.Legend(format=value_format, gradientLength=180)),
    )
    grey = alt.Chart(frame.filter(pl.col("suppressed"))).mark_rect(
        color=SUPPRESSED, stroke="white"
    ).encode(x=x, y=y)
    values = alt.Chart(frame.filter(pl.col("suppressed").not_())).mark_text(fontSize=10).encode(
        x=x, y=y,
        text=alt.Text(f"{value}:Q", format=value_format),
        color=alt.condition(f"datum['{value}'] > {high * 0.55}", alt.value("white"),
                            alt.value("#222222")),
    )
    markers = alt.Chart(frame.filter(pl.col("suppressed"))).mark_text(
        fontSize=10, fontStyle="italic", color="#333333"
    ).encode(x=x, y=y, text="marker:N")
    n_columns = frame[column].n_unique()
    return alt.layer(cells, grey, values, markers).properties(
        width=min(WIDTH, max(240, 64 * n_columns)), height=max(80, 22 * len(row_order))
    )


def category_year_chart(
    data: Frame, *, lang: Lang = "fr", k: int = 11, source: str | None = None,
    fictional: bool = False,
) -> alt.VConcatChart:
    """Data category x year heatmap of the share of that year's persons exposed."""
    frame = collect(data, "category by year", ["category", "year", "persons"])
    # Persons seen only on undated records have no year column (the table keeps them).
    frame = frame.filter(pl.col("year").is_not_null())
    if frame.height == 0:
        raise nothing_to_draw("category by year", "no record has a usable sample date")
    frame = with_suppression(
        frame, "persons", keys=("category", "year"), lang=lang, k=k, derived=("share",)
    )
    value = "share" if "share" in frame.columns else "persons"
    order_cats = _category_order(set(frame["category"]))
    labels = _category_labels(lang)
    frame = frame.with_columns(
        _labels("category", labels).alias("name"), pl.col("year").cast(pl.String)
    )
    order = [labels.get(c, c) for c in order_cats]
    highlight = [labels.get(c, c) for c in order_cats if c in HEALTH_CATEGORIES]
    body = _heatmap(
        frame, row="name", column="year", value=value, row_order=order,
        value_format=".0%" if value == "share" else ",d",
        value_title=text("chart.share" if value == "share" else "chart.persons", lang),
        column_title=None, highlight=highlight,
    )
    years = sorted(frame["year"].unique().to_list())
    title = text("chart.category_year.title", lang)
    subtitle = text(
        "chart.category_year.subtitle_share" if value == "share"
        else "chart.category_year.subtitle_persons",
        lang,
    )  # fmt: skip
    alt_text = text("chart.category_year.alt", lang, n=len(order), first=years[0], last=years[-1])
    return finish(body, title=title, subtitle=subtitle, alt_text=alt_text, lang=lang,
                  source=source, fictional=fictional, notes=footnotes([frame], lang=lang, k=k))


def co_exposure_chart(
    data: Frame, *, lang: Lang = "fr", k: int = 11, source: str | None = None,
    fictional: bool = False,
) -> alt.VConcatChart:
    """UpSet-style chart: persons per combination of data categories, with its dot matrix."""
    frame = collect(data, "co-exposure", ["combination", "persons"])
    frame = with_suppression(frame, "persons", keys=("combination", "rank"), lang=lang, k=k)
    if "rank" not in frame.columns:
        frame = frame.with_columns(rank=pl.col("persons").rank("ordinal", descending=True))
    frame = frame.sort("rank").with_columns(pl.col("rank").cast(pl.Int64))
    # co_exposure adds one pseudo-category: a comment with a health mention.
    labels = _category_labels(lang)
    members = frame.select("rank", pl.col("combination").str.split("+").alias("category")).explode(
        "category"
    )
    used = set(members["category"])
    order_cats = _category_order(used)
    names = [labels.get(c, c) for c in order_cats]
    grid = (
        frame.select("rank")
        .join(pl.DataFrame({"category": order_cats}), how="cross")
        .join(members.with_columns(member=pl.lit(True)), on=["rank", "category"], how="left")
        .with_columns(pl.col("member").fill_null(False), _labels("category", labels).alias("name"))
    )
    ranks = frame["rank"].to_list()
    x = alt.X("rank:O", sort=ranks, title=None, axis=None, scale=alt.Scale(paddingInner=0.25))
    width = max(300, min(WIDTH, 30 * len(ranks)))
    bars = alt.Chart(frame.filter(pl.col("suppressed").not_())).mark_bar().encode(
        x=x, y=alt.Y("persons:Q", axis=_count_axis(text("chart.persons", lang)))
    )
    masked = alt.Chart(frame.filter(pl.col("suppressed"))).mark_text(
        angle=270, align="left", color=MUTED, fontStyle="italic", fontSize=10
    ).encode(x=x, y=alt.value(200), text="marker:N")
    top = alt.layer(bars, masked).properties(width=width, height=200)
    health = [labels.get(c, c) for c in order_cats if c in HEALTH_CATEGORIES]
    y = alt.Y("name:N", title=None, scale=alt.Scale(domain=names), axis=_highlight_axis(health))
    span = grid.filter(pl.col("member")).group_by("rank").agg(
        pl.col("name").sort_by(pl.col("category").replace_strict(
            {c: i for i, c in enumerate(order_cats)}, return_dtype=pl.Int64)
        ).first().alias("top"),
        pl.col("name").sort_by(pl.col("category").replace_strict(
            {c: i for i, c in enumerate(order_cats)}, return_dtype=pl.Int64)
        ).last().alias("bottom"),
    )
    dots = alt.Chart(grid).mark_circle(size=70, opacity=1).encode(
        x=x, y=y,
        color=alt.condition("datum.member", alt.value("#222222"), alt.value("#dddddd")),
    )
    links = alt.Chart(span).mark_rule(strokeWidth=2, color="#222222").encode(
        x=x, y=alt.Y("top:N", scale=alt.Scale(domain=names)), y2="bottom:N"
    )
    matrix = alt.layer(links, dots).properties(width=width, height=18 * len(names))
    body = alt.vconcat(top, matrix, spacing=6)
    best = frame.filter(pl.col("suppressed").not_()).head(1)
    best_text = (
        " + ".join(labels.get(c, c) for c in best["combination"][0].split("+"))
        if best.height else "-"
    )
    title = text("chart.co_exposure.title", lang)
    subtitle = text("chart.co_exposure.subtitle", lang, n=len(ranks))
    alt_text = text(
        "chart.co_exposure.alt", lang, n=len(ranks), best=best_text,
        persons=number(best["persons"][0], lang) if best.height else "-",
    )  # fmt: skip
    return finish(body, title=title, subtitle=subtitle, alt_text=alt_text, lang=lang,
                  source=source, fictional=fictional, notes=footnotes([frame], lang=lang, k=k))


def health_mentions_chart(
    data: Frame, *, lang: Lang = "fr", k: int = 11, source: str | None = None,
    fictional: bool = False,
) -> alt.VConcatChart:
    """Persons per kind of mention in the free-text comments (and by lab or year).

    The health mentions (Art. 9), and the row of persons with at least one, are drawn in the
    accent; the context mentions (child, baby), which are not health data, apart and in the base
    colour. Without ``by``, the title gives the published count of persons with a health mention
    (no number when that count is hidden).
    """
    frame = collect(data, "health mentions", ["mention", "persons"])
    by = next((c for c in ("year", "lab") if c in frame.columns), None)
    if by == "year":
        frame = frame.filter(pl.col("year").is_not_null())
        if frame.height == 0:
            raise nothing_to_draw("health mentions", "no record has a usable sample date")
    is_health = pl.col("mention").is_in([ANY_HEALTH_MENTION, *HEALTH_MENTIONS])
    frame = with_suppression(
        frame, "persons", keys=("mention", "year", "lab"), lang=lang, k=k
    ).with_columns(
        _labels("mention", MENTION_LABELS[lang]).alias("name"),
        kind=_health_kind(is_health, lang, text("chart.context_mention", lang)),
        # Persons with a health mention first, then each health mention, then the context ones.
        group=pl.when(pl.col("mention") == ANY_HEALTH_MENTION).then(0)
        .when(is_health).then(1).otherwise(2),
    )
    ranked = (
        frame.group_by("name", "group").agg(pl.col("persons").sum())
        .sort(["group", "persons", "name"], descending=[False, True, False])
        .select("name", pl.int_range(pl.len()).alias("rank"))
    )  # fmt: skip
    order = ranked["name"].to_list()
    frame = frame.join(ranked, on="name").sort("rank", *([by] if by else [])).drop("rank")
    everyone = frame.filter((pl.col("mention") == ANY_HEALTH_MENTION) & pl.col("suppressed").not_())
    title = (
        plural("chart.health_mentions.title_total", everyone["persons"][0], lang,
               persons=number(everyone["persons"][0], lang))
        if by is None and everyone.height else text("chart.health_mentions.title", lang)
    )  # fmt: skip
    if by:
        frame = frame.with_columns(pl.col(by).cast(pl.String))
        if by == "lab":
            frame = frame.with_columns(_named_labs("lab", lang))
        health = frame.filter(pl.col("group") < 2)["name"].unique().to_list()
        body = _heatmap(
            frame, row="name", column=by, value="persons", row_order=order, value_format=",d",
            value_title=text("chart.persons", lang), column_title=None,
            highlight=[n for n in order if n in health],
        )
        alt_text = text(
            "chart.health_mentions.alt_grid", lang, title=title, n=len(order),
            context=enumeration(
                frame.filter(pl.col("group") == 2)["name"].unique(maintain_order=True).to_list(),
                lang,
            )
            or text("chart.no_data", lang),
        )  # fmt: skip
    else:
        frame = frame.with_columns(
            label=pl.coalesce(pl.col("marker"), number_expr(pl.col("persons"), lang)),
            label_x=pl.col("persons").fill_null(0),
        )
        high = float(frame["persons"].max() or 1)
        blocks = [b for b in (frame.filter(pl.col("group") < 2), frame.filter(pl.col("group") == 2))
                  if b.height]  # fmt: skip
        body = alt.vconcat(
            *(_mention_bars(b, high, lang, axis=i == 0) for i, b in enumerate(blocks)), spacing=16
        )
        listed = {
            context: ", ".join(f"{n} ({v})" for n, v in rows.select("name", "label").iter_rows())
            for (context,), rows in frame.group_by(pl.col("group") == 2, maintain_order=True)
        }
        none = text("chart.no_data", lang)
        alt_text = text(
            "chart.health_mentions.alt", lang, title=title, health=listed.get(False, none),
            context=listed.get(True, none),
        )  # fmt: skip
    subtitle = text("chart.health_mentions.subtitle", lang)
    return finish(body, title=title, subtitle=subtitle, alt_text=alt_text, lang=lang,
                  source=source, fictional=fictional, notes=footnotes([frame], lang=lang, k=k))


def _mention_bars(rows: pl.DataFrame, high: float, lang: Lang, *, axis: bool) -> alt.LayerChart:
    """Horizontal bars of persons per mention (in row order), coloured by kind, from 0 to ``high``.

    The health and the context mentions are drawn as two such blocks on the same scale, so that
    their bars compare; only the first block carries the axis.
    """
    scale = alt.Scale(domain=[0, high])
    x = alt.X("persons:Q", scale=scale, axis=alt.Axis(
        title=text("chart.persons", lang), format=",d", tickCount=5, orient="top"
    ) if axis else None)  # fmt: skip
    order = rows["name"].to_list()
    y = alt.Y("name:N", sort=order, title=None, axis=alt.Axis(labelLimit=240))
    bars = alt.Chart(rows).mark_bar(height={"band": 0.7}).encode(
        x=x, y=y, color=_health_colour(lang, text("chart.context_mention", lang))
    )
    labels = alt.Chart(rows).mark_text(align="left", dx=4).encode(
        x=alt.X("label_x:Q", scale=scale), y=y, text="label:N",
        color=alt.condition("datum.suppressed", alt.value(MUTED), alt.value("#222222")),
    )
    return alt.layer(bars, labels).properties(width=WIDTH - 160, height=24 * len(order))


# --- who -----------------------------------------------------------------------------------


def pyramid_chart(
    data: Frame, *, lang: Lang = "fr", k: int = 11, source: str | None = None,
    fictional: bool = False,
) -> alt.VConcatChart:
    """Age band x sex pyramid of the persons exposed (men left, women right).

    Persons of unknown sex or age cannot be drawn: a note says how many they are (from the
    published cells). The title names the ages most exposed, and a note says when the top band
    outnumbers the one below it (implausible birth years land there).
    """
    table = collect(data, "age pyramid", ["age_band", "sex", "persons"])
    table = with_suppression(table, "persons", keys=("age_band", "sex"), lang=lang, k=k)
    drawn = pl.col("sex").is_in(["F", "M"]) & pl.col("age_band").is_not_null()
    frame = table.filter(drawn)
    if frame.height == 0:
        raise nothing_to_draw("age pyramid", "no person has both a known sex and an age band")
    bands = sorted(frame["age_band"].unique().to_list(), reverse=True)
    names = {band: age_band_label(band, lang) for band in bands}
    high = float(frame["persons"].max() or 1)
    frame = frame.with_columns(label_x=pl.col("persons").fill_null(0))
    y = alt.Y("age_band:N", sort=bands, title=None, axis=None)
    half = (WIDTH - 70) // 2

    def side(sex: str, title: str, colour: str, reverse: bool) -> alt.LayerChart:
        rows = frame.filter(pl.col("sex") == sex)
        x = alt.X("persons:Q", title=title,
                  scale=alt.Scale(domain=[0, high], reverse=reverse),
                  axis=alt.Axis(format=",d", tickCount=4, orient="top", titleFontWeight="bold",
                                titleColor=colour))
        return alt.layer(
            alt.Chart(rows).mark_bar(color=colour, height={"band": 0.8}).encode(x=x, y=y),
            alt.Chart(rows.filter(pl.col("suppressed"))).mark_text(
                align="right" if reverse else "left", dx=-4 if reverse else 4,
                color=MUTED, fontStyle="italic",
            ).encode(x=alt.X("label_x:Q", scale=alt.Scale(domain=[0, high], reverse=reverse)),
                     y=y, text="marker:N"),
        ).properties(width=half, height=22 * len(bands))

    middle = alt.Chart(
        pl.DataFrame({"age_band": bands, "name": [names[b] for b in bands]})
    ).mark_text(fontSize=11).encode(y=y, text="name:N").properties(
        width=64, height=22 * len(bands)
    )
    body = alt.hconcat(
        side("M", text("chart.men", lang), "#6a9a7f", True),
        middle,
        side("F", text("chart.women", lang), BASE, False),
        spacing=2,
    )
    women, women_text = _published_sum(frame.filter(pl.col("sex") == "F"), lang)
    men, men_text = _published_sum(frame.filter(pl.col("sex") == "M"), lang)
    per_band = (
        frame.group_by("age_band")
        .agg(pl.col("persons").sum(), pl.col("suppressed").any())
        .sort("age_band")
    )
    unknown_sex = table.filter(pl.col("sex").is_null())
    unknown_age = table.filter(pl.col("sex").is_not_null() & pl.col("age_band").is_null())
    notes = [
        _unknown_note(unknown_sex, "sex", lang),
        _unknown_note(unknown_age, "age", lang),
    ]
    figures: dict[str, int | str] = {
        "women": women, "men": men, "unknown_sex": int(unknown_sex["persons"].sum()),
        "unknown_age": int(unknown_age["persons"].sum()),
    }  # fmt: skip
    below, top = per_band.tail(2).rows() if per_band.height > 1 else (None, None)
    if top and below and not (top[2] or below[2]) and top[1] > below[1]:
        notes.append(text(
            "chart.pyramid.top_band", lang, top=names[top[0]], n=number(top[1], lang),
            below=names[below[0]], m=number(below[1], lang),
        ))  # fmt: skip
        figures |= {"top_band": top[1], "band_below": below[1]}
    group = None if per_band["suppressed"].any() else _most_exposed_ages(per_band, lang)
    title = (
        text("chart.pyramid.title_ages", lang, ages=group) if group
        else text("chart.pyramid.title", lang)
    )  # fmt: skip
    subtitle = text("chart.pyramid.subtitle", lang)
    notes = [n for n in notes if n]
    alt_text = " ".join([
        text("chart.pyramid.alt", lang, women=women_text, men=men_text,
             youngest=names[bands[-1]], oldest=names[bands[0]]),
        *(f"{n}." for n in notes),
    ])  # fmt: skip
    chart = finish(
        body, title=title, subtitle=subtitle, alt_text=alt_text, lang=lang, source=source,
        fictional=fictional, notes=[*notes, *footnotes([table], lang=lang, k=k)],
    )  # fmt: skip
    return declare(chart, **figures)


def age_band_label(band: str, lang: Lang) -> str:
    """« 0-4 ans », « 90 ans et plus » for the safe table's "00-04", "90+"."""
    if band.endswith("+"):
        return text("chart.pyramid.band_top", lang, low=int(band[:-1]))
    low, high = band.split("-")
    return text("chart.pyramid.band", lang, low=int(low), high=int(high))


def _published_sum(rows: pl.DataFrame, lang: Lang) -> tuple[int, str]:
    """The sum of the published counts of ``rows``, and how to write it: « au moins 120 » when
    some of them are hidden."""
    total = int(rows["persons"].sum())
    written = number(total, lang)
    if rows["suppressed"].any():
        written = text("chart.pyramid.at_least", lang, n=written)
    return total, written


def _unknown_note(rows: pl.DataFrame, unknown: str, lang: Lang) -> str | None:
    """The note on persons the pyramid cannot draw (``unknown`` "sex" or "age"), from published
    cells."""
    if rows.height == 0:
        return None
    if rows["suppressed"].all():
        return text(f"chart.pyramid.unknown_{unknown}_hidden", lang)
    total, written = _published_sum(rows, lang)
    return plural(f"chart.pyramid.unknown_{unknown}", total, lang, n=written) if total else None


#: Age groups the title may name (start, end or None for the open top group): 20 years each.
_GROUP_YEARS = 20
_AGE_GROUPS = ((0, 20), (20, 40), (40, 60), (60, 80), (80, None))


def _most_exposed_ages(per_band: pl.DataFrame, lang: Lang) -> str | None:
    """« 60-79 ans »: the 20-year age group with the most persons per 5-year band, if it has at
    least a fifth more than the average band; None otherwise."""
    low = pl.col("age_band").str.extract(r"^(\d+)").cast(pl.Int32)
    group = (low // _GROUP_YEARS * _GROUP_YEARS).clip(upper_bound=_AGE_GROUPS[-1][0])
    means = (
        per_band.group_by(group.alias("group"))
        .agg(pl.col("persons").mean())
        .sort(["persons", "group"], descending=[True, False])
    )
    if means.height < 2 or means["persons"][0] < 1.2 * per_band["persons"].mean():
        return None
    start = means["group"][0]
    end = dict(_AGE_GROUPS)[start]
    if end is None:
        return text("chart.pyramid.band_top", lang, low=start)
    if start == 0:
        return text("chart.pyramid.group_under", lang, high=end)
    return text("chart.pyramid.band", lang, low=start, high=end - 1)


def distance_chart(
    data: Frame, *, lang: Lang = "fr", k: int = 11, source: str | None = None,
    fictional: bool = False,
) -> alt.VConcatChart:
    """Persons by distance from home (commune) to the lab of their latest sample, in the table's
    band order; the title says how many in 10 live within the nearest band(s) that hold half."""
    frame = collect(data, "distance", ["band", "persons"])
    frame = with_suppression(frame, "persons", keys=("band",), lang=lang, k=k)
    located = frame.filter(pl.col("band") != "unknown")
    frame = frame.with_columns(
        pl.col("band").replace_strict(
            {"unknown": text("chart.unknown", lang)},
            default=pl.col("band").str.replace(r"^(\d+)\+ km$", text("chart.distance.beyond",
                                                                     lang, km="${1}")),
        ),
        label=pl.coalesce(pl.col("marker"), number_expr(pl.col("persons"), lang)),
        label_y=pl.col("persons").fill_null(0),
    )
    order = frame["band"].to_list()
    x = alt.X("band:N", sort=order, title=text("chart.distance", lang),
              axis=alt.Axis(labelAngle=0, titleFontWeight="normal"))
    bars = alt.Chart(frame).mark_bar(width={"band": 0.75}).encode(
        x=x, y=alt.Y("persons:Q", axis=_count_axis(text("chart.persons", lang)))
    )
    labels = alt.Chart(frame).mark_text(baseline="bottom", dy=-3).encode(
        x=x, y="label_y:Q", text="label:N",
        color=alt.condition("datum.suppressed", alt.value(MUTED), alt.value("#222222")),
    )
    body = alt.layer(bars, labels).properties(width=WIDTH, height=HEIGHT - 60)
    within = _within(located)
    title = (
        text("chart.distance.title_within", lang, n=within[0], km=within[1]) if within
        else text("chart.distance.title", lang)
    )  # fmt: skip
    subtitle = text("chart.distance.subtitle", lang)
    bands = text("chart.distance.separator", lang).join(
        text("chart.distance.band", lang, band=band,
             n=number(n, lang) if n is not None else text("chart.distance.hidden", lang))
        for band, n in zip(frame["band"], frame["persons"], strict=True)
    )  # fmt: skip
    alt_text = text("chart.distance.alt", lang, bands=bands)
    return finish(body, title=title, subtitle=subtitle, alt_text=alt_text, lang=lang,
                  source=source, fictional=fictional, notes=footnotes([frame], lang=lang, k=k))


def _within(located: pl.DataFrame) -> tuple[int, int] | None:
    """(n, km): n persons in 10 (rounded, at most 9) live within km of their lab, km the upper
    bound of the first bands that hold half of the persons located; None when a count is hidden."""
    if located.height == 0 or located["suppressed"].any() or not located["persons"].sum():
        return None
    shares = located.with_columns(
        share=pl.col("persons").cum_sum() / pl.col("persons").sum(),
        km=pl.col("band").str.extract(r"^\d+-(\d+) km$").cast(pl.Int64),
    ).filter(pl.col("km").is_not_null() & (pl.col("share") >= 0.5))
    if shares.height == 0:
        return None
    return min(9, round(shares["share"][0] * 10)), shares["km"][0]


def overlap_chart(
    data: Frame, *, lang: Lang = "fr", k: int = 11, source: str | None = None,
    fictional: bool = False,
) -> alt.VConcatChart:
    """Persons by the set of copies they appear in (« A et B », « B seulement »), largest first.

    The table is the protected overlap of a comparison (``toolkit.publication.comparison``):
    ``copies`` (a pattern such as "A+B"), ``pattern`` (its words) and ``persons``.
    """
    frame = collect(data, "overlap", ["copies", "pattern", "persons"])
    frame = with_suppression(frame, "persons", keys=("copies", "pattern"), lang=lang, k=k)
    frame = frame.sort(["persons", "copies"], descending=[True, False], nulls_last=True)
    frame = frame.with_columns(
        label=pl.coalesce(pl.col("marker"), number_expr(pl.col("persons"), lang)),
        label_x=pl.col("persons").fill_null(0),
        shared=pl.col("copies").str.contains("+", literal=True),
    )
    order = frame["pattern"].to_list()
    y = alt.Y("pattern:N", sort=order, title=None, axis=alt.Axis(labelLimit=240))
    x = alt.X("persons:Q", title=text("chart.persons", lang), axis=_count_axis(""))
    bars = alt.Chart(frame).mark_bar(height={"band": 0.7}).encode(
        x=x, y=y,
        color=alt.condition("datum.shared", alt.value(BASE), alt.value(CATEGORICAL[1])),
    )  # fmt: skip
    labels = alt.Chart(frame).mark_text(align="left", dx=4, fontSize=11).encode(
        x=alt.X("label_x:Q"), y=y, text="label:N",
        color=alt.condition("datum.suppressed", alt.value(MUTED), alt.value(INK)),
    )  # fmt: skip
    body = alt.layer(bars, labels).properties(width=WIDTH - 160, height=max(80, 26 * len(order)))
    shown = frame.filter(pl.col("suppressed").not_())
    first = shown.row(0, named=True) if shown.height else None
    alt_text = plural(
        "compare.overlap.alt", len(order), lang, n=len(order),
        first=first["pattern"] if first else order[0],
        persons=number(first["persons"], lang) if first else text("chart.no_data", lang),
    )  # fmt: skip
    return finish(body, title=text("compare.overlap.title", lang),
                  subtitle=text("compare.overlap.subtitle", lang), alt_text=alt_text, lang=lang,
                  source=source, fictional=fictional,
                  notes=footnotes([frame], lang=lang, k=k))  # fmt: skip


def differences_chart(
    data: Frame, dimension: str, *, lang: Lang = "fr", k: int = 11, source: str | None = None,
    fictional: bool = False,
) -> alt.VConcatChart:
    """Persons found in one copy only, by month of sample or by lab, stacked, one colour per copy.

    The one-copy patterns are disjoint (a person is in one of them at most), so their bars stack:
    a stack is the persons of that month or lab found in one copy only.

    ``data``: the protected rows of one-copy patterns of a comparison table by ``dimension``
    ("month" as "YYYY-MM", or "lab"), with ``copies``, ``pattern`` and ``persons``. Records
    without a month are left out of the month chart; without a lab, drawn as « Laboratoire
    inconnu ».
    """
    if dimension not in ("month", "lab"):
        raise InputError(f"differences by {dimension!r}: use 'month' or 'lab'")
    frame = collect(data, "differences", ["copies", "pattern", dimension, "persons"])
    frame = with_suppression(frame, "persons", keys=("copies", "pattern", dimension), lang=lang,
                             k=k)  # fmt: skip
    if dimension == "month":
        frame = frame.drop_nulls("month").with_columns(
            month=(pl.col("month") + "-01").str.to_date(strict=False)
        ).drop_nulls("month").with_columns(_iso("month"))
        if not frame.height:
            raise nothing_to_draw("differences", "no record of one copy only has a known month")
        x = alt.X("yearmonth(month):T", title=text("chart.month", lang),
                  axis=alt.Axis(format="%b %Y", tickCount=6))  # fmt: skip
    else:
        frame = frame.with_columns(_named_labs("lab", lang))
        x = alt.X("lab:N", title=text("chart.lab", lang), sort="ascending",
                  axis=alt.Axis(labelAngle=-45, labelLimit=160))  # fmt: skip
    colour = alt.Color("pattern:N", title=None, legend=alt.Legend(orient="top"),
                       scale=alt.Scale(range=CATEGORICAL))  # fmt: skip
    y = alt.Y("persons:Q", title=text("chart.persons", lang), axis=_count_axis(""))
    shown = frame.filter(pl.col("suppressed").not_())
    hidden = frame.filter(pl.col("suppressed")).with_columns(persons=pl.lit(0))
    # A hidden count is never drawn as a bar (nor as zero): a grey tick on the axis, its marker
    # in the tooltip and the footnote.
    layers = [
        alt.Chart(shown).mark_bar(width={"band": 0.8}).encode(x=x, y=y, color=colour),
        alt.Chart(hidden).mark_tick(color=SUPPRESSED, thickness=3, orient="horizontal").encode(
            x=x, y=alt.Y("persons:Q", stack=None), tooltip=["pattern:N", "marker:N"]
        ),
    ]  # fmt: skip
    body = alt.layer(*[layer for layer, part in zip(layers, (shown, hidden), strict=True)
                       if part.height]).properties(width=WIDTH, height=HEIGHT)  # fmt: skip
    said = []
    for pattern in sorted(frame["pattern"].unique().to_list()):
        mine = shown.filter(pl.col("pattern") == pattern)
        value = (number(int(mine["persons"].sum()), lang) if mine.height
                 else text("compare.differences.all_hidden", lang))  # fmt: skip
        said.append(text("compare.differences.sum", lang, pattern=pattern, value=value))
    totals = said
    what = text(f"compare.differences.by_{dimension}", lang)
    alt_text = text("compare.differences.alt", lang, by=what,
                    totals=text("compare.differences.separator", lang).join(totals))
    return finish(body, title=text(f"compare.differences.title_{dimension}", lang),
                  subtitle=text("compare.differences.subtitle", lang), alt_text=alt_text,
                  lang=lang, source=source, fictional=fictional,
                  notes=footnotes([frame], lang=lang, k=k))  # fmt: skip
