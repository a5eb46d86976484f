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
from toolkit.shared.vocabulary import category_label

#: The row counts of the ``gaps`` section, in the order the report gives them.
_GAPS = ("rows_without_lab", "rows_without_sample_date", "rows_without_sex",
         "rows_without_residence")  # fmt: skip


def _n(value: Any) -> str:
    """A count as every French figure and note writes it (no-break space), "-" when unknown."""
    return "-" if value is None else number(int(value))


def report_text(report: VerifyReport, claims: pl.DataFrame | None = None) -> str:
    """A readable verification report in French (category keys in English), counts only."""
    s = report.sections
    out = [f"Lignes : {_n(s['rows'])}"]
    persons = s["persons"]
    out.append(
        f"Personnes distinctes : {_n(persons['distinct_persons'])} "
        f"(lignes en double : {_n(persons['duplicate_rows'])})"
    )
    if "nir" in s:
        nir = s["nir"]
        out += [
            "",
            "[nir] N° de sécurité sociale",
            f"  présents {_n(nir['filled'])}, clé valide {_n(nir['valid_key'])}, "
            f"format faux {_n(nir['invalid']['bad_format'])}, "
            f"clé fausse {_n(nir['invalid']['bad_key'])}",
            f"  sexe concordant {_n(nir['sex']['consistent'])} / {_n(nir['sex']['checked'])}, "
            f"naissance concordante {_n(nir['birth_date']['consistent'])} / "
            f"{_n(nir['birth_date']['checked'])}, "
            f"département plausible {_n(nir['departement_plausible'])}",
            f"  NIR distincts {_n(nir['distinct_valid'])}, "
            f"lignes partageant un NIR {_n(nir['rows_sharing_a_nir'])}",
        ]
    if "sex" in s:
        sex = s["sex"]
        out += ["", "[sex] Sexe", f"  femmes {_n(sex['female'])}, hommes {_n(sex['male'])}, "
                f"non reconnus {_n(sex['unrecognised'])}"]
    for cat, label in (("birth_date", "Date de naissance"), ("sample_date", "Date de prélèvement")):
        if cat in s:
            d = s[cat]
            if cat == "birth_date":
                extra = f", années {d['years'][0]}-{d['years'][1]}"
            else:
                extra = f", de {d['first_month']} à {d['last_month']}"
            out += ["", f"[{cat}] {label}",
                    f"  remplies {_n(d['filled'])}, lues {_n(d['parsed'])}, "
                    f"illisibles {_n(d['unparsed'])}, hors plage {_n(d['out_of_range'])}{extra}"]
            if cat == "sample_date" and d["by_year"]:
                years = ", ".join(f"{y} {_n(n)}" for y, n in d["by_year"].items())
                out.append(f"  par année : {years}")
    if "postcode" in s:
        p = s["postcode"]
        line = f"  remplis {_n(p['filled'])}, bien formés {_n(p['well_formed'])}"
        if "exist" in p:
            line += (f", existants {_n(p['exist'])}, commune cohérente "
                     f"{_n(p['commune_consistent'])} / {_n(p['commune_checked'])}")
        else:
            line += " (référentiel absent : existence non vérifiée)"
        out += ["", "[postcode] Code postal de résidence", line]
    if "phones" in s:
        t = s["phones"]["total"]
        out += ["", "[phone] Téléphones (toutes colonnes)",
                f"  fixes {_n(t['landline'])}, mobiles {_n(t['mobile'])}, "
                f"spéciaux {_n(t['special'])}, invalides {_n(t['invalid'])}, "
                f"dont tranches fiction {_n(t['fiction'])}"]
    if "email" in s:
        cols = s["email"]["columns"].values()
        out += ["", "[email] Adresses e-mail",
                f"  remplies {_n(sum(c['filled'] for c in cols))}, "
                f"valides {_n(sum(c['valid'] for c in cols))}, "
                f"domaines réservés {_n(sum(c['reserved_domain'] for c in cols))}, "
                f"non distribuables {_n(sum(c['undeliverable'] for c in cols))}, "
                f"distinctes {_n(s['email']['distinct_valid'])}"]
    if "doctor" in s:
        out += ["", "[doctor] Médecins",
                f"  cellules remplies {_n(s['doctor']['filled'])}, "
                f"e-mails distincts {_n(s['doctor']['distinct_emails'])}"]
    if "blood_group" in s:
        b = s["blood_group"]
        out += ["", "[blood_group] Groupe sanguin",
                f"  remplis {_n(b['filled'])}, valides {_n(b['valid'])}"]
    if "comment" in s:
        c = s["comment"]
        out += ["", "[comment] Commentaires libres",
                f"  lignes avec texte {_n(c['rows_with_text'])}, « enfant » "
                f"{_n(c['rows_with_enfant'])}, « bébé » {_n(c['rows_with_bebe'])}"]
    if "labs" in s:
        out += ["", "[lab] Laboratoires", f"  distincts {_n(s['labs']['distinct'])}"]
    out += _gaps_text(s.get("gaps", {}))
    others = [c for c in ("surname", "first_name", "birth_name", "password", "login", "address",
                          "insurer") if c in s]
    if others:
        out += ["", "Autres catégories (cellules remplies)"]
        out += [f"  [{c}] {_n(s[c]['filled'])}" for c in others]
    if report.indicators:
        out += ["", "Indices d'authenticité"]
        out += [f"  - {ind['fr']}" for ind in report.indicators]
    out += _fabrication_text(s.get("fabrication"))
    if claims is not None:
        out += ["", "Affirmations publiées"]
        for row in claims.iter_rows(named=True):
            shown = format_value(row["metric"], row["measured"])
            out.append(
                f"  {VERDICT_LABELS_FR[row['verdict']]:<14} {row['claim']} "
                f"({row['source']}) ; mesuré : {shown}"
            )
    return "\n".join(out)


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
