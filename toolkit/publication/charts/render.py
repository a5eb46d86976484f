"""Rendering with no network: the offline Jupyter renderer and deterministic file export.

Exports go through vl-convert, which bundles Vega and renders in-process: no browser, no CDN.
The locale used is the one the chart carries in ``config.locale`` (French unless the chart was
built with ``lang="en"``), so SVG, PNG and the embeddable Vega-Lite JSON agree.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import altair as alt
import vl_convert as vlc
from altair.utils._importers import vl_version_for_vl_convert

from toolkit.publication.charts.theme import LOCALES
from toolkit.shared.errors import InputError, ToolkitError
from toolkit.shared.vocabulary import Lang

#: What :func:`save_chart` writes by default, and the file suffix of each.
SUFFIXES: dict[str, str] = {"svg": ".svg", "png": ".png", "json": ".vl.json", "md": ".md"}
DEFAULT_FORMATS: tuple[str, ...] = ("svg", "png", "json", "md")


#: Name of the offline renderer registered with Altair by :func:`enable_offline_rendering`.
RENDERER = "toolkit_offline"

_SCRIPT = re.compile(r"(<script type=\"text/javascript\">)(.*?)(</script>)", re.DOTALL)


def isolate_scripts(html: str) -> str:
    """Wrap each inline script of a chart's HTML in a function, so that its names stay local.

    JupyterLab runs every output's scripts in one page: the inline template's top-level
    ``const`` names would clash from the second chart on ("already declared") and leave it
    blank. The bundle publishes ``window.vegaEmbed`` itself, so nothing else needs to be global.
    """
    return _SCRIPT.sub(lambda m: f"{m[1]}(function () {{{m[2]}}})();{m[3]}", html)


def enable_offline_rendering(lang: Lang = "fr") -> None:
    """Show charts in Jupyter with Vega's JavaScript inlined: works with no network at all.

    Altair's default renderer loads Vega from a CDN and JupyterLab's built-in one ignores
    Vega-Lite 6; the "inline" HTML template embeds the bundle shipped with vl-convert. Each
    chart's scripts are isolated so that any number of charts draw in one notebook.
    """
    alt.renderers.enable(
        "html",
        template="inline",
        embed_options={
            "formatLocale": LOCALES[lang]["number"],
            "timeFormatLocale": LOCALES[lang]["time"],
            "actions": False,
        },
    )
    inline = alt.renderers.get()

    def render(spec: dict[str, Any], **metadata: Any) -> Any:
        output = inline(spec, **metadata)
        bundle = output[0] if isinstance(output, tuple) else output
        bundle["text/html"] = isolate_scripts(bundle["text/html"])
        return output

    alt.renderers.register(RENDERER, render)
    alt.renderers.enable(RENDERER)


def alt_text(chart: alt.TopLevelMixin) -> str:
    """The alt text of a chart built by this package (its Vega-Lite ``description``)."""
    description = getattr(chart, "description", alt.Undefined)
    if description is alt.Undefined or not description:
        raise ToolkitError(
            "this chart has no alt text: build it with a toolkit.publication.charts function"
        )
    return str(description)


def _spec(chart: alt.TopLevelMixin | dict[str, Any]) -> dict[str, Any]:
    return chart if isinstance(chart, dict) else chart.to_dict()


def _locales(spec: dict[str, Any]) -> dict[str, Any]:
    # Render with the locale the chart carries; French when it carries none.
    locale = spec.get("config", {}).get("locale", LOCALES["fr"])
    return {"format_locale": locale["number"], "time_format_locale": locale["time"]}


def to_svg(chart: alt.TopLevelMixin | dict[str, Any]) -> str:
    """The chart as an SVG document, rendered offline with its own locale, byte-stable."""
    spec = _spec(chart)
    svg = vlc.vegalite_to_svg(spec, vl_version=vl_version_for_vl_convert(), **_locales(spec))
    return stable_svg(svg)


def stable_svg(svg: str) -> str:
    """Renumber the SVG's gradient ids from 0 in order of appearance.

    Vega numbers gradients with a counter that lives as long as the process: the second chart
    rendered gets ``gradient_2``, and the same chart rendered later gets another number.
    """
    ids: dict[str, str] = {}
    return re.sub(
        r"gradient_\d+", lambda m: ids.setdefault(m.group(0), f"gradient_{len(ids)}"), svg
    )


def to_png(chart: alt.TopLevelMixin | dict[str, Any], scale: float = 2) -> bytes:
    """The chart as PNG bytes (twice the nominal size by default, for sharp screens and print)."""
    spec = _spec(chart)
    return vlc.vegalite_to_png(
        spec, vl_version=vl_version_for_vl_convert(), scale=scale, **_locales(spec)
    )


def to_json(chart: alt.TopLevelMixin | dict[str, Any]) -> str:
    """The Vega-Lite spec as stable JSON text (sorted keys), embeddable anywhere."""
    return json.dumps(_spec(chart), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def save_chart(
    chart: alt.TopLevelMixin,
    out_dir: str | Path,
    name: str,
    formats: Iterable[str] = DEFAULT_FORMATS,
) -> dict[str, Path]:
    """Write ``<name>.svg``, ``<name>.png`` (2x), ``<name>.vl.json`` and ``<name>.md`` (alt text).

    Returns the path of each file by format. The same chart gives byte-identical files.
    """
    formats = tuple(formats)
    unknown = [f for f in formats if f not in SUFFIXES]
    if unknown:
        raise InputError(f"unknown chart format(s) {', '.join(unknown)}: use {', '.join(SUFFIXES)}")
    if not name or Path(name).name != name or name.startswith("."):
        raise InputError(f"the figure name {name!r} must be a plain file name, without folders")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    spec = _spec(chart)
    writers = {
        "svg": lambda: to_svg(spec).encode("utf-8"),
        "png": lambda: to_png(spec),
        "json": lambda: to_json(spec).encode("utf-8"),
        "md": lambda: (alt_text(chart) + "\n").encode("utf-8"),
    }
    written: dict[str, Path] = {}
    for fmt in formats:
        path = out / f"{name}{SUFFIXES[fmt]}"
        path.write_bytes(writers[fmt]())
        written[fmt] = path
    return written
