"""Interactive exploration of the safe table in a notebook: pick labs, places, a period, categories.

:class:`ExposureExplorer` shows ipywidgets pickers above charts and a table; any change recomputes
the aggregates (``toolkit.safe.exposure``), protects them (``toolkit.publication.disclosure``, no
count below k) and redraws. Charts are drawn as SVG (rendered offline by vl-convert) inside HTML
widgets: no JavaScript to load, and no megabyte of inlined Vega per redraw. The logic lives here,
not in the notebooks, and is driven from Python in the tests: ``explorer.lab_picker.value =
("lbm5601",)`` updates ``explorer.tables``, ``explorer.charts`` and the SVG in ``explorer.views``.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import altair as alt
import ipywidgets as w
import polars as pl
from IPython.display import display

from toolkit.app.compare import compare_files
from toolkit.boundary import keys
from toolkit.boundary.safe_table import validate_safe_table
from toolkit.publication import charts
from toolkit.publication.charts.builders import departement_labels
from toolkit.publication.figures import named_labs
from toolkit.publication.protection import derive_from_published, protect_table
from toolkit.safe import exposure
from toolkit.safe.compare import Comparison
from toolkit.shared import paths
from toolkit.shared.case import Case, default_case
from toolkit.shared.errors import ToolkitError
from toolkit.shared.formatting import month_short, number
from toolkit.shared.text import text, texts
from toolkit.shared.vocabulary import CATEGORIES, Lang, category_label


@dataclass(frozen=True)
class Selection:
    """What the pickers say: empty tuples mean "all"; ``period`` is (first, last) month or None."""

    labs: tuple[str, ...] = ()
    departements: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    period: tuple[dt.date, dt.date] | None = None


def select_records(safe: pl.DataFrame | pl.LazyFrame, selection: Selection) -> pl.LazyFrame:
    """The safe-table records in ``selection`` (still a safe table).

    Labs and départements (of residence) keep the records that match any picked value; the
    period keeps sample months within it, bounds included; categories keep the records that
    expose at least one of them (who had their NIR *or* password exposed...).
    """
    lf = validate_safe_table(safe).lazy()
    conditions: list[pl.Expr] = []
    if selection.labs:
        conditions.append(pl.col("lab").is_in(list(selection.labs)))
    if selection.departements:
        conditions.append(pl.col("residence_departement").is_in(list(selection.departements)))
    if selection.period is not None:
        first, last = selection.period
        conditions.append(pl.col("sample_month").is_between(first, last, closed="both"))
    if selection.categories:
        conditions.append(pl.any_horizontal(f"exposed_{c}" for c in selection.categories))
    return lf.filter(*conditions) if conditions else lf


def exposure_tables(
    records: pl.DataFrame | pl.LazyFrame, categories: Iterable[str] = (), k: int = 11
) -> dict[str, pl.DataFrame]:
    """The explorer's protected tables (counts below ``k`` hidden) for the selected records.

    ``timeline`` (``month, persons``), ``categories`` (``category, persons, share``; only
    ``categories`` if given), ``labs`` (``lab, first_sample, last_sample, persons``) and
    ``departements`` (``departement, departement_name, persons, population, population_share``).
    """
    shown = tuple(categories)
    by_category = exposure.category_exposure(records)
    if shown:
        by_category = by_category.filter(pl.col("category").is_in(list(shown)))
    raw = {
        "timeline": exposure.records_by_month(records).select("month", "persons"),
        "categories": by_category,
        "labs": exposure.lab_windows(records).drop("records"),
        "departements": exposure.persons_by_departement(records),
    }
    keys = {
        "timeline": ["month"],
        "categories": ["category"],
        "labs": ["lab"],
        "departements": ["departement"],
    }
    derived = {"categories": ("share",), "labs": ("first_sample", "last_sample"),
               "departements": ("population_share",)}  # fmt: skip
    persons = records.lazy().select(pl.col("person_id").n_unique()).collect().item()
    # Shares and rates from the counts as shown, empty where a count is hidden: a rate kept for
    # a hidden département gave its persons back.
    return {
        name: derive_from_published(
            protect_table(table, keys[name], k=k, derived=derived.get(name, ())),
            persons=persons,
        ).table
        for name, table in raw.items()
    }


class ExposureExplorer:
    """Pickers for labs, départements, period, data categories and k above charts and a table.

    ``safe`` is the safe table; ``labs`` (optional) a lab registry or located labs with ``lab``
    and ``name`` columns (and ``insee``, to tell apart two labs of one name): the lab picker,
    the lab chart and the lab table then show names, not codes
    (``toolkit.publication.figures.named_labs``). ``case`` (default: the default case) gives the
    charts' source line; ``fictional`` (a synthetic file) marks them « Données fictives ».
    After every change ``selection``,
    ``persons``, ``records``, ``tables`` (see :func:`exposure_tables`) and ``charts``
    (``timeline``, ``categories``, ``labs``) describe what is shown.
    """

    def __init__(
        self,
        safe: pl.DataFrame | pl.LazyFrame,
        *,
        labs: pl.DataFrame | None = None,
        k: int = 11,
        lang: Lang = "fr",
        case: Case | None = None,
        fictional: bool = False,
    ) -> None:
        self.lang: Lang = lang
        #: Under every chart: the case's source line and, for a synthetic file, « Données
        #: fictives » (a chart copied out of the explorer says what it is).
        self.source = (case or default_case()).source_line(lang)
        self.fictional = fictional
        self.safe = validate_safe_table(safe).lazy().collect()
        self.tables: dict[str, pl.DataFrame] = {}
        self.charts: dict[str, alt.TopLevelMixin] = {}
        self.persons = 0
        self.records = 0

        self.located = labs
        codes = self.safe["lab"].drop_nulls().unique().sort().to_list()
        names = {} if labs is None else dict(labs.select("lab", "name").iter_rows())
        lab_options = [(f"{names[c]} ({c})" if names.get(c) else c, c) for c in codes]
        deps = self.safe["residence_departement"].drop_nulls().unique().to_list()
        dep_options = [(label, code) for code, label in departement_labels(deps).items()]
        present = [c for c in CATEGORIES if f"exposed_{c}" in self.safe.columns]
        cat_options = [(category_label(c, lang), c) for c in present]
        months = self.safe["sample_month"].drop_nulls().unique().sort().to_list()
        month_options = [(month_short(m, lang), m) for m in months]

        layout = w.Layout(width="auto", height="9em")
        self.lab_picker = w.SelectMultiple(options=lab_options, layout=layout)
        self.departement_picker = w.SelectMultiple(options=dep_options, layout=layout)
        self.category_picker = w.SelectMultiple(options=cat_options, layout=layout)
        self.period_slider = w.SelectionRangeSlider(
            options=month_options or [("-", None)],
            index=(0, max(len(month_options) - 1, 0)),
            description=text("explorer.period", lang),
            layout=w.Layout(width="95%"),
            disabled=not month_options,
        )
        self.k_slider = w.IntSlider(
            value=k, min=1, max=100, description=text("explorer.k", lang)
        )
        self.summary = w.HTML()
        #: One HTML widget per chart (its SVG), then the protected table of labs.
        self.views = {name: w.HTML() for name in ("timeline", "categories", "labs")}
        self.table_view = w.HTML()

        def column(title: str, picker: w.Widget) -> w.VBox:
            return w.VBox([w.HTML(f"<b>{title}</b>"), picker], layout=w.Layout(flex="1 1 0"))

        self.widget = w.VBox(
            [
                w.HBox(
                    [
                        column(text("explorer.labs", lang), self.lab_picker),
                        column(text("explorer.departements", lang), self.departement_picker),
                        column(text("explorer.categories", lang), self.category_picker),
                    ]
                ),
                w.HTML(f"<i>{text('explorer.hint', lang)}</i>"),
                self.period_slider,
                self.k_slider,
                self.summary,
                *self.views.values(),
                self.table_view,
            ]
        )
        for control in (
            self.lab_picker,
            self.departement_picker,
            self.category_picker,
            self.period_slider,
            self.k_slider,
        ):
            control.observe(self._on_change, names="value")
        self.refresh()

    @property
    def selection(self) -> Selection:
        """The current choice of the pickers."""
        period = self.period_slider.value if not self.period_slider.disabled else None
        return Selection(
            labs=tuple(self.lab_picker.value),
            departements=tuple(self.departement_picker.value),
            categories=tuple(self.category_picker.value),
            period=tuple(period) if period else None,
        )

    def _on_change(self, _change: object) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Recompute the tables and charts for the current selection and redraw them."""
        lang = self.lang
        k = int(self.k_slider.value)
        selection = self.selection
        records = select_records(self.safe, selection).collect()
        self.records = records.height
        self.persons = records["person_id"].n_unique()
        if records.height == 0:
            self.tables, self.charts = {}, {}
            self.summary.value = f"<p>{text('explorer.empty', lang)}</p>"
            for view in (*self.views.values(), self.table_view):
                view.value = ""
            return
        self.tables = exposure_tables(records, selection.categories, k=k)
        # Named after protection: a lab's name stands for its code, one for one.
        self.tables["labs"] = named_labs(self.tables["labs"], self.located)
        builders = {
            "timeline": (charts.timeline_chart, {"count": "persons"}),
            "categories": (charts.categories_chart, {}),
            "labs": (charts.lab_windows_chart, {}),
        }
        # A chart the selection cannot give (no usable date, no category...) is replaced by one
        # sentence saying why; the others are drawn.
        self.charts = {}
        missing: dict[str, str] = {}
        for name, (build, options) in builders.items():
            try:
                self.charts[name] = build(self.tables[name], k=k, lang=lang, source=self.source,
                                          fictional=self.fictional, **options)  # fmt: skip
            except ToolkitError:
                missing[name] = _why_no_chart(records, name, lang)

        def shown(n: int) -> str:
            return number(n, lang) if n >= k else text("explorer.small", lang, k=k)

        summary = text(
            "explorer.summary", lang, persons=shown(self.persons), records=shown(self.records)
        )
        self.summary.value = f"<p>{summary}</p>"
        for name, chart in self.charts.items():
            self.views[name].value = charts.to_svg(chart)
        for name, why in missing.items():
            self.views[name].value = f"<p><i>{why}</i></p>"
        # The reason column tells which hidden cells are small: never shown (CONTRACTS.md).
        self.table_view.value = self.tables["labs"].drop("persons_reason")._repr_html_()

    def _ipython_display_(self) -> None:
        display(self.widget)


