"""A synthetic leak shaped like the February 2021 lab-data leak, calibrated on what was published.

The published figures it reproduces are listed, with their sources, in
``docs/published-facts.md``.

Nothing in the file is real: names are common French names drawn from Faker's fr_FR pools, NIRs are
built at random (with correct keys, so that verification has something to check), phone numbers lie
only in the ranges the regulator reserves for fiction, e-mails only under the reserved ``.example``
domain, and the 28 laboratories are called "Laboratoire fictif ...". Places are real (communes and
postcode/commune pairs come from :mod:`toolkit.shared.reference`), because the geography is what the
toolkit has to get right.

How exact counts survive chunking: every *count* that is published or recorded is decided once,
globally, as integer arrays over persons and rows (a few bytes per row, fine for tens of millions
of rows); only the strings are built chunk by chunk, each chunk with its own seeded generator.

Scaling rule: at ``rows`` other than 491,840 each published count ``C`` becomes
``floor(C * rows / 491840 + 1/2)`` (round half up, in integers), so the full-size file carries
exactly the published figures and smaller files the same proportions.

Definitions recorded in the truth file (and used by the claims checker):

- a person is a NIR when the row's NIR has a valid key, else surname + first name + birth date;
  duplicated persons appear in exactly two rows (two labs), always with the same valid NIR;
- "enfant" / "bébé" rows: rows where either comment column, accent- and case-folded, contains
  the whole word ``enfant(s)`` / ``bebe(s)`` (:data:`toolkit.raw.health.WORD_PATTERNS`).
"""

from __future__ import annotations

import codecs
import functools
import io
import json
import math
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from tqdm import tqdm

from toolkit.raw.health import WORD_PATTERNS
from toolkit.shared.errors import ToolkitError
from toolkit.shared.folding import fold
from toolkit.shared.vocabulary import HEALTH_MENTIONS

GENERATOR_VERSION = "1.0"
PUBLISHED_ROWS = 491_840
CHUNK_ROWS = 250_000

#: Counts published from the real file (Next INpact, April 2022; ``docs/published-facts.md``).
PUBLISHED_COUNTS: dict[str, int] = {
    "nir_present": 489_838,
    "women": 268_983,
    "men": 195_828,
    "surname_present": 478_882,
    "landline_present": 270_569,
    "mobile_present": 159_591,
    "patient_emails_unique": 55_738,
    "doctor_emails_unique": 337,
    "password_present": 14_997,
    "enfant_rows": 13_478,
    "bebe_rows": 425,
}

#: Planted dirt, as shares of rows (scaled with the same rounding rule as the published counts).
DIRT_SHARES: dict[str, float] = {
    "duplicate_rows": 0.005,
    "nir_invalid_key": 0.003,
    "nir_inconsistent_sex": 0.0005,
    "nir_inconsistent_birth_date": 0.001,
}

#: Published shares of people by département (Libération, 24 Feb 2021); the rest live elsewhere.
DEPARTEMENT_SHARES: dict[str, float] = {
    "56": 0.36,
    "45": 0.22,
    "27": 0.21,
    "22": 0.06,
    "35": 0.06,
    "41": 0.035,
}
SIX_DEPARTEMENTS = tuple(DEPARTEMENT_SHARES)
OUTSIDE_SHARE = 1.0 - sum(DEPARTEMENT_SHARES.values())


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

#: Headers in file order -> data category (toolkit.shared.vocabulary vocabulary).
COLUMN_CATEGORIES: dict[str, str] = {
    "ID_PATIENT": "other",
    "NUM_DOSSIER": "other",
    "CODE_LABO": "lab",
    "DATE_CREATION": "other",
    "CIVILITE": "other",
    "NOM": "surname",
    "NOM_NAISSANCE": "birth_name",
    "PRENOM": "first_name",
    "SEXE": "sex",
    "DATE_NAISSANCE": "birth_date",
    "DEPT_NAISSANCE": "other",
    "NIR": "nir",
    "ADRESSE1": "address",
    "ADRESSE2": "address",
    "CODE_POSTAL": "postcode",
    "VILLE": "commune",
    "TEL_DOMICILE": "phone_landline",
    "TEL_PORTABLE": "phone_mobile",
    "EMAIL": "email",
    "LOGIN_WEB": "login",
    "MOT_DE_PASSE": "password",
    "MED_TRAITANT_NOM": "doctor",
    "MED_TRAITANT_PRENOM": "doctor",
    "MED_TRAITANT_ADRESSE": "doctor",
    "MED_TRAITANT_CP": "doctor",
    "MED_TRAITANT_VILLE": "doctor",
    "MED_TRAITANT_TEL": "doctor",
    "MED_TRAITANT_EMAIL": "doctor",
    "MED_PRESCRIPTEUR_NOM": "doctor",
    "MED_PRESCRIPTEUR_PRENOM": "doctor",
    "MED_PRESCRIPTEUR_ADRESSE": "doctor",
    "MED_PRESCRIPTEUR_CP": "doctor",
    "MED_PRESCRIPTEUR_VILLE": "doctor",
    "MED_PRESCRIPTEUR_TEL": "doctor",
    "MED_PRESCRIPTEUR_EMAIL": "doctor",
    "MUTUELLE": "insurer",
    "CODE_REGIME": "other",
    "CAISSE": "other",
    "GROUPE_SANGUIN": "blood_group",
    "DATE_PRELEVEMENT": "sample_date",
    "HEURE_PRELEVEMENT": "other",
    "DATE_DERNIERE_VISITE": "sample_date",
    "NB_PASSAGES": "other",
    "ORIGINE": "other",
    "COMMENTAIRE_1": "comment",
    "COMMENTAIRE_2": "comment",
    "STATUT": "other",
    "DATE_MAJ": "other",
}
COLUMNS: list[str] = list(COLUMN_CATEGORIES)


@dataclass(frozen=True)
class Phrase:
    """A comment of the phrase bank, the health mentions it carries, and who it may describe."""

    text: str
    tags: frozenset[str] = frozenset()
    sex: str | None = None  # "F" or "M" when the wording is gendered
    weight: float = 1.0


def _p(text: str, *tags: str, sex: str | None = None, weight: float = 1.0) -> Phrase:
    return Phrase(text, frozenset(tags), sex, weight)


#: Banal comments: most non-empty comments look like these and carry no health mention.
BANAL_PHRASES: tuple[Phrase, ...] = (
    _p("à jeun", weight=30),
    _p("A JEUN", weight=10),
    _p("non à jeun", weight=8),
    _p("RAS", weight=25),
    _p("prélèvement difficile", weight=10),
    _p("prélèvement à domicile", weight=8),
    _p("résultats par courrier", weight=6),
    _p("envoyer copie au médecin traitant", weight=5),
    _p("rappeler pour RDV", weight=4),
    _p("tube hémolysé, à refaire", weight=3),
    _p("à jeun; bilan annuel", weight=3),
    _p("veines fragiles", weight=3),
    _p("patient pressé", sex="M", weight=2),
    _p("patiente anxieuse", sex="F", weight=2),
    _p("résultats sur le portail", weight=4),
    _p("ne pas appeler le soir", weight=2),
    _p("tiers payant OK", weight=4),
    _p("attestation mutuelle à fournir", weight=3),
    _p("prélèvement difficile\nà refaire si besoin", weight=0.05),
)

