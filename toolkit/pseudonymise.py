"""The privacy boundary: raw leak records in, the *safe table* out.

The safe table keeps, per record, only what aggregates need and nothing that identifies a person
directly: a keyed pseudonymous person id, the lab's code, the sample month, a 5-year age band and
sex, the residence commune (INSEE code), département and region, one boolean per data category
saying whether it was exposed on that record, and one boolean per kind of health mention found in
the free text. No name, NIR, phone, email, street, login, password or comment crosses.

The boundary is enforced in code: :func:`validate_safe_table` accepts only the safe schema
(column names, dtypes, and string values shaped like codes) and every function downstream calls it.

Person id: keyed BLAKE2b (RFC 7693, the key inside the hash, as HMAC does for SHA-2) of the
normalised NIR when its key digits are valid, else of surname + first name + birth date, else of
the record's position (a record that cannot be linked to another counts as one person). The keyed
hash has no vectorised form in Polars: Python's hashlib runs it, batch by batch (0.3 s for 491,840
keys); everything else is Polars expressions, and costly parsing runs once per distinct value.
"""

from __future__ import annotations

import hashlib
import sys
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import polars as pl

from toolkit import distinct, french, geo, health
from toolkit.categories import CATEGORIES, HEALTH_MENTIONS
from toolkit.errors import BoundaryError, InputError
from toolkit.paths import INTERIM

#: The fixed columns of the safe table and their dtypes (docs/CONTRACTS.md).
SAFE_COLUMNS: dict[str, pl.DataType] = {
    "person_id": pl.String(),
    "lab": pl.String(),
    "sample_month": pl.Date(),
    "age_band": pl.String(),
    "sex": pl.String(),
    "residence_insee": pl.String(),
    "residence_departement": pl.String(),
    "residence_region": pl.String(),
    "residence_resolution": pl.String(),
}
#: Optional boolean columns: one per data category, one per health mention.
EXPOSED_COLUMNS: tuple[str, ...] = tuple(f"exposed_{c}" for c in CATEGORIES)
MENTION_COLUMNS: tuple[str, ...] = tuple(f"mention_{m}" for m in HEALTH_MENTIONS)

#: The only shapes a string in the safe table may take: codes, never free values.
_CODE_PATTERNS: dict[str, str] = {
    "person_id": r"^[0-9a-f]{32}$",
    "lab": r"^[a-z0-9]+(-[a-z0-9]+)*$",
    "age_band": r"^([0-8][05]-[0-8][49]|90\+)$",
    "sex": r"^[FM]$",
    "residence_insee": r"^(\d{5}|2[AB]\d{3})$",
    "residence_departement": r"^(\d{2,3}|2[AB])$",
    "residence_region": r"^\d{2}$",
    "residence_resolution": "^(" + "|".join(geo.RESOLUTIONS) + ")$",
}

DEFAULT_SAFE_TABLE = INTERIM / "safe.parquet"
_ROW_GROUP = 65_536

F = TypeVar("F", pl.LazyFrame, pl.DataFrame)

# BLAKE2b's "personalisation" separates our ids from any other use of the same key.
_PERSON = b"leaktoolkit.pid1"
# Spellings of "nothing here" in exports, in the cases met (no lower-casing of every cell).
_EMPTY_MARKERS = [
    spelling
    for marker in ("", "null", "\\n", "n/a", "na", "none", "-", "nan", "#n/a")
    for spelling in sorted({marker, marker.upper(), marker.capitalize()})
]


# --- the boundary check -----------------------------------------------------------------------


def _allowed_columns() -> set[str]:
    return set(SAFE_COLUMNS) | set(EXPOSED_COLUMNS) | set(MENTION_COLUMNS)


def _distinct_unless_id(name: str) -> pl.Expr:
    values = pl.col(name).drop_nulls()
    return values if name == "person_id" else values.unique()


# LazyFrames whose values passed the check, by identity. A LazyFrame cannot change, so the same
# object needs no second scan (a bundle calls this once per aggregate: 0.9 s of 2.6 s at 491,840
# rows). A DataFrame can be modified in place: it is checked every time.
_values_checked: dict[int, weakref.ref] = {}