def _why_no_chart(records: pl.DataFrame, chart: str, lang: Lang) -> str:
    """One sentence saying why ``chart`` cannot be drawn from the selected records."""
    undated = chart in ("timeline", "labs") and records["sample_month"].drop_nulls().len() == 0
    why = text("explorer.why.no_dates" if undated else "explorer.why.no_data", lang)
    return text("explorer.no_chart", lang, reason=why)


# --- picking copies to compare (notebook 05) ------------------------------------------------------

#: What a copy of a leak may be: a delimited text file, plain or archived.
_COPY_SUFFIXES = (".csv", ".txt", ".tsv", ".zip", ".gz")


class CopyPicker:
    """Pick two or more copies of a leak among the files of a folder, then compare them.

    The list holds the files of ``folder`` (and the ``chosen`` ones, preselected); « Comparer »
    runs ``toolkit.app.compare.compare_files`` with the project's key and shows the verdict and
    the tables of copies and pairs (counts only, never a value from a file). Driven from Python
    in the tests: set ``picker.files.value`` then call ``picker.run()``; the result is in
    ``picker.comparison`` and the message in ``picker.message.value``.
    """

    def __init__(self, folder: str | Path | None = None, chosen: Iterable[str | Path] = (),
                 key: bytes | None = None) -> None:  # fmt: skip
        chosen = [Path(c) for c in chosen]
        root = Path(folder) if folder is not None else paths.RAW
        found = sorted(p for p in root.glob("*") if p.suffix.lower() in _COPY_SUFFIXES)
        options = [(p.name, str(p)) for p in dict.fromkeys([*chosen, *found])]
        self.key = key
        self.comparison: Comparison | None = None
        self.files = w.SelectMultiple(options=options, value=tuple(str(c) for c in chosen),
                                      rows=min(8, max(3, len(options))),
                                      description=text("compare.widget.files"),
                                      layout=w.Layout(width="95%"))  # fmt: skip
        self.button = w.Button(description=text("compare.widget.run"), button_style="primary")
        self.button.on_click(lambda _: self.run())
        self.message = w.HTML()
        self.tables = w.HTML()
        self.widget = w.VBox([self.files, self.button, self.message, self.tables])

    def run(self) -> Comparison | None:
        """Compare the files picked; say in one French sentence why not when it cannot."""
        picked = [Path(f) for f in self.files.value]
        self.comparison = None
        self.tables.value = ""
        if len(picked) < 2:
            self.message.value = f"<p><i>{text('compare.widget.two')}</i></p>"
            return None
        try:
            self.comparison = compare_files(picked, self.key or keys.load_key(), progress=False)
        except ToolkitError as exc:
            why = html.escape(text("notebook.not_compared", reason=str(exc)))
            self.message.value = f"<p><i>{why}</i></p>"
            return None
        c = self.comparison
        verdicts = "".join(
            "<li>" + text("compare.report.pair_verdict",
                          pair=f"<b>{html.escape(text('compare.report.pair', a=p.a, b=p.b))}</b>",
                          verdict=html.escape(p.verdict_fr)) + "</li>"
            for p in c.pairs
        )  # fmt: skip
        self.message.value = f"<p>{html.escape(c.verdict_fr)}</p><ul>{verdicts}</ul>"
        label = texts("table.column")
        copies = pl.DataFrame([{label["copy"]: s.label, label["file"]: s.name,
                                label["records"]: s.records, label["persons"]: s.persons}
                               for s in c.copies])  # fmt: skip
        self.tables.value = copies._repr_html_()
        return c

    def _ipython_display_(self) -> None:
        display(self.widget)
