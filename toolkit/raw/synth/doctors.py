"""Doctors: a local pool per lab, each patient's treating doctor and each row's prescriber.

Doctors have fictional phone numbers and, for exactly the published number of them (scaled), an
e-mail under a reserved domain; every doctor with an e-mail is used at least once.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from toolkit.raw.synth.calibration import PUBLISHED_COUNTS, PUBLISHED_ROWS, scaled
from toolkit.raw.synth.geography import Catchment, place
from toolkit.raw.synth.labs import LABS
from toolkit.raw.synth.names import fold_ascii
from toolkit.raw.synth.sampling import chosen, draw
from toolkit.raw.synth.value_lists import STREET_NAMES


def doctor_pool(rng: np.random.Generator, rows: int, catch: Catchment, surnames: pl.Series,
                first_f: pl.Series, first_m: pl.Series, w_sur: np.ndarray, w_ff: np.ndarray,
                w_fm: np.ndarray) -> pl.DataFrame:
    """A local pool of doctors per lab (name, cabinet address, fiction phone, some e-mails)."""
    per_lab = max(5, round(60 * rows / PUBLISHED_ROWS))
    n = per_lab * len(LABS)
    lab = np.repeat(np.arange(len(LABS)), per_lab)
    pair = place(rng, catch, lab, rng.random(n) < 0.05)
    female = rng.random(n) < 0.45
    has_email = chosen(rng, n, scaled(PUBLISHED_COUNTS["doctor_emails_unique"], rows))
    df = pl.DataFrame({
        "lab": lab,
        "pair": pair,
        "nom": surnames.gather(pl.Series(draw(rng, w_sur, n))),
        "prenom": pl.Series(np.where(female, first_f.gather(pl.Series(draw(rng, w_ff, n))),
                                     first_m.gather(pl.Series(draw(rng, w_fm, n))))),
        "no": rng.integers(1, 80, n),
        "street": pl.Series(STREET_NAMES).gather(pl.Series(rng.integers(0, len(STREET_NAMES),
                                                                         n))),
        "tel": rng.integers(0, 10_000, n),
        "has_email": has_email,
        "id": np.arange(n),
    })
    return df.with_columns(
        pl.concat_str([pl.col("no").cast(pl.String), pl.lit(" rue "), pl.col("street")])
        .alias("adresse"),
        pl.concat_str([pl.lit("02 61 91 "), pl.col("tel").cast(pl.String).str.zfill(4)
                       .str.slice(0, 2), pl.lit(" "),
                       pl.col("tel").cast(pl.String).str.zfill(4).str.slice(2, 2)]).alias("tel"),
        pl.when(pl.col("has_email"))
        .then(pl.concat_str([pl.lit("dr."), fold_ascii(pl.col("nom")), pl.lit("."),
                             pl.col("id").cast(pl.String), pl.lit("@cabinet.example")]))
        .alias("email"),
    )


def assign_doctors(rng: np.random.Generator, doctors: pl.DataFrame, home_lab: np.ndarray,
                   row_lab: np.ndarray, person_of_row: np.ndarray,
                   first_occ: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A treating doctor per person (-1: none) and a prescriber per row, from each lab's pool.

    Every doctor with an e-mail appears at least once, so the distinct e-mail count is exact.
    """
    persons, rows = home_lab.size, row_lab.size
    doc_lab = doctors["lab"].to_numpy()
    starts = np.searchsorted(doc_lab, np.arange(len(LABS)))
    sizes = np.bincount(doc_lab, minlength=len(LABS))
    starts, sizes = starts.astype(np.int32), sizes.astype(np.int32)
    treating = starts[home_lab] + (rng.random(persons) * sizes[home_lab]).astype(np.int32)
    treating[rng.random(persons) >= 0.9] = -1
    other = starts[row_lab] + (rng.random(rows) * sizes[row_lab]).astype(np.int32)
    prescriber = other
    same = np.flatnonzero(first_occ & (rng.random(rows) < 0.8))
    same = same[treating[person_of_row[same]] >= 0]
    prescriber[same] = treating[person_of_row[same]]
    doc_email = doctors["has_email"].to_numpy()
    used = np.zeros(doctors.height, dtype=bool)
    used[prescriber] = True
    used[treating[treating >= 0]] = True
    # Only rows whose prescriber has no e-mail are overwritten: no e-mail is lost on the way.
    free = ~doc_email[prescriber]
    for d in np.flatnonzero(doc_email & ~used):
        candidates = np.flatnonzero((row_lab == doc_lab[d]) & free)
        if candidates.size == 0:
            candidates = np.flatnonzero(free)
        if candidates.size:
            pick = candidates[rng.integers(0, candidates.size)]
            prescriber[pick] = d
            free[pick] = False
    return treating.astype(np.int32), prescriber.astype(np.int32)
