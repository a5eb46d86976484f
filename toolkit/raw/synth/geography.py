"""Where patients live: postcode/commune pairs from the reference gazetteer, and labs' catchments.

Places are real (communes and postcode/commune pairs come from :mod:`toolkit.shared.reference`),
because the geography is what the toolkit has to get right. Each lab draws its patients by gravity:
from populous places near it, inside its département and, for a share, outside the six published
départements.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from toolkit.raw.synth.calibration import SIX_DEPARTEMENTS
from toolkit.raw.synth.sampling import draw
from toolkit.shared import reference


def located_communes() -> pl.DataFrame:
    """The gazetteer's communes that have coordinates and a département."""
    return reference.communes().filter(
        pl.col("lon").is_not_null() & pl.col("lat").is_not_null()
        & pl.col("departement").is_not_null()
    )


@functools.cache
def postcode_pairs() -> pl.DataFrame:
    """Metropolitan postcode/commune pairs with coordinates, département and population weight."""
    communes = located_communes()
    return (
        reference.postcodes()
        .select("postcode", "insee")
        .unique()
        .join(communes.select("insee", "name", "departement", "population", "lon", "lat"),
              on="insee", how="inner")
        .with_columns(
            (pl.col("population").fill_null(0).clip(lower_bound=1)
             / pl.len().over("insee")).alias("weight"),
        )
        # Metropolitan only (overseas codes have 3 digits): western labs' patients live here.
        .filter(pl.col("departement").str.len_chars() == 2)
        .sort("postcode", "insee")
    )


def _distance_km(lon: np.ndarray, lat: np.ndarray, lon0: float, lat0: float) -> np.ndarray:
    la, la0 = np.radians(lat), math.radians(lat0)
    a = (np.sin((la - la0) / 2) ** 2
         + np.cos(la) * math.cos(la0) * np.sin(np.radians(lon - lon0) / 2) ** 2)
    return 12_742.0 * np.arcsin(np.sqrt(a))


@dataclass
class Catchment:
    """Per lab, gravity weights over postcode/commune pairs inside and outside its département."""

    inside: list[tuple[np.ndarray, np.ndarray]]
    outside: list[tuple[np.ndarray, np.ndarray]]


def catchments(pairs: pl.DataFrame, labs: pl.DataFrame) -> Catchment:
    """Each lab's catchment over ``pairs``, from the lab's home commune (``labs``, in lab order)."""
    lon = pairs["lon"].to_numpy()
    lat = pairs["lat"].to_numpy()
    pop = pairs["weight"].to_numpy()
    dep = pairs["departement"].to_numpy()
    outside_six = ~np.isin(dep, SIX_DEPARTEMENTS)
    inside, outside = [], []
    for lab in labs.iter_rows(named=True):
        d = _distance_km(lon, lat, lab["lon"], lab["lat"])
        # Gravity: people come from populous places near the lab (decay lengths in km).
        own = np.flatnonzero(dep == lab["departement"])
        inside.append((own, pop[own] * np.exp(-d[own] / 12.0)))
        out = np.flatnonzero(outside_six & (d < 60))
        if out.size < 50:
            out = np.flatnonzero(outside_six)[np.argsort(d[outside_six])[:200]]
        outside.append((out, pop[out] * np.exp(-d[out] / 15.0)))
    return Catchment(inside, outside)


def place(rng: np.random.Generator, catch: Catchment, lab: np.ndarray,
          outside: np.ndarray) -> np.ndarray:
    """A postcode/commune pair index for each (lab, inside-or-outside) request."""
    out = np.empty(lab.size, dtype=np.int32)
    for k in range(len(catch.inside)):
        for flag, table in ((False, catch.inside), (True, catch.outside)):
            sel = np.flatnonzero((lab == k) & (outside == flag))
            if sel.size:
                idx, w = table[k]
                out[sel] = idx[draw(rng, w, sel.size)]
    return out
