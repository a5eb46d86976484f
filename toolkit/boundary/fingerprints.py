"""Keyed fingerprints of a leak's records, to compare copies of a leak without their values.

A fact-checker often holds several copies of one leak, re-exported, re-encoded, cut or enriched
along the way. This module turns one copy (read by ``toolkit.raw.ingest``, classified by
``toolkit.raw.schema``) into a frame that holds, per record, only keyed fingerprints and the
safe table's coarse columns; ``toolkit.safe.compare`` compares such frames. No value crosses:
without the key, a fingerprint cannot be checked against a guess.

Columns of the frame (one row per record, in file order):

* ``v_<key>`` (UInt64), one per compared *column key*: a fingerprint of the record's normalised
  value(s) for that key, to count the values that changed between copies. A column's key is
  its category (``v_nir``, ``v_birth_date``…), taken by category and not by header, or
  ``other:<folded header>`` for a column of category ``other`` (an unrecognised column can only
  be matched by its name: ``v_other:statut``). Several columns of one category (two addresses,
  fourteen doctor fields) make one key: the wrapping sum of their fingerprints, so that their
  order does not matter. A value is normalised by stripping it, folding runs of spaces (and
  tabs, line breaks) into one space and lower-casing it; empty markers (``""``, ``NULL``,
  ``\\N``, ``-``…) are empty. Header names, column order, case, spacing, quoting, encoding and
  delimiter therefore change nothing. A fingerprint is Polars' 64-bit hash of the normalised
  value, seeded with a secret derived from the key: cheap enough for every cell, but not a
  cryptographic MAC, which is why these columns never leave memory (only counts computed from
  them do).
* ``record`` (UInt128): two of Polars' 64-bit hashes of the record's ``v_<key>``
  fingerprints in key order, each seeded with its own secret derived from the key (keyed
  BLAKE2b, personalisation ``leaktoolkit.rec1``), side by side: the record's identity across
  copies, 128 bits wide so that two copies of 33 M records do not collide by chance. (A keyed
  BLAKE2b of each record, computed in Python, cost 0.7 s a copy at 491,840 rows, under
  Python's lock; these hashes run in Polars' threads.)
  ``compared`` chooses the keys (the comparison uses the keys every copy has, so that an extra
  column in one copy does not make all its records new).
* ``person_id`` (UInt128): the persons of the safe table (``toolkit.boundary.pseudonymise``'s
  person key: the valid NIR, else name and birth date), each as two of Polars' hashes of that
  key seeded with secrets from the key (``hashed_ids``): one id per person, as the safe table
  has, without its keyed BLAKE2b per record computed in Python (0.6 s a copy at 491,840 rows).
* ``sample`` (UInt64): a fingerprint of the person id and the sample date (the same sample of
  the same person, however the rest of the record was changed).
* ``lab``, ``sample_month``, ``departement`` (the safe table's ``lab``, ``sample_month`` and
  ``residence_departement``, taken from ``pseudonymise``'s own output, not recomputed) and the
  ``exposed_<category>`` flags.

Without the key, no fingerprint can be recomputed from a guess; none is ever printed, and they
are written only to private files under ``data/interim/`` when copies are too large for memory
(``toolkit.app.compare``), deleted at the end.
"""

from __future__ import annotations

import hashlib
from typing import Any

import polars as pl

from toolkit.boundary import pseudonymise
from toolkit.shared.errors import InputError
from toolkit.shared.folding import fold_text
from toolkit.shared.vocabulary import CATEGORIES

# BLAKE2b's personalisation keeps these fingerprints apart from person ids under the same key.
_RECORD = b"leaktoolkit.rec1"
_VALUES = b"leaktoolkit.val1"
_TWO64 = pl.lit(2**64, dtype=pl.UInt128)
#: Without one of these, no record can be tied to a person (pseudonymise's person key).
_PERSON_KEYS: tuple[tuple[str, ...], ...] = (
    ("nir",),
    ("surname", "first_name", "birth_date"),
    ("birth_name", "first_name", "birth_date"),
)


