"""Check a leak's authenticity and measure it, with counts only: never a raw value leaves.

For each data category: cells filled, valid, invalid and why (NIR keys and their consistency with
sex and birth date, the French phone plan, email syntax, postcodes that exist and match the
commune, dates that parse and their range), then persons, labs and period, and plain-language
authenticity indicators in French and English. All checks are Polars expressions over the lazy
frame, collected in one pass (a few seconds for the 491,840-row leak).
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from toolkit.raw import distinct, french, health
from toolkit.raw import schema as schema_module
from toolkit.raw.schema import Schema, classify
from toolkit.shared import folding, gazetteer, paths

#: Every column of these categories is checked number by number (other categories use their
#: first column: one NIR, one sex, one residence postcode per row).
_PHONE_CATEGORIES = ("phone_landline", "phone_mobile", "phone")

#: The six départements of the 2021 leak, reported by name in the residence breakdown.
DEPARTEMENT_NAMES = {
    "22": "Côtes-d'Armor",
    "27": "Eure",
    "35": "Ille-et-Vilaine",
    "41": "Loir-et-Cher",
    "45": "Loiret",
    "56": "Morbihan",
}


@dataclass
class VerifyReport:
    """Counts per category (``sections``), flat figures for the claims checker (``metrics``)."""

    sections: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, float | None] = field(default_factory=dict)
    indicators: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready report: one section per category, plus the authenticity indicators."""
        return {**self.sections, "authenticity": self.indicators}


def _reference_pairs() -> tuple[list[str], list[str]] | None:
    """Existing postcodes and "postcode|folded commune" pairs from the gazetteer, if built."""
    table = schema_module.reference_postcodes()
    if table is None:
        return None
    pairs = table.select(
        pl.col("postcode"),
        (pl.col("postcode") + "|" + folding.fold_commune(pl.col("name"))).alias("pair"),
    )
    return pairs["postcode"].unique().to_list(), pairs["pair"].unique().to_list()


def _first(schema: Schema, category: str) -> str | None:
    cols = schema.columns_of(category)
    return cols[0] if cols else None


def _value(column: str) -> pl.Expr:
    """A column after the cleaning stage of :func:`_derive` (blank cells are null)."""
    return pl.col(column)


