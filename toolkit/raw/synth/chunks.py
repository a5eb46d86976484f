"""A chunk of the file: rows ``start:stop`` as strings, with the cosmetic dirt planted in them.

Each chunk has its own generator, seeded with ``(seed, 1, chunk number)``. It decides nothing the
plan counts: only spellings, cosmetic dirt (case, stray spaces, typos, NIRs written with spaces) and
a few values nothing is calibrated on (sampling hour, visits, origin, portal credentials' shape).
The dirt it plants is counted and returned, for the truth file.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import polars as pl

from toolkit.raw.synth.columns import COLUMNS
from toolkit.raw.synth.dates import day_number
from toolkit.raw.synth.phrases import PHRASES
from toolkit.raw.synth.plan import Plan
from toolkit.raw.synth.sampling import draw
from toolkit.raw.synth.spellings import Spellings
from toolkit.raw.synth.value_lists import ADDRESS2, BLOOD_GROUPS, MUTUELLES, PASSWORD_WORDS


def _swap_typo(values: pl.Series, v: np.ndarray) -> pl.Series:
    """Two neighbouring letters swapped at a random place, as a hurried typist does."""
    t = pl.col("t")
    pos = (pl.col("v") * (t.str.len_chars() - 2)).cast(pl.Int64) + 1
    return pl.DataFrame({"t": values, "v": v}).select(
        pl.concat_str([t.str.slice(0, pos), t.str.slice(pos + 1, 1), t.str.slice(pos, 1),
                       t.str.slice(pos + 2)])
    ).to_series()


def _gather(pool: pl.Series, idx: np.ndarray, keep: np.ndarray | None = None) -> pl.Series:
    """``pool[idx]``, null where ``idx`` is negative or ``keep`` is false."""
    gone = idx < 0 if keep is None else (idx < 0) | ~keep
    if pool.len() == 0:  # a tiny file may plant no e-mail at all
        return pl.repeat(None, idx.size, dtype=pool.dtype, eager=True)
    out = pool.gather(pl.Series(np.where(gone, 0, idx)))
    return out.set(pl.Series(gone), None) if gone.any() else out


def _patch(values: pl.Series, mask: np.ndarray, change: Any) -> tuple[pl.Series, int]:
    """``values`` with ``change(subset, rows)`` applied to the rows of ``mask``.

    Also returns how many values it actually changed (swapping "ll" changes nothing).
    """
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return values, 0
    before = values.gather(pl.Series(idx))
    after = change(before, idx)
    changed = int((before != after).fill_null(False).sum())
    return values.scatter(idx, after), changed


def chunk_frame(plan: Plan, spellings: Spellings, start: int, stop: int,
                rng: np.random.Generator) -> tuple[pl.DataFrame, dict[str, int]]:
    """The rows ``start:stop`` of the file as strings, and the cosmetic dirt planted in them."""
    n = stop - start
    r = {k: v[start:stop] for k, v in plan.r.items()}
    p = {k: v[r["person"]] for k, v in plan.p.items()}
    valid_nir = p["nir_status"] <= 2
    age = (r["sample"] - p["birth"]) // 365
    first_idx = np.where(p["female_name"], p["first"], plan.first_f.len() + p["first"])
    u, v = rng.random(n), rng.random(n)
    dirt: dict[str, int] = {}

    def date_col(days: np.ndarray) -> pl.Series:
        return spellings.dates.gather(pl.Series(days - spellings.first_day))

    # Names: mostly upper-case surnames and capitalised first names, with some exceptions.
    name_case = draw(rng, np.array([0.85, 0.12, 0.03]), n)
    nom = _gather(spellings.surname, p["surname"] * 3 + name_case)
    nom, dirt["surname_typos"] = _patch(
        nom, (u < 0.004) & valid_nir & (spellings.surname.str.len_chars().to_numpy()
                                        [p["surname"] * 3] >= 4),
        lambda s, i: _swap_typo(s, v[i]))
    pad = draw(rng, np.array([0.98, 0.015, 0.005]), n)
    nom, _ = _patch(nom, pad == 1, lambda s, _: s + " ")
    nom, _ = _patch(nom, pad == 2, lambda s, _: " " + s)
    shown = p["surname_present"]
    dirt["surnames_with_stray_space"] = int(((pad > 0) & shown).sum())
    dirt["surnames_not_uppercase"] = int(((name_case > 0) & shown).sum())
    nom = nom.set(pl.Series(~shown), None)
    prenom = _gather(spellings.first, first_idx * 3 + draw(rng, np.array([0.18, 0.80, 0.02]), n))
    prenom, dirt["first_name_typos"] = _patch(
        prenom, (u > 0.998) & valid_nir, lambda s, i: _swap_typo(s, v[i]))

    # NIR: 13 digits and key; Corsica's 2A/2B put back; a few written with spaces.
    status = p["nir_status"]
    nir = pl.Series(p["nir_body"] * 100 + p["nir_key"]).cast(pl.String).str.zfill(15)
    corsica = p["nir_corsica"]
    nir, _ = _patch(nir, corsica == 1, lambda s, _: s.str.slice(0, 5) + "2A" + s.str.slice(7))
    nir, _ = _patch(nir, corsica == 2, lambda s, _: s.str.slice(0, 5) + "2B" + s.str.slice(7))
    spaced = (v > 0.99) & (r["person"] >= plan.n_dup) & (status == 0)
    nir, dirt["nir_written_with_spaces"] = _patch(nir, spaced, lambda s, _: s.to_frame("t").select(
        pl.concat_str([pl.col("t").str.slice(a, b) for a, b in
                       ((0, 1), (1, 2), (3, 2), (5, 2), (7, 3), (10, 3), (13, 2))],
                      separator=" ")).to_series())
    nir = nir.set(pl.Series(status == 4), None)

    ville_style = draw(rng, np.array([0.65, 0.25, 0.10]), n)
    ville = _gather(spellings.ville, p["pair"] * 3 + ville_style)
    w = rng.random(n)
    ville, dirt["commune_typos"] = _patch(ville, (w < 0.003) & (ville.str.len_chars() >= 5)
                                          .to_numpy(), lambda s, i: _swap_typo(s, w[i]))
    dirt["communes_uppercase_unaccented"] = int((ville_style == 0).sum())

    # Portal credentials, only on the rows that have them.
    has_pw = r["password"]
    login = pl.repeat(None, n, dtype=pl.String, eager=True)
    password = login.clone()
    k = np.flatnonzero(has_pw)
    if k.size:
        style = rng.integers(0, 4, k.size)
        num = rng.integers(1, 10_000, k.size)
        creds = pl.DataFrame({
            "style": style, "num": num, "person": r["person"][k],
            "sur": spellings.ascii_surname.gather(pl.Series(p["surname"][k])),
            "fst": spellings.ascii_first.gather(pl.Series(first_idx[k])),
            "first": spellings.first.gather(pl.Series(first_idx[k] * 3 + 1)),
            "dep": plan.pairs["departement"].gather(pl.Series(p["pair"][k])),
            "word": pl.Series(PASSWORD_WORDS).gather(
                pl.Series(rng.integers(0, len(PASSWORD_WORDS), k.size))),
        }).select(
            pl.when(pl.col("style") < 2)
            .then(pl.concat_str([pl.lit("W"), pl.col("person").cast(pl.String).str.zfill(8)]))
            .otherwise(pl.concat_str([pl.col("fst").str.slice(0, 1), pl.col("sur"),
                                      (pl.col("num") % 100).cast(pl.String)])).alias("login"),
            pl.when(pl.col("style") == 0)
            .then(pl.concat_str([pl.col("word"), (pl.col("num") % 100).cast(pl.String)]))
            .when(pl.col("style") == 1).then(pl.col("num").cast(pl.String).str.zfill(6))
            .when(pl.col("style") == 2).then(pl.concat_str([pl.col("first"), pl.col("dep")]))
            .otherwise(pl.concat_str([pl.col("word").str.to_titlecase(),
                                      pl.col("num").cast(pl.String), pl.lit("!")]))
            .alias("password"),
        )
        login = login.scatter(k, creds["login"])
        password = password.scatter(k, creds["password"])

    def doctor(prefix: str, idx: np.ndarray) -> list[pl.Series]:
        return [_gather(spellings.doctors[c], idx).alias(f"{prefix}_{c}")
                for c in spellings.doctors.columns]

    def small(values: tuple[str, ...], idx: np.ndarray) -> pl.Series:
        return _gather(pl.Series(values), np.asarray(idx))

    civ = np.select([p["sex"] == 2, age < 15, p["sex"] == 0], [-1, 0, 1], 2)
    hours = tuple(f"{m // 60:02d}:{m % 60:02d}" for m in range(7 * 60, 12 * 60, 5))
    ids = (r["person"].astype(np.int64) * 2_654_435_761 + r["lab"].astype(np.int64) * 40_503
           ) % 90_000_000
    columns = {
        # Each lab numbers its own patients: the same person has unrelated ids in two labs.
        "ID_PATIENT": pl.Series(ids + 10_000_000).cast(pl.String),
        "NUM_DOSSIER": "D" + pl.Series(np.arange(start, stop)).cast(pl.String).str.zfill(9),
        "CODE_LABO": spellings.lab_codes.gather(pl.Series(r["lab"].astype(np.int64))),
        "DATE_CREATION": date_col(r["created"]),
        "CIVILITE": small(("ENF", "MME", "M."), civ),
        "NOM": nom,
        "NOM_NAISSANCE": _gather(spellings.surname, p["birth_surname"] * 3, p["birth_name_shown"]),
        "PRENOM": prenom,
        "SEXE": small(("F", "M"), np.where(p["sex"] == 2, -1, p["sex"])),
        "DATE_NAISSANCE": date_col(p["birth"]),
        "DEPT_NAISSANCE": spellings.birth_dep.gather(pl.Series(p["birth_dep"])),
        "NIR": nir,
        "ADRESSE1": spellings.streets.gather(pl.Series(p["street"].astype(np.int64) * 120
                                                       + p["street_no"])),
        "ADRESSE2": small(ADDRESS2, p["address2"]),
        "CODE_POSTAL": plan.pairs["postcode"].gather(pl.Series(p["pair"])),
        "VILLE": ville,
        "TEL_DOMICILE": _gather(spellings.landline,
                                (p["landline_prefix"].astype(np.int64) * 10_000
                                 + p["landline_digits"]) * 4
                                + draw(rng, np.array([0.6, 0.25, 0.1, 0.05]), n),
                                p["landline"]),
        "TEL_PORTABLE": _gather(spellings.mobile, p["mobile_digits"].astype(np.int64) * 4
                                + draw(rng, np.array([0.6, 0.25, 0.1, 0.05]), n), p["mobile"]),
        "EMAIL": _gather(plan.patient_emails, p["email"]),
        "LOGIN_WEB": login,
        "MOT_DE_PASSE": password,
        **{s.name: s for s in doctor("MED_TRAITANT", p["treating"])},
        **{s.name: s for s in doctor("MED_PRESCRIPTEUR", r["prescriber"])},
        "MUTUELLE": small(MUTUELLES, p["mutuelle"]),
        "CODE_REGIME": small(("01", "02", "03", "04"), p["regime"]),
        "CAISSE": spellings.caisse.gather(pl.Series(p["pair"])),
        "GROUPE_SANGUIN": small(BLOOD_GROUPS, p["blood"]),
        "DATE_PRELEVEMENT": date_col(r["sample"]),
        "HEURE_PRELEVEMENT": small(hours, rng.integers(0, len(hours), n)),
        "DATE_DERNIERE_VISITE": date_col(r["last_visit"]),
        "NB_PASSAGES": pl.Series(np.minimum(rng.geometric(0.25, n), 40)).cast(pl.String),
        "ORIGINE": small(("LABO", "LABO", "LABO", "DOMICILE", "EHPAD", "CLINIQUE"),
                         rng.integers(0, 6, n)),
        "COMMENTAIRE_1": _gather(pl.Series([ph.text for ph in PHRASES]), r["c1"]),
        "COMMENTAIRE_2": _gather(pl.Series([ph.text for ph in PHRASES]), r["c2"]),
        "STATUT": small(("ACTIF", "ARCHIVE"),
                        (r["last_visit"] < day_number(date(2019, 1, 1))).astype(np.int64)),
        "DATE_MAJ": date_col(r["last_visit"]),
    }
    frame = pl.DataFrame([columns[h].alias(h) for h in COLUMNS])
    return frame, dirt
