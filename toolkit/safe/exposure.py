"""Exposure aggregates: who was exposed, when, where, to what. Tidy Polars frames of counts.

Every function takes the safe table (validated here: a frame with any other column is refused)
and returns a small, sorted, tidy ``pl.DataFrame`` with one count column (``persons``, and
``records`` where both make sense), ready for disclosure control and charts.

Counting rules, the same everywhere:
- ``records`` are rows of the leak; ``persons`` are distinct pseudonymous person ids.
- A person's residence, age band and sex are those of their latest sample (the leak may hold
  several samples of one person, at different ages or addresses).
- A person is exposed to a data category (or has a mention) if any of their records has it.
- A person has a health mention (``health_mention``, Art. 9 data) if a comment of theirs carries
  one of the ``HEALTH_MENTIONS``; the context mentions (child, baby) are counted on their own and
  never make a comment health data.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import polars as pl

from toolkit.boundary.safe_table import SafeTable, compact_person_ids, validate_safe_table
from toolkit.safe.distances import DISTANCE_BANDS_KM, residence_lab_distances
from toolkit.shared import reference
from toolkit.shared.errors import ToolkitError
from toolkit.shared.gazetteer import RESOLUTIONS
from toolkit.shared.vocabulary import (
    ANY_HEALTH_MENTION,
    COMMENT_MENTIONS,
    HEALTH_MENTIONS,
    REPORTED_CATEGORIES,
)

#: Categories whose combinations ``co_exposure`` ranks by default (the ones that hurt together),
#: plus ``health_mention`` (a comment with a health mention).
CO_EXPOSURE_DEFAULT: tuple[str, ...] = (
    "nir", "birth_date", "address", "phone_landline", "phone_mobile", "phone", "email",
    "login", "password", "blood_group", ANY_HEALTH_MENTION,
)  # fmt: skip

_PERSONS = pl.col("person_id").n_unique()


def _safe(safe: SafeTable) -> pl.LazyFrame:
    return compact_person_ids(validate_safe_table(safe).lazy())


def _health_mention(lf: pl.LazyFrame) -> pl.Expr | None:
    """True on records whose comments carry a health mention (child and baby are not one).

    None when the safe table has no health-mention column.
    """
    names = lf.collect_schema().names()
    columns = [f"mention_{m}" for m in HEALTH_MENTIONS if f"mention_{m}" in names]
    return pl.any_horizontal(columns) if columns else None


def _category_flags(lf: pl.LazyFrame) -> dict[str, pl.Expr]:
    """Per record, one flag per data category present, in ``REPORTED_CATEGORIES`` order.

    ``health_mention`` (a comment with a health mention) is there when the file has comments.
    """
    names = set(lf.collect_schema().names())
    health = _health_mention(lf)
    flags: dict[str, pl.Expr] = {}
    for category in REPORTED_CATEGORIES:
        if category == ANY_HEALTH_MENTION and health is not None and "exposed_comment" in names:
            flags[category] = health
        elif f"exposed_{category}" in names:
            flags[category] = pl.col(f"exposed_{category}")
    return flags


def _latest_per_person(lf: pl.LazyFrame, columns: list[str]) -> pl.LazyFrame:
    """Each person's ``columns`` as of their latest sample (ties broken deterministically)."""
    # One sort of every record. (Sorting only the persons with several records, found with
    # ``is_duplicated``, was faster at 491,840 rows but took 6.6 GB at 33 M rows against 3.5.)
    return (
        lf.select("person_id", "sample_month", *columns)
        .sort(["person_id", "sample_month", *columns], nulls_last=False)
        .group_by("person_id")
        .agg(pl.col(c).last() for c in columns)
    )


# --- periods and labs -------------------------------------------------------------------------


