"""Text folding: the one way the toolkit compares French words, names and headers.

Exports are typed fast and by many hands: capitals, missing accents, ligatures, punctuation in
odd places. Every comparison of text (a health mention in a comment, a commune name against the
gazetteer, a surname the tripwire searches, a column header) therefore runs on *folded* text.
The functions are Polars expressions, so that folding runs vectorised over millions of cells.

>>> import polars as pl
>>> pl.select(fold(pl.lit("BÉBÉ Cœur"))).item()
'bebe coeur'
>>> pl.select(fold_text(pl.lit("Tél. Domicile"))).item()
'tel domicile'
>>> pl.select(fold_commune(pl.lit("St-Brieuc"))).item()
'saint brieuc'
>>> pl.select(fold(pl.lit("ÆLIS Œuvre"))).item()
'aelis oeuvre'
>>> pl.select(fold_text(pl.lit("  N° de sécurité sociale (NIR) "))).item()
'n de securite sociale nir'
>>> communes = pl.Series(["Ste-Anne-d'Auray", "L'Hermitage"])
>>> pl.select(fold_commune(pl.lit(communes))).to_series().to_list()
['sainte anne d auray', 'hermitage']
>>> names = pl.DataFrame({"name": ["Émilie", "EMILIE", "emilie"]})
>>> names.select(fold(pl.col("name")).n_unique()).item()
1
"""

from __future__ import annotations

import polars as pl


def fold(text: pl.Expr) -> pl.Expr:
    """Lower-case, strip accents and spell out ligatures, so that "BÉBÉ", "bebe", "Bébé" match."""
    return (
        text.str.to_lowercase()
        .str.replace_all("œ", "oe", literal=True)
        .str.replace_all("æ", "ae", literal=True)
        .str.normalize("NFKD")
        .str.replace_all(r"\p{Mn}", "")
    )


def fold_text(text: pl.Expr) -> pl.Expr:
    """:func:`fold`, then punctuation to single spaces: "Tél. Domicile" -> "tel domicile"."""
    return fold(text).str.replace_all(r"[^a-z0-9]+", " ").str.strip_chars()


def fold_commune(name: pl.Expr) -> pl.Expr:
    """Fold a commune name for matching: accents, case, hyphens, "St"/"Ste" abbreviations."""
    return (
        fold_text(name)
        .str.replace_all(r"\bste\b", "sainte")
        .str.replace_all(r"\bst\b", "saint")
        .str.replace_all(r"^(le|la|les|l) ", "")
    )


__all__ = ["fold", "fold_commune", "fold_text"]
