"""Chart builders: one exposure aggregate in, one finished ``alt.VConcatChart`` out.

Each builder accepts the raw aggregate of ``toolkit.safe.exposure`` or its disclosure-protected
version (count nullable, ``<count>_suppressed``, ``<count>_reason``). A suppressed count is
drawn in grey with its marker ("< 11", "secret"), never as zero, and the derived columns that
would give it back (share, rate) are blanked. Titles, axes and legends are set explicitly so
that no English auto-title ("Sum of …", "count") reaches the page.
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
    HEIGHT,
    INK,
    LOCALES,
    MUTED,
    RAMP,
    SUPPRESSED,
    WIDTH,
    finish,
    footnotes,
    text,
    with_suppression,
)
from toolkit.shared import reference
from toolkit.shared.errors import InputError, ToolkitError
from toolkit.shared.vocabulary import (
    CATEGORIES,
    CATEGORY_LABELS,
    HEALTH_CATEGORIES,
    MENTION_LABELS,
    Lang,
)

#: First public report of the 2021 leak (Libération CheckNews and Zataz).
FIRST_REPORT = dt.date(2021, 2, 23)

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


def month_label(day: dt.date, lang: Lang) -> str:
    """A month as the locale writes it short: "oct. 2020" / "Oct 2020"."""
    return f"{LOCALES[lang]['time']['shortMonths'][day.month - 1]} {day.year}"


def day_label(day: dt.date, lang: Lang) -> str:
    """A date as the locale writes it short: "23 févr. 2021" / "Feb 23, 2021"."""
    month = LOCALES[lang]["time"]["shortMonths"][day.month - 1]
    return f"{day.day} {month} {day.year}" if lang == "fr" else f"{month} {day.day}, {day.year}"


def _colon(lang: Lang) -> str:
    # French typography puts a no-break space before the colon.
    return "\u00a0: " if lang == "fr" else ": "


def _iso(column: str) -> pl.Expr:
    # Date-only ISO strings are read as UTC by Vega and shown on a UTC scale: the same pixels
    # whatever the time zone of the machine or the reader's browser.
    return pl.col(column).cast(pl.Date).dt.strftime("%Y-%m-%d").alias(column)


def _labels(column: str, labels: dict[str, str]) -> pl.Expr:
    return pl.col(column).replace_strict(labels, default=pl.col(column), return_dtype=pl.String)


def _count_axis(title: str, fmt: str = ",d") -> alt.Axis:
    return alt.Axis(title=title, format=fmt, tickCount=5, titleAngle=0, titleAlign="left",
                    titleAnchor="end", titleY=-10, titleX=0)


def number(n: int, lang: Lang) -> str:
    """A whole number grouped as the locale does it: "491\u00a0840" / "491,840"."""
    return f"{n:,}".replace(",", LOCALES[lang]["number"]["thousands"])


def percent(share: float, lang: Lang) -> str:
    """A share as a whole percentage: "56\u202f%" / "56%"."""
    return f"{share * 100:.0f}{LOCALES[lang]['number'].get('percent', '%')}"


def number_expr(expr: pl.Expr, lang: Lang) -> pl.Expr:
    """:func:`number` as a Polars expression (whole, non-negative counts)."""
    separator = LOCALES[lang]["number"]["thousands"]
    # Group digits from the right: reverse, add a separator after every three, reverse back.
    return (
        expr.round(0).cast(pl.Int64).cast(pl.String).str.reverse()
        .str.replace_all(r"(\d{3})", "${1}" + separator)
        .str.strip_chars_end(separator).str.reverse()
    )


def percent_expr(expr: pl.Expr, lang: Lang) -> pl.Expr:
    """:func:`percent` as a Polars expression."""
    sign = LOCALES[lang]["number"].get("percent", "%")
    return (expr * 100).round(0).cast(pl.Int64).cast(pl.String) + pl.lit(sign)


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
    first_report: dt.date = FIRST_REPORT,
) -> alt.VConcatChart:
    """Records per month (total, by département or by lab), with end of data and first report."""
    frame = collect(data, "timeline", ["month", count])
    by = next((c for c in ("lab", "departement") if c in frame.columns), None)
    frame = with_suppression(frame, count, keys=("month", "lab", "departement"), lang=lang, k=k)
    months = frame["month"].cast(pl.Date)
    first = months.min()
    start = min(first, dt.date(2015, 1, 1))
    # The end of the data is the last month with records, masked or not.
    last = frame.filter((pl.col(count) > 0) | pl.col("suppressed"))["month"].cast(pl.Date).max()
    last = last or months.max()
    end = dt.date(first_report.year, first_report.month, 1) + dt.timedelta(days=100)
    domain = [start.isoformat(), end.isoformat()]
    frame = frame.with_columns(_iso("month"))

    x_scale = alt.Scale(type="utc", domain=domain)
    x_axis = alt.Axis(title=None, format="%Y", tickCount={"interval": "year", "step": 1},
                      labelAlign="left", labelPadding=4)
    count_title = text(count, lang) if count in ("records", "persons") else count
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
        subtitle = (
            f"{count_title} par mois et par laboratoire" if lang == "fr"
            else f"{count_title} per month and laboratory"
        )
    else:
        y = alt.Y(f"{count}:Q", axis=_count_axis(count_title), scale=alt.Scale(nice=True))
        x = alt.X("month:T", scale=x_scale, axis=x_axis)
        if by == "departement":
            names = departement_labels(frame["departement"].unique().drop_nulls().to_list())
            counted = counted.with_columns(
                _labels("departement", names).fill_null(text("not_located", lang)).alias("name")
            )
            series = alt.Chart(counted).mark_line(interpolate="linear").encode(
                x=x, y=y,
                color=alt.Color("name:N", title=text("departement", lang),
                                sort=[*(names[c] for c in sorted(names)),
                                      text("not_located", lang)],
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
        subtitle = (
            f"{count_title} par mois de prélèvement" if lang == "fr"
            else f"{count_title} per month of sample"
        )
        if by == "departement":
            subtitle += " et par département" if lang == "fr" else " and département"

    events = pl.DataFrame(
        {
            # On the strip of month cells the data end after the last cell, not at its start.
            "date": [
                (last + dt.timedelta(days=31)).replace(day=1).isoformat() if by == "lab"
                else last.isoformat(),
                first_report.isoformat(),
            ],
            "label": [
                text("end_of_data", lang) + _colon(lang) + month_label(last, lang),
                text("first_report", lang) + _colon(lang) + day_label(first_report, lang),
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

    total = int(counted[count].sum())
    title = (
        f"Des prélèvements de {first.year} à {last.year}" if lang == "fr"
        else f"Samples from {first.year} to {last.year}"
    )
    peak = counted.sort(count, descending=True)["month"].head(1).to_list()
    peak_month = month_label(dt.date.fromisoformat(peak[0]), lang) if peak else "-"
    alt_text = (
        f"Chronologie : {number(total, lang)} {count_title.lower()} par mois, de "
        f"{month_label(first, lang)} à {month_label(last, lang)}, avec un maximum en "
        f"{peak_month}. Les données s'arrêtent en {month_label(last, lang)} ; la fuite a été "
        f"signalée le {day_label(first_report, lang)}."
        if lang == "fr"
        else f"Timeline: {number(total, lang)} {count_title.lower()} by month, from "
        f"{month_label(first, lang)} to {month_label(last, lang)}, peaking in {peak_month}. "
        f"The data end in {month_label(last, lang)}; the leak was first reported on "
        f"{day_label(first_report, lang)}."
    )
    return finish(
        body, title=title, subtitle=subtitle, alt_text=alt_text, lang=lang, source=source,
        notes=footnotes([frame], lang=lang, k=k),
    )


# --- labs ----------------------------------------------------------------------------------


def lab_windows_chart(
    data: Frame, *, lang: Lang = "fr", k: int = 11, source: str | None = None
) -> alt.VConcatChart:
    """One bar per lab from its first to its last sample, as thick as the persons it exposes."""
    frame = collect(data, "lab windows", ["lab", "first_sample", "last_sample", "persons"])
    frame = with_suppression(
        frame, "persons", keys=("lab", "first_sample", "last_sample"), lang=lang, k=k
    )
    frame = frame.sort(["first_sample", "lab"]).with_columns(
        _iso("first_sample"),
        _iso("last_sample"),
        label=pl.coalesce(pl.col("marker"), number_expr(pl.col("persons"), lang)),
    )
    order = frame["lab"].to_list()
    start = min(dt.date.fromisoformat(frame["first_sample"].min()), dt.date(2015, 1, 1))
    x_scale = alt.Scale(type="utc", domain=[start.isoformat(), "2021-07-01"])
    y = alt.Y("lab:N", sort=order, title=None, axis=alt.Axis(labelFontSize=11))
    x = alt.X("first_sample:T", scale=x_scale, title=None,
              axis=alt.Axis(format="%Y", tickCount={"interval": "year", "step": 1},
                            labelAlign="left", grid=True, orient="top"))
    bars = alt.Chart(frame.filter(pl.col("suppressed").not_())).mark_bar(cornerRadius=1).encode(
        x=x, x2="last_sample:T", y=y,
        size=alt.Size("persons:Q", title=text("persons", lang),
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
    title = (
        f"{len(order)} laboratoires\u00a0: la période couverte par chacun" if lang == "fr"
        else f"{len(order)} laboratories: the period each one covers"
    )
    subtitle = (
        "Du premier au dernier prélèvement présent dans le fichier ; épaisseur : personnes exposées"
        if lang == "fr"
        else "From the first to the last sample in the file; thickness: people exposed"
    )
    lead = (
        f" Le plus gros, {biggest['lab'][0]}, expose {number(biggest['persons'][0], lang)} "
        "personnes." if lang == "fr" and biggest.height
        else f" The largest, {biggest['lab'][0]}, exposes {number(biggest['persons'][0], lang)} "
        "people." if biggest.height else ""
    )
    alt_text = (
        f"Barres horizontales : pour chacun des {len(order)} laboratoires, la période entre son "
        f"premier et son dernier prélèvement dans le fichier.{lead}"
        if lang == "fr"
        else f"Horizontal bars: for each of the {len(order)} laboratories, the period between "
        f"its first and last sample in the file.{lead}"
    )
    return finish(body, title=title, subtitle=subtitle, alt_text=alt_text, lang=lang,
                  source=source, notes=footnotes([frame], lang=lang, k=k))


# --- what was leaked -----------------------------------------------------------------------


def _health_colour(lang: Lang) -> alt.Color:
    return alt.Color(
        "kind:N",
        title=None,
        scale=alt.Scale(domain=[text("health", lang), text("not_health", lang)],
                        range=[ACCENT, BASE]),
    )


def categories_chart(
    data: Frame, *, lang: Lang = "fr", k: int = 11, source: str | None = None
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
        name=_labels("category", CATEGORY_LABELS[lang]),
        kind=pl.when(pl.col("category").is_in(sorted(HEALTH_CATEGORIES)))
        .then(pl.lit(text("health", lang))).otherwise(pl.lit(text("not_health", lang))),
        label=pl.coalesce(
            pl.col("marker"),
            percent_expr(pl.col("share"), lang)
            + pl.lit(" (") + number_expr(pl.col("persons"), lang) + pl.lit(")"),
        ),
    )
    frame = frame.with_columns(label_x=pl.col("share").fill_null(0))
    order = frame["name"].to_list()
    y = alt.Y("name:N", sort=order, title=None, axis=alt.Axis(labelLimit=240))
    x = alt.X("share:Q", title=text("share", lang), scale=alt.Scale(domain=[0, 1]),
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
    title = "Ce qui a fuité" if lang == "fr" else "What was leaked"
    subtitle = (
        "Part des personnes exposées, par type de donnée ; en rouge, données de santé"
        if lang == "fr" else "Share of people exposed, by kind of data; in red, health data"
    )
    alt_text = (
        f"Barres horizontales : part des personnes exposées pour {len(order)} types de données, "
        f"de {order[0]} ({percent(frame['share'][0] or 0, lang)}) à {order[-1]}. "
        "Données de santé : "
        f"{health_text or 'aucune'}."
        if lang == "fr"
        else f"Horizontal bars: share of people exposed for {len(order)} kinds of data, from "
        f"{order[0]} ({percent(frame['share'][0] or 0, lang)}) to {order[-1]}. "
        f"Health data: {health_text or 'none'}."
    )
    return finish(body, title=title, subtitle=subtitle, alt_text=alt_text, lang=lang,
                  source=source, notes=footnotes([frame], lang=lang, k=k))


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
    data: Frame, *, lang: Lang = "fr", k: int = 11, source: str | None = None
) -> alt.VConcatChart:
    """Data category x year heatmap of the share of that year's persons exposed."""
    frame = collect(data, "category by year", ["category", "year", "persons"])
    frame = with_suppression(
        frame, "persons", keys=("category", "year"), lang=lang, k=k, derived=("share",)
    )
    value = "share" if "share" in frame.columns else "persons"
    order_cats = [c for c in CATEGORIES if c in set(frame["category"])] + sorted(
        set(frame["category"]) - set(CATEGORIES)
    )
    labels = CATEGORY_LABELS[lang]
    frame = frame.with_columns(
        _labels("category", labels).alias("name"), pl.col("year").cast(pl.String)
    )
    order = [labels.get(c, c) for c in order_cats]
    highlight = [labels.get(c, c) for c in order_cats if c in HEALTH_CATEGORIES]
    body = _heatmap(
        frame, row="name", column="year", value=value, row_order=order,
        value_format=".0%" if value == "share" else ",d",
        value_title=text(value, lang), column_title=None, highlight=highlight,
    )
    years = sorted(frame["year"].unique().to_list())
    title = ("Les données exposées, année par année" if lang == "fr"
             else "Data exposed, year by year")
    subtitle = (
        ("Part des personnes de l'année" if value == "share" else "Personnes")
        + " exposées par type de donnée ; en rouge, données de santé"
        if lang == "fr"
        else ("Share of the year's people" if value == "share" else "People")
        + " exposed by kind of data; in red, health data"
    )
    alt_text = (
        f"Tableau coloré : {len(order)} types de données en lignes, années {years[0]} à "
        f"{years[-1]} en colonnes ; plus la case est foncée, plus la part des personnes exposées "
        "est grande."
        if lang == "fr"
        else f"Heatmap: {len(order)} kinds of data in rows, years {years[0]} to {years[-1]} in "
        "columns; the darker the cell, the larger the share of people exposed."
    )
    return finish(body, title=title, subtitle=subtitle, alt_text=alt_text, lang=lang,
                  source=source, notes=footnotes([frame], lang=lang, k=k))