def _derive(
    frame: pl.LazyFrame, schema: Schema, *, in_memory: bool = False
) -> tuple[pl.LazyFrame, dict[str, Any]]:
    """Add normalised helper columns (prefixed ``_``) used by every count."""
    role = {
        cat: _first(schema, cat)
        for cat in ("nir", "sex", "birth_date", "sample_date", "postcode", "commune", "lab",
                    "surname", "first_name", "blood_group")
    }
    role["phones"] = [c for cat in _PHONE_CATEGORIES for c in schema.columns_of(cat)]
    role["emails"] = schema.columns_of("email")
    # A doctor's emails are counted from the doctor columns whose content is emails (names,
    # addresses and phones of the doctor need no email check).
    doctors = schema.columns_of("doctor")
    role["doctors"] = [c for c in doctors if schema.content_of(c) == "email"] or doctors
    role["doctor_columns"] = doctors
    role["comments"] = schema.columns_of("comment")
    null = pl.lit(None, pl.String)
    # Every column stripped once, blanks as null: the checks and the fill counts read these.
    cleaned = frame.lazy().with_columns(
        french.blank_to_null(pl.col(c.name).cast(pl.String)).alias(c.name) for c in schema.columns
    )
    # Values that repeat (dates, sexes, places, names, blood groups, comments) are parsed once
    # per distinct value when the leak is in memory (3.4 instead of 4.1 CPU seconds at 491,840
    # rows); a streamed leak is parsed row by row, which keeps the streaming engine's memory
    # bounded (see ``distinct.derive_once``).
    parsers: dict[str, tuple[str | None, Callable[[pl.Expr], pl.Expr]]] = {
        "_sex": (role["sex"], french.sex_code),
        "_birth": (role["birth_date"], lambda v: french.parse_date(v).cast(pl.Date)),
        "_sample": (role["sample_date"], lambda v: french.parse_date(v).cast(pl.Date)),
        "_postcode": (role["postcode"], gazetteer.postcode_clean),
        "_commune": (role["commune"], folding.fold_commune),
        "_surname_key": (role["surname"], folding.fold_text),
        "_first_name_key": (role["first_name"], folding.fold_text),
        "_blood_valid": (role["blood_group"], lambda v: french.blood_group(v).is_not_null()),
    }
    derivations: list[distinct.Derivation] = [
        ([column], lambda u, c=column, f=parse, n=name: u.with_columns(f(pl.col(c)).alias(n)))
        for name, (column, parse) in parsers.items()
        if column is not None
    ]
    comments = list(role["comments"])
    if comments:
        derivations.append((comments, lambda u: u.with_columns(_comment_words(comments))))
    # Columns whose role the leak lacks are null, with the type their checks expect.
    types = {"_birth": pl.Date, "_sample": pl.Date, "_blood_valid": pl.Boolean}
    absent = [
        pl.lit(None, types.get(name, pl.String)).alias(name)
        for name, (column, _) in parsers.items()
        if column is None
    ]
    by_name = role["surname"] and role["first_name"] and role["birth_date"]
    name_key = (
        pl.concat_str(
            [pl.col("_surname_key"), pl.col("_first_name_key"), pl.col("_birth").cast(pl.String)],
            separator="|",
        )
        if by_name
        else null
    )
    person = (
        pl.when(pl.col("_nir_valid"))
        .then(pl.lit("N") + pl.col("_nir"))
        .otherwise(pl.lit("P") + name_key)
    )
    phones = [
        french.phone_national(_value(c)).alias(f"_phone{i}") for i, c in enumerate(role["phones"])
    ]
    emails = [
        pl.when(french.email_valid(_value(c))).then(french.email_normalised(_value(c)))
        .alias(f"_email{i}")
        for i, c in enumerate(role["emails"] + role["doctors"])
    ]
    # Each stage materialises columns the next one reads, so that no expression repeats a
    # sub-expression (Polars would evaluate it again at every reference).
    lazy = (
        _with_values(cleaned, derivations, in_memory=in_memory)
        .with_columns(
            *absent,
            (french.nir_compact(_value(role["nir"])) if role["nir"] else null).alias("_nir"),
            (_value(role["lab"]) if role["lab"] else null).alias("_lab"),
            *phones,
            *emails,
        )
        .with_columns(
            french.nir_key_valid(pl.col("_nir")).alias("_nir_valid"),
            # Read by several counts each: computed once here.
            french.nir_sex(pl.col("_nir")).alias("_nir_sex"),
            french.nir_birth_month(pl.col("_nir")).alias("_nir_month"),
            french.nir_birth_year2(pl.col("_nir")).alias("_nir_year2"),
            *(
                french.phone_class_of_national(pl.col(f"_phone{i}")).alias(f"_phone_class{i}")
                for i in range(len(role["phones"]))
            ),
        )
        .with_columns(person.alias("_person"))
    )
    return lazy, role


def _with_values(
    frame: pl.LazyFrame, derivations: list[distinct.Derivation], *, in_memory: bool
) -> pl.LazyFrame:
    if in_memory:
        return distinct.derive_once(frame, derivations, in_memory=True)
    for _, derive in derivations:
        frame = derive(frame)
    return frame


def _comment_words(comments: list[str]) -> list[pl.Expr]:
    """Whether the comments of a row hold any text, and each counted word (``_word_<word>``)."""
    # A row counts once per word, whichever comment column holds it (health.WORD_PATTERNS is
    # the definition shared with the synthetic generator's calibration).
    text = pl.concat_str([pl.col(c) for c in comments], separator=" ", ignore_nulls=True)
    return [
        (text.str.len_chars() > 0).alias("_has_comment"),
        *(health.word_expr(text, word).alias(f"_word_{word}") for word in health.WORD_PATTERNS),
    ]


