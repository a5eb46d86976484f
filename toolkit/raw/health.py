"""The French mention lexicon: the Art. 9 health facts a comment reveals, and who it describes.

Health mentions (``toolkit.shared.vocabulary.HEALTH_MENTIONS``) are data concerning health; the
context mentions (``CONTEXT_MENTIONS``: a child, a baby) say who was sampled and are not.

Comments in lab software are typed fast: capitals, missing accents, abbreviations ("VIH+", "HVC", "K
sein", "DT2", "sous AVK", "T21"). Every pattern below therefore runs on the *folded* text
(``toolkit.shared.folding.fold``: lower case, accents stripped, ``œ`` -> ``oe``) and is anchored on
word starts so that "sa" inside "sang" or "k" inside "kine" does not count.

Used on both sides of the project: the synthetic generator's phrase bank is tagged with these
kinds (a test checks the lexicon finds exactly the tags), and pseudonymisation turns comments
into ``mention_<kind>`` flags with the same expressions, so only counts ever leave. Only the
health kinds make a comment health data: one that only says "enfant" carries none.
"""

from __future__ import annotations

import polars as pl

from toolkit.shared.folding import fold
from toolkit.shared.vocabulary import COMMENT_MENTIONS

#: One regular expression per mention kind (health mentions, then context mentions), applied to
#: folded text (see ``toolkit.shared.folding.fold``).
MENTION_PATTERNS: dict[str, str] = {
    "pregnancy": (
        r"\benceinte\b|\bgrossesse|\bgestation|\b\d+\s?sa\b|\bamenorrhee|\bpost[- ]?partum\b"
        r"|\bparturiente"
    ),
    "hiv": r"\bvih\b|\bhiv\b|\bsida\b|\bseropositi(?:f|ve)s?\b|\btruvada\b",
    "hepatitis": r"\bhepatite|\bhv[abc]\b|\bvh[abc]\b|\bag\s?hbs\b",
    "cancer": (
        r"\bcancer|\btumeur|\bk\s+(?:du|de|des|sein|prostate|colon|poumon|pulm\w*|ovaire|vessie)\b"
        r"|\bchimio|\bcarcinome|\blymphome|\bleucemie|\bmetasta|\boncolog|\bmelanome"
    ),
    "genetic_disease": (
        r"\bmucoviscidose|\bdrepanocyt|\bhemochromatose|\bthalassemie|\btrisomi|\bt21\b"
        r"|\bhemophil|\bmyopathie|\bmaladie genetique|\bbrca[12]?\b|\bx fragile\b"
    ),
    "diabetes": r"\bdiabet|\bdt[12]\b|\bdnid\b|\bdid\b|\binsuline|\bmetformine",
    "anticoagulant": (
        r"\bavk\b|\banticoagul|\bprevisca|\bcoumadine|\bsintrom|\bheparine|\blovenox"
        r"|\bxarelto|\beliquis|\bpradaxa|\bfluindione|\bwarfarine|\binr\b"
    ),
    "treatment": (
        r"\blevothyrox|\bmethotrexate|\blithium|\bdepakine|\bcortancyl|\bcorticoide"
        r"|\bkardegic|\bplavix|\bneoral|\bimurel"
    ),
    "disability": (
        r"\bsourde?s?\b|\bsurdite|\bmalentendant|\bnon[- ]voyant|\bmal[- ]?voyant|\baveugle"
        r"|\bhandicap|\bfauteuil roulant|\bmuet(?:te)?\b|\bautiste|\bautisme"
    ),
    "child": r"\benfants?\b|\bpediatri",
    "baby": r"\bbebes?\b|\bnourrisson|\bnouveau[- ]nes?\b",
}

#: The published "enfant" / "bébé" counts (``docs/published-facts.md``) are counts of rows whose
#: folded comments contain the *word* (singular or plural), nothing wider: these patterns encode
#: that definition.
WORD_PATTERNS: dict[str, str] = {
    "enfant": r"\benfants?\b",
    "bebe": r"\bbebes?\b",
}

assert tuple(MENTION_PATTERNS) == COMMENT_MENTIONS, "lexicon and vocabulary out of step"


def mention_exprs(text: pl.Expr) -> dict[str, pl.Expr]:
    """One Boolean expression per mention kind (health and context), true where ``text`` has it.

    A null comment carries no mention (false, not null), so that sums count rows directly.
    """
    folded = fold(text)
    return {
        kind: folded.str.contains(pattern).fill_null(False).alias(kind)
        for kind, pattern in MENTION_PATTERNS.items()
    }


def word_expr(text: pl.Expr, word: str) -> pl.Expr:
    """True where the folded ``text`` contains ``word`` ("enfant" or "bebe") as a whole word."""
    return fold(text).str.contains(WORD_PATTERNS[word]).fill_null(False).alias(word)
