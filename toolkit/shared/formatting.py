"""How the toolkit writes numbers and dates for readers, in French (and English on request).

The d3 locales below come from vl-convert itself, so that the numbers and months a chart's
Vega-Lite spec draws and the ones the toolkit writes in alt texts, notes and tables agree.
"""

from __future__ import annotations

from typing import Any

import vl_convert as vlc

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
