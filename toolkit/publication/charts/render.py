"""Rendering with no network: the offline Jupyter renderer and deterministic file export.

Exports go through vl-convert, which bundles Vega and renders in-process: no browser, no CDN.
The locale used is the one the chart carries in ``config.locale`` (French unless the chart was
built with ``lang="en"``), so SVG, PNG and the embeddable Vega-Lite JSON agree.

One font is shipped with the package (Inter, SIL Open Font License, in ``fonts/``) and used
everywhere, so that text is measured and drawn with the same glyphs: vl-convert registers it for
the SVG and PNG exports; every exported SVG carries it, cut down to the characters it writes, as
an ``@font-face`` (a reader needs no font installed); and the notebook renderer hands it to the
browser the same way and waits for it before Vega lays the chart out.
"""

from __future__ import annotations

import base64
import functools
import html
import io
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import altair as alt
import vl_convert as vlc
from altair.utils._importers import vl_version_for_vl_convert
from fontTools import subset
from fontTools.ttLib import TTFont

from toolkit.publication.charts.theme import FONT_FAMILY, LOCALES
from toolkit.shared.errors import InputError, ToolkitError
from toolkit.shared.vocabulary import Lang

#: What :func:`save_chart` writes by default, and the file suffix of each.
SUFFIXES: dict[str, str] = {"svg": ".svg", "png": ".png", "json": ".vl.json", "md": ".md"}
DEFAULT_FORMATS: tuple[str, ...] = ("svg", "png", "json", "md")

#: The shipped font (Inter, SIL OFL 1.1: ``fonts/OFL.txt``), a file per CSS weight the theme uses.
FONT_DIR = Path(__file__).with_name("fonts")
FONT_FILES: dict[int, Path] = {
    400: FONT_DIR / "Inter-Regular.otf",
    700: FONT_DIR / "Inter-Bold.otf",
}

# Once, before any render: vl-convert measures and draws text with the fonts it knows.
vlc.register_font_directory(str(FONT_DIR))

#: Characters a chart may draw that its spec does not hold: the ellipsis of a truncated label,
#: d3's minus sign, and the figures and separators of formatted numbers.
DRAWN_EXTRA = "\u2026\u2212\u00a0\u202f0123456789,.%-+ "


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


@functools.cache
def _font_bytes(weight: int) -> bytes:
    return FONT_FILES[weight].read_bytes()


#: The characters French and English charts write: ASCII, French letters, guillemets, no-break
#: spaces, dashes, apostrophes, signs. Charts are cut from a font of these alone (below).
FRENCH_CHARACTERS = "".join(sorted(set(
    "".join(chr(c) for c in range(0x20, 0x7F))
    + "àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ«»\u00a0\u202f–—‘’“”…€°×·−≤≥"
)))  # fmt: skip


def _cut(data: bytes, characters: str) -> bytes:
    """``data`` (an OpenType font) with only the glyphs of ``characters`` (byte-stable)."""
    font = TTFont(io.BytesIO(data), recalcTimestamp=False)
    subsetter = subset.Subsetter(subset.Options(hinting=False, notdef_outline=True))
    subsetter.populate(text=characters)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


@functools.cache
def _french_font(weight: int) -> bytes:
    """The shipped font cut down to :data:`FRENCH_CHARACTERS` (the same layout features as
    every cut): cut once a session, so that each chart's own cut reads about 150 glyphs, not
    the whole font's (about 0.1 s instead of 0.33 s a cut)."""
    return _cut(_font_bytes(weight), FRENCH_CHARACTERS)


# Subsetting runs in Python (fontTools): the explorer and the bundle redraw charts whose texts
# use the same characters, so the subsets are kept.
@functools.lru_cache(maxsize=128)
def _subset_font(weight: int, characters: str) -> bytes:
    """The shipped font of this weight with only the glyphs of ``characters`` (byte-stable):
    cut from :func:`_french_font` when it holds them all, else from the whole font."""
    if set(characters) <= set(FRENCH_CHARACTERS):
        return _cut(_french_font(weight), characters)
    return _cut(_font_bytes(weight), characters)