def co_exposure_chart(
    data: Frame, *, lang: Lang = "fr", k: int = 11, source: str | None = None
) -> alt.VConcatChart:
    """UpSet-style chart: persons per combination of data categories, with its dot matrix."""
    frame = collect(data, "co-exposure", ["combination", "persons"])
    frame = with_suppression(frame, "persons", keys=("combination", "rank"), lang=lang, k=k)
    if "rank" not in frame.columns:
        frame = frame.with_columns(rank=pl.col("persons").rank("ordinal", descending=True))
    frame = frame.sort("rank").with_columns(pl.col("rank").cast(pl.Int64))
    # co_exposure adds one pseudo-category: any health mention in the free text.
    labels = CATEGORY_LABELS[lang] | {"health_mention": text("health_mention", lang)}
    members = frame.select("rank", pl.col("combination").str.split("+").alias("category")).explode(
        "category"
    )
    used = set(members["category"])
    order_cats = [c for c in CATEGORIES if c in used] + sorted(used - set(CATEGORIES))
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
        x=x, y=alt.Y("persons:Q", axis=_count_axis(text("persons", lang)))
    )
    masked = alt.Chart(frame.filter(pl.col("suppressed"))).mark_text(
        angle=270, align="left", color=MUTED, fontStyle="italic", fontSize=10
    ).encode(x=x, y=alt.value(200), text="marker:N")
    top = alt.layer(bars, masked).properties(width=width, height=200)
    health = [labels.get(c, c) for c in order_cats if c in {*HEALTH_CATEGORIES, "health_mention"}]
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
    title = ("Quelles données fuitent ensemble" if lang == "fr"
             else "Which data leaked together")
    subtitle = (
        f"Personnes par combinaison de données exposées ({len(ranks)} plus fréquentes)"
        if lang == "fr" else f"People by combination of data exposed (top {len(ranks)})"
    )
    alt_text = (
        f"Diagramme en barres et matrice de points : les {len(ranks)} combinaisons de données "
        f"les plus fréquentes. La première, {best_text}, concerne "
        f"{number(best['persons'][0], lang) if best.height else '-'} personnes."
        if lang == "fr"
        else f"Bar chart with a dot matrix: the {len(ranks)} most frequent combinations of data. "
        f"The first, {best_text}, concerns "
        f"{number(best['persons'][0], lang) if best.height else '-'} people."
    )
    return finish(body, title=title, subtitle=subtitle, alt_text=alt_text, lang=lang,
                  source=source, notes=footnotes([frame], lang=lang, k=k))