def _already_checked(frame: pl.LazyFrame | pl.DataFrame) -> bool:
    ref = _values_checked.get(id(frame))
    return ref is not None and ref() is frame


def _remember_checked(frame: pl.LazyFrame | pl.DataFrame) -> None:
    if isinstance(frame, pl.LazyFrame):
        key = id(frame)
        _values_checked[key] = weakref.ref(frame, lambda _, key=key: _values_checked.pop(key, None))


def validate_safe_table(frame: F, *, check_values: bool = True) -> F:
    """Return ``frame`` unchanged if it is a safe table; raise :class:`BoundaryError` otherwise.

    Checks column names (only the safe schema), dtypes, and, with ``check_values``, that every
    string is shaped like a code (hex id, INSEE code, age band…), so that a raw value smuggled
    under an allowed name is refused too. Error messages name columns, never values. The values
    of a LazyFrame already checked (the same object) are not scanned again.
    """
    if not isinstance(frame, pl.LazyFrame | pl.DataFrame):
        raise BoundaryError("expected the safe table (a Polars frame written by `pseudonymise`)")
    schema = frame.collect_schema()
    allowed = _allowed_columns()
    extra = [name for name in schema if name not in allowed]
    if extra:
        raise BoundaryError(
            f"column {extra[0]!r} may not cross the privacy boundary"
            f"{f' (and {len(extra) - 1} more)' if len(extra) > 1 else ''}: "
            "only the pseudonymised safe table is accepted here"
        )
    missing = [name for name in SAFE_COLUMNS if name not in schema]
    if missing:
        raise BoundaryError(f"not a safe table: column {missing[0]!r} is missing")
    for name, dtype in schema.items():
        expected = SAFE_COLUMNS.get(name, pl.Boolean())
        if dtype != expected:
            raise BoundaryError(
                f"not a safe table: column {name!r} is {dtype}, expected {expected}"
            )
    if check_values and not _already_checked(frame):
        lazy = frame.lazy()
        checks = pl.collect_all(
            [
                # Codes repeat: checking distinct values is much cheaper than every row (but
                # person ids hardly repeat, and finding their distinct values costs more).
                # One query per column: the streaming engine holds a single column's distinct
                # values in little memory, but several in one query made it hold the whole
                # table (3.6 GB at 33 M rows instead of 0.1 GB).
                lazy.select((~_distinct_unless_id(name).str.contains(pattern)).sum().alias(name))
                for name, pattern in _CODE_PATTERNS.items()
            ],
            engine="streaming",
        )
        bad = pl.concat(checks, how="horizontal").row(0, named=True)
        for name, count in bad.items():
            if count:
                raise BoundaryError(
                    f"column {name!r} holds {count} value(s) that are not codes: "
                    "refusing a frame that may carry personal data"
                )
        _remember_checked(frame)
    return frame


def compact_person_ids(lf: pl.LazyFrame) -> pl.LazyFrame:
    """The safe table with ``person_id`` as the 128-bit integer its 32 hex digits spell.

    The same persons, exactly (one integer per id), in a third of the memory of the strings
    when tens of millions of persons are grouped or counted (5.3 GB -> 3.3 GB at 33 M rows).
    """
    return lf.with_columns(pl.col("person_id").str.to_integer(base=16, dtype=pl.UInt128))


# --- normalisation helpers (raw side of the boundary) ---------------------------------------


def _columns_of(mapping: Mapping[str, str], available: list[str], category: str) -> list[str]:
    return [c for c in available if mapping.get(c) == category]


def _stripped(columns: list[str]) -> list[pl.Expr]:
    """The raw cells as text without surrounding spaces, which ``_clean`` and ``_filled`` expect.

    A stage of its own: Polars evaluates a sub-expression again at every reference, and each
    column is read by both.
    """
    return [pl.col(c).cast(pl.String).str.strip_chars() for c in columns]


