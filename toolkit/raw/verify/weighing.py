"""The verification's conclusion on authenticity, in a few sentences a fact-checker can paste.

The report holds two kinds of evidence. The authenticity indicators (``VerifyReport.indicators``)
say whether the file follows the rules a forger must learn (NIR keys, postcodes, the phone plan);
the signs of fabrication (``sections["fabrication"]``, :mod:`toolkit.raw.verify.authenticity`)
say whether it shows the regularities a forger rarely reproduces. :func:`conclusion` weighs both:
what points to a genuine file, what points to fabrication, then a verdict and its limit. A file
is never called genuine: at best, nothing in the tests run tells it apart from a real one.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.raw.verify.report import VerifyReport
from toolkit.shared.formatting import number, percent_text
from toolkit.shared.text import enumeration, plural, text
from toolkit.shared.vocabulary import Lang

#: Indicators a genuine file passes: at or above ``PASSED`` % they point to a genuine file,
#: below ``FAILED`` % to a fabricated one (a random NIR has a valid key once in 97).
RULES = ("nir_valid_key", "nir_consistent", "postcode_exists", "postcode_commune", "phones_valid")
PASSED = 90.0
FAILED = 50.0
#: Indicators a genuine file almost never shows (numbers reserved for fiction, reserved e-mail
#: domains): above ``PLANTED`` % they point to fabrication.
PLANTED_SIGNS = ("phones_fiction", "email_reserved")
PLANTED = 1.0
#: Signs of fabrication from which the file is said to look fabricated (one alone is a doubt).
FABRICATED_FROM = 2

VERDICTS = ("fabricated", "doubtful", "consistent", "undetermined")


@dataclass(frozen=True)
class Weighing:
    """The evidence sorted: readings for a genuine file, readings for fabrication, the verdict."""

    genuine: list[str]
    fabricated: list[str]
    signs: int
    verdict: str


def weigh(report: VerifyReport, lang: Lang = "fr") -> Weighing:
    """Sort the report's indicators and signs of fabrication into evidence, and choose a verdict.

    The verdict is ``fabricated`` from ``FABRICATED_FROM`` signs on (a sign of the battery, an
    indicator failed, numbers or domains reserved for fiction), ``doubtful`` with one,
    ``consistent`` with none, ``undetermined`` when nothing could be measured.
    """
    genuine, fabricated = [], []
    for indicator in report.indicators:
        reading = text(f"verify.conclusion.indicator.{indicator['id']}", lang,
                       p=percent_text(indicator["percent"], lang, digits=1, points=True,
                                      bounded=True))  # fmt: skip
        value = indicator["percent"]
        if indicator["id"] in RULES and value >= PASSED:
            genuine.append(reading)
        elif (indicator["id"] in RULES and value < FAILED) or (
            indicator["id"] in PLANTED_SIGNS and value > PLANTED
        ):
            fabricated.append(reading)
    battery = report.sections.get("fabrication", {})
    tests = battery.get("tests", [])
    flagged = [text("verify.conclusion.quoted", lang,
                    name=text(f"fabrication.{test['id']}.name", lang))
               for test in tests if test["flagged"]]  # fmt: skip
    signs = len(fabricated) + len(flagged)
    if flagged:
        fabricated.append(plural("verify.conclusion.tests_flagged", len(flagged), lang,
                                 tests=enumeration(flagged, lang)))  # fmt: skip
    clear = [t for t in tests if t["flagged"] is False]
    if clear:
        genuine.append(plural("verify.conclusion.tests_clear", len(clear), lang,
                              n=number(len(clear), lang)))  # fmt: skip
    if not battery.get("measured") and not report.indicators:
        verdict = "undetermined"
    elif signs >= FABRICATED_FROM:
        verdict = "fabricated"
    else:
        verdict = "doubtful" if signs else "consistent"
    return Weighing(genuine, fabricated, signs, verdict)


def conclusion(report: VerifyReport, lang: Lang = "fr") -> str:
    """The verification's conclusion in 3 or 4 sentences: what points to a genuine file, what
    points to fabrication, the verdict, and what these tests cannot establish."""
    found = weigh(report, lang)
    return " ".join([
        text("verify.conclusion.genuine", lang, evidence=enumeration(found.genuine, lang))
        if found.genuine else text("verify.conclusion.genuine_none", lang),
        text("verify.conclusion.fabricated", lang, evidence=enumeration(found.fabricated, lang))
        if found.fabricated else text("verify.conclusion.fabricated_none", lang),
        text(f"verify.conclusion.verdict.{found.verdict}", lang),
        text("verify.conclusion.limit", lang),
    ])  # fmt: skip


__all__ = ["FABRICATED_FROM", "VERDICTS", "Weighing", "conclusion", "weigh"]
