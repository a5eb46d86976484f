"""What the generator's modes change: a realistic file, and what a forger with Faker would write.

``published`` (the default) is the file calibrated on the published figures, unchanged: first
names are drawn from Faker's lists whatever the birth year and samples fall on any day, so the
signs of fabrication (``toolkit.raw.verify.authenticity``) rightly find it made up. The two
other modes keep every planted count and change only what those tests read:

* ``realistic``: first names drawn by birth decade and sex from INSEE's table
  (``reference.first_names``: names given 100 times or more in the decade, weighted by rank;
  1 person in 20 gets any name of their sex, out of its time),
  labs closed on Sundays and public holidays (1 sample in 100 of a working day's, for on-call
  work) and half open on Saturdays, NIR birth places in real communes (the residence's, or a
  commune drawn by population), landlines in the zone of the residence (97 %), mobiles given
  less often by the elderly (``MOBILE_WEIGHTS``, the same number of mobiles);
* ``naive``: what a forger with Faker writes: birth dates drawn from 1920 to 2020 regardless of
  the sample date, NIR birth places in a département and commune number drawn at random (never
  abroad), landlines in any of the five zones, addresses drawn from the same places regardless
  of the lab; names, sample days and mobiles as in ``published`` (regardless of era, weekday and
  age).
"""

from __future__ import annotations

import datetime as dt
import functools

import numpy as np
import polars as pl

from toolkit.raw.phone_plan import LANDLINE_ZONES
from toolkit.raw.synth.dates import day_number
from toolkit.raw.synth.sampling import draw
from toolkit.raw.synth.value_lists import LANDLINE_PREFIXES
from toolkit.shared import reference
from toolkit.shared.build_first_names import DECADES
from toolkit.shared.errors import ToolkitError

MODES = ("published", "realistic", "naive")

#: Share of persons whose realistic first name ignores their era (drawn from any decade's names).
ODD_NAMES = 0.05

#: Landline zone ("1".."5") of each fiction prefix of ``LANDLINE_PREFIXES``, in its order.
PREFIX_ZONES = tuple(prefix[1] for prefix in LANDLINE_PREFIXES)


def check_mode(mode: str) -> str:
    """``mode`` when it is one of :data:`MODES`, else a one-line error naming them."""
    if mode not in MODES:
        raise ToolkitError(f"unknown mode {mode!r}: choose one of {', '.join(MODES)}")
    return mode


@functools.cache
def _holidays(first: int, last: int) -> frozenset[int]:
    """French public holidays of the years ``first`` to ``last``, as day numbers."""
    # Imported here: only the realistic mode needs it.
    import holidays

    return frozenset(day_number(d) for d in holidays.France(years=range(first, last + 1)))


def opening_weights(days: np.ndarray) -> np.ndarray:
    """A lab's activity by day: 1 on working days, 0.5 on Saturdays, 0.01 on closed days."""
    weekday = (days.astype(np.int64) + 3) % 7  # 1 January 1970 was a Thursday: Monday = 0
    years = days.astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970
    closed = np.isin(days, list(_holidays(int(years.min()), int(years.max())))) | (weekday == 6)
    return np.where(closed, 0.01, np.where(weekday == 5, 0.5, 1.0))


#: Relative chance of giving a mobile by age at the sample (under 60, 60 to 74, 75 and more).
MOBILE_WEIGHTS = (1.0, 0.8, 0.5)


def mobiles_by_age(rng: np.random.Generator, mobile: np.ndarray, age: np.ndarray,
                   n_dup: int) -> np.ndarray:
    """``mobile`` given to other persons, as many, the elderly less often (``MOBILE_WEIGHTS``).

    Duplicated persons (``0 .. n_dup-1``, two rows each) and the others are redrawn apart, so
    that the number of rows with a mobile is unchanged. Weighted draws without replacement:
    the ``k`` largest of ``u ** (1 / weight)``.
    """
    weight = np.select([age < 60, age < 75], MOBILE_WEIGHTS[:2], MOBILE_WEIGHTS[2])
    out = np.zeros(mobile.size, dtype=bool)
    for group in (slice(0, n_dup), slice(n_dup, mobile.size)):
        k = int(mobile[group].sum())
        keys = rng.random(weight[group].size) ** (1.0 / weight[group])
        chosen = np.argsort(-keys, kind="stable")[:k]
        out[group][chosen] = True
    return out