def _count(expr: pl.Expr) -> pl.Expr:
    return expr.fill_null(False).sum()


def _aggregations(schema: Schema, role: dict[str, Any]) -> list[pl.Expr]:
    """Every scalar count of the report, as one list of aggregations (one pass over the data)."""
    nir, valid = pl.col("_nir"), pl.col("_nir_valid")
    birth, sample = pl.col("_birth"), pl.col("_sample")
    nir_month, nir_sex = pl.col("_nir_month"), pl.col("_nir_sex")
    birth_checkable = valid & birth.is_not_null() & nir_month.is_between(1, 12)
    birth_ok = (pl.col("_nir_year2") == birth.dt.year() % 100) & (nir_month == birth.dt.month())
    sex_checkable = valid & pl.col("_sex").is_not_null() & nir_sex.is_not_null()
    sex_ok = nir_sex == pl.col("_sex")
    today = pl.lit(date.today())
    aggs = [
        pl.len().alias("rows"),
        nir.is_not_null().sum().alias("nir.filled"),
        _count(nir.str.contains(french.NIR_FORMAT)).alias("nir.well_formed"),
        _count(valid).alias("nir.valid_key"),
        _count(sex_checkable).alias("nir.sex_checked"),
        _count(sex_checkable & sex_ok).alias("nir.sex_consistent"),
        _count(birth_checkable).alias("nir.birth_checked"),
        _count(birth_checkable & birth_ok).alias("nir.birth_consistent"),
        _count(valid & french.nir_departement_plausible(nir)).alias("nir.departement_plausible"),
        # Consistent = no contradiction with what the row records (a missing sex or birth date
        # cannot contradict the NIR).
        _count(
            valid & (~sex_checkable | sex_ok).fill_null(True)
            & (~birth_checkable | birth_ok).fill_null(True)
        ).alias("nir.fully_consistent"),
        nir.filter(valid).n_unique().alias("nir.distinct_valid"),
        _count(valid & nir.is_duplicated()).alias("nir.rows_sharing_a_nir"),
        pl.col("_sex").is_not_null().sum().alias("sex.recognised"),
        (pl.col("_sex") == "F").sum().alias("sex.female"),
        (pl.col("_sex") == "M").sum().alias("sex.male"),
        birth.is_not_null().sum().alias("birth_date.parsed"),
        _count((birth < pl.date(1900, 1, 1)) | (birth > today)).alias("birth_date.out_of_range"),
        birth.dt.year().min().alias("birth_date.first_year"),
        birth.dt.year().max().alias("birth_date.last_year"),
        sample.is_not_null().sum().alias("sample_date.parsed"),
        _count((sample < pl.date(1990, 1, 1)) | (sample > today)).alias(
            "sample_date.out_of_range"
        ),
        _count(birth.is_not_null() & sample.is_not_null() & (birth > sample)).alias(
            "sample_date.before_birth"
        ),
        pl.col("_postcode").is_not_null().sum().alias("postcode.well_formed"),
        pl.col("_person").drop_nulls().n_unique().alias("persons.identified"),
        pl.col("_person").is_null().sum().alias("persons.unidentified"),
        _count(valid).alias("persons.by_nir_rows"),
        pl.col("_lab").drop_nulls().n_unique().alias("labs.distinct"),
        pl.col("_lab").is_not_null().sum().alias("labs.rows_with_lab"),
    ]
    # Cells filled, column by column, for every category.
    for col in schema.columns:
        aggs.append(pl.col(col.name).is_not_null().sum().alias(f"filled.{col.name}"))
    if role["blood_group"]:
        aggs.append(_count(pl.col("_blood_valid")).alias("blood_group.valid"))
    reference = _reference_pairs()
    if reference:
        codes, pairs = reference
        aggs.append(_count(pl.col("_postcode").is_in(codes)).alias("postcode.exist"))
        checkable = pl.col("_postcode").is_in(codes) & pl.col("_commune").is_not_null()
        pair = pl.col("_postcode") + "|" + pl.col("_commune")
        aggs.append(_count(checkable).alias("postcode.commune_checked"))
        aggs.append(_count(checkable & pair.is_in(pairs)).alias("postcode.commune_consistent"))
    phone_cells = []
    for i, col in enumerate(role["phones"]):
        national = pl.col(f"_phone{i}")
        klass = pl.col(f"_phone_class{i}")
        phone_cells.append(klass)
        for name in french.PHONE_CLASSES:
            aggs.append((klass == name).sum().alias(f"phones.{col}.{name}"))
        aggs.append(_count(french.phone_is_fiction_national(national)).alias(
            f"phones.{col}.fiction"
        ))
    if phone_cells:
        for name in ("landline", "mobile"):
            aggs.append(
                _count(pl.any_horizontal([k == name for k in phone_cells])).alias(
                    f"phones.rows_with_{name}"
                )
            )
    n_emails = len(role["emails"])
    for group, cols, offset in (("email", role["emails"], 0),
                                ("doctor", role["doctors"], n_emails)):
        if not cols:
            continue
        valid_cells = [pl.col(f"_email{offset + i}") for i in range(len(cols))]
        for c, cell in zip(cols if group == "email" else [], valid_cells, strict=False):
            aggs.append(cell.is_not_null().sum().alias(f"email.{c}.valid"))
            aggs.append(_count(french.email_reserved(cell)).alias(f"email.{c}.reserved"))
        # Columns appended one after the other: 40 times cheaper than a list column exploded.
        aggs.append(
            pl.concat(valid_cells).drop_nulls().n_unique().alias(f"{group}.distinct_emails")
        )
        aggs.append(
            _count(pl.any_horizontal([v.is_not_null() for v in valid_cells])).alias(
                f"{group}.rows_with_email"
            )
        )
    if role["comments"]:
        aggs.append(_count(pl.col("_has_comment")).alias("comment.rows_with_text"))
        for word in health.WORD_PATTERNS:
            aggs.append(_count(pl.col(f"_word_{word}")).alias(f"comment.rows_with_{word}"))
    return aggs


