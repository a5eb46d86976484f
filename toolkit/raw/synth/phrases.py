"""The comment bank: phrases with the health mentions they carry, and how comments are planted.

Most comments are banal; some carry health mentions (Art. 9); the "enfant" and "bébé" phrases
are planted in exactly the published (scaled) number of rows. Each phrase's tags are checked
against the health-mention lexicon (:mod:`toolkit.raw.health`) by the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from toolkit.raw import health
from toolkit.raw.synth.sampling import draw
from toolkit.shared.vocabulary import COMMENT_MENTIONS


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


def phrase_tags() -> np.ndarray:
    """Phrase x mention table of the bank's tags, plus a last all-false row for "no comment"."""
    return np.array([[k in ph.tags for k in COMMENT_MENTIONS] for ph in PHRASES]
                    + [[False] * len(COMMENT_MENTIONS)])


def phrase_flags(words: bool) -> np.ndarray:
    """Per phrase (plus a last all-false row for "no comment"): mention kinds or published words."""
    text = pl.DataFrame({"t": [ph.text for ph in PHRASES] + [None]}, schema={"t": pl.String})
    exprs = ([health.word_expr(pl.col("t"), w) for w in health.WORD_PATTERNS] if words
             else list(health.mention_exprs(pl.col("t")).values()))
    return text.select(exprs).to_numpy().astype(bool)


def plan_comments(rng: np.random.Generator, c: dict[str, int], sex_rows: np.ndarray,
                  persons: int, first_occ: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Phrase indices (-1: empty) of both comment columns, per row.

    The exact "enfant" and "bébé" rows are planted among first occurrences, the rest drawn by
    weight among the phrases compatible with the row's sex.
    """
    rows = sex_rows.size
    general = len(BANAL_PHRASES) + len(HEALTH_PHRASES)
    c1 = np.full(rows, -1, dtype=np.int16)
    c2 = np.full(rows, -1, dtype=np.int16)
    for s, allowed in ((0, ("F", None)), (1, ("M", None)), (2, (None,))):
        w = np.array([ph.weight if ph.sex in allowed else 0.0 for ph in PHRASES[:general]])
        for col, fill in ((c1, COMMENT_FILL[0]), (c2, COMMENT_FILL[1])):
            sel = np.flatnonzero((sex_rows == s) & (rng.random(rows) < fill))
            col[sel] = draw(rng, w, sel.size)
    kids = rng.permutation(persons)[: c["enfant_rows"] + c["bebe_rows"]]
    for group, sel in ((ENFANT_PHRASES, kids[: c["enfant_rows"]]),
                       (BEBE_PHRASES, kids[c["enfant_rows"]:])):
        offset = PHRASES.index(group[0])
        phrase = offset + draw(rng, np.array([ph.weight for ph in group]), sel.size)
        in_second = rng.random(sel.size) < 0.2
        c1[sel[~in_second]] = phrase[~in_second]
        c2[sel[in_second]] = phrase[in_second]
    # Pregnancy on a second occurrence would contradict the first row's age: keep it banal.
    preg = np.array(["pregnancy" in ph.tags for ph in PHRASES] + [False])
    for col in (c1, c2):
        col[~first_occ & preg[col]] = 0
    return c1, c2
