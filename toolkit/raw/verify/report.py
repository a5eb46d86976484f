"""A verification's report: its counts arranged into sections, flat metrics and indicators.

``VerifyReport.sections`` holds one section per data category found in the leak (cells filled,
valid, invalid and why), plus persons, labs and columns; ``.metrics`` the flat figures that the
published claims are checked against (``toolkit.raw.claims``, which adds the shares of residents
in the case's départements); ``.indicators`` the authenticity
indicators, each a percentage with a plain-words reading in French and English (a random
15-digit number has a valid NIR key once in 97; a made-up file uses reserved phone blocks and
email domains...); ``sections["fabrication"]`` the signs of fabrication and their verdict
(``toolkit.raw.verify.authenticity``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from toolkit.raw import french, health
from toolkit.raw.schema import Schema
from toolkit.raw.verify import authenticity
from toolkit.raw.verify.counts import Counts
from toolkit.raw.verify.derived_columns import Roles
from toolkit.shared.formatting import decimal
from toolkit.shared.text import LANGUAGES, text

#: The categories the later stages read (persons, sex, age, period, residence, labs, health
#: mentions): the report names those no column of the leak holds (``gaps.columns_not_found``).
NEEDED_CATEGORIES = ("nir", "sex", "birth_date", "sample_date", "postcode", "lab", "comment")


@dataclass
class VerifyReport:
    """Counts per category (``sections``), flat figures for the claims checker (``metrics``)."""

    sections: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, float | None] = field(default_factory=dict)
    indicators: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready report: one section per category, plus the authenticity indicators."""
        return {**self.sections, "authenticity": self.indicators}


def _share(part: float | None, whole: float | None) -> float | None:
    """``part / whole``, or None when either is unknown or ``whole`` is zero."""
    if part is None or not whole:
        return None
    return part / whole


def _pct(part: float | None, whole: float | None) -> float | None:
    """``part`` as a percentage of ``whole``, rounded to two decimals (None when undefined)."""
    share = _share(part, whole)
    return None if share is None else round(100 * share, 2)