#: Comments carrying health mentions (Art. 9), with realistic weights relative to the banal ones.
HEALTH_PHRASES: tuple[Phrase, ...] = (
    _p("enceinte", "pregnancy", sex="F", weight=1.5),
    _p("patiente enceinte de 5 mois", "pregnancy", sex="F", weight=0.8),
    _p("grossesse 12 SA", "pregnancy", sex="F", weight=0.8),
    _p("suivi de grossesse, toxo négative", "pregnancy", sex="F", weight=0.8),
    _p("enceinte - sous Levothyrox", "pregnancy", "treatment", sex="F", weight=0.3),
    _p("séropositif HIV", "hiv", sex="M", weight=0.06),
    _p("séropositive VIH", "hiv", sex="F", weight=0.04),
    _p("suivi VIH trimestriel", "hiv", weight=0.05),
    _p("hépatite C", "hepatitis", weight=0.12),
    _p("HVB chronique", "hepatitis", weight=0.06),
    _p("Ag HBs positif", "hepatitis", weight=0.04),
    _p("tumeur au cerveau", "cancer", weight=0.08),
    _p("cancer du sein, chimio en cours", "cancer", sex="F", weight=0.15),
    _p("K prostate", "cancer", sex="M", weight=0.1),
    _p("suivi oncologie", "cancer", weight=0.1),
    _p("mucoviscidose", "genetic_disease", weight=0.03),
    _p("drépanocytose", "genetic_disease", weight=0.03),
    _p("hémochromatose génétique", "genetic_disease", weight=0.05),
    _p("T21", "genetic_disease", weight=0.02),
    _p("diabétique", "diabetes", weight=0.9),
    _p("DT2 sous metformine", "diabetes", weight=0.5),
    _p("DT1 - insuline", "diabetes", weight=0.2),
    _p("sous AVK", "anticoagulant", weight=1.0),
    _p("patient sous anticoagulant", "anticoagulant", sex="M", weight=0.4),
    _p("Préviscan, INR cible 2-3", "anticoagulant", weight=0.4),
    _p("Levothyrox", "treatment", weight=0.8),
    _p("sous Levothyrox 75", "treatment", weight=0.4),
    _p("traitement par méthotrexate", "treatment", weight=0.15),
    _p("patiente sourde", "disability", sex="F", weight=0.08),
    _p("patient sourd, écrire les consignes", "disability", sex="M", weight=0.05),
    _p("fauteuil roulant", "disability", weight=0.05),
)

#: Planted exactly (their counts are published): every phrase contains the word, once.
ENFANT_PHRASES: tuple[Phrase, ...] = (
    _p("enfant", "child", weight=4),
    _p("prélèvement enfant difficile", "child", weight=2),
    _p("enfant agité, prévoir 2 personnes", "child", weight=1),
    _p("ENFANT - pansement magique", "child", weight=1),
    _p("enfant diabétique DT1", "child", "diabetes", weight=0.2),
)
BEBE_PHRASES: tuple[Phrase, ...] = (
    _p("bébé", "baby", weight=3),
    _p("bébé 3 mois, prélèvement au talon", "baby", weight=1),
    _p("BEBE - maman présente", "baby", weight=1),
)

PHRASES: tuple[Phrase, ...] = BANAL_PHRASES + HEALTH_PHRASES + ENFANT_PHRASES + BEBE_PHRASES

#: Share of rows whose first / second comment is filled from the general bank (banal + health).
COMMENT_FILL = (0.28, 0.07)

BRETON_SURNAMES = (
    "Le Gall", "Le Goff", "Le Floch", "Guillou", "Tanguy", "Le Roux", "Le Bihan", "Jaouen",
    "Kerhervé", "Le Corre", "Le Guen", "Le Berre", "Le Meur", "Le Pape", "Le Moal", "Le Cam",
    "Le Bris", "Le Gac", "Le Brun", "Guégan", "Le Dantec", "Le Bras", "Morvan", "Quéré",
    "Le Hir", "Le Borgne", "Cadiou", "Le Duff", "Riou", "Le Coz", "Le Guennec", "Le Priol",
    "Evanno", "Le Texier", "Jégo", "Le Quéré", "Le Mouël", "Conan", "Le Nours", "Gouëzec",
)
STREET_TYPES = ("rue", "rue", "rue", "avenue", "boulevard", "impasse", "allée", "place", "chemin",
                "route", "lieu-dit")
STREET_NAMES = (
    "des Lilas", "de la Gare", "Victor Hugo", "du Général de Gaulle", "Jean Jaurès", "de l'Église",
    "des Écoles", "du Moulin", "de la Mairie", "Pasteur", "des Tilleuls", "du Stade",
    "de la République", "Jules Ferry", "des Chênes", "du Port", "de Verdun", "Gambetta",
    "des Mimosas", "de Bretagne", "du Château", "Saint-Martin", "de la Fontaine", "des Peupliers",
    "de Kerlann", "de Penhoët", "des Genêts", "Anatole France", "de la Libération", "du Lavoir",
    "de la Forêt", "des Vignes", "de Paris", "du Moustoir", "de Kervénanec", "des Sablons",
)
ADDRESS2 = ("Bât. B", "Appt 12", "Résidence les Tilleuls", "Lieu-dit Kerlann", "Escalier A",
            "chez Mme Martin", "BP 42", "Appt 3, 2e étage")
MUTUELLES = ("MGEN", "Harmonie Mutuelle", "MAAF Santé", "Malakoff Humanis", "Groupama",
             "AG2R La Mondiale", "MNT", "Intériale", "MACIF", "Swiss Life", "Apivia", "MSA",
             "CMU-C", "Mutuelle Familiale", "Mutualité Française", "April", "Axa", "Alan")
BLOOD_GROUPS = ("O+", "A+", "B+", "AB+", "O-", "A-", "B-", "AB-")
BLOOD_WEIGHTS = (0.36, 0.37, 0.08, 0.03, 0.06, 0.07, 0.02, 0.01)
PASSWORD_WORDS = ("soleil", "bretagne", "azerty", "loulou", "marine", "chouchou", "doudou",
                  "papillon", "motdepasse", "vacances", "nounours", "princesse", "Lorient",
                  "Orleans", "labo", "chaton", "bonjour", "camping", "moto", "jardin")
CAISSE_NAMES = {"56": "CPAM du Morbihan", "45": "CPAM du Loiret", "27": "CPAM de l'Eure",
                "22": "CPAM des Côtes-d'Armor", "35": "CPAM d'Ille-et-Vilaine",
                "41": "CPAM de Loir-et-Cher"}
EMAIL_DOMAINS = ("mail.example", "courriel.example", "boite.example", "fai.example",
                 "webmail.example")