def health_mentions_chart(
    data: Frame, *, lang: Lang = "fr", k: int = 11, source: str | None = None
) -> alt.VConcatChart:
    """Persons with a health mention in the free-text comments, by kind (and by lab or year)."""
    frame = collect(data, "health mentions", ["mention", "persons"])
    by = next((c for c in ("year", "lab") if c in frame.columns), None)
    frame = with_suppression(
        frame, "persons", keys=("mention", "year", "lab"), lang=lang, k=k
    ).with_columns(
        _labels("mention", MENTION_LABELS[lang]).alias("name")
    )
    totals = frame.group_by("name").agg(pl.col("persons").sum()).sort(
        ["persons", "name"], descending=[True, False]
    )
    order = totals["name"].to_list()
    title = ("Des données de santé dans les commentaires" if lang == "fr"
             else "Health data in the comments")
    if by:
        frame = frame.with_columns(pl.col(by).cast(pl.String))
        body = _heatmap(
            frame, row="name", column=by, value="persons", row_order=order, value_format=",d",
            value_title=text("persons", lang), column_title=None, highlight=[],
        )
    else:
        frame = frame.with_columns(
            label=pl.coalesce(pl.col("marker"), number_expr(pl.col("persons"), lang)),
            label_x=pl.col("persons").fill_null(0),
        )
        y = alt.Y("name:N", sort=order, title=None, axis=alt.Axis(labelLimit=240))
        bars = alt.Chart(frame).mark_bar(color=ACCENT, height={"band": 0.7}).encode(
            x=alt.X("persons:Q", axis=alt.Axis(title=text("persons", lang), format=",d",
                                               tickCount=5, orient="top")),
            y=y,
        )
        labels = alt.Chart(frame).mark_text(align="left", dx=4).encode(
            x="label_x:Q", y=y, text="label:N",
            color=alt.condition("datum.suppressed", alt.value(MUTED), alt.value("#222222")),
        )
        body = alt.layer(bars, labels).properties(width=WIDTH - 160, height=24 * len(order))
    subtitle = (
        "Personnes dont un commentaire libre mentionne…" if lang == "fr"
        else "People whose free-text comment mentions…"
    )
    first = totals.head(1)
    alt_text = (
        f"Barres : personnes dont un commentaire mentionne une donnée de santé, pour "
        f"{len(order)} types de mention ; la plus fréquente est « {first['name'][0]} »."
        if lang == "fr"
        else f"Bars: people whose comment mentions health data, for {len(order)} kinds of "
        f"mention; the most frequent is “{first['name'][0]}”."
    )
    return finish(body, title=title, subtitle=subtitle, alt_text=alt_text, lang=lang,
                  source=source, notes=footnotes([frame], lang=lang, k=k))