def records_by_month(
    safe: SafeTable, by: Literal["lab", "departement"] | None = None
) -> pl.DataFrame:
    """Records and persons per sample month: ``month, [lab | departement], records, persons``."""
    keys = [pl.col("sample_month").alias("month")]
    if by == "lab":
        keys.append(pl.col("lab"))
    elif by == "departement":
        keys.append(pl.col("residence_departement").alias("departement"))
    elif by is not None:
        raise ToolkitError(f"records_by_month: by must be None, 'lab' or 'departement', not {by!r}")
    names = [k.meta.output_name() for k in keys]
    return (
        _safe(safe)
        .group_by(keys)
        .agg(records=pl.len(), persons=_PERSONS)
        .sort(names, nulls_last=True)
        .collect()
    )


def lab_windows(safe: SafeTable) -> pl.DataFrame:
    """Each lab's window: ``lab, first_sample, last_sample`` (months), ``records, persons``."""
    return (
        _safe(safe)
        .group_by("lab")
        .agg(
            first_sample=pl.col("sample_month").min(),
            last_sample=pl.col("sample_month").max(),
            records=pl.len(),
            persons=_PERSONS,
        )
        .sort("lab", nulls_last=True)
        .collect()
    )


# --- places -------------------------------------------------------------------------------------


