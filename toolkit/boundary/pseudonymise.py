"""Crossing the privacy boundary: raw leak records in, the safe table out.

What the safe table holds, and the check every later stage runs on it, is the contract of
``toolkit.boundary.safe_table``; this module turns raw records into tables of that shape.

Person id: keyed BLAKE2b (RFC 7693, the key inside the hash, as HMAC does for SHA-2) of the
normalised NIR when its key digits are valid, else of surname + first name + birth date, else of
the record's position (a record that cannot be linked to another counts as one person). The keyed
hash has no vectorised form in Polars: Python's hashlib runs it, batch by batch (0.3 s for 491,840
keys); everything else is Polars expressions, and costly parsing runs once per distinct value.
Residences are resolved to communes here (``toolkit.boundary.residences``), so that no postcode or
commune name crosses.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

import polars as pl

from toolkit.boundary.lab_keys import lab_aliases, with_lab_keys
from toolkit.boundary.residences import resolve_residences
from toolkit.boundary.safe_table import MENTION_COLUMNS, lab_code
from toolkit.raw import distinct, french, health
from toolkit.shared.errors import BoundaryError, InputError
from toolkit.shared.folding import fold_text
from toolkit.shared.vocabulary import CATEGORIES, COMMENT_MENTIONS

# BLAKE2b's "personalisation" separates our ids from any other use of the same key.
_PERSON = b"leaktoolkit.pid1"
_HASHED = b"leaktoolkit.pid2"
# Spellings of "nothing here" in exports, in the cases met (no lower-casing of every cell).
_EMPTY_MARKERS = [
    spelling
    for marker in ("", "null", "\\n", "n/a", "na", "none", "-", "nan", "#n/a")
    for spelling in sorted({marker, marker.upper(), marker.capitalize()})
]


# --- normalisation helpers (raw side of the boundary) ---------------------------------------


def columns_of(schema: Any, available: list[str], category: str) -> list[str]:
    """The columns of ``category`` in the order they are read: a ``Schema``'s own order (a
    civility after a sex column), else file order."""
    ordered = getattr(schema, "columns_of", None)
    if callable(ordered):
        present = set(available)
        return [c for c in ordered(category) if c in present]
    mapping = mapping_of(schema)
    return [c for c in available if mapping.get(c) == category]


def stripped(columns: list[str]) -> list[pl.Expr]:
    """The raw cells as text without surrounding spaces, which ``clean`` and ``_filled`` expect.

    A stage of its own: Polars evaluates a sub-expression again at every reference, and each
    column is read by both.
    """
    return [pl.col(c).cast(pl.String).str.strip_chars() for c in columns]


def clean(column: str) -> pl.Expr:
    """A stripped cell, with empty markers ("", NULL, \\N, -) turned into null."""
    return pl.when(~pl.col(column).is_in(_EMPTY_MARKERS)).then(pl.col(column))


def _filled(column: str) -> pl.Expr:
    """Whether a stripped cell holds something (not empty, not a null marker)."""
    return ~pl.col(column).is_in(_EMPTY_MARKERS).fill_null(True)


def first_filled(columns: list[str]) -> pl.Expr:
    """The first filled cell among ``columns`` (stripped, see :func:`stripped`), else null."""
    if not columns:
        return pl.lit(None, dtype=pl.String)
    return pl.coalesce(clean(c) for c in columns)


def plausible_date(text: pl.Expr) -> pl.Expr:
    """A French date parsed (``toolkit.raw.french.parse_date``), null outside 1890-2100."""
    parsed = french.parse_date(text)
    # Implausible years are typing errors, not patients born in 1820 or sampled in 2091.
    return pl.when(parsed.dt.year().is_between(1890, 2100)).then(parsed)


def normalise_nir(expr: pl.Expr) -> pl.Expr:
    """The NIR compacted as python-stdnum compacts it, when its format and key are valid."""
    nir = french.nir_compact(expr)
    return pl.when(french.nir_key_valid(nir)).then(nir)


def _name_part(expr: pl.Expr) -> pl.Expr:
    key = fold_text(expr)
    return pl.when(key != "").then(key)


def age_band(birth: pl.Expr, at: pl.Expr) -> pl.Expr:
    """5-year age band ("00-04" … "85-89", "90+") at date ``at``; null if unknown or implausible."""
    before_birthday = (at.dt.month() < birth.dt.month()) | (
        (at.dt.month() == birth.dt.month()) & (at.dt.day() < birth.dt.day())
    )
    age = (
        at.dt.year().cast(pl.Int32)
        - birth.dt.year().cast(pl.Int32)
        - before_birthday.cast(pl.Int32)
    )
    low = (age // 5) * 5
    label = low.cast(pl.String).str.zfill(2) + "-" + (low + 4).cast(pl.String).str.zfill(2)
    return (
        pl.when(age.is_null() | (age < 0) | (age > 120))
        .then(None)
        .when(age >= 90)
        .then(pl.lit("90+"))
        .otherwise(label)
    )


def _sex(raw: pl.Expr, nir: pl.Expr) -> pl.Expr:
    # The NIR's first digit is the sex at registration: a fallback when no sex column is filled.
    return pl.coalesce(french.sex_code(raw), french.nir_sex(nir))


def _keyed_hash(key: bytes) -> Callable[[pl.Series], pl.Series]:
    # Keying BLAKE2b costs one compression: do it once and copy the keyed state per value.
    keyed = hashlib.blake2b(key=key, digest_size=16, person=_PERSON)

    def digest(value: str | None) -> str | None:
        if value is None:
            return None
        state = keyed.copy()
        state.update(value.encode("utf-8"))
        return state.hexdigest()

    def hash_batch(values: pl.Series) -> pl.Series:
        # Every value, repeats included: person keys hardly repeat, and finding the distinct
        # ones and mapping them back cost more than hashing the few repeats again (0.8 s
        # against 0.5 s for 491,840 keys).
        return pl.Series(values.name, [digest(v) for v in values.to_list()], dtype=pl.String)

    return hash_batch


def _hashed_ids(key: bytes) -> pl.Expr:
    """Person ids for a comparison only: two of Polars' 64-bit hashes of the person key, each
    seeded with its own secret from ``key``, as one 128-bit integer. The same persons as the
    safe table's keyed ids (one id per person key), computed in Polars' threads instead of one
    BLAKE2b per record in Python."""
    secret = hashlib.blake2b(b"person ids", key=key, digest_size=16, person=_HASHED).digest()
    high, low = (int.from_bytes(secret[i : i + 8], "little") for i in (0, 8))
    person = pl.col("_person_key")
    two64 = pl.lit(2**64, dtype=pl.UInt128)
    return person.hash(high).cast(pl.UInt128) * two64 + person.hash(low).cast(pl.UInt128)


# --- the boundary crossing ---------------------------------------------------------------------

MentionFinder = Callable[[pl.Expr], Mapping[str, pl.Expr]]


def mapping_of(schema: Any) -> dict[str, str]:
    """``{column: category}`` of a ``Schema`` or a mapping; anything else raises ``InputError``."""
    if isinstance(schema, Mapping):
        return dict(schema)
    mapping = getattr(schema, "mapping", None)
    if mapping is None:
        raise InputError(
            "expected a column classification (toolkit.raw.schema.classify) or a mapping"
        )
    return dict(mapping() if callable(mapping) else mapping)


def pseudonymise(
    source: Any,
    schema: Any,
    key: bytes,
    *,
    mentions: MentionFinder | None = None,
    postcodes: pl.DataFrame | None = None,
    communes: pl.DataFrame | None = None,
    labs: pl.DataFrame | None = None,
    carry: Mapping[str, pl.Expr] | None = None,
    sample_dates: bool = False,
    hashed_ids: bool = False,
) -> pl.LazyFrame:
    """Turn raw leak records into the safe table (a LazyFrame; nothing is read until collected).

    ``source`` is an ``Ingested`` (``toolkit.raw.ingest.read_leak``) or a frame of raw strings;
    ``schema`` a ``Schema`` (``toolkit.raw.schema.classify``) or a ``{column: category}`` dict.
    ``mentions`` finds the mentions of ``COMMENT_MENTIONS`` in text, health and context (child,
    baby) alike (default: ``toolkit.raw.health.mention_exprs``);
    ``postcodes`` / ``communes`` override the reference gazetteer (tests). ``labs``, a lab
    registry or FINESS extract (``toolkit.safe.labs.read_lab_registry``/``read_finess``), turns
    each lab value that designates one of its labs (its FINESS number, code or name) into that
    lab's key, its FINESS number when known (``toolkit.boundary.lab_keys``); without it, or for
    a value shared by two of its labs, the lab's code is the slug of the value.

    For ``toolkit.boundary.fingerprints`` only: ``carry`` maps names to expressions over the
    raw columns (stripped), computed in the same pass and returned beside the safe table's
    columns: each must be a UInt64 fingerprint (``BoundaryError`` otherwise, so that no value
    rides along); ``sample_dates`` adds each record's parsed ``sample_date``. Computed in the
    same pass, not set beside it afterwards: the streaming engine would hold one side whole.
    ``hashed_ids``: ``person_id`` is a UInt128 from two seeded hashes of the person key
    (:func:`_hashed_ids`): the same persons, not the safe table's ids.
    """
    frame = getattr(source, "frame", source)
    if not isinstance(frame, pl.LazyFrame | pl.DataFrame):
        raise InputError("expected a leak read by toolkit.raw.ingest.read_leak, or a Polars frame")
    in_memory = getattr(source, "in_memory", isinstance(frame, pl.DataFrame))
    frame = frame.lazy()
    mapping_of(schema)  # refuses anything but a classification or a mapping
    available = frame.collect_schema().names()
    cols = {category: columns_of(schema, available, category) for category in CATEGORIES}
    find_mentions = mentions or health.mention_exprs
    aliases = None if labs is None else lab_aliases(labs)

    comment_columns = cols["comment"]
    # Stage 1: one narrow frame of the raw fields needed, each taken from the first filled column
    # of its category.
    categorised = {column for columns in cols.values() for column in columns}
    carry = dict(carry or {})
    carried = {root for expr in carry.values() for root in expr.meta.root_names()}
    used = [c for c in available if c in categorised or c in carried]
    staged = frame.with_row_index("__row").with_columns(stripped(used)).select(
        _nir_raw=first_filled(cols["nir"]),
        _surname=pl.coalesce(first_filled(cols["surname"]), first_filled(cols["birth_name"])),
        _first_name=first_filled(cols["first_name"]),
        _birth_raw=first_filled(cols["birth_date"]),
        _sample_raw=first_filled(cols["sample_date"]),
        _sex_raw=first_filled(cols["sex"]),
        _lab_raw=first_filled(cols["lab"]),
        _postcode=first_filled(cols["postcode"]),
        _commune=first_filled(cols["commune"]),
        _address=first_filled(cols["address"]),
        _text=pl.concat_str([clean(c) for c in comment_columns], separator=" ", ignore_nulls=True)
        if comment_columns
        else pl.lit(None, dtype=pl.String),
        _row=pl.col("__row"),
        **carry,
        **{
            f"exposed_{category}": pl.any_horizontal(_filled(c) for c in columns)
            for category, columns in cols.items()
            if columns
        },
    )
    # Separate step: the NIR checks reuse the cleaned value many times; computing it once first
    # keeps Polars from re-evaluating the cleaning in every sub-expression.
    staged = staged.with_columns(
        _nir=normalise_nir(pl.col("_nir_raw")),
        # Without a postcode (commune) column, the postal address may hold one.
        _postcode=pl.coalesce("_postcode", pl.col("_address").str.extract(r"\b(\d{5})\b")),
        _commune=pl.coalesce("_commune", pl.col("_address").str.extract(r"\b\d{5}\s+(.+)$")),
    ).drop("_nir_raw", "_address")
    # Stage 2: costly parsing (dates, names of places, regexes on comments) runs once per
    # distinct value: leaks repeat dates, places, labs and comments.
    staged = distinct.derive_once(
        staged,
        in_memory=in_memory,
        derivations=[
            (["_birth_raw"],
             lambda u: u.with_columns(_birth=plausible_date(pl.col("_birth_raw")))),
            (["_sample_raw"],
             lambda u: u.with_columns(_sample=plausible_date(pl.col("_sample_raw")))),
            (["_lab_raw"],
             lambda u: with_lab_keys(u.with_columns(lab=lab_code(pl.col("_lab_raw"))), aliases)),
            (["_postcode", "_commune"],
             lambda u: resolve_residences(u, pl.col("_postcode"), pl.col("_commune"),
                                              postcodes=postcodes, communes=communes)),
            (["_text"],
             lambda u: u.with_columns(
                 found.fill_null(False).alias(f"mention_{m}")
                 for m, found in _mention_flags(find_mentions, pl.col("_text")).items())),
            *(([n], lambda u, n=n: u.with_columns(_name_part(pl.col(n)).alias(f"{n}_key")))
              for n in ("_surname", "_first_name")),
        ],
    )  # fmt: skip
    # A record with neither a valid NIR nor name + birth date cannot be linked to any other:
    # it counts as its own person, with an id keyed on its position in the file.
    person_key = pl.coalesce(
        pl.lit("nir:") + pl.col("_nir"),
        pl.concat_str(
            [pl.lit("id:"), pl.col("_surname_key"), pl.lit("|"), pl.col("_first_name_key"),
             pl.lit("|"), pl.col("_birth").cast(pl.String)]
        ),
        pl.lit("row:") + pl.col("_row").cast(pl.String),
    )  # fmt: skip
    staged = staged.with_columns(_person_key=person_key)
    # Hashed batch by batch, as the streaming engine hands the rows over.
    staged = staged.with_columns(
        person_id=_hashed_ids(key) if hashed_ids else pl.col("_person_key").map_batches(
            _keyed_hash(key), return_dtype=pl.String, is_elementwise=True
        )
    )
    wrong = {n: t for n, t in staged.select(list(carry)).collect_schema().items()
             if t != pl.UInt64}  # fmt: skip
    if wrong:
        raise BoundaryError(f"only fingerprints (UInt64) may be carried, not {wrong}")
    return staged.select(
        pl.col("person_id"),
        *(pl.col(n) for n in carry),
        *([pl.col("_sample").alias("sample_date")] if sample_dates else []),
        pl.col("lab"),
        pl.col("_sample").dt.truncate("1mo").alias("sample_month"),
        age_band(pl.col("_birth"), pl.col("_sample")).alias("age_band"),
        _sex(pl.col("_sex_raw"), pl.col("_nir")).alias("sex"),
        pl.col("residence_insee", "residence_departement", "residence_region"),
        pl.col("residence_resolution"),
        *(pl.col(f"exposed_{c}") for c in CATEGORIES if cols[c]),
        *(pl.col(m) for m in MENTION_COLUMNS),
    )


def _mention_flags(find: MentionFinder, text: pl.Expr) -> dict[str, pl.Expr]:
    found = dict(find(text))
    return {m: found.get(m, pl.lit(False)) for m in COMMENT_MENTIONS}
