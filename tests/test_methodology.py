"""The methodology of a bundle: a box of at most 250 words, and an annex with the whole method.

The box is checked on the longest case the toolkit can write (every optional sentence on), so
that no bundle can make it longer; the annex is checked in a bundle, listed in its manifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest

from toolkit.publication.methodology import (
    BOX_WORDS,
    SENSITIVE_CATEGORIES,
    NoteFacts,
    PublishedCount,
    methodology_annex,
    methodology_note,
    word_count,
)

KEY = bytes(range(32))


def facts(**changes) -> NoteFacts:
    """A bundle's figures with every optional sentence of the box on (the longest box)."""
    values = {
        "rows": 1_234_567, "persons": 456_789, "labs": 12,
        "first_month": dt.date(2015, 1, 1), "last_month": dt.date(2021, 2, 1),
        "quarantined": 37, "located_share": 0.987,
        "sensitive_shares": [(c, 0.5) for c in SENSITIVE_CATEGORIES],
        "k": 11, "suppressed": 123, "cells": 4_567, "tables": 9,
        "version": "1.0.0", "sha256": "ab" * 32, "rounding": 5, "epsilon": 1.0,
        "epsilon_spent": 9.0, "synthetic": True,
        "case_title": "Fuite de données de laboratoires de biologie médicale (février 2021)",
        "case_source": "Source\u00a0: fichier ayant fuité en février 2021, analyse de la rédaction",
        "left_out": ["la carte des communes (trop peu de personnes)"],
        "fabrication": "Verdict\u00a0: rien, dans les tests menés, ne désigne une fabrication.",
        "placed_by_postcode": PublishedCount(1_430),
    }  # fmt: skip
    return NoteFacts(**{**values, **changes})


def test_word_count_counts_words_not_punctuation():
    assert word_count("**Le fichier.** Il décrit d'un\u00a0: 1\u00a0234 personnes.") == 7


@pytest.mark.parametrize("k", [5, 11, 20])
def test_the_box_has_at_most_250_words_even_with_every_sentence_on(k):
    assert word_count(methodology_note(facts(k=k))) <= BOX_WORDS


def test_the_box_gives_persons_labs_period_and_threshold():
    box = methodology_note(facts())
    for figure in ("456\u00a0789 personnes", "12 laboratoires", "janvier 2015", "février 2021",
                   "moins de 11 personnes", "123 cases sur 4\u00a0567"):  # fmt: skip
        assert figure in box, figure


def test_the_box_says_which_residences_were_placed_on_their_postcodes_largest_commune():
    box = methodology_note(facts(epsilon=None, epsilon_spent=None))
    assert "1\u00a0430 personnes n'avaient qu'un code postal" in box
    assert "la plus peuplée" in box


def test_fewer_than_k_persons_placed_by_postcode_are_not_counted_exactly():
    box = methodology_note(facts(placed_by_postcode=PublishedCount(None, hidden=True),
                                 epsilon=None, epsilon_spent=None))  # fmt: skip
    assert "Moins de 11 personnes n'avaient qu'un code postal" in box


def test_under_differential_privacy_the_box_gives_the_method_but_no_count_of_placed_persons():
    for placed in (PublishedCount(1_430), PublishedCount(0), None):
        box = methodology_note(facts(placed_by_postcode=placed))
        assert "seul le code postal était utilisable" in box and "1\u00a0430" not in box


def test_the_threshold_is_compared_with_the_atih_and_casd_without_overstatement():
    box = methodology_note(facts())
    assert "seuil de 11, celui de l'ATIH et du CASD" in box
    assert "exigent" not in box and "Insee" not in box


def test_identifiers_are_said_pseudonymised_not_encrypted():
    both = methodology_note(facts()) + methodology_annex(facts())
    assert "pseudonymisés" in both and "chiffrés" not in both


def test_the_annex_holds_the_whole_method_and_points_nowhere_else():
    annex = methodology_annex(facts())
    assert annex.startswith("## Méthodologie\u00a0: annexe")
    for heading in ("**Le fichier.**", "**Ce qui a été compté.**",
                    "**Ce qui a été masqué, et pourquoi.**", "**Les limites.**",
                    "**Reproduire.**"):  # fmt: skip
        assert heading in annex
    assert "1\u00a0430 personnes" in methodology_annex(facts(epsilon=None, epsilon_spent=None))
    assert "methodologie-annexe.md" in methodology_note(facts())


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    from toolkit.app import publishing
    from toolkit.raw import synth

    leak = tmp_path_factory.mktemp("raw") / "leak.csv"
    synth.write_synthetic_leak(leak, rows=2_000, seed=3, progress=False)
    out = tmp_path_factory.mktemp("pub") / "bundle"
    publishing.publish_leak(leak, out, key=KEY, synthetic=True)
    return out


def test_a_bundle_writes_the_box_and_the_annex_listed_in_its_manifest(bundle):
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    annex = bundle / "methodologie-annexe.md"
    assert manifest["files"]["methodologie-annexe.md"] == hashlib.sha256(
        annex.read_bytes()).hexdigest()  # fmt: skip
    assert word_count((bundle / "methodologie.md").read_text(encoding="utf-8")) <= BOX_WORDS