def _clean(column: str) -> pl.Expr:
    """A stripped cell, with empty markers ("", NULL, \\N, -) turned into null."""
    return pl.when(~pl.col(column).is_in(_EMPTY_MARKERS)).then(pl.col(column))


def _filled(column: str) -> pl.Expr:
    """Whether a stripped cell holds something (not empty, not a null marker)."""
    return ~pl.col(column).is_in(_EMPTY_MARKERS).fill_null(True)


def _first(columns: list[str]) -> pl.Expr:
    if not columns:
        return pl.lit(None, dtype=pl.String)
    return pl.coalesce(_clean(c) for c in columns)


def _plausible_date(text: pl.Expr) -> pl.Expr:
    parsed = french.parse_date(text)
    # Implausible years are typing errors, not patients born in 1820 or sampled in 2091.
    return pl.when(parsed.dt.year().is_between(1890, 2100)).then(parsed)


def normalise_nir(expr: pl.Expr) -> pl.Expr:
    """The NIR compacted (no spaces, dots, dashes) when its format and key are valid, else null."""
    nir = french.nir_compact(expr)
    return pl.when(french.nir_key_valid(nir)).then(nir)


def _name_part(expr: pl.Expr) -> pl.Expr:
    key = french.fold_text(expr)
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


# --- the boundary crossing ---------------------------------------------------------------------

MentionFinder = Callable[[pl.Expr], Mapping[str, pl.Expr]]


def _mapping_of(schema: Any) -> dict[str, str]:
    if isinstance(schema, Mapping):
        return dict(schema)
    mapping = getattr(schema, "mapping", None)
    if mapping is None:
        raise InputError("expected a column classification (toolkit.schema.classify) or a mapping")
    return dict(mapping() if callable(mapping) else mapping)


