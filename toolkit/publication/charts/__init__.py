"""Publication charts in French (English on request), rendered and exported offline.

Builders are pure functions: an exposure aggregate (raw or disclosure-protected) in, a finished
Altair chart out, with title, source line, alt text and the newsroom theme applied in one place
(:mod:`toolkit.publication.charts.theme`). :func:`save_chart` writes SVG, PNG, Vega-Lite JSON and
the alt text; :func:`enable_offline_rendering` makes charts show in JupyterLab with no network.
"""

from __future__ import annotations

from toolkit.publication.charts.builders import (
    FIRST_REPORT,
    categories_chart,
    category_year_chart,
    co_exposure_chart,
    differences_chart,
    distance_chart,
    health_mentions_chart,
    lab_windows_chart,
    overlap_chart,
    pyramid_chart,
    timeline_chart,
)
from toolkit.publication.charts.maps import LEAK_DEPARTEMENTS, commune_map, departement_map
from toolkit.publication.charts.render import (
    alt_text,
    enable_offline_rendering,
    save_chart,
    stable_svg,
    to_json,
    to_png,
    to_svg,
)

__all__ = [
    "FIRST_REPORT",
    "LEAK_DEPARTEMENTS",
    "alt_text",
    "categories_chart",
    "category_year_chart",
    "co_exposure_chart",
    "commune_map",
    "departement_map",
    "differences_chart",
    "distance_chart",
    "enable_offline_rendering",
    "health_mentions_chart",
    "lab_windows_chart",
    "overlap_chart",
    "pyramid_chart",
    "save_chart",
    "stable_svg",
    "timeline_chart",
    "to_json",
    "to_png",
    "to_svg",
]
