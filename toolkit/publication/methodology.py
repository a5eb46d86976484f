"""The French methodology of a publication bundle: a box (``methodologie.md``) and its annex.

The box is written for the "méthodologie" box of an article: at most :data:`BOX_WORDS` words
with the figures that matter (persons, labs, period, how residences were placed, the threshold,
what was hidden). The annex (``methodologie-annexe.md``) gives the whole method: what the file
is, what was counted, what was masked and why, the limits, how to reproduce. Both are built from
the ``note.*`` sentences of the text catalogue (``toolkit.shared.text``) filled with the
bundle's own figures, written by the formatter (``toolkit.shared.formatting``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from toolkit.publication.disclosure import DEFAULT_K
from toolkit.shared.formatting import decimal, month_long, number, percent_text
from toolkit.shared.text import enumeration, plural, text

#: The most words the box may have (an article's methodology box), counted by :func:`word_count`.
BOX_WORDS = 250

#: The categories the box names with their share of persons (identity theft, accounts, health).
BOX_CATEGORIES: tuple[str, ...] = ("nir", "password", "blood_group")

#: The most sensitive categories, in the order the note names them with their share of persons
#: (each has a ``note.sensitive_first.<category>`` and a ``note.sensitive_next.<category>`` text).
SENSITIVE_CATEGORIES: tuple[str, ...] = (
    "nir", "phone_landline", "phone_mobile", "email", "password", "blood_group",
)  # fmt: skip


@dataclass(frozen=True)
class PublishedCount:
    """A count of persons as a bundle publishes it: its value, or hidden with its marker."""

    #: The published value (None when hidden).
    value: int | None
    hidden: bool = False
    #: Hidden under the "secret" marker (some cell of its table hides another): it may then be
    #: any number, and the note says no more than that.
    secret: bool = False


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
    #: (category, share of persons) of the :data:`SENSITIVE_CATEGORIES`, in that order.
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
    #: The differential-privacy budget this release spends (all its tables and its total).
    epsilon_spent: float | None = None
    synthetic: bool = False
    #: The investigation's title and source line (``toolkit.shared.case``), quoted under the
    #: note's title; empty: not quoted.
    case_title: str = ""
    case_source: str = ""
    #: Figures not published, each with its reason in brackets, in French.
    left_out: Sequence[str] = field(default_factory=list)
    #: The persons of the records without a lab, and of those without a usable sample date, as
    #: the published tables give them (their cell of unknown lab, of unknown month); None when
    #: no such cell is published.
    without_lab: PublishedCount | None = None
    without_sample_date: PublishedCount | None = None
    #: The tables of earlier releases of the same file this one was protected with.
    earlier_tables: int = 0
    #: The verdict of the signs of fabrication, a French sentence (``verify``'s
    #: ``fabrication.verdict.fr``), when the raw leak was verified; it holds no count.
    fabrication: str | None = None
    #: The persons whose residence was known by its postcode only (in at least one record),
    #: placed on the postcode's most populous commune, as published (hidden below k, rounded as
    #: the tables are); None when not known. Under differential privacy (``epsilon``)
    #: no count: the note says how such residences are placed, whether there are any or not.
    placed_by_postcode: PublishedCount | None = None


#: What the note writes for a figure it does not know (a month or a share missing).
UNKNOWN = "?"


def _month(day: dt.date | None) -> str:
    return UNKNOWN if day is None else month_long(day)


def _share(share: float) -> str:
    # Never a rounded-up "100 %" for a share that is not whole: "plus de 99 %".
    return percent_text(share, bounded=True)


def _shares(shares: Sequence[tuple[str, float]],
            categories: Sequence[str] = SENSITIVE_CATEGORIES) -> str:
    """ "le numéro de sécurité sociale de 99 % des personnes, un téléphone fixe pour 55 %…" """
    parts = [
        text(f"note.sensitive_{'first' if i == 0 else 'next'}.{category}", share=_share(share))
        for i, (category, share) in enumerate(s for s in shares if s[0] in categories)
    ]
    return enumeration(parts) if parts else text("note.sensitive_none")


def _persons(count: PublishedCount, k: int) -> str:
    """ "1 234 personnes", "moins de 11 personnes", or that the number is kept secret."""
    if count.hidden:
        return text("note.persons_secret") if count.secret else text("note.persons_fewer", k=k)
    value = count.value or 0
    return plural("note.persons", value, n=number(value))


def _file_sentence(f: NoteFacts) -> str:
    """What the file is: rows, persons, labs and period (the last two only when known)."""
    known = f.first_month is not None and f.last_month is not None
    if f.labs >= 2 and known:
        return text(
            "note.file", rows=number(f.rows), persons=number(f.persons), labs=f.labs,
            first_month=_month(f.first_month), last_month=_month(f.last_month),
        )  # fmt: skip
    labs = plural("note.file_labs", f.labs, labs=f.labs) if f.labs else ""
    period = text(
        "note.file_period", first_month=_month(f.first_month), last_month=_month(f.last_month)
    ) if known else ""  # fmt: skip
    return text("note.file_start", rows=number(f.rows), persons=number(f.persons), labs=labs,
                period=period)  # fmt: skip


def _placed_by_postcode(f: NoteFacts) -> list[str]:
    """The persons placed on their postcode's most populous commune, said when there are any."""
    count = f.placed_by_postcode
    if f.epsilon is not None:  # no count under differential privacy: the method only
        return [text("note.placed_by_postcode_method")]
    if count is None or not (count.hidden or count.value):
        return []
    if count.hidden:
        return [plural("note.placed_by_postcode", f.k,
                       n=text("note.placed_by_postcode_fewer", k=f.k))]  # fmt: skip
    value = count.value or 0
    return [plural("note.placed_by_postcode", value, n=number(value))]


