"""The truth file: what was planted in the synthetic leak, as counts only.

It records no value of any personal-data column: only how many rows, persons, filled cells,
anomalies, mentions and kinds of dirt the file holds, per lab and département where useful, so
that the verification and the claims checker can be tested against it.

Definitions recorded in it (and used by the claims checker):

- a person is a NIR when the row's NIR has a valid key, else surname + first name + birth date;
  duplicated persons appear in exactly two rows (two labs), always with the same valid NIR;
- "enfant" / "bébé" rows: rows where either comment column, accent- and case-folded, contains
  the whole word ``enfant(s)`` / ``bebe(s)`` (:data:`toolkit.raw.health.WORD_PATTERNS`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from toolkit.raw.health import WORD_PATTERNS
from toolkit.raw.synth.calibration import PUBLISHED_COUNTS, PUBLISHED_ROWS
from toolkit.raw.synth.columns import COLUMN_CATEGORIES, COLUMNS
from toolkit.raw.synth.dates import iso
from toolkit.raw.synth.labs import LABS, lab_codes
from toolkit.raw.synth.phrases import phrase_flags, phrase_tags
from toolkit.raw.synth.plan import Plan
from toolkit.shared.vocabulary import COMMENT_MENTIONS

GENERATOR_VERSION = "1.0"


def tally_chunk(frame: pl.DataFrame, delimiter: str) -> dict[str, int]:
    """Counts of one chunk for the truth file, to be added up over chunks.

    Filled cells per column and per category, and comments that need quoting (embedded newline
    or delimiter).
    """
    out = {f"filled:{h}": frame.height - frame[h].null_count() for h in COLUMNS}
    by_category: dict[str, list[str]] = {}
    for h in COLUMNS:
        by_category.setdefault(COLUMN_CATEGORIES[h], []).append(h)
    comments = by_category["comment"]
    newline = [pl.col(h).str.contains("\n", literal=True).fill_null(False) for h in comments]
    counts = frame.select(
        *[pl.any_horizontal(pl.col(cols).is_not_null()).sum().alias(f"category:{cat}")
          for cat, cols in by_category.items() if len(cols) > 1],
        pl.sum_horizontal(newline).sum().alias("comments:fields_with_newline"),
        pl.any_horizontal(newline).sum().alias("comments:rows_with_newline"),
        pl.sum_horizontal([pl.col(h).str.contains(delimiter, literal=True).fill_null(False)
                           for h in comments]).sum().alias("comments:fields_with_delimiter"),
    ).row(0, named=True)
    single = {f"category:{cat}": out[f"filled:{cols[0]}"] for cat, cols in by_category.items()
              if len(cols) == 1}
    return out | single | {k: int(v) for k, v in counts.items()}


def build_truth(plan: Plan, seed: int, encoding: str, delimiter: str, chunk_rows: int,
                tallies: dict[str, int]) -> dict[str, Any]:
    """What was planted, as counts only (no value of any personal-data column)."""

    def prefixed(prefix: str) -> dict[str, int]:
        return {k.split(":", 1)[1]: v for k, v in tallies.items() if k.startswith(prefix + ":")}

    dirt = {k: v for k, v in tallies.items() if ":" not in k}
    r, p, c = plan.r, plan.p, plan.counts
    rows = plan.rows
    person = r["person"]
    codes = lab_codes()
    status = p["nir_status"][person]
    sex = p["sex"][person]

    def rows_with(flags: np.ndarray) -> int:
        """Rows where either comment is a phrase whose flag is set (index -1: no comment)."""
        return int((flags[r["c1"]] | flags[r["c2"]]).sum())

    tags = phrase_tags()
    words = phrase_flags(words=True)
    # Départements as integer codes and bincounts: string columns of 10 M rows cost gigabytes.
    dep_names, dep_of_pair = np.unique(plan.pairs["departement"].to_numpy(), return_inverse=True)
    pair_of_doctor = plan.doctors["pair"].to_numpy()
    doc_emails = plan.doctors["email"].to_numpy()
    used = np.zeros(len(doc_emails), dtype=bool)
    used[r["prescriber"]] = True
    used[p["treating"][p["treating"] >= 0]] = True

    def tally(codes: np.ndarray) -> dict[str, int]:
        counts = np.bincount(codes, minlength=dep_names.size)
        return {str(dep_names[i]): int(counts[i]) for i in np.flatnonzero(counts)}

    labs = {}
    for k, lab in enumerate(LABS):
        sel = r["lab"] == k
        days = r["sample"][sel]
        labs[codes[k]] = {
            "name": f"Laboratoire fictif {lab.nickname}",
            "departement": lab.departement,
            "window": [lab.first.isoformat(), lab.last.isoformat()],
            "rows": int(sel.sum()),
            "persons": int(np.unique(person[sel]).size),
            "first_sample": iso(days.min()) if days.size else None,
            "last_sample": iso(days.max()) if days.size else None,
        }
    years = (r["sample"].astype("datetime64[D]").astype("datetime64[Y]").astype(np.int16)
             + 1970)
    return {
        "generator": {"module": "toolkit.raw.synth", "version": GENERATOR_VERSION, "seed": seed,
                      "chunk_rows": chunk_rows,
                      # The default file's truth is unchanged: only other modes are recorded.
                      **({} if plan.mode == "published" else {"mode": plan.mode})},
        "rows": rows,
        "encoding": encoding,
        "delimiter": delimiter,
        "columns": [{"name": h, "category": COLUMN_CATEGORIES[h]} for h in COLUMNS],
        "calibration": {
            "published_rows": PUBLISHED_ROWS,
            "rule": "round half up of published_count * rows / published_rows",
            "published": dict(PUBLISHED_COUNTS),
            "planted": {k: c[k] for k in PUBLISHED_COUNTS},
        },
        "filled": {"by_column": prefixed("filled"), "by_category": prefixed("category")},
        "sex": {"F": int((sex == 0).sum()), "M": int((sex == 1).sum()),
                "missing": int((sex == 2).sum())},
        "surname_present": int(p["surname_present"][person].sum()),
        "nir": {
            "present": int((status < 4).sum()),
            "missing": int((status == 4).sum()),
            "valid_key": int((status <= 2).sum()),
            "invalid_key": int((status == 3).sum()),
            "inconsistent_sex": int((status == 1).sum()),
            "inconsistent_birth_date": int((status == 2).sum()),
            "consistent": int((status == 0).sum()),
            "written_with_spaces": dirt["nir_written_with_spaces"],
            "definition": "valid key: 97 - (13 digits, 2A->19, 2B->18) mod 97; consistent: sex "
                          "digit 2 for F / 1 for M (when sex is recorded), digits 2-3 the birth "
                          "year's last two digits, digits 4-5 the birth month",
        },
        "phones": {"landline_present": int(p["landline"][person].sum()),
                   "mobile_present": int(p["mobile"][person].sum())},
        "emails": {
            "patient_unique": int(plan.patient_emails.len()),
            "patient_rows": int((p["email"][person] >= 0).sum()),
            "doctor_unique": len({e for e in doc_emails[used] if e is not None}),
        },
        "credentials": {"password_present": int(r["password"].sum()),
                        "login_present": int(r["password"].sum())},
        "duplicates": {
            "duplicate_rows": plan.n_dup,
            "distinct_persons": plan.persons,
            "persons_in_two_rows": plan.n_dup,
            "definition": "a person is its NIR when the key is valid, else surname + first name "
                          "+ birth date (accent/case-folded); duplicated persons appear in two "
                          "rows at two labs, with the same valid NIR",
        },
        "labs": labs,
        "residence_departement": {"rows": tally(dep_of_pair[p["pair"][person]]),
                                  "persons": tally(dep_of_pair[p["pair"]])},
        "prescriber_departement": {"rows": tally(dep_of_pair[pair_of_doctor[r["prescriber"]]])},
        "period": {
            "first_sample": iso(r["sample"].min()),
            "last_sample": iso(r["sample"].max()),
            "rows_by_year": {str(y): int(n) for y, n in zip(*np.unique(years, return_counts=True),
                                                            strict=True)},
        },
        "mentions": {k: rows_with(tags[:, i]) for i, k in enumerate(COMMENT_MENTIONS)},
        "words": {
            **{w: rows_with(words[:, i]) for i, w in enumerate(WORD_PATTERNS)},
            "definition": "rows where either comment column, lower-cased with accents removed, "
                          "matches " + ", ".join(f"{w}: {pat}" for w, pat in
                                                 WORD_PATTERNS.items()),
        },
        "comments": prefixed("comments"),
        "dirt": {k: v for k, v in dirt.items() if k != "nir_written_with_spaces"},
    }