def _share(part: float | None, whole: float | None) -> float | None:
    if part is None or not whole:
        return None
    return part / whole


#: Up to this many rows, all counts run in one query (its memory grows with the rows: about
#: 1.4 GB per million rows of the synthetic leak); beyond, in small queries on a Parquet copy.
SMALL_ROWS = 1_000_000

#: Counts that need a whole column at once (distinct values, duplicates, distributions).
_WHOLE_COLUMN = ("distinct", "rows_sharing", "persons.identified", "by_month", "by_lab",
                 "by_departement")  # fmt: skip


def _collect_counts(lazy: pl.LazyFrame, aggs: list[pl.Expr], *, small: bool) -> pl.DataFrame:
    """Every count in one row, with memory bounded whatever the size of the leak.

    All counts in one query made the streaming engine hold the derived columns in memory
    (4.3 GB at 3 M rows). So the derived columns are written once, in a single pass over the
    leak, to a Parquet copy in a temporary folder under data/interim/ (deleted at the end: it
    holds personal data), and the counts run as small queries on it: row-by-row counts a few at
    a time, and each count over distinct values or duplicates, which needs its column whole,
    alone. A small leak (``SMALL_ROWS`` rows or fewer) is counted in one query: faster, and
    its derived columns fit in memory.
    """
    if small:
        return lazy.select(aggs).collect(engine="streaming")
    whole = [a for a in aggs if any(w in a.meta.output_name() for w in _WHOLE_COLUMN)]
    light = [a for a in aggs if not any(w in a.meta.output_name() for w in _WHOLE_COLUMN)]
    needed = sorted({root for a in aggs for root in a.meta.root_names()})
    paths.INTERIM.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="verify-", dir=paths.INTERIM) as folder:
        copy = Path(folder) / "derived.parquet"
        lazy.select(needed).sink_parquet(copy, engine="streaming")
        return _counts_from(pl.scan_parquet(copy), light, whole)