def independent_births(rng: np.random.Generator, n: int) -> np.ndarray:
    """Birth days drawn uniformly from 1920 to 2020, as a forger draws them."""
    first, last = day_number(dt.date(1920, 1, 1)), day_number(dt.date(2020, 12, 31))
    return rng.integers(first, last + 1, n).astype(np.int32)


@functools.cache
def era_pools() -> tuple[pl.Series, pl.Series, dict[tuple[int, int], tuple[np.ndarray, ...]]]:
    """INSEE first names: female and male pools, and per (female?, decade) pool indices and weights.

    A decade's names are those given 100 times or more in it, weighted ``1 / (rank + 10)``.
    """
    table = reference.first_names().filter(pl.col("band") >= 3)
    pools, draws = {}, {}
    for female, sex in ((1, "F"), (0, "M")):
        of_sex = table.filter(pl.col("sex") == sex)
        spellings = of_sex.sort("rank").group_by("name", maintain_order=True).agg(
            pl.col("spelling").first()).sort("name")
        pools[female] = spellings["spelling"]
        index = spellings.with_row_index("i").select("name", "i")
        for decade in DECADES:
            names = of_sex.filter(pl.col("decade") == decade).join(index, on="name")
            draws[(female, decade)] = (names["i"].to_numpy().astype(np.int32),
                                       1.0 / (names["rank"].to_numpy() + 10.0))
    return pools[1], pools[0], draws


def era_first_names(rng: np.random.Generator, birth: np.ndarray,
                    female: np.ndarray) -> tuple[pl.Series, pl.Series, np.ndarray]:
    """Female and male pools, and each person's first name drawn by birth decade and sex."""
    first_f, first_m, draws = era_pools()
    years = birth.astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970
    decade = np.clip(1901 + (np.maximum(years, 1901) - 1901) // 10 * 10, DECADES[0], DECADES[-1])
    out = np.zeros(birth.size, dtype=np.int32)
    for (sex, d), (idx, weights) in draws.items():
        sel = np.flatnonzero((female == bool(sex)) & (decade == d))
        if sel.size:
            out[sel] = idx[draw(rng, weights, sel.size)]
    # Parents who pick a name out of its time: 1 in 20, any name of the sex, uniformly.
    odd = rng.random(birth.size) < ODD_NAMES
    pool_size = np.where(female, first_f.len(), first_m.len())
    out[odd] = (rng.random(int(odd.sum())) * pool_size[odd]).astype(np.int32)
    return first_f, first_m, out


def landline_prefixes(rng: np.random.Generator, residence: pl.Series, mode: str) -> np.ndarray:
    """Index into ``LANDLINE_PREFIXES`` per person: the residence's zone (97 %), or any zone."""
    zone_of = {d: z for z, deps in LANDLINE_ZONES.items() for d in deps}
    zones = residence.replace({"2A": "20", "2B": "20"}).replace_strict(
        zone_of, default="2").to_numpy()
    own = np.array([PREFIX_ZONES.index(z) for z in zones], dtype=np.int8)
    anywhere = rng.integers(0, len(PREFIX_ZONES), residence.len()).astype(np.int8)
    if mode == "naive":
        return anywhere
    return np.where(rng.random(residence.len()) < 0.97, own, anywhere).astype(np.int8)


@functools.cache
def _metropolitan_communes() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Metropolitan communes as NIR birth places: département (2A/2B as 119/118), number, weight."""
    communes = reference.communes().filter(pl.col("departement").str.len_chars() == 2)
    dep = communes.select(
        pl.when(pl.col("departement") == "2A").then(119)
        .when(pl.col("departement") == "2B").then(118)
        .otherwise(pl.col("departement").cast(pl.Int16, strict=False))
    ).to_series().to_numpy().astype(np.int16)
    number = communes["insee"].str.slice(2, 3).cast(pl.Int64).to_numpy()
    weight = communes["population"].fill_null(1).clip(lower_bound=1).to_numpy().astype(float)
    return dep, number, weight


def real_birth_places(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` birth places in real metropolitan communes drawn by population: département, number."""
    dep, number, weight = _metropolitan_communes()
    picked = draw(rng, weight, n)
    return dep[picked], number[picked]


#: Where NIR birth places come from, by mode: the residence, another département, abroad.
BIRTH_PLACE_WEIGHTS = {"published": (0.6, 0.35, 0.05), "realistic": (0.6, 0.35, 0.05),
                       "naive": (0.0, 1.0, 0.0)}
