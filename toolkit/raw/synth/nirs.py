"""NIRs (French social security numbers): built from sex and birth, with the planted anomalies.

Each person gets a 13-digit body and a key that follow the sex and birth date recorded for them,
except the planted anomalies: an inconsistent sex digit, an inconsistent birth month, or an invalid
key. Bodies are distinct, so that a valid NIR identifies one person. Persons without a valid NIR are
told apart by surname + first name + birth date, which are made distinct too.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from toolkit.raw.synth.modes import BIRTH_PLACE_WEIGHTS, real_birth_places
from toolkit.raw.synth.sampling import draw
from toolkit.raw.synth.value_lists import FOREIGN_COUNTRIES
from toolkit.shared.errors import ToolkitError


def _repeats(key: np.ndarray) -> np.ndarray:
    """True where ``key`` repeats a value met earlier in the array (the first one stays False)."""
    _, first_pos = np.unique(key, return_index=True)
    clash = np.ones(key.size, dtype=bool)
    clash[first_pos] = False
    return clash


def unique_name_keys(p: dict[str, np.ndarray], keyed_by_name: np.ndarray) -> None:
    """Make the name keys of the ``keyed_by_name`` persons distinct, shifting births by a day.

    Persons without a valid NIR are told apart by surname + first name + birth date: distinct
    keys make the recorded number of persons exact.
    """
    idx = np.flatnonzero(keyed_by_name)
    sur = np.where(p["surname_present"][idx], p["surname"][idx], -1).astype(np.int64) + 1
    first = p["first"][idx].astype(np.int64) * 2 + p["female_name"][idx]
    for _ in range(100):
        key = (sur * 1000 + first) * 1_000_000 + (p["birth"][idx].astype(np.int64) + 500_000)
        clash = _repeats(key)
        if not clash.any():
            return
        p["birth"][idx[clash]] -= 1
    raise ToolkitError("internal error: could not make name keys distinct")


def build_nirs(rng: np.random.Generator, p: dict[str, np.ndarray],
               pairs: pl.DataFrame, mode: str = "published") -> pl.Series:
    """NIR body (13 digits as an integer) and key, per person, following sex and birth date.

    Birth places by ``mode`` (``modes.BIRTH_PLACE_WEIGHTS``): the residence, another
    département (a real commune drawn by population in the realistic mode, a random number
    otherwise) or abroad.

    Sets ``p["nir_body"]``, ``p["nir_key"]``, ``p["nir_corsica"]`` and ``p["birth_dep"]``;
    returns the birth départements' codes, which ``p["birth_dep"]`` indexes.
    """
    n = p["birth"].size
    # Small integer types throughout: at 10 M rows every int64 temporary costs 80 MB.
    birth = p["birth"].astype("datetime64[D]")
    yy = ((birth.astype("datetime64[Y]").astype(np.int32) + 1970) % 100).astype(np.int8)
    mm = (birth.astype("datetime64[M]").astype(np.int32) % 12 + 1).astype(np.int8)
    del birth
    status = p["nir_status"]
    sex_digit = np.where(p["female_name"], 2, 1).astype(np.int8)
    sex_digit[status == 1] = 3 - sex_digit[status == 1]
    bad_birth = status == 2
    mm[bad_birth] = (mm[bad_birth] - 1 + rng.integers(1, 12, int(bad_birth.sum()))) % 12 + 1
    # Birth place: mostly the residence's département and commune, else elsewhere or abroad.
    # Départements as small integers (a few bytes a person at 10 M rows): the code itself,
    # 99 abroad, and 119 / 118 for 2A / 2B, whose NIR key uses 19 / 18.
    place = pairs["departement"].to_frame("d").select(
        pl.when(pl.col("d") == "2A").then(119).when(pl.col("d") == "2B").then(118)
        .otherwise(pl.col("d").cast(pl.Int16, strict=False))).to_series().to_numpy()
    res_commune = (pairs["insee"].str.slice(2, 3).cast(pl.Int16, strict=False).fill_null(1)
                   .to_numpy())
    where = draw(rng, np.array(BIRTH_PLACE_WEIGHTS[mode]), n)
    metro = np.array([d for d in range(1, 96) if d != 20] + [119, 118], dtype=np.int16)
    dep = np.where(where == 0, place[p["pair"]], metro[rng.integers(0, metro.size, n)])
    dep = np.where(where == 2, 99, dep).astype(np.int16)
    commune_num = np.where(where == 0, res_commune[p["pair"]], rng.integers(1, 600, n))
    if mode == "realistic":
        elsewhere = np.flatnonzero(where == 1)
        dep[elsewhere], commune_num[elsewhere] = real_birth_places(rng, elsewhere.size)
    commune_num = np.where(
        where == 2, np.array(FOREIGN_COUNTRIES)[rng.integers(0, len(FOREIGN_COUNTRIES), n)],
        commune_num).astype(np.int64)
    corsica = np.select([dep == 119, dep == 118], [1, 2], 0).astype(np.int8)
    body = sex_digit.astype(np.int64) * 10**12
    body += yy.astype(np.int64) * 10**10
    body += mm.astype(np.int64) * 10**8
    body += (dep % 100).astype(np.int64) * 10**6
    body += commune_num * 1000
    del yy, mm, sex_digit, commune_num
    order = rng.integers(1, 1000, n).astype(np.int16)
    for _ in range(100):
        # Corsica's 19/18 stand-ins could clash with real 18/19 bodies: keep them apart.
        clash = _repeats((body + order) * 3 + corsica)
        if not clash.any():
            break
        order[clash] = rng.integers(1, 1000, int(clash.sum()))
    body += order
    key = (97 - body % 97).astype(np.int8)
    invalid = status == 3
    key[invalid] = (key[invalid] - 1 + rng.integers(1, 97, int(invalid.sum()))) % 97 + 1
    p["nir_body"] = body
    p["nir_key"] = key
    p["nir_corsica"] = corsica
    p["birth_dep"] = dep
    return pl.Series([{119: "2A", 118: "2B"}.get(i, f"{i:02d}") for i in range(120)])
