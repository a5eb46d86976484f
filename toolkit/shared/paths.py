"""Where the project's folders are: raw, interim, processed and reference data, figures."""

from __future__ import annotations

import os
from pathlib import Path

#: The repository root (the package is installed in editable mode from it).
ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
RAW = DATA / "raw"
#: Copies of leaks, quarantines and safe tables (personal data, git-ignored; see
#: ``toolkit.shared.scratch``). ``TOOLKIT_INTERIM_DIR`` puts them elsewhere (an encrypted volume).
INTERIM = Path(os.environ.get("TOOLKIT_INTERIM_DIR") or DATA / "interim")
PROCESSED = DATA / "processed"
FIGURES = ROOT / "figures"


def reference_dir() -> Path:
    """The folder of the committed reference data (``TOOLKIT_REFERENCE_DIR`` overrides it)."""
    return Path(os.environ.get("TOOLKIT_REFERENCE_DIR", DATA / "reference"))


#: The default synthetic leak written by ``make demo`` and used by the notebooks.
DEFAULT_LEAK = RAW / "synthetic_leak.csv"
