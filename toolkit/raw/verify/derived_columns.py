"""The values a verification derives from a leak's raw records, once, before counting them.

Every column of the leak is stripped (blank cells become null). Helper columns, all prefixed
``_``, are then added beside them: the NIR in compact form, whether its check key is valid, and
the sex, birth month and two-digit birth year it encodes; the sex as ``F``/``M``; the birth and
sample dates parsed; the residence postcode cleaned and its commune folded; the surname and first
name folded; whether the blood group is valid; each phone number's class
(``french.PHONE_CLASSES``, a join on the numbering plan), whether it lies in a fiction block and
the number as read (``_phone_number<i>``, for its landline zone);
each valid email, normalised, and for a patient's whether its domain is reserved and whether a
mail server would refuse its syntax; whether the comments hold any text and
each counted word; and a person key (``N`` + the valid NIR, else ``P`` + folded surname, first
name and birth date). The counts read only these columns and the stripped ones.

Values that repeat (dates, sexes, places, names, blood groups, phones, comments) are derived
once per distinct value when the leak is in memory (``toolkit.raw.distinct.derive_once``); a
streamed leak derives them row by row, which keeps the streaming engine's memory bounded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl

from toolkit.raw import distinct, french, health
from toolkit.raw.schema import Schema
from toolkit.shared import folding, gazetteer

#: Which columns play which role: for a category, its first column or None (``"nir"``,
#: ``"sex"``, ``"birth_date"``, ``"sample_date"``, ``"postcode"``, ``"commune"``, ``"lab"``,
#: ``"surname"``, ``"first_name"``, ``"blood_group"``); lists of columns for ``"phones"``,
#: ``"emails"``, ``"doctors"`` (the doctor columns checked as emails), ``"doctor_columns"`` and
#: ``"comments"``.
Roles = dict[str, Any]

#: Every column of these categories is checked number by number (other categories use their
#: first column: one NIR, one sex, one residence postcode per row).
_PHONE_CATEGORIES = ("phone_landline", "phone_mobile", "phone")

#: The categories whose first column is read, one per row.
_SINGLE_COLUMN_ROLES = ("nir", "sex", "birth_date", "sample_date", "postcode", "commune", "lab",
                        "surname", "first_name", "blood_group")  # fmt: skip


def _first(schema: Schema, category: str) -> str | None:
    """The first column of ``category``, or None when the leak has none."""
    cols = schema.columns_of(category)
    return cols[0] if cols else None


def column_roles(schema: Schema) -> Roles:
    """Which columns of the leak the checks read, by role (see ``Roles``)."""
    role: Roles = {cat: _first(schema, cat) for cat in _SINGLE_COLUMN_ROLES}
    role["phones"] = [c for cat in _PHONE_CATEGORIES for c in schema.columns_of(cat)]
    role["emails"] = schema.columns_of("email")
    # A doctor's emails are counted from the doctor columns whose content is emails (names,
    # addresses and phones of the doctor need no email check).
    doctors = schema.columns_of("doctor")
    role["doctors"] = [c for c in doctors if schema.content_of(c) == "email"] or doctors
    role["doctor_columns"] = doctors
    role["comments"] = schema.columns_of("comment")
    return role


def _value(column: str) -> pl.Expr:
    """A column after the cleaning stage of :func:`derive_columns` (blank cells are null)."""
    return pl.col(column)


def derive_columns(
    frame: pl.LazyFrame, schema: Schema, *, in_memory: bool = False
) -> tuple[pl.LazyFrame, Roles]:
    """Add normalised helper columns (prefixed ``_``) used by every count; also the roles."""
    role = column_roles(schema)
    null = pl.lit(None, pl.String)
    # Every column stripped once, blanks as null: the checks and the fill counts read these.
    cleaned = frame.lazy().with_columns(
        french.blank_to_null(pl.col(c.name).cast(pl.String)).alias(c.name) for c in schema.columns
    )
    # Values that repeat (dates, sexes, places, names, blood groups, comments) are parsed once
    # per distinct value when the leak is in memory (3.4 instead of 4.1 CPU seconds at 491,840
    # rows); a streamed leak is parsed row by row, which keeps the streaming engine's memory
    # bounded (see ``distinct.derive_once``).
    parsers: dict[str, tuple[str | None, Callable[[pl.Expr], pl.Expr]]] = {
        "_sex": (role["sex"], french.sex_code),
        "_birth": (role["birth_date"], lambda v: french.parse_date(v).cast(pl.Date)),
        "_sample": (role["sample_date"], lambda v: french.parse_date(v).cast(pl.Date)),
        "_postcode": (role["postcode"], gazetteer.postcode_clean),
        "_commune": (role["commune"], folding.fold_commune),
        "_surname_key": (role["surname"], folding.fold_text),
        "_first_name_key": (role["first_name"], folding.fold_text),
        "_blood_valid": (role["blood_group"], lambda v: french.blood_group(v).is_not_null()),
    }
    derivations: list[distinct.Derivation] = [
        ([column], lambda u, c=column, f=parse, n=name: u.with_columns(f(pl.col(c)).alias(n)))
        for name, (column, parse) in parsers.items()
        if column is not None
    ]
    # Phone classes: a join on the numbering plan's prefix table, once per distinct number.
    derivations += [
        ([c], lambda u, c=c, i=i: french.with_phone_class(
            u, c, klass=f"_phone_class{i}", fiction=f"_phone_fiction{i}",
            normalised=f"_phone_number{i}"))
        for i, c in enumerate(role["phones"])
    ]
    comments = list(role["comments"])
    if comments:
        derivations.append((comments, lambda u: u.with_columns(_comment_words(comments))))
    # Columns whose role the leak lacks are null, with the type their checks expect.
    types = {"_birth": pl.Date, "_sample": pl.Date, "_blood_valid": pl.Boolean}
    absent = [
        pl.lit(None, types.get(name, pl.String)).alias(name)
        for name, (column, _) in parsers.items()
        if column is None
    ]
    by_name = role["surname"] and role["first_name"] and role["birth_date"]
    name_key = (
        pl.concat_str(
            [pl.col("_surname_key"), pl.col("_first_name_key"), pl.col("_birth").cast(pl.String)],
            separator="|",
        )
        if by_name
        else null
    )
    person = (
        pl.when(pl.col("_nir_valid"))
        .then(pl.lit("N") + pl.col("_nir"))
        .otherwise(pl.lit("P") + name_key)
    )
    emails = [
        pl.when(french.email_valid(_value(c))).then(french.email_normalised(_value(c)))
        .alias(f"_email{i}")
        for i, c in enumerate(role["emails"] + role["doctors"])
    ]
    # Each stage materialises columns the next one reads, so that no expression repeats a
    # sub-expression (Polars would evaluate it again at every reference).
    lazy = (
        _with_values(cleaned, derivations, in_memory=in_memory)
        .with_columns(
            *absent,
            (french.nir_compact(_value(role["nir"])) if role["nir"] else null).alias("_nir"),
            (_value(role["lab"]) if role["lab"] else null).alias("_lab"),
            *emails,
        )
        .with_columns(
            french.nir_key_valid(pl.col("_nir")).alias("_nir_valid"),
            # Read by several counts each: computed once here.
            french.nir_sex(pl.col("_nir")).alias("_nir_sex"),
            french.nir_birth_month(pl.col("_nir")).alias("_nir_month"),
            french.nir_birth_year2(pl.col("_nir")).alias("_nir_year2"),
            # Each read by two counts: computed once here.
            *(french.email_reserved(pl.col(f"_email{i}")).alias(f"_email_reserved{i}")
              for i in range(len(role["emails"]))),
            *(french.email_undeliverable_syntax(pl.col(f"_email{i}")).alias(f"_email_refused{i}")
              for i in range(len(role["emails"]))),
        )
        .with_columns(person.alias("_person"))
    )
    return lazy, role


def _with_values(
    frame: pl.LazyFrame, derivations: list[distinct.Derivation], *, in_memory: bool
) -> pl.LazyFrame:
    """``frame`` with the derived values: once per distinct value in memory, else row by row."""
    if in_memory:
        return distinct.derive_once(frame, derivations, in_memory=True)
    for _, derive in derivations:
        frame = derive(frame)
    return frame


def _comment_words(comments: list[str]) -> list[pl.Expr]:
    """Whether the comments of a row hold any text, and each counted word (``_word_<word>``)."""
    # A row counts once per word, whichever comment column holds it (health.WORD_PATTERNS is
    # the definition shared with the synthetic generator's calibration).
    text = pl.concat_str([pl.col(c) for c in comments], separator=" ", ignore_nulls=True)
    return [
        (text.str.len_chars() > 0).alias("_has_comment"),
        *(health.word_expr(text, word).alias(f"_word_{word}") for word in health.WORD_PATTERNS),
    ]
