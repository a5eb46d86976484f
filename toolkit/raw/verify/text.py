"""The verification report as French text for people: counts only, category keys in English.

One block per data category found in the leak (``[nir]``, ``[sex]``, ``[postcode]``...), then
the authenticity indicators and, when given, the published claims with their verdicts.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from toolkit.raw.claims import VERDICT_LABELS_FR, format_value
from toolkit.raw.verify import authenticity
from toolkit.raw.verify.report import VerifyReport
from toolkit.shared.formatting import number
from toolkit.shared.text import enumeration, text, texts
from toolkit.shared.typography import french_spacing
from toolkit.shared.vocabulary import category_label

#: The row counts of the ``gaps`` section, in the order the report gives them.
_GAPS = ("rows_without_lab", "rows_without_sample_date", "rows_without_sex",
         "rows_without_residence")  # fmt: skip


def _n(value: Any) -> str:
    """A count as every French figure and note writes it (no-break space), "-" when unknown."""
    return "-" if value is None else number(int(value))


def report_text(report: VerifyReport, claims: pl.DataFrame | None = None) -> str:
    """A readable verification report in French (category keys in English), counts only.

    Every word comes from the text catalogue (``verify.report.*``), with French typography; the
    claims' own words and sources are given their no-break spaces too.
    """
    s = report.sections
    out = [text("verify.report.rows", n=_n(s["rows"]))]
    persons = s["persons"]
    out.append(text("verify.report.persons", persons=_n(persons["distinct_persons"]),
                    duplicates=_n(persons["duplicate_rows"])))  # fmt: skip
    if "nir" in s:
        nir = s["nir"]
        out += [
            "",
            f"[nir] {text('verify.report.nir.title')}",
            "  " + text("verify.report.nir.keys", filled=_n(nir["filled"]),
                        valid_key=_n(nir["valid_key"]),
                        bad_format=_n(nir["invalid"]["bad_format"]),
                        bad_key=_n(nir["invalid"]["bad_key"])),
            "  " + text("verify.report.nir.consistency", sex=_n(nir["sex"]["consistent"]),
                        sex_checked=_n(nir["sex"]["checked"]),
                        birth=_n(nir["birth_date"]["consistent"]),
                        birth_checked=_n(nir["birth_date"]["checked"]),
                        departement=_n(nir["departement_plausible"])),
            "  " + text("verify.report.nir.distinct", distinct=_n(nir["distinct_valid"]),
                        sharing=_n(nir["rows_sharing_a_nir"])),
        ]  # fmt: skip
    if "sex" in s:
        sex = s["sex"]
        out += ["", f"[sex] {text('verify.report.sex.title')}",
                "  " + text("verify.report.sex.counts", female=_n(sex["female"]),
                            male=_n(sex["male"]),
                            unrecognised=_n(sex["unrecognised"]))]  # fmt: skip
    if "birth_date" in s:
        d = s["birth_date"]
        out += ["", f"[birth_date] {text('verify.report.birth_date.title')}",
                "  " + text("verify.report.birth_date.counts", **_date_counts(d),
                            first=d["years"][0], last=d["years"][1])]  # fmt: skip
    if "sample_date" in s:
        d = s["sample_date"]
        out += ["", f"[sample_date] {text('verify.report.sample_date.title')}",
                "  " + text("verify.report.sample_date.counts", **_date_counts(d),
                            first=d["first_month"], last=d["last_month"])]  # fmt: skip
        if d["by_year"]:
            years = ", ".join(f"{y} {_n(n)}" for y, n in d["by_year"].items())
            out.append("  " + text("verify.report.sample_date.by_year", years=years))
    if "postcode" in s:
        p = s["postcode"]
        if "exist" in p:
            line = text("verify.report.postcode.checked", filled=_n(p["filled"]),
                        well_formed=_n(p["well_formed"]), exist=_n(p["exist"]),
                        consistent=_n(p["commune_consistent"]),
                        checked=_n(p["commune_checked"]))  # fmt: skip
        else:
            line = text("verify.report.postcode.unchecked", filled=_n(p["filled"]),
                        well_formed=_n(p["well_formed"]))  # fmt: skip
        out += ["", f"[postcode] {text('verify.report.postcode.title')}", f"  {line}"]
    if "phones" in s:
        t = s["phones"]["total"]
        out += ["", f"[phone] {text('verify.report.phone.title')}",
                "  " + text("verify.report.phone.counts", landline=_n(t["landline"]),
                            mobile=_n(t["mobile"]), special=_n(t["special"]),
                            invalid=_n(t["invalid"]), fiction=_n(t["fiction"]))]  # fmt: skip
    if "email" in s:
        cols = s["email"]["columns"].values()
        out += ["", f"[email] {text('verify.report.email.title')}",
                "  " + text("verify.report.email.counts",
                            filled=_n(sum(c["filled"] for c in cols)),
                            valid=_n(sum(c["valid"] for c in cols)),
                            reserved=_n(sum(c["reserved_domain"] for c in cols)),
                            undeliverable=_n(sum(c["undeliverable"] for c in cols)),
                            distinct=_n(s["email"]["distinct_valid"]))]  # fmt: skip
    if "doctor" in s:
        out += ["", f"[doctor] {text('verify.report.doctor.title')}",
                "  " + text("verify.report.doctor.counts", filled=_n(s["doctor"]["filled"]),
                            emails=_n(s["doctor"]["distinct_emails"]))]  # fmt: skip
    if "blood_group" in s:
        b = s["blood_group"]
        out += ["", f"[blood_group] {text('verify.report.blood_group.title')}",
                "  " + text("verify.report.blood_group.counts", filled=_n(b["filled"]),
                            valid=_n(b["valid"]))]  # fmt: skip
    if "comment" in s:
        c = s["comment"]
        out += ["", f"[comment] {text('verify.report.comment.title')}",
                "  " + text("verify.report.comment.counts", rows=_n(c["rows_with_text"]),
                            enfant=_n(c["rows_with_enfant"]),
                            bebe=_n(c["rows_with_bebe"]))]  # fmt: skip
    if "labs" in s:
        out += ["", f"[lab] {text('verify.report.lab.title')}",
                "  " + text("verify.report.lab.counts", distinct=_n(s["labs"]["distinct"]))]
    out += _gaps_text(s.get("gaps", {}))
    others = [c for c in ("surname", "first_name", "birth_name", "password", "login", "address",
                          "insurer") if c in s]
    if others:
        out += ["", text("verify.report.others_heading")]
        out += [f"  [{c}] {_n(s[c]['filled'])}" for c in others]
    if report.indicators:
        out += ["", text("verify.report.indicators_heading")]
        out += [f"  - {ind['fr']}" for ind in report.indicators]
    out += _fabrication_text(s.get("fabrication"))
    if claims is not None:
        out += ["", text("verify.report.claims_heading")]
        for row in claims.iter_rows(named=True):
            out.append("  " + text(
                "verify.report.claim", verdict=f"{VERDICT_LABELS_FR[row['verdict']]:<14}",
                claim=french_spacing(row["claim"]), source=french_spacing(row["source"]),
                measured=format_value(row["metric"], row["measured"]),
            ))  # fmt: skip
    return "\n".join(out)


def _date_counts(d: dict[str, Any]) -> dict[str, str]:
    """The counts of a date block: cells filled, read, unreadable, out of range."""
    return {"filled": _n(d["filled"]), "parsed": _n(d["parsed"]), "unparsed": _n(d["unparsed"]),
            "out_of_range": _n(d["out_of_range"])}  # fmt: skip


def _gaps_text(gaps: dict[str, Any]) -> list[str]:
    """The rows that lack a lab, a usable date, a sex or a residence, and the columns not found.

    Nothing when nothing is missing: a clean file's report is unchanged.
    """
    lines = [f"  {text(f'verify.gaps.{name}', n=number(gaps[name]))}"
             for name in _GAPS if gaps.get(name)]  # fmt: skip
    if gaps.get("columns_not_found"):
        labels = [category_label(c, "fr") for c in gaps["columns_not_found"]]
        lines.append(f"  {text('verify.gaps_not_found', categories=enumeration(labels))}")
    return ["", text("verify.gaps_heading"), *lines] if lines else []


def fabrication_table(report: VerifyReport, lang: str = "fr") -> pl.DataFrame:
    """The signs of fabrication as a table for a notebook: one row per test, in ``lang``.

    Columns (their labels from ``fabrication.column.*``): test, value, threshold, rows, result,
    what the test can show and what it cannot. A test not measured has no value nor result.
    """
    labels = texts("fabrication.column", lang)
    rows = []
    for test in report.sections.get("fabrication", {}).get("tests", []):
        measured = test["value"] is not None
        rows.append({
            labels["test"]: text(f"fabrication.{test['id']}.name", lang),
            labels["value"]: authenticity.shown(test["id"], test["value"], lang)
            if measured else None,
            labels["threshold"]: authenticity.threshold_text(test["id"], lang),
            labels["rows"]: number(test["rows"], lang),
            labels["result"]: text("fabrication.flagged" if test["flagged"]
                                   else "fabrication.clear", lang) if measured else None,
            labels["can"]: test[f"can_{lang}"],
            labels["cannot"]: test[f"cannot_{lang}"],
        })
    return pl.DataFrame(rows, schema=dict.fromkeys(labels.values(), pl.String), orient="row")


def _fabrication_text(fabrication: dict[str, Any] | None) -> list[str]:
    """The signs of fabrication: one line per test, then the verdict."""
    if not fabrication:
        return []
    lines = ["", text("fabrication.heading")]
    lines += [f"  - {test['fr']}" for test in fabrication["tests"]]
    lines.append(f"  {fabrication['verdict']['fr']}")
    if fabrication.get("context"):
        lines += ["", text("fabrication.context_heading")]
        lines += [f"  - {entry['fr']}" for entry in fabrication["context"]]
    return lines
