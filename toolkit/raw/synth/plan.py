"""The plan: everything that is counted, decided once for the whole file, before any string.

How exact counts survive chunking: every *count* that is published or recorded is decided once,
globally, as integer arrays over persons and rows (a few bytes per row, fine for tens of millions
of rows); only the strings are built chunk by chunk, each chunk with its own seeded generator.
The plan draws from one generator seeded with ``(seed, 0)``, in a fixed order: changing that
order changes every file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from toolkit.raw.synth import modes
from toolkit.raw.synth.calibration import DEPARTEMENT_SHARES, OUTSIDE_SHARE, planted_counts
from toolkit.raw.synth.dates import day_number
from toolkit.raw.synth.doctors import assign_doctors, doctor_pool
from toolkit.raw.synth.geography import catchments, place, postcode_pairs
from toolkit.raw.synth.labs import LABS, lab_communes
from toolkit.raw.synth.names import name_pools, patient_emails
from toolkit.raw.synth.nirs import build_nirs, unique_name_keys
from toolkit.raw.synth.phrases import phrase_tags, plan_comments
from toolkit.raw.synth.sampling import chosen, draw, labels, largest_remainder, plant
from toolkit.raw.synth.value_lists import (
    ADDRESS2,
    BLOOD_WEIGHTS,
    LANDLINE_WEIGHTS,
    MUTUELLES,
    STREET_NAMES,
    STREET_TYPES,
)
from toolkit.shared.errors import ToolkitError
from toolkit.shared.vocabulary import COMMENT_MENTIONS


@dataclass
class Plan:
    """Everything decided globally: integer arrays over persons and rows, and small pools."""

    rows: int
    persons: int
    n_dup: int
    counts: dict[str, int]
    # pools
    surnames: pl.Series
    first_f: pl.Series
    first_m: pl.Series
    pairs: pl.DataFrame
    labs: pl.DataFrame
    doctors: pl.DataFrame
    patient_emails: pl.Series
    birth_deps: pl.Series
    # person-level arrays
    p: dict[str, np.ndarray]
    # row-level arrays, in file order
    r: dict[str, np.ndarray]
    #: ``toolkit.raw.synth.modes.MODES``: what the signs of fabrication see.
    mode: str = "published"


AGE_WEIGHTS = np.concatenate([
    np.full(2, 1.0), np.full(13, 0.8), np.full(15, 1.0), np.full(20, 1.3), np.full(20, 1.8),
    np.full(15, 2.0), np.full(15, 0.8),
])  # ages 0..99


def make_plan(rows: int, seed: int, mode: str = "published") -> Plan:
    """Decide everything that is counted, for ``rows`` rows from ``seed``: see :class:`Plan`.

    ``mode`` (``modes.MODES``) changes only what the signs of fabrication read; the default,
    ``published``, draws exactly what it always drew.
    """
    modes.check_mode(mode)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0]))
    c, n_dup = planted_counts(rows)
    persons = rows - n_dup

    surnames, first_f, first_m, w_sur, w_ff, w_fm = name_pools()
    w_sur = rng.permutation(w_sur)
    w_ff = rng.permutation(w_ff)
    w_fm = rng.permutation(w_fm)
    pairs, labs = postcode_pairs(), lab_communes()
    catch = catchments(pairs, labs)
    p: dict[str, np.ndarray] = {}

    # Sex (row counts exact): 0 = F, 1 = M, 2 = not recorded.
    p["sex"] = plant(rng, [c["women"], c["men"], rows - c["women"] - c["men"]], rows, n_dup)
    # Home lab and residence: counts per (lab, inside/outside its département) exact.
    lab_w = np.array([lab.weight for lab in LABS])
    dep_of_lab = np.array([lab.departement for lab in LABS])
    for d, share in DEPARTEMENT_SHARES.items():
        mask = dep_of_lab == d
        lab_w[mask] = lab_w[mask] / lab_w[mask].sum() * share / (1 - OUTSIDE_SHARE)
    cell = largest_remainder(
        np.concatenate([lab_w * (1 - OUTSIDE_SHARE), lab_w * OUTSIDE_SHARE]), persons)
    cells = labels(rng, cell).astype(np.int16)
    p["lab"] = (cells % len(LABS)).astype(np.int8)
    p["outside"] = cells >= len(LABS)
    p["pair"] = place(rng, catch, p["lab"], p["outside"])
    if mode == "naive":  # a forger's addresses: the same places, regardless of the lab
        p["pair"] = rng.permutation(p["pair"])

    # Duplicated persons (0 .. n_dup-1) get a second row at another lab, same département if any.
    second_lab = np.empty(n_dup, dtype=np.int8)
    for k in range(len(LABS)):
        sel = np.flatnonzero(p["lab"][:n_dup] == k)
        peers = np.flatnonzero((dep_of_lab == dep_of_lab[k]) & (np.arange(len(LABS)) != k))
        if sel.size:
            second_lab[sel] = peers[rng.integers(0, peers.size, sel.size)]

    # Rows: first occurrences of every person, then second occurrences of the duplicated ones.
    person_of_row = np.concatenate([np.arange(persons), np.arange(n_dup)]).astype(np.int32)
    row_lab = np.concatenate([p["lab"], second_lab])
    sample = np.empty(rows, dtype=np.int32)
    for k, lab in enumerate(LABS):
        sel = np.flatnonzero(row_lab == k)
        days = np.arange(day_number(lab.first), day_number(lab.last) + 1)
        years = days.astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970
        # Most samples in 2018-2019 (as published): six times the daily weight of other years.
        w = np.where((years == 2018) | (years == 2019), 6.0, 1.0)
        if mode == "realistic":
            w = w * modes.opening_weights(days)
        sample[sel] = days[draw(rng, w, sel.size)]
    first_occ = np.arange(rows) < persons

    c1, c2 = plan_comments(rng, c, p["sex"][person_of_row], persons, first_occ)

    # Ages follow the first row's comment: babies, children, pregnant women, everyone else.
    # (Index -1, no comment, picks the last row of the tag table: no mention.)
    tags = phrase_tags()
    kind = {m: tags[:, COMMENT_MENTIONS.index(m)][c1[:persons]]
            | tags[:, COMMENT_MENTIONS.index(m)][c2[:persons]]
            for m in ("child", "baby", "pregnancy")}
    age = draw(rng, AGE_WEIGHTS, persons)
    age = np.where(kind["child"], rng.integers(1, 15, persons), age)
    age = np.where(kind["baby"], 0, age)
    age = np.where(kind["pregnancy"], rng.integers(18, 45, persons), age)
    p["birth"] = (sample[:persons] - age * 365 - rng.integers(0, 365, persons)).astype(np.int32)
    if mode == "naive":
        p["birth"] = modes.independent_births(rng, persons)

    # Names: first names follow sex (unknown sex: either pool, remembered for the NIR).
    female_name = np.where(p["sex"] == 2, rng.random(persons) < 0.55, p["sex"] == 0)
    p["female_name"] = female_name
    p["first"] = np.where(female_name, draw(rng, w_ff, persons), draw(rng, w_fm, persons))
    # Patients' first-name pools: Faker's, or INSEE's by birth decade (doctors keep Faker's).
    patient_f, patient_m = first_f, first_m
    if mode == "realistic":
        patient_f, patient_m, p["first"] = modes.era_first_names(rng, p["birth"], female_name)
    p["surname"] = draw(rng, w_sur, persons)
    p["surname_present"] = plant(rng, [c["surname_present"], rows - c["surname_present"]],
                                 rows, n_dup) == 0
    married = (p["sex"] == 0) & (age >= 22) & (rng.random(persons) < 0.55)
    p["birth_surname"] = np.where(married, draw(rng, w_sur, persons), p["surname"])
    p["birth_name_shown"] = ~p["surname_present"] | married | (rng.random(persons) < 0.3)

    # NIR status: 0 valid, 1 inconsistent sex, 2 inconsistent birth date, 3 invalid key,
    # 4 missing. Duplicated persons always carry a valid NIR (that is how they are recognised).
    status = np.zeros(persons, dtype=np.int8)
    singles = np.arange(n_dup, persons)
    sexed = rng.permutation(singles[p["sex"][singles] < 2])
    status[sexed[: c["nir_inconsistent_sex"]]] = 1
    rest = rng.permutation(singles[status[singles] == 0])
    n_miss = rows - c["nir_present"]
    cuts = np.cumsum([c["nir_inconsistent_birth_date"], c["nir_invalid_key"], n_miss])
    if cuts[-1] > rest.size:
        raise ToolkitError(f"{rows} rows are too few for the planted NIR anomalies")
    status[rest[: cuts[0]]] = 2
    status[rest[cuts[0]: cuts[1]]] = 3
    status[rest[cuts[1]: cuts[2]]] = 4
    p["nir_status"] = status
    unique_name_keys(p, status >= 3)
    birth_deps = build_nirs(rng, p, pairs, mode)

    # Contact: landline / mobile presence exact in rows; e-mails exact in distinct persons.
    p["landline"] = plant(rng, [c["landline_present"], rows - c["landline_present"]],
                          rows, n_dup) == 0
    p["mobile"] = plant(rng, [c["mobile_present"], rows - c["mobile_present"]], rows, n_dup) == 0
    if mode == "realistic":
        p["mobile"] = modes.mobiles_by_age(rng, p["mobile"], age, n_dup)
    p["landline_prefix"] = draw(rng, np.array(LANDLINE_WEIGHTS), persons).astype(np.int8)
    if mode != "published":
        p["landline_prefix"] = modes.landline_prefixes(
            rng, pairs["departement"].gather(pl.Series(p["pair"])), mode)
    p["landline_digits"] = rng.integers(0, 10_000, persons, dtype=np.int16)
    p["mobile_digits"] = rng.integers(0, 10_000, persons, dtype=np.int16)
    has_email = chosen(rng, persons, c["patient_emails_unique"])
    p["email"] = np.where(has_email, np.cumsum(has_email) - 1, -1).astype(np.int32)
    emails = patient_emails(rng, p, has_email, surnames, patient_f, patient_m)
    p["street_no"] = rng.integers(1, 120, persons, dtype=np.int16)
    p["street"] = rng.integers(0, len(STREET_TYPES) * len(STREET_NAMES), persons, dtype=np.int16)
    p["address2"] = np.where(rng.random(persons) < 0.12,
                             rng.integers(0, len(ADDRESS2), persons), -1).astype(np.int8)
    p["mutuelle"] = np.where(rng.random(persons) < 0.78,
                             rng.integers(0, len(MUTUELLES), persons), -1).astype(np.int8)
    p["blood"] = np.where(rng.random(persons) < 0.22,
                          draw(rng, np.array(BLOOD_WEIGHTS), persons), -1).astype(np.int8)
    p["regime"] = draw(rng, np.array([0.86, 0.08, 0.04, 0.02]), persons).astype(np.int8)

    doctors = doctor_pool(rng, rows, catch, surnames, first_f, first_m, w_sur, w_ff, w_fm)
    p["treating"], prescriber = assign_doctors(rng, doctors, p["lab"], row_lab, person_of_row,
                                               first_occ)

    # Row-level: portal credentials (exact), dates, misc.
    password = chosen(rng, rows, c["password_present"])
    extra = rng.integers(0, 400, rows, dtype=np.int32)
    extra[rng.random(rows) < 0.6] = 0  # most rows: the last visit is this sample
    last_visit = sample + extra
    del extra
    window_end = np.array([day_number(lab.last) for lab in LABS], dtype=np.int32)
    np.minimum(last_visit, np.maximum(window_end[row_lab], sample), out=last_visit)
    created = sample - rng.integers(0, 2500, rows, dtype=np.int32)
    np.maximum(created, day_number(date(2005, 1, 1)), out=created)
    np.maximum(created, p["birth"][person_of_row], out=created)
    # File order: lab by lab, then by sample date, as an export concatenating 28 databases.
    order = np.lexsort((rng.random(rows), sample, row_lab))
    r = {"person": person_of_row, "lab": row_lab, "first_occ": first_occ, "sample": sample,
         "last_visit": last_visit, "created": created, "c1": c1, "c2": c2,
         "prescriber": prescriber, "password": password}
    del person_of_row, row_lab, first_occ, sample, last_visit, created, c1, c2, prescriber
    del password
    for k in list(r):  # one array at a time, so that only one extra copy is alive
        r[k] = r[k][order]
    c["duplicate_rows"] = n_dup
    return Plan(rows, persons, n_dup, c, surnames, patient_f, patient_m, pairs, labs, doctors,
                emails, birth_deps, p, r, mode)
