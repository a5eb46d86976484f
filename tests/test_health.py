"""The French health-mention lexicon: folding, abbreviations, and the generator's phrase bank."""

from __future__ import annotations

import polars as pl
import pytest

from toolkit.raw import health, synth
from toolkit.shared import folding
from toolkit.shared.vocabulary import (
    COMMENT_MENTIONS,
    CONTEXT_MENTIONS,
    HEALTH_CATEGORIES,
    HEALTH_MENTIONS,
)


def _mentions(text: str | None) -> set[str]:
    frame = pl.DataFrame({"t": [text]}, schema={"t": pl.String})
    row = frame.select(**health.mention_exprs(pl.col("t"))).row(0, named=True)
    return {kind for kind, hit in row.items() if hit}


def test_fold_lowercases_strips_accents_and_spells_ligatures() -> None:
    folded = pl.select(folding.fold(pl.lit("BÉBÉ Cœur Ælla Hépatite"))).item()
    assert folded == "bebe coeur aella hepatite"


def test_lexicon_covers_exactly_the_vocabulary_of_mentions() -> None:
    assert tuple(health.MENTION_PATTERNS) == COMMENT_MENTIONS


def test_child_and_baby_are_context_mentions_not_health_mentions() -> None:
    assert set(CONTEXT_MENTIONS) == {"child", "baby"}
    assert not set(CONTEXT_MENTIONS) & set(HEALTH_MENTIONS)


def test_a_free_text_comment_is_not_a_health_category_by_itself() -> None:
    assert "comment" not in HEALTH_CATEGORIES
    assert "health_mention" in HEALTH_CATEGORIES


def test_a_comment_saying_only_enfant_carries_no_health_mention() -> None:
    assert _mentions("enfant") & set(HEALTH_MENTIONS) == set()


def test_a_comment_saying_enceinte_carries_a_health_mention() -> None:
    assert _mentions("enceinte") & set(HEALTH_MENTIONS) == {"pregnancy"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Séropositif HIV", {"hiv"}),
        ("VIH+", {"hiv"}),
        ("HVC", {"hepatitis"}),
        ("hvb chronique", {"hepatitis"}),
        ("K sein", {"cancer"}),
        ("TUMEUR AU CERVEAU", {"cancer"}),
        ("DT2", {"diabetes"}),
        ("sous AVK", {"anticoagulant"}),
        ("T21", {"genetic_disease"}),
        ("patiente sourde", {"disability"}),
        ("levothyrox 75", {"treatment"}),
        ("grossesse 12 SA", {"pregnancy"}),
        ("ENFANT", {"child"}),
        ("Bébé", {"baby"}),
    ],
)
def test_abbreviations_and_spellings_are_found(text: str, expected: set[str]) -> None:
    assert _mentions(text) == expected


@pytest.mark.parametrize("text", ["sang", "kiné", "prélèvement sanguin", "Dupont", "RAS", None])
def test_ordinary_words_carry_no_mention(text: str | None) -> None:
    assert _mentions(text) == set()


def test_null_comment_gives_false_not_null() -> None:
    frame = pl.DataFrame({"t": [None]}, schema={"t": pl.String})
    row = frame.select(**health.mention_exprs(pl.col("t"))).row(0)
    assert row == (False,) * len(COMMENT_MENTIONS)


@pytest.mark.parametrize("phrase", synth.PHRASES, ids=lambda p: p.text[:30])
def test_every_phrase_of_the_bank_carries_exactly_its_tags(phrase: synth.Phrase) -> None:
    assert _mentions(phrase.text) == set(phrase.tags)


def test_banal_phrases_carry_no_mention() -> None:
    assert all(not ph.tags for ph in synth.BANAL_PHRASES)


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        ("Enfant agité", "enfant", True),
        ("ENFANTS", "enfant", True),
        ("petit-enfant", "enfant", True),
        ("enfantin", "enfant", False),
        ("BEBE", "bebe", True),
        ("bébés", "bebe", True),
        ("enfant", "bebe", False),
    ],
)
def test_published_words_are_whole_words_after_folding(text: str, word: str,
                                                       expected: bool) -> None:
    assert pl.select(health.word_expr(pl.lit(text), word)).item() is expected


def test_enfant_and_bebe_phrases_hold_their_word_and_no_other() -> None:
    def words(text: str) -> set[str]:
        return {w for w in health.WORD_PATTERNS
                if pl.select(health.word_expr(pl.lit(text), w)).item()}

    assert all(words(ph.text) == {"enfant"} for ph in synth.ENFANT_PHRASES)
    assert all(words(ph.text) == {"bebe"} for ph in synth.BEBE_PHRASES)
    assert all(words(ph.text) == set() for ph in synth.BANAL_PHRASES + synth.HEALTH_PHRASES)
