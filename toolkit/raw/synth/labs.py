"""The 28 fictional laboratories: their windows and home communes, codes, and the lab registry.

Every lab is called "Laboratoire fictif ..." and sits in a real commune of one of the six published
départements; its FINESS-shaped number can never be a real one (see :data:`FINESS_PREFIX`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

import polars as pl

from toolkit.raw.synth.calibration import SIX_DEPARTEMENTS
from toolkit.raw.synth.geography import located_communes
from toolkit.raw.synth.value_lists import STREET_NAMES
from toolkit.shared.errors import ToolkitError


@dataclass(frozen=True)
class Lab:
    """A fictional laboratory: its nickname, département, commune rank and sampling window."""

    nickname: str
    departement: str
    commune_rank: int
    first: date
    last: date
    weight: float


#: 28 fictional labs. ``commune_rank`` picks the commune by population rank in the département
#: (0 = largest), so labs sit in real towns whatever the reference's exact content. Maréalab has
#: the window published for Océalab (1 Jun 2018 - 5 Feb 2019).
LABS: tuple[Lab, ...] = (
    Lab("Biogolfe", "56", 1, date(2015, 1, 5), date(2020, 10, 23), 1.6),
    Lab("Maréalab", "56", 0, date(2018, 6, 1), date(2019, 2, 5), 0.9),
    Lab("Armor Analyses", "56", 2, date(2015, 3, 2), date(2020, 9, 30), 1.0),
    Lab("Kerbio", "56", 4, date(2015, 9, 1), date(2020, 10, 9), 1.0),
    Lab("Blavet Biologie", "56", 5, date(2016, 1, 4), date(2020, 6, 30), 0.8),
    Lab("Landes de Lanvaux", "56", 7, date(2016, 5, 2), date(2020, 8, 31), 0.7),
    Lab("Presqu'île Bio", "56", 9, date(2015, 6, 1), date(2019, 12, 20), 0.7),
    Lab("Ria Analyses", "56", 6, date(2017, 1, 2), date(2020, 10, 30), 0.8),
    Lab("Scorff Laboratoires", "56", 11, date(2016, 9, 1), date(2020, 3, 31), 0.5),
    Lab("Loire Biologie", "45", 0, date(2015, 1, 2), date(2020, 10, 16), 1.8),
    Lab("Sologne Analyses", "45", 2, date(2015, 11, 2), date(2020, 7, 31), 0.9),
    Lab("Gâtinais Bio", "45", 5, date(2016, 2, 1), date(2020, 9, 18), 0.8),
    Lab("Orléanais Biologie", "45", 1, date(2017, 3, 1), date(2020, 10, 2), 1.0),
    Lab("Puisaye Lab", "45", 8, date(2016, 6, 1), date(2019, 11, 29), 0.5),
    Lab("Beauce Analyses", "45", 3, date(2015, 4, 1), date(2020, 5, 29), 0.7),
    Lab("Seine Normande Bio", "27", 0, date(2015, 2, 2), date(2020, 10, 20), 1.5),
    Lab("Vexin Analyses", "27", 3, date(2015, 10, 1), date(2020, 8, 28), 0.9),
    Lab("Risle Biologie", "27", 4, date(2016, 4, 1), date(2020, 9, 25), 0.8),
    Lab("Ouche Lab", "27", 6, date(2017, 1, 2), date(2020, 6, 26), 0.6),
    Lab("Pays d'Évreux Bio", "27", 1, date(2015, 7, 1), date(2020, 10, 13), 1.0),
    Lab("Andelle Analyses", "27", 8, date(2016, 10, 3), date(2019, 12, 31), 0.5),
    Lab("Trégor Biologie", "22", 0, date(2016, 1, 4), date(2020, 9, 30), 1.0),
    Lab("Penthièvre Lab", "22", 3, date(2017, 2, 1), date(2020, 7, 31), 0.6),
    Lab("Vilaine Analyses", "35", 1, date(2016, 3, 1), date(2020, 8, 31), 1.0),
    Lab("Brocéliande Bio", "35", 4, date(2017, 5, 2), date(2020, 10, 6), 0.6),
    Lab("Couesnon Lab", "35", 7, date(2018, 1, 2), date(2020, 4, 30), 0.5),
    Lab("Loir Biologie", "41", 0, date(2015, 5, 4), date(2020, 9, 30), 1.0),
    Lab("Perche Analyses", "41", 2, date(2016, 11, 2), date(2020, 6, 30), 0.6),
)

#: Real FINESS numbers start with the département code; none starts with "00", so the registry's
#: numbers are "00" + "9" + département + 3 digits + a Luhn check digit: well shaped, never real.
FINESS_PREFIX = "009"


def lab_codes() -> list[str]:
    """The labs' codes, in :data:`LABS` order: ``LBM`` + département + rank in the département."""
    seen: dict[str, int] = {}
    codes = []
    for lab in LABS:
        seen[lab.departement] = seen.get(lab.departement, 0) + 1
        codes.append(f"LBM{lab.departement}{seen[lab.departement]:02d}")
    return codes


@functools.cache
def lab_communes() -> pl.DataFrame:
    """Each lab's home commune, in :data:`LABS` order.

    Columns ``lab, insee, name, departement, lon, lat, postcodes``; ``commune_rank`` picks the
    commune by population rank in the lab's département.
    """
    ranked = (
        located_communes().filter(pl.col("departement").is_in(SIX_DEPARTEMENTS))
        .sort(["departement", "population", "insee"], descending=[False, True, False],
              nulls_last=True)
        .with_columns(pl.int_range(pl.len()).over("departement").alias("rank"))
    )
    lab_rows = []
    for i, lab in enumerate(LABS):
        hit = ranked.filter((pl.col("departement") == lab.departement)
                            & (pl.col("rank") == lab.commune_rank))
        if hit.height != 1:
            raise ToolkitError(f"the reference geography lacks communes in département "
                               f"{lab.departement}: rebuild it with toolkit.shared.build_reference")
        lab_rows.append(hit.with_columns(pl.lit(i).alias("lab")))
    return pl.concat(lab_rows).select("lab", "insee", "name", "departement", "lon", "lat",
                                      "postcodes")


def lab_registry() -> pl.DataFrame:
    """The 28 fictional labs: code, name, address, postcode, commune, INSEE, FINESS-shaped id."""
    # python-stdnum is imported here, not at the top: its import cost is paid only when writing.
    from stdnum import luhn

    labs = lab_communes()
    codes = lab_codes()
    finess = []
    for code in codes:
        body = FINESS_PREFIX + code[3:5] + "0" + code[5:7]
        finess.append(body + luhn.calc_check_digit(body))
    return pl.DataFrame({
        "code": codes,
        "name": [f"Laboratoire fictif {lab.nickname}" for lab in LABS],
        "address": [f"{3 + 7 * i % 90} rue {STREET_NAMES[5 * i % len(STREET_NAMES)]}"
                    for i in range(len(LABS))],
        "postcode": labs["postcodes"].list.sort().list.first(),
        "commune": labs["name"],
        "insee": labs["insee"],
        "departement": labs["departement"],
        "finess": finess,
    })