#: Blocks the regulator (Arcep) reserves for fiction. Landlines: 02 61 91 for the west, a few
#: elsewhere.
LANDLINE_PREFIXES = ("026191", "019900", "035301", "046571", "053649")
LANDLINE_WEIGHTS = (0.96, 0.01, 0.01, 0.01, 0.01)
MOBILE_PREFIX = "063998"
#: Birth places outside France, as NIR "commune" digits with département 99 (INSEE country codes).
FOREIGN_COUNTRIES = (350, 352, 351, 139, 109, 127, 134, 131, 135, 328)

EPOCH = date(1970, 1, 1)


def _days(d: date) -> int:
    return (d - EPOCH).days


def scaled(count: int, rows: int) -> int:
    """A published count scaled to ``rows`` (round half up, integers only): exact at 491,840."""
    return (2 * count * rows + PUBLISHED_ROWS) // (2 * PUBLISHED_ROWS)


@dataclass
class SynthResult:
    """What :func:`write_synthetic_leak` wrote: the leak, its truth file and its lab registry."""

    path: Path
    truth_path: Path
    labs_path: Path
    rows: int
    columns: list[str]
    truth: dict[str, Any] = field(repr=False)


# --------------------------------------------------------------------------- argument checks


def _check_arguments(path: Path, rows: int, encoding: str, delimiter: str) -> str:
    if isinstance(rows, bool) or not isinstance(rows, int) or rows <= 0:
        raise ToolkitError(f"the number of rows must be a positive whole number, got {rows!r}")
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise ToolkitError(f"unknown encoding {encoding!r} (try cp1252 or utf-8)") from None
    try:
        # Chunks are encoded one by one: the codec must leave ASCII alone (no BOM, no UTF-16)
        # and write the letters of French names and communes ("œ" is missing from Latin-1).
        usable = "a;".encode(codec) == b"a;" and "é œ".encode(codec).decode(codec) == "é œ"
    except UnicodeEncodeError:
        usable = False
    if not usable:
        raise ToolkitError(f"the encoding {encoding} cannot write this file: it needs ASCII "
                           f"bytes and French letters such as é and œ (try cp1252 or utf-8)")
    if len(delimiter) != 1 or delimiter in "\"\r\n":
        raise ToolkitError(f"the delimiter must be one character other than a quote or newline, "
                           f"got {delimiter!r}")
    folder = path.parent
    if not folder.is_dir():
        raise ToolkitError(f"{folder}: the output folder does not exist")
    if not os.access(folder, os.W_OK):
        raise ToolkitError(f"{folder}: the output folder is not writable")
    if path.is_dir():
        raise ToolkitError(f"{path}: is a folder, give a file name")
    return codec


# --------------------------------------------------------------------------- exact planting