def _rule(f: NoteFacts) -> list[str]:
    """The threshold, compared with the usual one (11, the ATIH's and the CASD's)."""
    threshold = (
        text("note.threshold_usual") if f.k == DEFAULT_K
        else text("note.threshold_higher") if f.k > DEFAULT_K
        else ""
    )  # fmt: skip
    rule = [text("note.masked_rule", k=f.k, k_minus=f.k - 1, threshold=threshold)]
    return rule + ([text("note.small_k", k=f.k)] if f.k < DEFAULT_K else [])


def _masked_count(f: NoteFacts) -> str:
    if f.suppressed:
        return text("note.masked_count", suppressed=number(f.suppressed), cells=number(f.cells),
                    tables=f.tables)  # fmt: skip
    return text("note.masked_count_none", cells=number(f.cells), tables=f.tables)


def _heading(f: NoteFacts, title: str) -> list[str]:
    """The title, then the investigation (its title and source line) when there is one."""
    paragraphs = [title]
    if f.case_title:
        paragraphs.append(text("note.case", title=f.case_title.rstrip("."),
                               source=f.case_source.rstrip(".")))  # fmt: skip
    return paragraphs


def word_count(markdown: str) -> int:
    """The words of a text as a reader counts them (« d'un » and « 1 234 » are one word each).

    >>> word_count("**Le fichier.** Il décrit 1\u00a0234 personnes d'un laboratoire\u00a0: voilà.")
    9
    """
    return len(re.findall(r"\d+(?:[\u00a0\u202f]\d{3})*(?:,\d+)?|\w[\w'’-]*", markdown))


