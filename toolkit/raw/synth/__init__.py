"""A synthetic leak shaped like the February 2021 lab-data leak, calibrated on what was published.

The published figures it reproduces are listed, with their sources, in
``docs/published-facts.md``.

Nothing in the file is real: names are common French names drawn from Faker's fr_FR pools, NIRs are
built at random (with correct keys, so that verification has something to check), phone numbers lie
only in the ranges the regulator reserves for fiction, e-mails only under the reserved ``.example``
domain, and the 28 laboratories are called "Laboratoire fictif ...". Places are real (communes and
postcode/commune pairs come from :mod:`toolkit.shared.reference`), because the geography is what the
toolkit has to get right.

Every count that is published or recorded is decided once, for the whole file, before any string
is written; the strings are then built chunk by chunk. The modules, in the order data flows:

- ``calibration``: the published counts and shares, and how they scale with the number of rows;
- ``sampling``: weighted draws, and categories planted with exact row counts;
- ``labs``, ``geography``: the 28 fictional labs and the real places their patients live in;
- ``names``, ``phrases``, ``value_lists``, ``nirs``, ``doctors``: what the rows are made of;
- ``modes``: what the ``realistic`` and ``naive`` modes change (the default, ``published``,
  is the calibrated file, unchanged);
- ``plan``: every count, decided once as integer arrays over persons and rows;
- ``spellings``, ``chunks``: the text of the file, built chunk by chunk with cosmetic dirt;
- ``columns``, ``dates``: the headers with their categories, and day numbers as text;
- ``truth``: what was planted, as counts only; ``writer``: the files on disk.

This package exposes the public interface; :data:`CHUNK_ROWS` here is a copy, the generator reads
``toolkit.raw.synth.writer.CHUNK_ROWS``.
"""

from toolkit.raw.synth.calibration import (
    DEPARTEMENT_SHARES,
    DIRT_SHARES,
    PUBLISHED_COUNTS,
    PUBLISHED_ROWS,
    scaled,
)
from toolkit.raw.synth.columns import COLUMN_CATEGORIES, COLUMNS
from toolkit.raw.synth.labs import LABS, Lab, lab_codes, lab_registry
from toolkit.raw.synth.phrases import (
    BANAL_PHRASES,
    BEBE_PHRASES,
    ENFANT_PHRASES,
    HEALTH_PHRASES,
    PHRASES,
    Phrase,
)
from toolkit.raw.synth.truth import GENERATOR_VERSION
from toolkit.raw.synth.writer import CHUNK_ROWS, SynthResult, summary_text, write_synthetic_leak

__all__ = [
    "BANAL_PHRASES",
    "BEBE_PHRASES",
    "CHUNK_ROWS",
    "COLUMNS",
    "COLUMN_CATEGORIES",
    "DEPARTEMENT_SHARES",
    "DIRT_SHARES",
    "ENFANT_PHRASES",
    "GENERATOR_VERSION",
    "HEALTH_PHRASES",
    "LABS",
    "PHRASES",
    "PUBLISHED_COUNTS",
    "PUBLISHED_ROWS",
    "Lab",
    "Phrase",
    "SynthResult",
    "lab_codes",
    "lab_registry",
    "scaled",
    "summary_text",
    "write_synthetic_leak",
]