# --- who -----------------------------------------------------------------------------------


def pyramid_chart(
    data: Frame, *, lang: Lang = "fr", k: int = 11, source: str | None = None
) -> alt.VConcatChart:
    """Age band x sex pyramid of the persons exposed (men left, women right)."""
    frame = collect(data, "age pyramid", ["age_band", "sex", "persons"])
    frame = with_suppression(frame, "persons", keys=("age_band", "sex"), lang=lang, k=k).filter(
        pl.col("sex").is_in(["F", "M"]) & pl.col("age_band").is_not_null()
    )
    bands = sorted(frame["age_band"].unique().to_list(), reverse=True)
    high = float(frame["persons"].max() or 1)
    frame = frame.with_columns(label_x=pl.col("persons").fill_null(0))
    y = alt.Y("age_band:N", sort=bands, title=None, axis=None)
    half = (WIDTH - 60) // 2

    def side(sex: str, colour: str, reverse: bool) -> alt.LayerChart:
        rows = frame.filter(pl.col("sex") == sex)
        x = alt.X("persons:Q", title=text("women" if sex == "F" else "men", lang),
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

    middle = alt.Chart(pl.DataFrame({"age_band": bands})).mark_text(fontSize=11).encode(
        y=y, text="age_band:N"
    ).properties(width=44, height=22 * len(bands))
    body = alt.hconcat(side("M", "#6a9a7f", True), middle, side("F", BASE, False), spacing=2)
    women = int(frame.filter(pl.col("sex") == "F")["persons"].sum())
    men = int(frame.filter(pl.col("sex") == "M")["persons"].sum())
    title = "Qui est exposé" if lang == "fr" else "Who is exposed"
    subtitle = ("Personnes par tranche d'âge et par sexe" if lang == "fr"
                else "People by age band and sex")
    alt_text = (
        f"Pyramide des âges : {number(women, lang)} femmes et {number(men, lang)} hommes, par "
        f"tranche d'âge de {bands[-1]} à {bands[0]} ans."
        if lang == "fr"
        else f"Age pyramid: {number(women, lang)} women and {number(men, lang)} men, by age band "
        f"from {bands[-1]} to {bands[0]}."
    )
    return finish(body, title=title, subtitle=subtitle, alt_text=alt_text, lang=lang,
                  source=source, notes=footnotes([frame], lang=lang, k=k))


def distance_chart(
    data: Frame, *, lang: Lang = "fr", k: int = 11, source: str | None = None
) -> alt.VConcatChart:
    """Distribution of the distance from home (commune) to lab, in the table's band order."""
    frame = collect(data, "distance", ["band", "persons"])
    frame = with_suppression(frame, "persons", keys=("band",), lang=lang, k=k).with_columns(
        _labels("band", {"unknown": text("unknown", lang)}).alias("band"),
        label=pl.coalesce(pl.col("marker"), number_expr(pl.col("persons"), lang)),
        label_y=pl.col("persons").fill_null(0),
    )
    order = frame["band"].to_list()
    x = alt.X("band:N", sort=order, title=text("distance", lang),
              axis=alt.Axis(labelAngle=0, titleFontWeight="normal"))
    bars = alt.Chart(frame).mark_bar(width={"band": 0.75}).encode(
        x=x, y=alt.Y("persons:Q", axis=_count_axis(text("persons", lang)))
    )
    labels = alt.Chart(frame).mark_text(baseline="bottom", dy=-3).encode(
        x=x, y="label_y:Q", text="label:N",
        color=alt.condition("datum.suppressed", alt.value(MUTED), alt.value("#222222")),
    )
    body = alt.layer(bars, labels).properties(width=WIDTH, height=HEIGHT - 60)
    top = frame.sort("persons", descending=True, nulls_last=True).head(1)
    title = ("À quelle distance du laboratoire" if lang == "fr"
             else "How far from the laboratory")
    subtitle = ("Personnes par distance entre la commune de résidence et le laboratoire"
                if lang == "fr" else "People by distance between home town and laboratory")
    alt_text = (
        f"Barres : personnes par tranche de distance au laboratoire ({len(order)} tranches, "
        f"de {order[0]} à {order[-1]}) ; la plus fréquente est {top['band'][0]}."
        if lang == "fr"
        else f"Bars: people by distance band to the laboratory ({len(order)} bands, from "
        f"{order[0]} to {order[-1]}); the most frequent is {top['band'][0]}."
    )
    return finish(body, title=title, subtitle=subtitle, alt_text=alt_text, lang=lang,
                  source=source, notes=footnotes([frame], lang=lang, k=k))