def column_keys(schema: Any, columns: list[str]) -> dict[str, list[str]]:
    """Each column key (a category, or ``other:<folded header>``) -> its columns.

    The columns of a category are in the classification's reading order; the key set is what
    two copies must share for their records to be compared.
    """
    mapping = pseudonymise.mapping_of(schema)
    keys: dict[str, list[str]] = {}
    for category in CATEGORIES:
        if category == "other":
            continue
        of = pseudonymise.columns_of(schema, columns, category)
        if of:
            keys[category] = of
    others = [c for c in columns if mapping.get(c, "other") == "other"]
    if others:
        folded = pl.select(fold_text(pl.Series(others, dtype=pl.String))).to_series().to_list()
        for header, name in zip(others, folded, strict=True):
            keys.setdefault(f"other:{name}", []).append(header)
    return keys


def check_identifies_persons(schema: Any, path: object | None = None) -> None:
    """Refuse a file in which no column can tie a record to a person (not a leak of persons)."""
    categories = set(pseudonymise.mapping_of(schema).values())
    if not any(set(needed) <= categories for needed in _PERSON_KEYS):
        raise InputError("no column identifies a person (no NIR, nor name and birth date): "
                         "not a leak of persons", path)  # fmt: skip


def _normalised(column: str) -> pl.Expr:
    """A stripped cell, empty markers as null, runs of spaces folded into one, lower-cased."""
    return pseudonymise.clean(column).str.replace_all(r"\s\s+|[\t\r\n\v\f]", " ").str.to_lowercase()


def _key_value(columns: list[str], seed: int) -> pl.Expr:
    """The fingerprint of a column key: one column's hash, or the wrapping sum of several
    columns' hashes (a sum, so that the order of a category's columns changes nothing)."""
    hashes = [_normalised(c).hash(seed) for c in columns]
    return hashes[0] if len(hashes) == 1 else pl.sum_horizontal(hashes)


def _value_seed(key: bytes) -> int:
    """The seed of the in-memory value fingerprints, derived from the key."""
    secret = hashlib.blake2b(b"values", key=key, digest_size=8, person=_VALUES).digest()
    return int.from_bytes(secret, "little")


def _record(values: list[str], key: bytes) -> pl.Expr:
    """The record fingerprint: two 64-bit hashes of the value fingerprints, each seeded with
    its own secret from the key, as one 128-bit integer (high half, low half)."""
    secret = hashlib.blake2b(b"records", key=key, digest_size=16, person=_RECORD).digest()
    high, low = (int.from_bytes(secret[i : i + 8], "little") for i in (0, 8))
    row = pl.struct(values)
    return row.hash(high).cast(pl.UInt128) * _TWO64 + row.hash(low).cast(pl.UInt128)


def value_column(key: str) -> str:
    """The name of the value fingerprint of a column key: ``v_nir``, ``v_other:statut``."""
    return f"v_{key}"


def fingerprints(
    source: Any,
    schema: Any,
    key: bytes,
    *,
    compared: list[str] | None = None,
) -> pl.LazyFrame:
    """The per-record fingerprint frame of one copy of a leak (see the module's docstring).

    ``source`` is an ``Ingested`` or a frame of raw strings, ``schema`` its classification,
    ``key`` the pseudonymisation key. ``compared``: the column keys to fingerprint (default:
    every key of this copy; a key the copy lacks counts as empty).
    """
    frame = getattr(source, "frame", source).lazy()
    available = frame.collect_schema().names()
    check_identifies_persons(schema)
    keys = column_keys(schema, available)
    wanted = sorted(keys) if compared is None else sorted(compared)
    seed = _value_seed(key)
    absent = pl.lit(None, pl.String).hash(seed)
    values = [value_column(k) for k in wanted]
    # The value fingerprints ride along pseudonymisation's own pass (health mentions are not
    # compared: their search is skipped); the sample date is parsed there once per distinct value.
    crossed = pseudonymise.pseudonymise(
        source, schema, key, mentions=lambda text: {}, sample_dates=True, hashed_ids=True,
        carry={value_column(k): _key_value(keys[k], seed) if k in keys else absent
               for k in wanted},
    )  # fmt: skip
    record = _record(values, key)
    sample = pl.struct(pl.col("person_id"), pl.col("sample_date")).hash(seed)
    return crossed.select(
        record.alias("record"), "person_id", sample.alias("sample"), *values,
        "lab", "sample_month", pl.col("residence_departement").alias("departement"),
        pl.col("^exposed_.*$"),
    )  # fmt: skip


__all__ = ["check_identifies_persons", "column_keys", "fingerprints", "value_column"]