def build_report(schema: Schema, role: Roles, counts: Counts) -> VerifyReport:
    """Arrange the raw counts into sections, metrics and indicators."""
    t = counts.totals
    rows = t["rows"]
    s: dict[str, Any] = {"rows": rows}
    s["columns"] = {
        c.name: {"category": c.category, "filled": t[f"filled.{c.name}"]} for c in schema.columns
    }
    m: dict[str, float | None] = {"rows": rows}

    def filled(category: str) -> int | None:
        cols = schema.columns_of(category)
        return sum(t[f"filled.{c}"] for c in cols) if cols else None

    if role["nir"]:
        f = t["nir.filled"]
        s["nir"] = {
            "column": role["nir"],
            "filled": f,
            "well_formed": t["nir.well_formed"],
            "valid_key": t["nir.valid_key"],
            "invalid": {
                "bad_format": f - t["nir.well_formed"],
                "bad_key": t["nir.well_formed"] - t["nir.valid_key"],
            },
            "sex": {"checked": t["nir.sex_checked"], "consistent": t["nir.sex_consistent"],
                    "inconsistent": t["nir.sex_checked"] - t["nir.sex_consistent"]},
            "birth_date": {"checked": t["nir.birth_checked"],
                           "consistent": t["nir.birth_consistent"],
                           "inconsistent": t["nir.birth_checked"] - t["nir.birth_consistent"]},
            "departement_plausible": t["nir.departement_plausible"],
            "departement_implausible": t["nir.valid_key"] - t["nir.departement_plausible"],
            "fully_consistent": t["nir.fully_consistent"],
            "distinct_valid": t["nir.distinct_valid"],
            "rows_sharing_a_nir": t["nir.rows_sharing_a_nir"],
        }
        m["nir_present"] = f
        m["nir_valid_key_pct"] = _pct(t["nir.valid_key"], f)
    if role["sex"]:
        f = t[f"filled.{role['sex']}"]
        s["sex"] = {"column": role["sex"], "filled": f, "female": t["sex.female"],
                    "male": t["sex.male"], "unrecognised": f - t["sex.recognised"]}
        m["women"], m["men"] = t["sex.female"], t["sex.male"]
    for cat in ("birth_date", "sample_date"):
        if role[cat]:
            f = t[f"filled.{role[cat]}"]
            s[cat] = {"column": role[cat], "filled": f, "parsed": t[f"{cat}.parsed"],
                      "unparsed": f - t[f"{cat}.parsed"],
                      "out_of_range": t[f"{cat}.out_of_range"]}
    if role["birth_date"]:
        s["birth_date"]["years"] = [t["birth_date.first_year"], t["birth_date.last_year"]]
    if role["sample_date"]:
        by_month = counts.distributions["by_month"]
        by_year: dict[str, int] = {}
        for month, n in by_month.items():
            by_year[month[:4]] = by_year.get(month[:4], 0) + n
        s["sample_date"].update(
            first_month=min(by_month) if by_month else None,
            last_month=max(by_month) if by_month else None,
            before_birth=t["sample_date.before_birth"],
            by_year=by_year,
            by_month=by_month,
        )
        parsed = t["sample_date.parsed"]
        if by_month:
            m["first_sample_year"] = float(min(by_month)[:4])
            m["last_sample_month"] = float(max(by_month).replace("-", ""))
            m["samples_2018_2019_pct"] = _pct(by_year.get("2018", 0) + by_year.get("2019", 0),
                                              parsed)
    if role["postcode"]:
        f = t[f"filled.{role['postcode']}"]
        well = t["postcode.well_formed"]
        section: dict[str, Any] = {"column": role["postcode"], "filled": f, "well_formed": well,
                                   "malformed": f - well}
        if "postcode.exist" in t:
            section.update(
                exist=t["postcode.exist"],
                not_found=well - t["postcode.exist"],
                commune_checked=t["postcode.commune_checked"],
                commune_consistent=t["postcode.commune_consistent"],
                commune_inconsistent=t["postcode.commune_checked"]
                - t["postcode.commune_consistent"],
            )
        by_dept = counts.distributions["by_departement"]
        section["by_departement"] = by_dept
        # The shares of residents by département are measured against the case's départements
        # (``toolkit.raw.claims.residence_shares``): the file's own counts do not know them.
        s["postcode"] = section
    if role["phones"]:
        per_column = {
            col: {name: t[f"phones.{col}.{name}"] for name in (*french.PHONE_CLASSES, "fiction")}
            for col in role["phones"]
        }
        totals = {name: sum(pc[name] for pc in per_column.values())
                  for name in (*french.PHONE_CLASSES, "fiction")}
        s["phones"] = {
            "columns": per_column,
            "total": totals,
            "rows_with_landline": t["phones.rows_with_landline"],
            "rows_with_mobile": t["phones.rows_with_mobile"],
        }
        m["landlines"], m["mobiles"] = totals["landline"], totals["mobile"]
    if role["emails"]:
        per_column = {}
        for c in role["emails"]:
            f, ok = t[f"filled.{c}"], t[f"email.{c}.valid"]
            per_column[c] = {"filled": f, "valid": ok, "invalid": f - ok,
                             "reserved_domain": t[f"email.{c}.reserved"],
                             "undeliverable": t[f"email.{c}.undeliverable"],
                             "undeliverable_syntax": t[f"email.{c}.undeliverable_syntax"]}
        s["email"] = {"columns": per_column, "distinct_valid": t["email.distinct_emails"],
                      "rows_with_email": t["email.rows_with_email"]}
        m["patient_emails_unique"] = t["email.distinct_emails"]
    if role["doctors"]:
        s["doctor"] = {"columns": role["doctor_columns"], "filled": filled("doctor"),
                       "distinct_emails": t["doctor.distinct_emails"]}
        m["doctor_emails_unique"] = t["doctor.distinct_emails"]
    if role["blood_group"]:
        f = t[f"filled.{role['blood_group']}"]
        s["blood_group"] = {"column": role["blood_group"], "filled": f,
                            "valid": t["blood_group.valid"], "invalid": f - t["blood_group.valid"]}
    if role["comments"]:
        words = {f"rows_with_{w}": t[f"comment.rows_with_{w}"] for w in health.WORD_PATTERNS}
        s["comment"] = {"columns": role["comments"],
                        "rows_with_text": t["comment.rows_with_text"], **words}
        m["enfant_mentions"] = t["comment.rows_with_enfant"]
        m["bebe_mentions"] = t["comment.rows_with_bebe"]
    for cat in ("surname", "first_name", "birth_name", "password", "login", "address", "insurer"):
        if schema.columns_of(cat):
            s.setdefault(cat, {"columns": schema.columns_of(cat), "filled": filled(cat)})
    if role["surname"]:
        m["surnames"] = t[f"filled.{role['surname']}"]
    m["passwords"] = filled("password")
    persons = t["persons.identified"] + t["persons.unidentified"]
    s["persons"] = {
        "rows": rows,
        "distinct_persons": persons,
        "duplicate_rows": rows - persons,
        "rows_identified_by_nir": t["persons.by_nir_rows"],
        "rows_not_identifiable": t["persons.unidentified"],
        "method": "same valid NIR; otherwise same surname + first name + birth date (folded)",
    }
    m["persons"] = persons
    if role["emails"] and persons:
        m["victims_with_email_pct"] = _pct(t["email.rows_with_email"], persons)
    if role["lab"]:
        per_lab = counts.distributions["by_lab"]
        s["labs"] = {"column": role["lab"], "distinct": t["labs.distinct"], "rows_per_lab": per_lab}
        m["labs"] = t["labs.distinct"]
    s["gaps"] = _gaps(role, t, rows)
    s["fabrication"] = authenticity.battery(counts.distributions, t)
    report = VerifyReport(sections=s, metrics=m)
    report.indicators = _indicators(s)
    return report