#: Row-by-row counts per query. Measured at 3 M rows: 95 counts in one streaming query held
#: 3.5 GB, 20 per query 1.2 GB, 5 or fewer about nothing; reading the few columns they need
#: from Parquet again costs little.
_COUNTS_PER_QUERY = 4


def _counts_from(source: pl.LazyFrame, light: list[pl.Expr], whole: list[pl.Expr]) -> pl.DataFrame:
    groups = [light[i : i + _COUNTS_PER_QUERY] for i in range(0, len(light), _COUNTS_PER_QUERY)]
    groups += [[a] for a in whole]
    return pl.concat(
        [source.select(group).collect(engine="streaming") for group in groups], how="horizontal"
    )


def verify(
    ingested: Any, schema: Schema | None = None, *, progress: bool = False
) -> VerifyReport:
    """Verify a leak: per-category counts, persons, labs, period and authenticity indicators.

    ``ingested`` is a ``toolkit.raw.ingest.Ingested`` or a bare all-String (Lazy)DataFrame; the
    schema is computed when not given.
    """
    frame = ingested.frame if hasattr(ingested, "frame") else ingested.lazy()
    schema = schema or classify(frame)
    if progress:
        print("vérification : calcul des comptes…", file=sys.stderr)
    in_memory = getattr(ingested, "in_memory", isinstance(ingested, pl.DataFrame))
    lazy, role = _derive(frame, schema, in_memory=in_memory)
    distributions = {
        "by_month": pl.col("_sample").dt.strftime("%Y-%m"),
        "by_lab": pl.col("_lab"),
        "by_departement": gazetteer.postcode_departement(pl.col("_postcode")),
    }
    # The distributions are value counts imploded into single cells, beside the scalar counts.
    aggs = [
        *_aggregations(schema, role),
        *(
            expr.alias("value").drop_nulls().value_counts(name="n").implode().alias(name)
            for name, expr in distributions.items()
        ),
    ]
    rows = ingested.height if isinstance(ingested, pl.DataFrame) else getattr(
        ingested, "rows_parsed", None
    )
    totals = _collect_counts(lazy, aggs, small=rows is not None and rows <= SMALL_ROWS)
    t = totals.row(0, named=True)
    counts = {
        name: dict(sorted((item["value"], item["n"]) for item in t.pop(name)))
        for name in distributions
    }
    report = _build_report(schema, role, t, counts)
    if hasattr(ingested, "rows_read"):
        report.sections["file"] = {
            "rows_read": ingested.rows_read,
            "rows_quarantined": ingested.rows_quarantined,
            "quarantine_reasons": dict(ingested.quarantine_reasons),
            "encoding": ingested.encoding,
            "delimiter": ingested.delimiter,
        }
    return report


def _build_report(
    schema: Schema,
    role: dict[str, Any],
    t: dict[str, Any],
    counts: dict[str, dict[str, int]],
) -> VerifyReport:
    """Arrange the raw counts into sections, metrics and indicators."""
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
        by_month = counts["by_month"]
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
        by_dept = counts["by_departement"]
        section["by_departement"] = by_dept
        s["postcode"] = section
        for code in DEPARTEMENT_NAMES:
            m[f"residence_{code}_pct"] = _pct(by_dept.get(code, 0), well)
        m["residence_six_pct"] = _pct(sum(by_dept.get(c, 0) for c in DEPARTEMENT_NAMES), well)
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
                             "reserved_domain": t[f"email.{c}.reserved"]}
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
        per_lab = counts["by_lab"]
        s["labs"] = {"column": role["lab"], "distinct": t["labs.distinct"], "rows_per_lab": per_lab}
        m["labs"] = t["labs.distinct"]
    report = VerifyReport(sections=s, metrics=m)
    report.indicators = _indicators(s)
    return report


def _pct(part: float | None, whole: float | None) -> float | None:
    share = _share(part, whole)
    return None if share is None else round(100 * share, 2)


