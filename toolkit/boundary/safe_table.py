"""The safe table: the only shape in which leak records cross the privacy boundary.

The safe table keeps, per record, only what aggregates need and nothing that identifies a person
directly: a keyed pseudonymous person id, the lab's code, the sample month, a 5-year age band and
sex, the residence commune (INSEE code), département and region, one Boolean per data category
saying whether it was exposed on that record, and one Boolean per kind of health mention found in
the free text. No name, NIR, phone, email, street, login, password or comment crosses.

This module is the contract both sides share: ``toolkit.boundary.pseudonymise`` writes tables of
this shape, and every function on the safe and publication sides calls
:func:`validate_safe_table` on its input, which accepts only this schema (column names, dtypes,
and string values shaped like codes). A pseudonymised table is still personal data (a person's
lab, month, age band, sex and commune often single them out): it is kept under ``data/interim/``
and never published; only aggregates that passed disclosure control leave.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias, TypeVar

import polars as pl

from toolkit.shared.errors import BoundaryError, InputError
from toolkit.shared.folding import fold_text
from toolkit.shared.gazetteer import RESOLUTIONS
from toolkit.shared.paths import INTERIM
from toolkit.shared.scratch import reserve_private
from toolkit.shared.vocabulary import CATEGORIES, COMMENT_MENTIONS

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
#: Optional boolean columns: one per data category, one per mention (health or context).
EXPOSED_COLUMNS: tuple[str, ...] = tuple(f"exposed_{c}" for c in CATEGORIES)
MENTION_COLUMNS: tuple[str, ...] = tuple(f"mention_{m}" for m in COMMENT_MENTIONS)

#: The only shapes a string in the safe table may take: codes, never free values.
_CODE_PATTERNS: dict[str, str] = {
    "person_id": r"^[0-9a-f]{32}$",
    # A lab's FINESS number (9 digits; 2A/2B and 7 digits in Corsica), else a slug of its name.
    "lab": r"^(\d{9}|2[AB]\d{7}|[a-z0-9]+(-[a-z0-9]+)*)$",
    "age_band": r"^([0-8][05]-[0-8][49]|90\+)$",
    "sex": r"^[FM]$",
    "residence_insee": r"^(\d{5}|2[AB]\d{3})$",
    "residence_departement": r"^(\d{2,3}|2[AB])$",
    "residence_region": r"^\d{2}$",
    "residence_resolution": "^(" + "|".join(RESOLUTIONS) + ")$",
}

DEFAULT_SAFE_TABLE = INTERIM / "safe.parquet"
_ROW_GROUP = 65_536

F = TypeVar("F", pl.LazyFrame, pl.DataFrame)

#: A frame of the safe table's shape (eager or lazy). Functions that take one validate it with
#: :func:`validate_safe_table` before reading anything: the type says what is expected, the
#: check makes sure of it.
SafeTable: TypeAlias = pl.LazyFrame | pl.DataFrame


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


_PAIR_BYTES = "".join(f"{b:02x}" for b in range(256))


def hex_person_ids(ids: pl.Expr) -> pl.Expr:
    """The 32 lower-case hex digits of 128-bit person ids (the inverse of compact_person_ids)."""
    two64 = pl.lit(2**64, dtype=pl.UInt128)
    pairs = [
        pl.lit(_PAIR_BYTES).str.slice(
            ((half // pl.lit(256 ** (7 - i), dtype=pl.UInt64)) % 256).cast(pl.Int64) * 2, 2
        )
        for half in ((ids // two64).cast(pl.UInt64), (ids % two64).cast(pl.UInt64))
        for i in range(8)
    ]
    return pl.concat_str(pairs)




def finess_number(expr: pl.Expr) -> pl.Expr:
    """A FINESS number as a code: 9 digits (2A/2B and 7 digits in Corsica), spaces removed, else
    null. The check digit is not verified: any value of that shape is taken for one."""
    compact = expr.cast(pl.String).str.replace_all(r"[\s.]", "").str.to_uppercase()
    return pl.when(compact.str.contains(r"^(\d{9}|2[AB]\d{7})$")).then(compact)


def lab_code(expr: pl.Expr) -> pl.Expr:
    """A lab's code: a FINESS number as such, else its name or code folded to ``a-z0-9`` words
    joined by ``-`` (stable, safe)."""
    slug = fold_text(expr.cast(pl.String)).str.slice(0, 64).str.strip_chars()
    slug = slug.str.replace_all(" ", "-", literal=True)
    return pl.coalesce(finess_number(expr), pl.when(slug != "").then(slug))



#: The provenance a safe table carries in its Parquet metadata: where it comes from, with which
#: key (its fingerprint, never the key), so that its publications join the right release ledger.
PROVENANCE_KEYS: tuple[str, ...] = ("input_sha256", "key_fingerprint")


@dataclass(frozen=True)
class Provenance:
    """The raw input a safe table was made from (its sha256) and the key's fingerprint."""

    input_sha256: str
    key_fingerprint: str


def write_safe_table(
    safe: pl.LazyFrame | pl.DataFrame,
    path: str | Path = DEFAULT_SAFE_TABLE,
    *,
    provenance: Provenance | None = None,
) -> Path:
    """Validate and write the safe table as Parquet (same input and key, same bytes).

    A LazyFrame is streamed to disk (bounded memory, whatever the size of the leak) and
    validated from the file before it takes its final name; nothing is left behind if refused.
    ``provenance`` goes into the file's metadata (see :func:`read_provenance`). The file is
    personal data: it is created readable by its owner only (0600), whatever was there before.
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
    if provenance is not None:
        options["metadata"] = {f"leak_toolkit.{k}": getattr(provenance, k) for k in PROVENANCE_KEYS}
    if isinstance(safe, pl.DataFrame):
        validate_safe_table(safe)
        safe.write_parquet(reserve_private(path), **options)
        return path
    validate_safe_table(safe, check_values=False)  # the schema, before anything is read
    partial = path.with_name(f"{path.name}.partial")
    try:
        reserve_private(partial)
        safe.sink_parquet(partial, engine="streaming", **options)
        validate_safe_table(pl.scan_parquet(partial))
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(path)
    return path


def read_provenance(path: str | Path) -> Provenance | None:
    """The provenance written by :func:`write_safe_table`, or None for a table without one."""
    try:
        metadata = pl.read_parquet_metadata(path)
    except (OSError, pl.exceptions.PolarsError):
        raise InputError("not a readable Parquet file", path) from None
    values = [metadata.get(f"leak_toolkit.{k}") for k in PROVENANCE_KEYS]
    return None if None in values else Provenance(*values)  # type: ignore[arg-type]


def read_safe_table(path: str | Path = DEFAULT_SAFE_TABLE) -> pl.LazyFrame:
    """Scan a safe table written by :func:`write_safe_table` (validated before it is returned)."""
    path = Path(path)
    if not path.exists():
        raise InputError("safe table not found (run `pseudonymise` first)", path)
    return validate_safe_table(pl.scan_parquet(path), check_values=False)