def font_face_css(characters: str) -> str:
    """``@font-face`` rules carrying the shipped font, cut down to ``characters``, as data URLs.

    The subset keeps the font's name table (its copyright and licence), as the OFL asks.
    """
    wanted = "".join(sorted(set(characters)))
    return "".join(
        f'@font-face{{font-family:"{FONT_FAMILY}";font-weight:{weight};font-style:normal;'
        "src:url(data:font/otf;base64,"
        f'{base64.b64encode(_subset_font(weight, wanted)).decode("ascii")}) format("opentype")}}'
        for weight in FONT_FILES
    )


_SVG_OPEN = re.compile(r"<svg\b[^>]*>")
_SVG_TEXT = re.compile(r"<text\b[^>]*>(.*?)</text>", re.DOTALL)


def embed_font(svg: str) -> str:
    """The SVG with the shipped font inside it, cut down to the characters its texts write.

    A reader's browser or editor then draws the labels with the glyphs they were measured with,
    whatever fonts the machine has: nothing is clipped for want of a font.
    """
    drawn = "".join(html.unescape(re.sub(r"<[^>]+>", "", t)) for t in _SVG_TEXT.findall(svg))
    if not drawn:
        return svg
    style = f"<defs><style>{font_face_css(drawn)}</style></defs>"
    return _SVG_OPEN.sub(lambda m: m.group(0) + style, svg, count=1)


_EMBED_CALL = re.compile(r"vegaEmbed\((.*?)\)\.catch\(console\.error\);")


def with_shipped_font(chart_html: str, spec: dict[str, Any]) -> str:
    """A chart's inline HTML given the shipped font, and drawn once the browser has loaded it.

    Vega measures labels when it lays the chart out: measured with a fallback font and drawn
    with the shipped one, a label would overflow its box.
    """
    characters = json.dumps(spec, ensure_ascii=False) + DRAWN_EXTRA
    style = f"<style>{font_face_css(characters)}</style>"
    loads = ", ".join(
        f"document.fonts.load('{weight} 12px \"{FONT_FAMILY}\"')" for weight in FONT_FILES
    )
    chart_html = chart_html.replace("</head>", style + "</head>", 1)
    return _EMBED_CALL.sub(
        lambda m: f"Promise.all([{loads}]).then(() => vegaEmbed({m[1]})).catch(console.error);",
        chart_html,
    )


def enable_offline_rendering(lang: Lang = "fr") -> None:
    """Show charts in Jupyter with Vega's JavaScript inlined: works with no network at all.

    Altair's default renderer loads Vega from a CDN and JupyterLab's built-in one ignores
    Vega-Lite 6; the "inline" HTML template embeds the bundle shipped with vl-convert. Each
    chart's scripts are isolated so that any number of charts draw in one notebook, and each
    chart carries the shipped font (:func:`with_shipped_font`).
    """
    alt.renderers.enable(
        "html",
        template="inline",
        embed_options={
            "formatLocale": LOCALES[lang]["number"],
            "timeFormatLocale": LOCALES[lang]["time"],
            "actions": False,
            # SVG rather than canvas: sharp at any zoom, and its texts can be checked (and read).
            "renderer": "svg",
        },
    )
    inline = alt.renderers.get()

    def render(spec: dict[str, Any], **metadata: Any) -> Any:
        output = inline(spec, **metadata)
        bundle = output[0] if isinstance(output, tuple) else output
        bundle["text/html"] = isolate_scripts(with_shipped_font(bundle["text/html"], spec))
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
    """The chart as an SVG document, rendered offline with its own locale, byte-stable.

    It carries the subset of the shipped font its texts need (:func:`embed_font`).
    """
    spec = _spec(chart)
    svg = vlc.vegalite_to_svg(spec, vl_version=vl_version_for_vl_convert(), **_locales(spec))
    return embed_font(stable_svg(svg))


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