def _split_dup(targets: np.ndarray, n_rows: int, n_dup: int,
               dup_counts: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Split row targets per category into duplicated persons (weight 2) and singletons."""
    if dup_counts is None:
        share = targets * (n_dup / n_rows)
        dup_counts = np.minimum(np.floor(share).astype(np.int64), targets // 2)
        order = np.argsort(-(share - np.floor(share)), kind="stable")
        i = 0
        while dup_counts.sum() < n_dup:
            c = order[i % len(order)]
            if targets[c] - 2 * dup_counts[c] >= 2:
                dup_counts[c] += 1
            i += 1
    singles = targets - 2 * dup_counts
    if (singles < 0).any() or singles.sum() != n_rows - 2 * n_dup:
        raise ToolkitError("internal error: planted counts do not add up")
    return dup_counts, singles


def _labels(rng: np.random.Generator, counts: np.ndarray) -> np.ndarray:
    """A shuffled array holding category ``i`` exactly ``counts[i]`` times."""
    return rng.permutation(np.repeat(np.arange(len(counts), dtype=np.int8), counts))


def _plant(rng: np.random.Generator, targets: list[int], n_rows: int, n_dup: int,
           dup_counts: list[int] | None = None) -> np.ndarray:
    """Person-level categories whose *row* counts hit ``targets`` exactly (duplicates count twice).

    Persons ``0 .. n_dup-1`` are the duplicated ones (two rows each), the others one row each.
    """
    t = np.asarray(targets, dtype=np.int64)
    d = None if dup_counts is None else np.asarray(dup_counts, dtype=np.int64)
    dup, single = _split_dup(t, n_rows, n_dup, d)
    return np.concatenate([_labels(rng, dup), _labels(rng, single)])


def _largest_remainder(weights: np.ndarray, total: int) -> np.ndarray:
    """Integers proportional to ``weights`` that sum to ``total`` exactly."""
    share = weights / weights.sum() * total
    out = np.floor(share).astype(np.int64)
    rest = total - out.sum()
    out[np.argsort(-(share - out), kind="stable")[:rest]] += 1
    return out


def _draw(rng: np.random.Generator, weights: np.ndarray, n: int) -> np.ndarray:
    """``n`` indices drawn with the given weights (inverse CDF, vectorised)."""
    cdf = np.cumsum(weights, dtype=np.float64)
    picked = np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right")
    # u * total can round up to the total itself: that is the last item, not one past it.
    return np.minimum(picked, len(cdf) - 1).astype(np.int32)


# --------------------------------------------------------------------------- geography


@functools.cache
def _geography() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Postcode/commune pairs with coordinates and population, and the labs' home communes."""
    from toolkit.shared import reference

    communes = reference.communes().filter(
        pl.col("lon").is_not_null() & pl.col("lat").is_not_null()
        & pl.col("departement").is_not_null()
    )
    pairs = (
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
    ranked = (
        communes.filter(pl.col("departement").is_in(SIX_DEPARTEMENTS))
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
    labs = pl.concat(lab_rows).select("lab", "insee", "name", "departement", "lon", "lat",
                                      "postcodes")
    return pairs, labs


def _distance_km(lon: np.ndarray, lat: np.ndarray, lon0: float, lat0: float) -> np.ndarray:
    la, la0 = np.radians(lat), math.radians(lat0)
    a = (np.sin((la - la0) / 2) ** 2
         + np.cos(la) * math.cos(la0) * np.sin(np.radians(lon - lon0) / 2) ** 2)
    return 12_742.0 * np.arcsin(np.sqrt(a))


@dataclass
class _Catchment:
    """Per lab, gravity weights over postcode/commune pairs inside and outside its département."""

    inside: list[tuple[np.ndarray, np.ndarray]]
    outside: list[tuple[np.ndarray, np.ndarray]]


def _catchments(pairs: pl.DataFrame, labs: pl.DataFrame) -> _Catchment:
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
    return _Catchment(inside, outside)


def _place(rng: np.random.Generator, catch: _Catchment, lab: np.ndarray,
           outside: np.ndarray) -> np.ndarray:
    """A postcode/commune pair index for each (lab, inside-or-outside) request."""
    out = np.empty(lab.size, dtype=np.int32)
    for k in range(len(catch.inside)):
        for flag, table in ((False, catch.inside), (True, catch.outside)):
            sel = np.flatnonzero((lab == k) & (outside == flag))
            if sel.size:
                idx, w = table[k]
                out[sel] = idx[_draw(rng, w, sel.size)]
    return out


# --------------------------------------------------------------------------- the plan


@dataclass
class _Plan:
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


def _name_pools() -> tuple[pl.Series, pl.Series, pl.Series, np.ndarray, np.ndarray, np.ndarray]:
    from faker.providers.person.fr_FR import Provider

    surnames = sorted(set(Provider.last_names) | set(BRETON_SURNAMES))
    first_f = sorted(set(Provider.first_names_female))
    first_m = sorted(set(Provider.first_names_male))

    def zipf(n: int) -> np.ndarray:
        # Rank weights: a few very common names, a long tail (order is shuffled by the seed).
        return 1.0 / (np.arange(n) + 15.0)

    return (pl.Series(surnames), pl.Series(first_f), pl.Series(first_m),
            zipf(len(surnames)), zipf(len(first_f)), zipf(len(first_m)))


AGE_WEIGHTS = np.concatenate([
    np.full(2, 1.0), np.full(13, 0.8), np.full(15, 1.0), np.full(20, 1.3), np.full(20, 1.8),
    np.full(15, 2.0), np.full(15, 0.8),
])  # ages 0..99


def _plan(rows: int, seed: int) -> _Plan:
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0]))
    c = {k: scaled(v, rows) for k, v in PUBLISHED_COUNTS.items()}
    c.update({k: scaled(round(v * PUBLISHED_ROWS), rows) for k, v in DIRT_SHARES.items()})
    c["men"] = min(c["men"], rows - c["women"])
    n_dup = min(c.pop("duplicate_rows"), rows // 2)
    persons = rows - n_dup
    c["bebe_rows"] = min(c["bebe_rows"], persons)
    c["enfant_rows"] = min(c["enfant_rows"], persons - c["bebe_rows"])

    surnames, first_f, first_m, w_sur, w_ff, w_fm = _name_pools()
    w_sur = rng.permutation(w_sur)
    w_ff = rng.permutation(w_ff)
    w_fm = rng.permutation(w_fm)
    pairs, labs = _geography()
    catch = _catchments(pairs, labs)
    p: dict[str, np.ndarray] = {}

    # Sex (row counts exact): 0 = F, 1 = M, 2 = not recorded.
    p["sex"] = _plant(rng, [c["women"], c["men"], rows - c["women"] - c["men"]], rows, n_dup)
    # Home lab and residence: counts per (lab, inside/outside its département) exact.
    lab_w = np.array([lab.weight for lab in LABS])
    dep_of_lab = np.array([lab.departement for lab in LABS])
    for d, share in DEPARTEMENT_SHARES.items():
        mask = dep_of_lab == d
        lab_w[mask] = lab_w[mask] / lab_w[mask].sum() * share / (1 - OUTSIDE_SHARE)
    cell = _largest_remainder(
        np.concatenate([lab_w * (1 - OUTSIDE_SHARE), lab_w * OUTSIDE_SHARE]), persons)
    cells = _labels(rng, cell).astype(np.int16)
    p["lab"] = (cells % len(LABS)).astype(np.int8)
    p["outside"] = cells >= len(LABS)
    p["pair"] = _place(rng, catch, p["lab"], p["outside"])

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
        days = np.arange(_days(lab.first), _days(lab.last) + 1)
        years = days.astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970
        # Most samples in 2018-2019 (as published): six times the daily weight of other years.
        w = np.where((years == 2018) | (years == 2019), 6.0, 1.0)
        sample[sel] = days[_draw(rng, w, sel.size)]
    first_occ = np.arange(rows) < persons

    c1, c2 = _plan_comments(rng, c, p["sex"][person_of_row], persons, first_occ)

    # Ages follow the first row's comment: babies, children, pregnant women, everyone else.
    # (Index -1, no comment, picks the last row of the tag table: no mention.)
    tags = _phrase_tags()
    kind = {m: tags[:, HEALTH_MENTIONS.index(m)][c1[:persons]]
            | tags[:, HEALTH_MENTIONS.index(m)][c2[:persons]]
            for m in ("child", "baby", "pregnancy")}
    age = _draw(rng, AGE_WEIGHTS, persons)
    age = np.where(kind["child"], rng.integers(1, 15, persons), age)
    age = np.where(kind["baby"], 0, age)
    age = np.where(kind["pregnancy"], rng.integers(18, 45, persons), age)
    p["birth"] = (sample[:persons] - age * 365 - rng.integers(0, 365, persons)).astype(np.int32)

    # Names: first names follow sex (unknown sex: either pool, remembered for the NIR).
    female_name = np.where(p["sex"] == 2, rng.random(persons) < 0.55, p["sex"] == 0)
    p["female_name"] = female_name
    p["first"] = np.where(female_name, _draw(rng, w_ff, persons), _draw(rng, w_fm, persons))
    p["surname"] = _draw(rng, w_sur, persons)
    p["surname_present"] = _plant(rng, [c["surname_present"], rows - c["surname_present"]],
                                  rows, n_dup) == 0
    married = (p["sex"] == 0) & (age >= 22) & (rng.random(persons) < 0.55)
    p["birth_surname"] = np.where(married, _draw(rng, w_sur, persons), p["surname"])
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
    _unique_name_keys(p, status >= 3)
    birth_deps = _build_nirs(rng, p, pairs)

    # Contact: landline / mobile presence exact in rows; e-mails exact in distinct persons.
    p["landline"] = _plant(rng, [c["landline_present"], rows - c["landline_present"]],
                           rows, n_dup) == 0
    p["mobile"] = _plant(rng, [c["mobile_present"], rows - c["mobile_present"]], rows, n_dup) == 0
    p["landline_prefix"] = _draw(rng, np.array(LANDLINE_WEIGHTS), persons).astype(np.int8)
    p["landline_digits"] = rng.integers(0, 10_000, persons, dtype=np.int16)
    p["mobile_digits"] = rng.integers(0, 10_000, persons, dtype=np.int16)
    has_email = np.zeros(persons, dtype=bool)
    has_email[rng.permutation(persons)[: c["patient_emails_unique"]]] = True
    p["email"] = np.where(has_email, np.cumsum(has_email) - 1, -1).astype(np.int32)
    emails = _patient_emails(rng, p, has_email, surnames, first_f, first_m)
    p["street_no"] = rng.integers(1, 120, persons, dtype=np.int16)
    p["street"] = rng.integers(0, len(STREET_TYPES) * len(STREET_NAMES), persons, dtype=np.int16)
    p["address2"] = np.where(rng.random(persons) < 0.12,
                             rng.integers(0, len(ADDRESS2), persons), -1).astype(np.int8)
    p["mutuelle"] = np.where(rng.random(persons) < 0.78,
                             rng.integers(0, len(MUTUELLES), persons), -1).astype(np.int8)
    p["blood"] = np.where(rng.random(persons) < 0.22,
                          _draw(rng, np.array(BLOOD_WEIGHTS), persons), -1).astype(np.int8)
    p["regime"] = _draw(rng, np.array([0.86, 0.08, 0.04, 0.02]), persons).astype(np.int8)

    doctors = _doctors(rng, rows, catch, surnames, first_f, first_m, w_sur, w_ff, w_fm)
    p["treating"], prescriber = _assign_doctors(rng, doctors, p["lab"], row_lab, person_of_row,
                                                first_occ)

    # Row-level: portal credentials (exact), dates, misc.
    password = np.zeros(rows, dtype=bool)
    password[rng.permutation(rows)[: c["password_present"]]] = True
    extra = rng.integers(0, 400, rows, dtype=np.int32)
    extra[rng.random(rows) < 0.6] = 0  # most rows: the last visit is this sample
    last_visit = sample + extra
    del extra
    window_end = np.array([_days(lab.last) for lab in LABS], dtype=np.int32)
    np.minimum(last_visit, np.maximum(window_end[row_lab], sample), out=last_visit)
    created = sample - rng.integers(0, 2500, rows, dtype=np.int32)
    np.maximum(created, _days(date(2005, 1, 1)), out=created)
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
    return _Plan(rows, persons, n_dup, c, surnames, first_f, first_m, pairs, labs, doctors,
                 emails, birth_deps, p, r)


def _phrase_tags() -> np.ndarray:
    """Phrase x mention table of the bank's tags, plus a last all-false row for "no comment"."""
    return np.array([[k in ph.tags for k in HEALTH_MENTIONS] for ph in PHRASES]
                    + [[False] * len(HEALTH_MENTIONS)])


def _plan_comments(rng: np.random.Generator, c: dict[str, int], sex_rows: np.ndarray,
                   persons: int, first_occ: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Phrase indices (-1: empty) of both comment columns, with the exact "enfant" and "bébé"
    rows planted among first occurrences and the rest drawn by weight, sex-compatible."""
    rows = sex_rows.size
    general = len(BANAL_PHRASES) + len(HEALTH_PHRASES)
    c1 = np.full(rows, -1, dtype=np.int16)
    c2 = np.full(rows, -1, dtype=np.int16)
    for s, allowed in ((0, ("F", None)), (1, ("M", None)), (2, (None,))):
        w = np.array([ph.weight if ph.sex in allowed else 0.0 for ph in PHRASES[:general]])
        for col, fill in ((c1, COMMENT_FILL[0]), (c2, COMMENT_FILL[1])):
            sel = np.flatnonzero((sex_rows == s) & (rng.random(rows) < fill))
            col[sel] = _draw(rng, w, sel.size)
    kids = rng.permutation(persons)[: c["enfant_rows"] + c["bebe_rows"]]
    for group, sel in ((ENFANT_PHRASES, kids[: c["enfant_rows"]]),
                       (BEBE_PHRASES, kids[c["enfant_rows"]:])):
        offset = PHRASES.index(group[0])
        phrase = offset + _draw(rng, np.array([ph.weight for ph in group]), sel.size)
        in_second = rng.random(sel.size) < 0.2
        c1[sel[~in_second]] = phrase[~in_second]
        c2[sel[in_second]] = phrase[in_second]
    # Pregnancy on a second occurrence would contradict the first row's age: keep it banal.
    preg = np.array(["pregnancy" in ph.tags for ph in PHRASES] + [False])
    for col in (c1, c2):
        col[~first_occ & preg[col]] = 0
    return c1, c2


def _assign_doctors(rng: np.random.Generator, doctors: pl.DataFrame, home_lab: np.ndarray,
                    row_lab: np.ndarray, person_of_row: np.ndarray,
                    first_occ: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A treating doctor per person (-1: none) and a prescriber per row, from each lab's pool;
    every doctor with an e-mail appears at least once, so the distinct e-mail count is exact."""
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


def _unique_name_keys(p: dict[str, np.ndarray], keyed_by_name: np.ndarray) -> None:
    """Persons without a valid NIR are told apart by surname + first name + birth date: make
    those keys distinct (a day's shift) so that the recorded number of persons is exact."""
    idx = np.flatnonzero(keyed_by_name)
    sur = np.where(p["surname_present"][idx], p["surname"][idx], -1).astype(np.int64) + 1
    first = p["first"][idx].astype(np.int64) * 2 + p["female_name"][idx]
    for _ in range(100):
        key = (sur * 1000 + first) * 1_000_000 + (p["birth"][idx].astype(np.int64) + 500_000)
        _, first_pos = np.unique(key, return_index=True)
        clash = np.ones(idx.size, dtype=bool)
        clash[first_pos] = False
        if not clash.any():
            return
        p["birth"][idx[clash]] -= 1
    raise ToolkitError("internal error: could not make name keys distinct")


def _build_nirs(rng: np.random.Generator, p: dict[str, np.ndarray],
                pairs: pl.DataFrame) -> pl.Series:
    """NIR body (13 digits as an integer) and key, per person, following sex and birth date;
    returns the birth départements, which ``p["birth_dep"]`` indexes."""
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
    where = _draw(rng, np.array([0.6, 0.35, 0.05]), n)
    metro = np.array([d for d in range(1, 96) if d != 20] + [119, 118], dtype=np.int16)
    dep = np.where(where == 0, place[p["pair"]], metro[rng.integers(0, metro.size, n)])
    dep = np.where(where == 2, 99, dep).astype(np.int16)
    commune_num = np.where(where == 0, res_commune[p["pair"]], rng.integers(1, 600, n))
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
        _, first_pos = np.unique((body + order) * 3 + corsica, return_index=True)
        clash = np.ones(n, dtype=bool)
        clash[first_pos] = False
        del first_pos
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


def _fold_ascii(s: pl.Expr) -> pl.Expr:
    return fold(s).str.replace_all(r"[^a-z0-9]+", "")


def _patient_emails(rng: np.random.Generator, p: dict[str, np.ndarray], has_email: np.ndarray,
                    surnames: pl.Series, first_f: pl.Series, first_m: pl.Series) -> pl.Series:
    """Distinct patient e-mails under reserved domains, in person order of ``has_email``."""
    who = np.flatnonzero(has_email)
    n = who.size
    first = pl.Series(np.where(p["female_name"][who], p["first"][who], 0))
    df = pl.DataFrame({
        "sur": surnames.gather(pl.Series(p["surname"][who])),
        "ff": first_f.gather(first),
        "fm": first_m.gather(pl.Series(np.where(p["female_name"][who], 0, p["first"][who]))),
        "female": p["female_name"][who],
        "pattern": rng.integers(0, 4, n),
        "num": rng.integers(1, 100, n),
        "year": (p["birth"][who].astype("datetime64[D]").astype("datetime64[Y]").astype(int)
                 + 1970) % 100,
        "domain": pl.Series(EMAIL_DOMAINS).gather(pl.Series(rng.integers(0, 5, n))),
        "pid": who,
    })
    sur = _fold_ascii(pl.col("sur"))
    fst = _fold_ascii(pl.when(pl.col("female")).then(pl.col("ff")).otherwise(pl.col("fm")))
    local = (
        pl.when(pl.col("pattern") == 0).then(pl.concat_str([fst, pl.lit("."), sur]))
        .when(pl.col("pattern") == 1).then(pl.concat_str([fst.str.slice(0, 1), sur,
                                                          pl.col("num").cast(pl.String)]))
        .when(pl.col("pattern") == 2).then(pl.concat_str([fst, pl.lit("."), sur,
                                                          pl.col("year").cast(pl.String)
                                                          .str.zfill(2)]))
        .otherwise(pl.concat_str([sur, pl.lit("."), fst, pl.col("num").cast(pl.String)]))
    )
    out = df.select(local.alias("local"), "domain", "pid").with_columns(
        pl.when(pl.col("local").is_first_distinct()).then(pl.col("local"))
        .otherwise(pl.concat_str([pl.col("local"), pl.lit(".p"), pl.col("pid").cast(pl.String)]))
        .alias("local")
    )
    # Distinct local parts make distinct addresses whatever the domain.
    emails = out.select(pl.concat_str(["local", pl.lit("@"), "domain"]))["local"]
    if emails.n_unique() != n:
        raise ToolkitError("internal error: patient e-mails are not distinct")
    return emails


def _doctors(rng: np.random.Generator, rows: int, catch: _Catchment, surnames: pl.Series,
             first_f: pl.Series, first_m: pl.Series, w_sur: np.ndarray, w_ff: np.ndarray,
             w_fm: np.ndarray) -> pl.DataFrame:
    """A local pool of doctors per lab (name, cabinet address, fiction phone, some e-mails)."""
    per_lab = max(5, round(60 * rows / PUBLISHED_ROWS))
    n = per_lab * len(LABS)
    lab = np.repeat(np.arange(len(LABS)), per_lab)
    pair = _place(rng, catch, lab, rng.random(n) < 0.05)
    female = rng.random(n) < 0.45
    has_email = np.zeros(n, dtype=bool)
    has_email[rng.permutation(n)[: scaled(PUBLISHED_COUNTS["doctor_emails_unique"], rows)]] = True
    df = pl.DataFrame({
        "lab": lab,
        "pair": pair,
        "nom": surnames.gather(pl.Series(_draw(rng, w_sur, n))),
        "prenom": pl.Series(np.where(female, first_f.gather(pl.Series(_draw(rng, w_ff, n))),
                                     first_m.gather(pl.Series(_draw(rng, w_fm, n))))),
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
        .then(pl.concat_str([pl.lit("dr."), _fold_ascii(pl.col("nom")), pl.lit("."),
                             pl.col("id").cast(pl.String), pl.lit("@cabinet.example")]))
        .alias("email"),
    )


# --------------------------------------------------------------------------- strings, by chunk


def _lab_codes() -> list[str]:
    seen: dict[str, int] = {}
    codes = []
    for lab in LABS:
        seen[lab.departement] = seen.get(lab.departement, 0) + 1
        codes.append(f"LBM{lab.departement}{seen[lab.departement]:02d}")
    return codes


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
    """``values`` with ``change(subset, rows)`` applied to the rows of ``mask``, and how many
    values it actually changed (swapping "ll" changes nothing)."""
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return values, 0
    before = values.gather(pl.Series(idx))
    after = change(before, idx)
    changed = int((before != after).fill_null(False).sum())
    return values.scatter(idx, after), changed


@dataclass
class _Pools:
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


def _pools(plan: _Plan) -> _Pools:
    first = pl.concat([plan.first_f, plan.first_m])
    cased = (lambda t: t.str.to_uppercase(), lambda t: t, lambda t: t.str.to_lowercase())
    first_day = int(min(plan.p["birth"].min(), plan.r["created"].min()))
    last_day = int(plan.r["last_visit"].max())
    landline = pl.Series([f"{pre}{d:04d}" for pre in LANDLINE_PREFIXES for d in range(10_000)])
    street_names = [f"{n} {t} {s}" for t in STREET_TYPES for s in STREET_NAMES
                    for n in range(120)]
    docs = plan.doctors
    doc_pairs = plan.pairs[docs["pair"].to_numpy()]
    deps = plan.pairs["departement"]
    return _Pools(
        surname=_variants(plan.surnames, *cased),
        first=_variants(first, *cased),
        ascii_surname=plan.surnames.to_frame("t").select(_fold_ascii(pl.col("t"))).to_series(),
        ascii_first=first.to_frame("t").select(_fold_ascii(pl.col("t"))).to_series(),
        ville=_variants(plan.pairs["name"], lambda t: fold(t).str.to_uppercase(), lambda t: t,
                        lambda t: t.str.to_uppercase()),
        landline=_phone_variants(landline),
        mobile=_phone_variants(pl.Series([f"{MOBILE_PREFIX}{d:04d}" for d in range(10_000)])),
        dates=_ddmmyyyy(np.arange(first_day, last_day + 1)),
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
        lab_codes=pl.Series(_lab_codes()),
    )


def _ddmmyyyy(days: np.ndarray) -> pl.Series:
    return pl.Series(days.astype(np.int32)).cast(pl.Date).dt.strftime("%d/%m/%Y")


def _chunk(plan: _Plan, pools: _Pools, start: int, stop: int, rng: np.random.Generator
           ) -> tuple[pl.DataFrame, dict[str, int]]:
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
        return pools.dates.gather(pl.Series(days - pools.first_day))

    # Names: mostly upper-case surnames and capitalised first names, with some exceptions.
    name_case = _draw(rng, np.array([0.85, 0.12, 0.03]), n)
    nom = _gather(pools.surname, p["surname"] * 3 + name_case)
    nom, dirt["surname_typos"] = _patch(
        nom, (u < 0.004) & valid_nir & (pools.surname.str.len_chars().to_numpy()
                                        [p["surname"] * 3] >= 4),
        lambda s, i: _swap_typo(s, v[i]))
    pad = _draw(rng, np.array([0.98, 0.015, 0.005]), n)
    nom, _ = _patch(nom, pad == 1, lambda s, _: s + " ")
    nom, _ = _patch(nom, pad == 2, lambda s, _: " " + s)
    shown = p["surname_present"]
    dirt["surnames_with_stray_space"] = int(((pad > 0) & shown).sum())
    dirt["surnames_not_uppercase"] = int(((name_case > 0) & shown).sum())
    nom = nom.set(pl.Series(~shown), None)
    prenom = _gather(pools.first, first_idx * 3 + _draw(rng, np.array([0.18, 0.80, 0.02]), n))
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

    ville_style = _draw(rng, np.array([0.65, 0.25, 0.10]), n)
    ville = _gather(pools.ville, p["pair"] * 3 + ville_style)
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
            "sur": pools.ascii_surname.gather(pl.Series(p["surname"][k])),
            "fst": pools.ascii_first.gather(pl.Series(first_idx[k])),
            "first": pools.first.gather(pl.Series(first_idx[k] * 3 + 1)),
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
        return [_gather(pools.doctors[c], idx).alias(f"{prefix}_{c}")
                for c in pools.doctors.columns]

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
        "CODE_LABO": pools.lab_codes.gather(pl.Series(r["lab"].astype(np.int64))),
        "DATE_CREATION": date_col(r["created"]),
        "CIVILITE": small(("ENF", "MME", "M."), civ),
        "NOM": nom,
        "NOM_NAISSANCE": _gather(pools.surname, p["birth_surname"] * 3, p["birth_name_shown"]),
        "PRENOM": prenom,
        "SEXE": small(("F", "M"), np.where(p["sex"] == 2, -1, p["sex"])),
        "DATE_NAISSANCE": date_col(p["birth"]),
        "DEPT_NAISSANCE": pools.birth_dep.gather(pl.Series(p["birth_dep"])),
        "NIR": nir,
        "ADRESSE1": pools.streets.gather(pl.Series(p["street"].astype(np.int64) * 120
                                                   + p["street_no"])),
        "ADRESSE2": small(ADDRESS2, p["address2"]),
        "CODE_POSTAL": plan.pairs["postcode"].gather(pl.Series(p["pair"])),
        "VILLE": ville,
        "TEL_DOMICILE": _gather(pools.landline,
                                (p["landline_prefix"].astype(np.int64) * 10_000
                                 + p["landline_digits"]) * 4
                                + _draw(rng, np.array([0.6, 0.25, 0.1, 0.05]), n),
                                p["landline"]),
        "TEL_PORTABLE": _gather(pools.mobile, p["mobile_digits"].astype(np.int64) * 4
                                + _draw(rng, np.array([0.6, 0.25, 0.1, 0.05]), n), p["mobile"]),
        "EMAIL": _gather(plan.patient_emails, p["email"]),
        "LOGIN_WEB": login,
        "MOT_DE_PASSE": password,
        **{s.name: s for s in doctor("MED_TRAITANT", p["treating"])},
        **{s.name: s for s in doctor("MED_PRESCRIPTEUR", r["prescriber"])},
        "MUTUELLE": small(MUTUELLES, p["mutuelle"]),
        "CODE_REGIME": small(("01", "02", "03", "04"), p["regime"]),
        "CAISSE": pools.caisse.gather(pl.Series(p["pair"])),
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
                        (r["last_visit"] < _days(date(2019, 1, 1))).astype(np.int64)),
        "DATE_MAJ": date_col(r["last_visit"]),
    }
    frame = pl.DataFrame([columns[h].alias(h) for h in COLUMNS])
    return frame, dirt


# --------------------------------------------------------------------------- truth and registry


def _tally(frame: pl.DataFrame, delimiter: str) -> dict[str, int]:
    """Counts of one chunk for the truth file: filled cells per column and per category, and
    comments that need quoting (embedded newline or delimiter)."""
    out = {f"filled:{h}": frame.height - frame[h].null_count() for h in COLUMNS}
    by_category: dict[str, list[str]] = {}
    for h in COLUMNS:
        by_category.setdefault(COLUMN_CATEGORIES[h], []).append(h)
    comments = by_category["comment"]
    newline = [pl.col(h).str.contains("\n", literal=True).fill_null(False) for h in comments]
    counts = frame.select(
        *[pl.any_horizontal(pl.col(cols).is_not_null()).sum().alias(f"category:{cat}")
          for cat, cols in by_category.items() if len(cols) > 1],
        pl.sum_horizontal(newline).sum().alias("comments:fields_with_newline"),
        pl.any_horizontal(newline).sum().alias("comments:rows_with_newline"),
        pl.sum_horizontal([pl.col(h).str.contains(delimiter, literal=True).fill_null(False)
                           for h in comments]).sum().alias("comments:fields_with_delimiter"),
    ).row(0, named=True)
    single = {f"category:{cat}": out[f"filled:{cols[0]}"] for cat, cols in by_category.items()
              if len(cols) == 1}
    return out | single | {k: int(v) for k, v in counts.items()}



def _phrase_flags(words: bool) -> np.ndarray:
    """Per phrase (plus a last all-false row for "no comment"): mention kinds or published words."""
    from toolkit.raw import health

    text = pl.DataFrame({"t": [ph.text for ph in PHRASES] + [None]}, schema={"t": pl.String})
    exprs = ([health.word_expr(pl.col("t"), w) for w in WORD_PATTERNS] if words
             else list(health.mention_exprs(pl.col("t")).values()))
    return text.select(exprs).to_numpy().astype(bool)


def _iso(day: int) -> str:
    return (np.datetime64(int(day), "D")).astype(str)


def _truth(plan: _Plan, seed: int, encoding: str, delimiter: str,
           tallies: dict[str, int]) -> dict[str, Any]:
    """What was planted, as counts only (no value of any personal-data column)."""

    def prefixed(prefix: str) -> dict[str, int]:
        return {k.split(":", 1)[1]: v for k, v in tallies.items() if k.startswith(prefix + ":")}

    dirt = {k: v for k, v in tallies.items() if ":" not in k}
    r, p, c = plan.r, plan.p, plan.counts
    rows = plan.rows
    person = r["person"]
    codes = _lab_codes()
    status = p["nir_status"][person]
    sex = p["sex"][person]

    def rows_with(flags: np.ndarray) -> int:
        """Rows where either comment is a phrase whose flag is set (index -1: no comment)."""
        return int((flags[r["c1"]] | flags[r["c2"]]).sum())

    tags = _phrase_tags()
    words = _phrase_flags(words=True)
    # Départements as integer codes and bincounts: string columns of 10 M rows cost gigabytes.
    dep_names, dep_of_pair = np.unique(plan.pairs["departement"].to_numpy(), return_inverse=True)
    pair_of_doctor = plan.doctors["pair"].to_numpy()
    doc_emails = plan.doctors["email"].to_numpy()
    used = np.zeros(len(doc_emails), dtype=bool)
    used[r["prescriber"]] = True
    used[p["treating"][p["treating"] >= 0]] = True

    def tally(codes: np.ndarray) -> dict[str, int]:
        counts = np.bincount(codes, minlength=dep_names.size)
        return {str(dep_names[i]): int(counts[i]) for i in np.flatnonzero(counts)}

    labs = {}
    for k, lab in enumerate(LABS):
        sel = r["lab"] == k
        days = r["sample"][sel]
        labs[codes[k]] = {
            "name": f"Laboratoire fictif {lab.nickname}",
            "departement": lab.departement,
            "window": [lab.first.isoformat(), lab.last.isoformat()],
            "rows": int(sel.sum()),
            "persons": int(np.unique(person[sel]).size),
            "first_sample": _iso(days.min()) if days.size else None,
            "last_sample": _iso(days.max()) if days.size else None,
        }
    years = (r["sample"].astype("datetime64[D]").astype("datetime64[Y]").astype(np.int16)
             + 1970)
    return {
        "generator": {"module": "toolkit.raw.synth", "version": GENERATOR_VERSION, "seed": seed,
                      "chunk_rows": CHUNK_ROWS},
        "rows": rows,
        "encoding": encoding,
        "delimiter": delimiter,
        "columns": [{"name": h, "category": COLUMN_CATEGORIES[h]} for h in COLUMNS],
        "calibration": {
            "published_rows": PUBLISHED_ROWS,
            "rule": "round half up of published_count * rows / published_rows",
            "published": dict(PUBLISHED_COUNTS),
            "planted": {k: c[k] for k in PUBLISHED_COUNTS},
        },
        "filled": {"by_column": prefixed("filled"), "by_category": prefixed("category")},
        "sex": {"F": int((sex == 0).sum()), "M": int((sex == 1).sum()),
                "missing": int((sex == 2).sum())},
        "surname_present": int(p["surname_present"][person].sum()),
        "nir": {
            "present": int((status < 4).sum()),
            "missing": int((status == 4).sum()),
            "valid_key": int((status <= 2).sum()),
            "invalid_key": int((status == 3).sum()),
            "inconsistent_sex": int((status == 1).sum()),
            "inconsistent_birth_date": int((status == 2).sum()),
            "consistent": int((status == 0).sum()),
            "written_with_spaces": dirt["nir_written_with_spaces"],
            "definition": "valid key: 97 - (13 digits, 2A->19, 2B->18) mod 97; consistent: sex "
                          "digit 2 for F / 1 for M (when sex is recorded), digits 2-3 the birth "
                          "year's last two digits, digits 4-5 the birth month",
        },
        "phones": {"landline_present": int(p["landline"][person].sum()),
                   "mobile_present": int(p["mobile"][person].sum())},
        "emails": {
            "patient_unique": int(plan.patient_emails.len()),
            "patient_rows": int((p["email"][person] >= 0).sum()),
            "doctor_unique": len({e for e in doc_emails[used] if e is not None}),
        },
        "credentials": {"password_present": int(r["password"].sum()),
                        "login_present": int(r["password"].sum())},
        "duplicates": {
            "duplicate_rows": plan.n_dup,
            "distinct_persons": plan.persons,
            "persons_in_two_rows": plan.n_dup,
            "definition": "a person is its NIR when the key is valid, else surname + first name "
                          "+ birth date (accent/case-folded); duplicated persons appear in two "
                          "rows at two labs, with the same valid NIR",
        },
        "labs": labs,
        "residence_departement": {"rows": tally(dep_of_pair[p["pair"][person]]),
                                  "persons": tally(dep_of_pair[p["pair"]])},
        "prescriber_departement": {"rows": tally(dep_of_pair[pair_of_doctor[r["prescriber"]]])},
        "period": {
            "first_sample": _iso(r["sample"].min()),
            "last_sample": _iso(r["sample"].max()),
            "rows_by_year": {str(y): int(n) for y, n in zip(*np.unique(years, return_counts=True),
                                                            strict=True)},
        },
        "mentions": {k: rows_with(tags[:, i]) for i, k in enumerate(HEALTH_MENTIONS)},
        "words": {
            **{w: rows_with(words[:, i]) for i, w in enumerate(WORD_PATTERNS)},
            "definition": "rows where either comment column, lower-cased with accents removed, "
                          "matches " + ", ".join(f"{w}: {pat}" for w, pat in
                                                 WORD_PATTERNS.items()),
        },
        "comments": prefixed("comments"),
        "dirt": {k: v for k, v in dirt.items() if k != "nir_written_with_spaces"},
    }


def lab_registry() -> pl.DataFrame:
    """The 28 fictional labs: code, name, address, postcode, commune, INSEE, FINESS-shaped id."""
    from stdnum import luhn

    _, labs = _geography()
    codes = _lab_codes()
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


# --------------------------------------------------------------------------- public API


def _write_chunks(path: Path, plan: _Plan, pools: _Pools, seed: int, codec: str,
                  delimiter: str, tallies: dict[str, int], bar: tqdm) -> None:
    """Write the file chunk by chunk, each from its own seeded generator; add up the tallies."""
    with path.open("wb") as out:
        for i, start in enumerate(range(0, plan.rows, CHUNK_ROWS)):
            stop = min(start + CHUNK_ROWS, plan.rows)
            rng = np.random.default_rng(np.random.SeedSequence([seed, 1, i]))
            frame, dirt = _chunk(plan, pools, start, stop, rng)
            for key, value in {**dirt, **_tally(frame, delimiter)}.items():
                tallies[key] = tallies.get(key, 0) + value
            buffer = io.BytesIO()
            frame.write_csv(buffer, separator=delimiter, include_header=(i == 0),
                            line_terminator="\r\n", quote_style="necessary")
            data = buffer.getvalue()
            # Polars writes UTF-8; the codec was checked to handle French letters and ASCII.
            out.write(data if codec == "utf-8" else data.decode("utf-8").encode(codec))
            bar.update(stop - start)


def write_synthetic_leak(path: str | os.PathLike[str], rows: int = PUBLISHED_ROWS,
                         seed: int = 2021, encoding: str = "cp1252", delimiter: str = ";",
                         progress: bool = True) -> SynthResult:
    """Write a synthetic leak, its ``<file>.truth.json`` and its ``<stem>.labs.csv``."""
    path = Path(path)
    codec = _check_arguments(path, rows, encoding, delimiter)
    plan = _plan(rows, seed)
    pools = _pools(plan)
    tallies: dict[str, int] = {}
    bar = tqdm(total=rows, unit="rows", desc="synthetic leak", file=sys.stderr,
               disable=not progress, unit_scale=True)
    try:
        _write_chunks(path, plan, pools, seed, codec, delimiter, tallies, bar)
    except BaseException:
        path.unlink(missing_ok=True)  # never leave half a leak behind
        raise
    finally:
        bar.close()
    truth = _truth(plan, seed, codec, delimiter, tallies)
    truth["file_bytes"] = path.stat().st_size
    truth_path = path.with_name(path.name + ".truth.json")
    truth_path.write_text(json.dumps(truth, sort_keys=True, indent=2, ensure_ascii=False) + "\n",
                          encoding="utf-8")
    labs_path = path.with_name(path.stem + ".labs.csv")
    lab_registry().write_csv(labs_path)
    return SynthResult(path, truth_path, labs_path, rows, list(COLUMNS), truth)


def summary_text(result: SynthResult) -> str:
    """A short human summary of a synthetic leak: size, labs, period, where the truth is."""
    t = result.truth
    size = t.get("file_bytes", result.path.stat().st_size if result.path.exists() else 0)
    return "\n".join([
        f"Synthetic leak written: {result.path}",
        f"  {result.rows:,} rows x {len(result.columns)} columns, {size / 1e6:,.1f} MB "
        f"({t['encoding']}, delimiter {t['delimiter']!r})",
        f"  {len(t['labs'])} fictional labs, samples {t['period']['first_sample']} to "
        f"{t['period']['last_sample']}",
        f"  {t['duplicates']['distinct_persons']:,} distinct persons, "
        f"{t['duplicates']['duplicate_rows']:,} duplicate rows",
        f"  truth (what was planted): {result.truth_path}",
        f"  lab registry: {result.labs_path}",
    ])
