"""Every string the file can hold, in every spelling, built once: chunks only gather from them.

Names in upper, as-is and lower case; communes upper-case unaccented, as-is or upper-case; phone
numbers spaced, compact, international or dotted; dates as ``dd/mm/yyyy``; streets, funds, doctors
and lab codes. Each pool is indexed by integers that the plan and the chunks compute.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

from toolkit.raw.synth.dates import ddmmyyyy
from toolkit.raw.synth.labs import lab_codes
from toolkit.raw.synth.names import fold_ascii
from toolkit.raw.synth.plan import Plan
from toolkit.raw.synth.value_lists import (
    CAISSE_NAMES,
    LANDLINE_PREFIXES,
    MOBILE_PREFIX,
    STREET_NAMES,
    STREET_TYPES,
)
from toolkit.shared.folding import fold


def _variants(values: pl.Series, *ways: Callable[[pl.Expr], pl.Expr]) -> pl.Series:
    """Every value written in each of several ways: item ``i * len(ways) + k`` is way ``k``."""
    t = pl.col("t")
    return (pl.DataFrame({"t": values}).select(pl.concat_list([way(t) for way in ways]))
            .to_series().explode())


def _phone_variants(compact: pl.Series) -> pl.Series:
    """Four usual ways of writing a 10-digit number: spaced, compact, +33, dotted."""
    def pairs(t: pl.Expr) -> list[pl.Expr]:
        return [t.str.slice(i, 2) for i in range(0, 10, 2)]

    return _variants(
        compact,
        lambda t: pl.concat_str(pairs(t), separator=" "),
        lambda t: t,
        lambda t: pl.concat_str([pl.lit("+33 "), t.str.slice(1, 1), pl.lit(" "),
                                 pl.concat_str(pairs(t)[1:], separator=" ")]),
        lambda t: pl.concat_str(pairs(t), separator="."),
    )


@dataclass
class Spellings:
    """Every string the file can hold, in every spelling, built once: chunks only gather."""

    surname: pl.Series  # i * 3 + (upper, as is, lower)
    first: pl.Series  # female names then male names, * 3 as above
    ascii_surname: pl.Series
    ascii_first: pl.Series
    ville: pl.Series  # pair * 3 + (upper unaccented, as is, upper)
    landline: pl.Series  # (prefix * 10_000 + digits) * 4 + style
    mobile: pl.Series  # digits * 4 + style
    dates: pl.Series  # day - first_day, dd/mm/yyyy
    first_day: int
    streets: pl.Series  # street * 120 + number
    caisse: pl.Series  # per pair
    doctors: pl.DataFrame  # the doctor columns, one row per doctor
    birth_dep: pl.Series
    lab_codes: pl.Series


def build_spellings(plan: Plan) -> Spellings:
    """Every spelling of every string the plan can put in the file."""
    first = pl.concat([plan.first_f, plan.first_m])
    cased = (lambda t: t.str.to_uppercase(), lambda t: t, lambda t: t.str.to_lowercase())
    first_day = int(min(plan.p["birth"].min(), plan.r["created"].min()))
    # A forger's births may follow the sample (naive mode): the dates cover them too.
    last_day = int(max(plan.r["last_visit"].max(), plan.r["created"].max(),
                       plan.p["birth"].max()))
    landline = pl.Series([f"{pre}{d:04d}" for pre in LANDLINE_PREFIXES for d in range(10_000)])
    street_names = [f"{n} {t} {s}" for t in STREET_TYPES for s in STREET_NAMES
                    for n in range(120)]
    docs = plan.doctors
    doc_pairs = plan.pairs[docs["pair"].to_numpy()]
    deps = plan.pairs["departement"]
    return Spellings(
        surname=_variants(plan.surnames, *cased),
        first=_variants(first, *cased),
        ascii_surname=plan.surnames.to_frame("t").select(fold_ascii(pl.col("t"))).to_series(),
        ascii_first=first.to_frame("t").select(fold_ascii(pl.col("t"))).to_series(),
        ville=_variants(plan.pairs["name"], lambda t: fold(t).str.to_uppercase(), lambda t: t,
                        lambda t: t.str.to_uppercase()),
        landline=_phone_variants(landline),
        mobile=_phone_variants(pl.Series([f"{MOBILE_PREFIX}{d:04d}" for d in range(10_000)])),
        dates=ddmmyyyy(np.arange(first_day, last_day + 1)),
        first_day=first_day,
        streets=pl.Series(street_names),
        caisse=deps.to_frame("d").select(pl.col("d").replace_strict(
            CAISSE_NAMES, default=pl.lit("CPAM ") + pl.col("d"))).to_series(),
        doctors=pl.DataFrame({
            "NOM": docs["nom"].str.to_uppercase(), "PRENOM": docs["prenom"],
            "ADRESSE": docs["adresse"], "CP": doc_pairs["postcode"],
            "VILLE": doc_pairs["name"].str.to_uppercase(), "TEL": docs["tel"],
            "EMAIL": docs["email"],
        }),
        birth_dep=plan.birth_deps,
        lab_codes=pl.Series(lab_codes()),
    )