def _indicators(s: dict[str, Any]) -> list[dict[str, Any]]:
    """Authenticity indicators with a plain-words reading in French and English."""
    out: list[dict[str, Any]] = []

    def add(key: str, pct: float | None, fr: str, en: str) -> None:
        if pct is not None:
            french_pct = f"{pct:.1f}".replace(".", ",")  # French decimal comma
            out.append({"id": key, "percent": pct, "fr": fr.format(p=french_pct),
                        "en": en.format(p=f"{pct:.1f}")})

    nir = s.get("nir")
    if nir:
        add("nir_valid_key", _pct(nir["valid_key"], nir["filled"]),
            "{p} % des NIR présents ont une clé de contrôle valide ; un numéro à 15 chiffres "
            "inventé au hasard n'en aurait une qu'une fois sur 97 (environ 1 %).",
            "{p} % of the NIRs present have a valid check key; a random 15-digit number "
            "would have one only once in 97 (about 1 %).")
        add("nir_consistent", _pct(nir["fully_consistent"], nir["valid_key"]),
            "{p} % des NIR valides concordent avec le sexe et la date de naissance de la "
            "même ligne : un faussaire devrait reconstruire chaque numéro à partir de l'identité.",
            "{p} % of valid NIRs agree with the sex and birth date on the same row: a forger "
            "would have to rebuild every number from the identity.")
    postcode = s.get("postcode")
    if postcode and "exist" in postcode:
        add("postcode_exists", _pct(postcode["exist"], postcode["filled"]),
            "{p} % des codes postaux existent dans le référentiel officiel (La Poste / INSEE).",
            "{p} % of the postcodes exist in the official reference.")
        add("postcode_commune", _pct(postcode["commune_consistent"], postcode["commune_checked"]),
            "{p} % des couples code postal / commune sont cohérents (accents et casse ignorés).",
            "{p} % of postcode / town pairs are consistent (accents and case ignored).")
    phones = s.get("phones")
    if phones:
        total = phones["total"]
        filled = sum(total[k] for k in french.PHONE_CLASSES)
        add("phones_valid", _pct(filled - total["invalid"], filled),
            "{p} % des numéros de téléphone suivent le plan de numérotation français.",
            "{p} % of phone numbers follow the French numbering plan.")
        add("phones_fiction", _pct(total["fiction"], filled),
            "{p} % des numéros sont dans les tranches réservées à la fiction par l'Arcep "
            "(un fichier réel n'en contient presque pas ; un fichier synthétique, beaucoup).",
            "{p} % of numbers lie in the blocks reserved for fiction (a real file has almost "
            "none; a synthetic one, many).")
    email = s.get("email")
    if email:
        cols = email["columns"].values()
        add("email_reserved", _pct(sum(c["reserved_domain"] for c in cols),
                                   sum(c["filled"] for c in cols)),
            "{p} % des e-mails sont sous des domaines réservés (.example, .test) : signe "
            "d'un fichier fabriqué.",
            "{p} % of emails use reserved domains (.example, .test): a sign of a made-up file.")
    return out


def _n(value: Any) -> str:
    """A count with French thousands separators (narrow no-break space)."""
    return "-" if value is None else f"{value:,}".replace(",", "\u202f")


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
    others = [c for c in ("surname", "first_name", "birth_name", "password", "login", "address",
                          "insurer") if c in s]
    if others:
        out += ["", "Autres catégories (cellules remplies)"]
        out += [f"  [{c}] {_n(s[c]['filled'])}" for c in others]
    if report.indicators:
        out += ["", "Indices d'authenticité"]
        out += [f"  - {ind['fr']}" for ind in report.indicators]
    if claims is not None:
        from toolkit.raw.claims import VERDICT_LABELS_FR, format_value

        out += ["", "Affirmations publiées"]
        for row in claims.iter_rows(named=True):
            shown = format_value(row["metric"], row["measured"])
            out.append(
                f"  {VERDICT_LABELS_FR[row['verdict']]:<12} {row['claim']} "
                f"({row['source']}) ; mesuré : {shown}"
            )
    return "\n".join(out)