def pseudonymise(
    source: Any,
    schema: Any,
    key: bytes,
    *,
    mentions: MentionFinder | None = None,
    postcodes: pl.DataFrame | None = None,
    communes: pl.DataFrame | None = None,
) -> pl.LazyFrame:
    """Turn raw leak records into the safe table (a LazyFrame; nothing is read until collected).

    ``source`` is an ``Ingested`` (``toolkit.ingest.read_leak``) or a frame of raw strings;
    ``schema`` a ``Schema`` (``toolkit.schema.classify``) or a ``{column: category}`` dict.
    ``mentions`` finds health mentions in text (default: ``toolkit.health.mention_exprs``);
    ``postcodes`` / ``communes`` override the reference gazetteer (tests).
    """
    frame = getattr(source, "frame", source)
    if not isinstance(frame, pl.LazyFrame | pl.DataFrame):
        raise InputError("expected a leak read by toolkit.ingest.read_leak, or a Polars frame")
    in_memory = getattr(source, "in_memory", isinstance(frame, pl.DataFrame))
    frame = frame.lazy()
    mapping = _mapping_of(schema)
    available = frame.collect_schema().names()
    cols = {category: _columns_of(mapping, available, category) for category in CATEGORIES}
    find_mentions = mentions or health.mention_exprs

    comment_columns = cols["comment"]
    # Stage 1: one narrow frame of the raw fields needed, each taken from the first filled column
    # of its category.
    categorised = {column for columns in cols.values() for column in columns}
    used = [c for c in available if c in categorised]
    staged = frame.with_row_index("__row").with_columns(_stripped(used)).select(
        _nir_raw=_first(cols["nir"]),
        _surname=pl.coalesce(_first(cols["surname"]), _first(cols["birth_name"])),
        _first_name=_first(cols["first_name"]),
        _birth_raw=_first(cols["birth_date"]),
        _sample_raw=_first(cols["sample_date"]),
        _sex_raw=_first(cols["sex"]),
        _lab_raw=_first(cols["lab"]),
        _postcode=_first(cols["postcode"]),
        _commune=_first(cols["commune"]),
        _address=_first(cols["address"]),
        _text=pl.concat_str([_clean(c) for c in comment_columns], separator=" ", ignore_nulls=True)
        if comment_columns
        else pl.lit(None, dtype=pl.String),
        _row=pl.col("__row"),
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
             lambda u: u.with_columns(_birth=_plausible_date(pl.col("_birth_raw")))),
            (["_sample_raw"],
             lambda u: u.with_columns(_sample=_plausible_date(pl.col("_sample_raw")))),
            (["_lab_raw"], lambda u: u.with_columns(lab=geo.lab_code(pl.col("_lab_raw")))),
            (["_postcode", "_commune"],
             lambda u: geo.resolve_residences(u, pl.col("_postcode"), pl.col("_commune"),
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
        person_id=pl.col("_person_key").map_batches(
            _keyed_hash(key), return_dtype=pl.String, is_elementwise=True
        )
    )
    return staged.select(
        pl.col("person_id"),
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
    return {m: found.get(m, pl.lit(False)) for m in HEALTH_MENTIONS}


def write_safe_table(
    safe: pl.LazyFrame | pl.DataFrame, path: str | Path = DEFAULT_SAFE_TABLE
) -> Path:
    """Validate and write the safe table as Parquet (same input and key, same bytes).

    A LazyFrame is streamed to disk (bounded memory, whatever the size of the leak) and
    validated from the file before it takes its final name; nothing is left behind if refused.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    options: dict[str, Any] = {
        "compression": "zstd",
        "statistics": False,
        # A fixed row-group size makes the bytes the same whether the table was streamed or
        # collected first.
        "row_group_size": _ROW_GROUP,
    }
    if isinstance(safe, pl.DataFrame):
        validate_safe_table(safe)
        safe.write_parquet(path, **options)
        return path
    validate_safe_table(safe, check_values=False)  # the schema, before anything is read
    partial = path.with_name(f"{path.name}.partial")
    try:
        safe.sink_parquet(partial, engine="streaming", **options)
        validate_safe_table(pl.scan_parquet(partial))
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(path)
    return path


def read_safe_table(path: str | Path = DEFAULT_SAFE_TABLE) -> pl.LazyFrame:
    """Scan a safe table written by :func:`write_safe_table` (validated before it is returned)."""
    path = Path(path)
    if not path.exists():
        raise InputError("safe table not found (run `pseudonymise` first)", path)
    return validate_safe_table(pl.scan_parquet(path), check_values=False)


@dataclass
class PseudonymiseResult:
    """What ``pseudonymise_file`` did: counts only, never a value."""

    path: Path
    records: int
    persons: int
    resolution: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        """A few lines for the terminal: records, persons, how residences were resolved."""
        lines = [f"safe table: {self.path}", f"records: {self.records}", f"persons: {self.persons}"]
        for status, n in self.resolution.items():
            share = n / self.records if self.records else 0.0
            lines.append(f"residence {status}: {n} ({share:.1%})")
        return "\n".join(lines)


def pseudonymise_file(
    leak: str | Path,
    out: str | Path = DEFAULT_SAFE_TABLE,
    *,
    key_file: str | Path | None = None,
    progress: bool = False,
) -> PseudonymiseResult:
    """Read a leak, classify its columns, pseudonymise it and write the safe table to ``out``."""
    from toolkit import ingest, keys, schema

    key = keys.load_key(key_file)
    ingested = ingest.read_leak(leak, progress=progress)
    classified = schema.classify(ingested.frame)
    path = write_safe_table(pseudonymise(ingested, classified, key), out)
    # Counted from the file just written, streaming: the table is never whole in memory.
    written = pl.scan_parquet(path)
    records, persons = (
        written.select(pl.len(), pl.col("person_id").n_unique()).collect(engine="streaming").row(0)
    )
    counts = written.group_by("residence_resolution").len().collect(engine="streaming")
    resolution = {
        status: int(counts.filter(pl.col("residence_resolution") == status)["len"].sum())
        for status in geo.RESOLUTIONS
    }
    if progress:
        print(f"leak-toolkit: wrote {path}", file=sys.stderr)
    return PseudonymiseResult(path=path, records=records, persons=persons, resolution=resolution)
