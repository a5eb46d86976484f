"""Distances from each person's home commune to the labs they were tested at (safe side).

Homes are commune centroids (the safe table never holds anything finer), labs are located by
``toolkit.safe.labs``. Two views: one distance per (person, lab), from the home of the person's
latest sample at that lab (per-lab summaries), and one per person, to the lab of their latest
sample from the home of that sample (``per_person=True``: what counts persons, each once, as
every other aggregate counts a person as of their latest sample). Counting callers ask for
128-bit person ids (``compact=True``): the same persons in a third of the memory of their hex
strings.
"""

from __future__ import annotations

import polars as pl

from toolkit.boundary.lab_keys import locations_by_lab
from toolkit.boundary.safe_table import compact_person_ids, hex_person_ids, validate_safe_table
from toolkit.shared.errors import ToolkitError
from toolkit.shared.gazetteer import _reference_communes

#: Distance bands (upper bounds in km) used by summaries and by ``exposure.distance_bands``.
DISTANCE_BANDS_KM: tuple[int, ...] = (10, 20, 50)

_EARTH_RADIUS_KM = 6371.0088


def haversine_km(lon1: pl.Expr, lat1: pl.Expr, lon2: pl.Expr, lat2: pl.Expr) -> pl.Expr:
    """Great-circle distance in km between two points given in degrees (vectorised)."""
    phi1, phi2 = lat1.radians(), lat2.radians()
    dphi = (lat2 - lat1).radians()
    dlambda = (lon2 - lon1).radians()
    a = (dphi / 2).sin().pow(2) + phi1.cos() * phi2.cos() * (dlambda / 2).sin().pow(2)
    return 2 * _EARTH_RADIUS_KM * a.sqrt().clip(upper_bound=1.0).arcsin()


# The bits of the one integer that orders a person's records at a lab (``_latest_homes``):
# month (16 bits), then the record's position reversed (32), then its home commune's index (16).
_MONTH_BITS, _ROW_BITS, _HOME_BITS = 16, 32, 16
_NO_HOME = 2**_HOME_BITS - 1


def _indexed_homes(communes: pl.DataFrame) -> pl.LazyFrame:
    """``residence_insee, _home`` (a small integer per commune), ``_hlon, _hlat``."""
    if communes.height >= _NO_HOME:
        raise ToolkitError(f"the gazetteer has {communes.height} communes, more than distances "
                           f"can index ({_NO_HOME - 1})")  # fmt: skip
    return (
        communes.lazy()
        .select(
            pl.col("insee").alias("residence_insee"),
            pl.col("lon").alias("_hlon"),
            pl.col("lat").alias("_hlat"),
        )
        .with_row_index("_home")
    )


def _latest_homes(safe: pl.LazyFrame, homes: pl.LazyFrame, *, per_person: bool) -> pl.LazyFrame:
    """One row per (person, lab): ``person_id`` (UInt128), ``lab``, ``_home`` of the latest sample.

    The latest sample is the one of the latest month (a null month counts as the oldest) and,
    within a month, the first in the file, as a stable sort would give. Instead of sorting the
    whole table, each record gets one integer that orders it that way and carries its home's
    index, and one streaming ``max`` per (person, lab) keeps it: a few bytes per pair, with
    128-bit person ids and labs as categories (tens of millions of records fit in a few GB).
    With ``per_person``, one row per person: the lab of their latest sample of all (a second
    ``max`` over their few pairs).
    """
    month = pl.col("sample_month")
    month_key = (
        (month.dt.year().cast(pl.Int64) * 12 + month.dt.month().cast(pl.Int64))
        .clip(0, 2**_MONTH_BITS - 2)
        .add(1)
        .fill_null(0)
        .cast(pl.UInt64)
    )
    row_key = (2**_ROW_BITS - 1) - pl.col("_row").cast(pl.UInt64)
    home_key = pl.col("_home").cast(pl.UInt64).fill_null(_NO_HOME)
    order = month_key * 2 ** (_ROW_BITS + _HOME_BITS) + row_key * 2**_HOME_BITS + home_key
    pairs = (
        compact_person_ids(safe.select("person_id", "lab", "sample_month", "residence_insee"))
        .with_columns(pl.col("lab").cast(pl.Categorical))
        .with_row_index("_row")
        .join(homes.select("residence_insee", "_home"), on="residence_insee", how="left")
        .select("person_id", "lab", order.alias("_order"))
        .group_by("person_id", "lab")
        .agg(pl.col("_order").max())
    )
    if per_person:
        pairs = pairs.group_by("person_id").agg(
            pl.col("lab").sort_by("_order").last(), pl.col("_order").max()
        )
    return pairs.select(
        "person_id",
        pl.col("lab").cast(pl.String),
        (pl.col("_order") % 2**_HOME_BITS).cast(pl.UInt32).alias("_home"),
    )


def residence_lab_distances(
    safe: pl.LazyFrame | pl.DataFrame,
    lab_locations: pl.DataFrame,
    *,
    communes: pl.DataFrame | None = None,
    compact: bool = False,
    per_person: bool = False,
) -> pl.LazyFrame:
    """One row per (person, lab): ``person_id, lab, distance_km`` from residence to lab centroid.

    Null when either end is not located (or the lab is unknown). A person with several
    residences for one lab keeps the one of their latest sample there. With ``per_person``, one
    row per person: the lab of their latest sample, from the home of that sample (a person
    tested at two labs counts once, where they were last tested). ``person_id`` is the safe
    table's hex string, or with ``compact=True`` the 128-bit integer of
    ``safe_table.compact_person_ids`` (the same persons, cheaper to count: what aggregates
    should ask for).

    ``lab_locations`` (``lab, lon, lat``, and ``finess``, ``code``, ``name`` when known) is
    matched to the safe table's lab codes by key or by an alias that designates one lab only
    (``toolkit.boundary.lab_keys.locations_by_lab``): never more than one location per code, so
    the join adds no row, whatever names the labs share.
    """
    homes = _indexed_homes(_reference_communes() if communes is None else communes)
    labs = (
        locations_by_lab(lab_locations)
        .lazy()
        .select("lab", pl.col("lon").alias("_llon"), pl.col("lat").alias("_llat"))
    )
    person = pl.col("person_id") if compact else hex_person_ids(pl.col("person_id"))
    return (
        _latest_homes(validate_safe_table(safe).lazy(), homes, per_person=per_person)
        .join(homes.select("_home", "_hlon", "_hlat"), on="_home", how="left")
        .join(labs, on="lab", how="left")
        .select(
            person.alias("person_id"),
            "lab",
            distance_km=haversine_km(
                pl.col("_hlon"), pl.col("_hlat"), pl.col("_llon"), pl.col("_llat")
            ),
        )
    )


def distance_summary(
    safe: pl.LazyFrame | pl.DataFrame,
    lab_locations: pl.DataFrame,
    *,
    communes: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Per lab: ``lab, persons, located, median_km, share_within_{10,20,50}km`` (of located)."""
    distances = residence_lab_distances(safe, lab_locations, communes=communes, compact=True)
    d = pl.col("distance_km")
    shares = {
        f"share_within_{km}km": (d <= km).sum() / d.is_not_null().sum().cast(pl.Float64)
        for km in DISTANCE_BANDS_KM
    }
    return (
        distances.group_by("lab")
        .agg(persons=pl.len(), located=d.is_not_null().sum(), median_km=d.median(), **shares)
        .sort("lab")
        .collect()
    )
