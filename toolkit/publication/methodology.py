"""The French methodology note of a publication bundle (``methodologie.md``).

Written for the "méthodologie" box of an article: what the file is, what was counted, what was
masked and why, the limits. The note is built from the sentence templates of the text catalogue
(``toolkit.shared.text.NOTE_TEMPLATES``) filled with the bundle's own figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from toolkit.shared.text import MONTHS_FR, NOTE_SENSITIVE, NOTE_TEMPLATES


@dataclass
class NoteFacts:
    """The figures the note quotes (all counts, no personal data)."""

    rows: int
    persons: int
    labs: int
    first_month: dt.date | None
    last_month: dt.date | None
    quarantined: int | None
    located_share: float | None
    #: (category, share of persons) of the categories in :data:`NOTE_SENSITIVE`, in that order.
    sensitive_shares: Sequence[tuple[str, float]]
    k: int
    suppressed: int
    cells: int
    tables: int
    version: str
    sha256: str
    secondary: bool = True
    rounding: int | None = None
    epsilon: float | None = None
    synthetic: bool = False
    #: Figures not published, each with its reason in brackets, in French.
    left_out: Sequence[str] = field(default_factory=list)


def number_fr(n: int) -> str:
    """A whole number the French way: 491 840 (no-break space between thousands)."""
    return f"{n:,}".replace(",", "\u00a0")


def month_fr(day: dt.date | None) -> str:
    """A month written out in French: "janvier 2015"."""
    return "?" if day is None else f"{MONTHS_FR[day.month - 1]} {day.year}"


def _join_fr(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


def percent_fr(share: float) -> str:
    """A share as a French percentage; "plus de 99 %" rather than a rounded-up "100 %"."""
    if 0.99 < share < 1:
        return "plus de 99\u00a0%"
    if 0 < share < 0.01:
        return "moins de 1\u00a0%"
    return f"{share * 100:.0f}\u00a0%"


def _shares_fr(shares: Sequence[tuple[str, float]]) -> str:
    """ "le numéro de sécurité sociale de 99 % des personnes, un téléphone fixe pour 55 %…" """
    parts = [
        NOTE_SENSITIVE[category][0 if i == 0 else 1].format(share=percent_fr(share))
        for i, (category, share) in enumerate(s for s in shares if s[0] in NOTE_SENSITIVE)
    ]
    return _join_fr(parts) if parts else "aucune de ces données"


def methodology_note(facts: NoteFacts) -> str:
    """The note as Markdown: short paragraphs of French prose, ready for the article's box."""
    t = NOTE_TEMPLATES
    f = facts
    file_par = [t["file"].format(
        rows=number_fr(f.rows), persons=number_fr(f.persons), labs=f.labs,
        first_month=month_fr(f.first_month), last_month=month_fr(f.last_month),
    )]  # fmt: skip
    if f.quarantined is not None:
        if f.quarantined == 0:
            file_par.append(t["quarantined_none"])
        elif f.quarantined == 1:
            file_par.append(t["quarantined_one"])
        else:
            file_par.append(t["quarantined_many"].format(quarantined=number_fr(f.quarantined)))
    if f.synthetic:
        file_par.append(t["synthetic"])
    located = "?" if f.located_share is None else percent_fr(f.located_share)
    counted = [
        t["counted_persons"],
        t["counted_place"].format(located=located),
        t["counted_categories"].format(sensitive_shares=_shares_fr(f.sensitive_shares)),
        t["counted_mentions"],
    ]
    masked = [t["masked_rule"].format(k=f.k, k_minus=f.k - 1)]
    if f.secondary:
        masked.append(t["masked_secondary"])
    if f.suppressed:
        masked.append(t["masked_count"].format(
            suppressed=number_fr(f.suppressed), cells=number_fr(f.cells), tables=f.tables))
    else:
        masked.append(t["masked_count_none"].format(cells=number_fr(f.cells), tables=f.tables))
    if f.rounding:
        masked.append(t["masked_rounding"].format(rounding=f.rounding))
    if f.epsilon is not None:
        masked.append(t["masked_dp"].format(epsilon=str(f.epsilon).replace(".", ",")))
    limits = [t["limits_linking"], t["limits_place"], t["limits_mentions"], t["limits_file"]]
    if f.left_out:
        limits.append(
            t["limits_left_out"].format(figures=_join_fr(f.left_out))
        )
    reproduce = t["reproduce"].format(version=f.version, sha256_short=f.sha256[:16])
    paragraphs = [
        t["title"],
        " ".join([t["file_heading"], *file_par]),
        " ".join([t["counted_heading"], *counted]),
        " ".join([t["masked_heading"], *masked]),
        " ".join([t["limits_heading"], *limits]),
        " ".join([t["reproduce_heading"], reproduce]),
    ]
    return "\n\n".join(paragraphs) + "\n"