def methodology_note(facts: NoteFacts) -> str:
    """The box as Markdown (at most :data:`BOX_WORDS` words): the figures that matter.

    Persons, labs and period, the sensitive data they expose, how residences were placed
    (including the rows placed on their postcode's most populous commune), the threshold and
    what was hidden, and where the whole method is (:func:`methodology_annex`).
    """
    f = facts
    paragraphs = _heading(f, text("note.title"))
    if f.synthetic:
        paragraphs.append(text("note.box_synthetic"))
    place = (
        [] if f.located_share is None
        else [text("note.box_place", located=_share(f.located_share))]
    )
    protection = [*_rule(f), _masked_count(f)]
    if f.rounding:
        protection.append(text("note.box_rounding", rounding=f.rounding))
    if f.epsilon is not None:
        protection.append(text("note.box_dp", epsilon=decimal(f.epsilon)))
    paragraphs += [
        " ".join([
            _file_sentence(f),
            text("note.box_persons",
                 sensitive_shares=_shares(f.sensitive_shares, BOX_CATEGORIES)),
            *place, *_placed_by_postcode(f),
        ]),
        " ".join(protection),
        " ".join([text("note.box_mentions"),
                  *([text("note.limits_left_out", figures=enumeration(f.left_out))]
                    if f.left_out else [])]),
        text("note.box_more"),
    ]  # fmt: skip
    return "\n\n".join(paragraphs) + "\n"


def _missing(f: NoteFacts) -> list[str]:
    """What the file does not say: no lab or no usable date anywhere, or on some records (with
    the persons concerned as published, never a count below k)."""
    said = []
    if f.labs == 0:
        said.append(text("note.no_lab"))
    elif f.without_lab is not None and (f.without_lab.hidden or f.without_lab.value):
        said.append(text("note.missing_lab", persons=_persons(f.without_lab, f.k)))
    if f.first_month is None:
        said.append(text("note.no_sample_date"))
    elif f.without_sample_date is not None and (
        f.without_sample_date.hidden or f.without_sample_date.value
    ):
        said.append(text("note.missing_sample_date",
                         persons=_persons(f.without_sample_date, f.k)))  # fmt: skip
    return said


def methodology_annex(facts: NoteFacts) -> str:
    """The annex as Markdown: the whole method, in short paragraphs of French prose."""
    f = facts
    file_par = [_file_sentence(f)]
    if f.quarantined is not None:
        if f.quarantined == 0:
            file_par.append(text("note.quarantined_none"))
        else:
            file_par.append(
                plural("note.quarantined", f.quarantined, quarantined=number(f.quarantined))
            )
    file_par += _missing(f)
    if f.fabrication:
        file_par.append(text("note.fabrication", verdict=f.fabrication))
    counted = [
        text("note.counted_persons"),
        text("note.counted_place_unknown") if f.located_share is None
        else text("note.counted_place", located=_share(f.located_share)),
        *_placed_by_postcode(f),
        text("note.counted_categories", sensitive_shares=_shares(f.sensitive_shares)),
        text("note.counted_mentions"),
    ]
    masked = [*_rule(f), text("note.masked_zeros")]
    if f.secondary:
        masked.append(text("note.masked_secondary", k=f.k, k_minus=f.k - 1))
    masked.append(_masked_count(f))
    if f.rounding:
        masked.append(text("note.masked_rounding", rounding=f.rounding))
    if f.epsilon is not None:
        masked.append(text("note.masked_dp", epsilon=decimal(f.epsilon),
                           spent=decimal(f.epsilon_spent or f.epsilon)))  # fmt: skip
    limits = [
        text("note.limits_releases"),
        *([text("note.limits_earlier", tables=plural("note.limits_earlier_tables",
                                                     f.earlier_tables, n=number(f.earlier_tables)))]
          if f.earlier_tables else []),
        text("note.limits_linking"),
        text("note.limits_place"),
        text("note.limits_mentions"),
        text("note.limits_file"),
    ]
    if f.left_out:
        limits.append(text("note.limits_left_out", figures=enumeration(f.left_out)))
    reproduce = text("note.reproduce", version=f.version, sha256_short=f.sha256[:16])
    paragraphs = _heading(f, text("note.annex_title"))
    if f.synthetic:
        paragraphs.append(text("note.synthetic"))
    paragraphs += [
        " ".join([text("note.file_heading"), *file_par]),
        " ".join([text("note.counted_heading"), *counted]),
        " ".join([text("note.masked_heading"), *masked]),
        " ".join([text("note.limits_heading"), *limits]),
        " ".join([text("note.reproduce_heading"), reproduce]),
    ]
    return "\n\n".join(paragraphs) + "\n"