def persons_by_departement(
    safe: SafeTable, *, departements: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Persons per département of residence, absolute and as a share of its inhabitants.

    Columns ``departement, departement_name, persons, population, population_share`` (persons
    over inhabitants, 0 to 1); persons whose residence was not found are in a row with a null
    département.
    ``departements`` (``code, name, population``) overrides the reference table (tests).
    """
    table = reference.departements_table() if departements is None else departements
    names = table.lazy().select(
        pl.col("code").alias("departement"),
        pl.col("name").alias("departement_name"),
        pl.col("population").cast(pl.Int64, strict=False),
    )
    return (
        _latest_per_person(_safe(safe), ["residence_departement"])
        .group_by(pl.col("residence_departement").alias("departement"))
        .agg(persons=pl.len())
        .join(names, on="departement", how="left")
        .with_columns(population_share=pl.col("persons") / pl.col("population"))
        .select("departement", "departement_name", "persons", "population", "population_share")
        .sort(["persons", "departement"], descending=[True, False], nulls_last=True)
        .collect()
    )


def persons_by_commune(safe: SafeTable, *, communes: pl.DataFrame | None = None) -> pl.DataFrame:
    """Persons per commune of residence: ``insee, commune_name, departement, persons, population,
    population_share`` (a null ``insee`` row holds persons whose residence was not found)."""
    table = reference.communes() if communes is None else communes
    names = table.lazy().select(
        pl.col("insee"),
        pl.col("name").alias("commune_name"),
        pl.col("departement"),
        pl.col("population").cast(pl.Int64),
    )
    return (
        _latest_per_person(_safe(safe), ["residence_insee"])
        .group_by(pl.col("residence_insee").alias("insee"))
        .agg(persons=pl.len())
        .join(names, on="insee", how="left")
        .with_columns(population_share=pl.col("persons") / pl.col("population"))
        .select(
            "insee", "commune_name", "departement", "persons", "population", "population_share"
        )
        .sort(["persons", "insee"], descending=[True, False], nulls_last=True)
        .collect()
    )


def resolution_rates(safe: SafeTable) -> pl.DataFrame:
    """How residences were resolved: ``resolution, records, persons, share`` (share of records)."""
    lf = compact_person_ids(validate_safe_table(safe).lazy())
    table = (
        lf.group_by("residence_resolution")
        .agg(records=pl.len(), persons=pl.col("person_id").n_unique())
        .rename({"residence_resolution": "resolution"})
        .with_columns(share=pl.col("records") / pl.col("records").sum())
        .collect()
    )
    order = pl.DataFrame({"resolution": list(RESOLUTIONS)})
    return order.join(table, on="resolution", how="left", maintain_order="left").with_columns(
        pl.col("records", "persons").fill_null(0), pl.col("share").fill_null(0.0)
    )



# --- data categories ------------------------------------------------------------------------------


def _long_counts(wide: pl.LazyFrame, index: list[str], prefix: str, name: str) -> pl.LazyFrame:
    """Turn ``prefix<thing>`` count columns into rows ``name, *index, persons``."""
    columns = [c for c in wide.collect_schema().names() if c.startswith(prefix)]
    return (
        wide.unpivot(index=index, on=columns, variable_name=name, value_name="persons")
        .with_columns(pl.col(name).str.strip_prefix(prefix), pl.col("persons").cast(pl.UInt32))
        .select(name, *index, "persons")
    )


def _exposed_per_person(lf: pl.LazyFrame, *index: str) -> pl.LazyFrame:
    """One row per person (and ``index``), with an ``exposed_<category>`` flag per category.

    A flag is true when any of the person's records has it (``exposed_health_mention`` included).
    """
    return lf.group_by("person_id", *index).agg(
        flag.any().alias(f"exposed_{name}") for name, flag in _category_flags(lf).items()
    )


def category_exposure(safe: SafeTable) -> pl.DataFrame:
    """Persons exposed per data category: ``category, persons, share`` (share of all persons).

    ``health_mention``, right after ``comment``, counts the persons with a comment carrying a
    health mention: the comments that are health data.
    """
    lf = _safe(safe)
    total = lf.select(_PERSONS).collect().item()
    per_person = _exposed_per_person(lf)
    exposed = [c for c in per_person.collect_schema().names() if c != "person_id"]
    wide = per_person.select(pl.lit(0).alias("_"), *(pl.col(c).sum() for c in exposed))
    return (
        _long_counts(wide, ["_"], "exposed_", "category")
        .drop("_")
        .with_columns(share=pl.col("persons") / total if total else pl.lit(0.0))
        .collect()
    )


def category_by_year(safe: SafeTable) -> pl.DataFrame:
    """Persons exposed per data category and sample year: ``category, year, persons, share``.

    ``share`` is of the persons with a sample that year; ``health_mention`` as in
    :func:`category_exposure`.
    """
    lf = _safe(safe).with_columns(year=pl.col("sample_month").dt.year())
    per_person = _exposed_per_person(lf, "year")
    exposed = [c for c in per_person.collect_schema().names() if c not in ("person_id", "year")]
    wide = per_person.group_by("year").agg(_total=pl.len(), **{c: pl.col(c).sum() for c in exposed})
    order = pl.DataFrame(
        {"category": [c.removeprefix("exposed_") for c in exposed]}
    ).with_row_index("_order")
    return (
        _long_counts(wide, ["year", "_total"], "exposed_", "category")
        .with_columns(share=pl.col("persons") / pl.col("_total"))
        .join(order.lazy(), on="category")
        .sort(["_order", "year"], nulls_last=True)
        .select("category", "year", "persons", "share")
        .collect()
    )


def co_exposure(
    safe: SafeTable, top: int | None = 20, categories: Iterable[str] = CO_EXPOSURE_DEFAULT
) -> pl.DataFrame:
    """Which categories are exposed together, ranked: ``combination, n_categories, persons, rank``.

    ``combination`` joins the person's exposed ``categories`` with "+" (e.g.
    ``nir+phone_mobile+health_mention``), ``"none"`` for none of them. ``top=None`` keeps all.
    """
    lf = _safe(safe)
    available = _category_flags(lf)
    flags = {c: available[c] for c in categories if c in available}
    if not flags:
        raise ToolkitError("co_exposure: none of the requested categories is in the safe table")
    per_person = lf.group_by("person_id").agg(
        flag.any().alias(name) for name, flag in flags.items()
    )
    combination = pl.concat_str(
        [pl.when(pl.col(name)).then(pl.lit(name)) for name in flags],
        separator="+",
        ignore_nulls=True,
    )
    ranked = (
        per_person.group_by(
            pl.when(combination == "")
            .then(pl.lit("none"))
            .otherwise(combination)
            .alias("combination"),
            pl.sum_horizontal(list(flags)).alias("n_categories"),
        )
        .agg(persons=pl.len())
        .sort(["persons", "combination"], descending=[True, False])
        .with_columns(rank=pl.int_range(1, pl.len() + 1, dtype=pl.UInt32))
        .collect()
    )
    return ranked if top is None else ranked.head(top)


# --- health mentions, age and sex, distance ---------------------------------------------------


def health_mentions(safe: SafeTable, by: Literal["lab", "year"] | None = None) -> pl.DataFrame:
    """Persons per kind of mention in the comments: ``mention, [lab | year], persons``.

    The first row, ``health_mention``, counts the persons with at least one health mention (as
    in :func:`category_exposure`); then come the health mentions, then the context mentions
    (child, baby: not health data), in the vocabulary's order. Without ``by`` every kind is
    listed (zero included).
    """
    lf = _safe(safe)
    names = lf.collect_schema().names()
    health = _health_mention(lf)
    flags = {
        **({ANY_HEALTH_MENTION: health} if health is not None else {}),
        **{m: pl.col(f"mention_{m}") for m in COMMENT_MENTIONS if f"mention_{m}" in names},
    }
    if by == "year":
        lf = lf.with_columns(year=pl.col("sample_month").dt.year())
    elif by not in (None, "lab"):
        raise ToolkitError(f"health_mentions: by must be None, 'lab' or 'year', not {by!r}")
    index = [by] if by else []
    per_person = lf.group_by("person_id", *index).agg(
        flag.any().alias(f"mention_{name}") for name, flag in flags.items()
    )
    wide = per_person.group_by(index or pl.lit(0).alias("_")).agg(
        pl.col(f"mention_{name}").sum() for name in flags
    )
    long = _long_counts(wide, index or ["_"], "mention_", "mention").drop("_", strict=False)
    order = pl.DataFrame(
        {"mention": [ANY_HEALTH_MENTION, *COMMENT_MENTIONS]}
    ).with_row_index("_order").lazy()
    table = long.join(order, on="mention").sort(["_order", *index], nulls_last=True).drop("_order")
    if by:
        table = table.filter(pl.col("persons") > 0)
    return table.collect()


def age_sex_pyramid(safe: SafeTable) -> pl.DataFrame:
    """Persons per age band and sex at their latest sample: ``age_band, sex, persons``."""
    return (
        _latest_per_person(_safe(safe), ["age_band", "sex"])
        .group_by("age_band", "sex")
        .agg(persons=pl.len())
        .sort(["age_band", "sex"], nulls_last=True)
        .collect()
    )


def _band_labels() -> list[str]:
    bounds = (0, *DISTANCE_BANDS_KM)
    labels = [f"{lo}-{hi} km" for lo, hi in zip(bounds, bounds[1:], strict=False)]
    return [*labels, f"{bounds[-1]}+ km", "unknown"]


def distance_bands(
    safe: SafeTable, lab_locations: pl.DataFrame, *, communes: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Persons per band of distance from home commune to lab: ``band, persons``.

    Bands are 0-10, 10-20, 20-50, 50+ km and "unknown" (residence or lab not located, or lab
    unknown). Each person counts once, in the band of the distance from the home of their
    latest sample to the lab of that sample: the bands add up to the persons.
    """
    # Integer person ids: counting persons needs no hex strings (a third of the memory).
    latest = residence_lab_distances(
        safe, lab_locations, communes=communes, compact=True, per_person=True
    )
    labels = _band_labels()
    band = pl.when(pl.col("distance_km").is_null()).then(pl.lit("unknown"))
    for upper, label in zip(DISTANCE_BANDS_KM, labels, strict=False):
        band = band.when(pl.col("distance_km") < upper).then(pl.lit(label))
    band = band.otherwise(pl.lit(labels[-2]))
    counts = latest.group_by(band.alias("band")).agg(persons=pl.len()).collect()
    return (
        pl.DataFrame({"band": labels})
        .join(counts, on="band", how="left", maintain_order="left")
        .with_columns(pl.col("persons").fill_null(0).cast(pl.UInt32))
    )