def _gaps(role: Roles, t: dict[str, Any], rows: int) -> dict[str, Any]:
    """Rows that lack what the later stages read, and the needed categories no column holds.

    A row without a lab is counted under no lab, one without a usable sample date in no month
    (and has no age), one without a usable postcode in no place; counts are given only for the
    categories the leak has a column of.
    """
    gaps: dict[str, Any] = {}
    if role["lab"]:
        gaps["rows_without_lab"] = rows - t["labs.rows_with_lab"]
    if role["sample_date"]:
        gaps["rows_without_sample_date"] = rows - t["sample_date.parsed"]
    if role["sex"]:
        gaps["rows_without_sex"] = rows - t["sex.recognised"]
    if role["postcode"]:
        gaps["rows_without_residence"] = rows - t["postcode.well_formed"]
    found = {c: bool(role["comments"] if c == "comment" else role[c]) for c in NEEDED_CATEGORIES}
    gaps["columns_not_found"] = [c for c in NEEDED_CATEGORIES if not found[c]]
    return gaps


def _indicators(s: dict[str, Any]) -> list[dict[str, Any]]:
    """Authenticity indicators with a plain-words reading in French and English.

    Each reading is the catalogue's ``verify.indicator.<id>``, its share ``{p}`` in percent.
    """
    out: list[dict[str, Any]] = []

    def add(key: str, pct: float | None) -> None:
        if pct is not None:
            reading = {lang: text(f"verify.indicator.{key}", lang, p=decimal(pct, lang, 1))
                       for lang in LANGUAGES}  # fmt: skip
            out.append({"id": key, "percent": pct, **reading})

    nir = s.get("nir")
    if nir:
        add("nir_valid_key", _pct(nir["valid_key"], nir["filled"]))
        add("nir_consistent", _pct(nir["fully_consistent"], nir["valid_key"]))
    postcode = s.get("postcode")
    if postcode and "exist" in postcode:
        add("postcode_exists", _pct(postcode["exist"], postcode["filled"]))
        add("postcode_commune", _pct(postcode["commune_consistent"], postcode["commune_checked"]))
    phones = s.get("phones")
    if phones:
        total = phones["total"]
        filled = sum(total[k] for k in french.PHONE_CLASSES)
        add("phones_valid", _pct(filled - total["invalid"], filled))
        add("phones_fiction", _pct(total["fiction"], filled))
    email = s.get("email")
    if email:
        cols = email["columns"].values()
        add("email_reserved", _pct(sum(c["reserved_domain"] for c in cols),
                                   sum(c["filled"] for c in cols)))
    return out
