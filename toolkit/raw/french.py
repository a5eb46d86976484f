"""French identifiers as Polars expressions: NIR, phone numbering plan, email syntax, dates, codes.

Every function takes a string expression and returns an expression, so that checks run
vectorised over millions of rows (no per-row Python). ``schema``, ``verify``, ``pseudonymise``
and the synthetic generator share them, so a rule is written once.
"""

from __future__ import annotations

import polars as pl

from toolkit.shared.folding import fold_text


def blank_to_null(text: pl.Expr) -> pl.Expr:
    """Cells stripped of surrounding spaces, empty and whitespace-only cells as missing."""
    stripped = text.str.strip_chars()
    # Not ``replace("", None)``: the streaming engine cannot run it batch by batch and held the
    # whole leak in memory (6 GB at 3 M rows, against 0.6 GB).
    return pl.when(stripped.str.len_bytes() > 0).then(stripped)


# ---------------------------------------------------------------- NIR (numéro de sécurité sociale)

#: Format of a compacted NIR as python-stdnum accepts it (digits, Corsica 2A/2B in the département).
NIR_FORMAT = r"^\d{5}(\d\d|2A|2B)\d{8}$"


def nir_compact(nir: pl.Expr) -> pl.Expr:
    """Remove spaces, dots and dashes and upper-case, as python-stdnum's ``compact`` does."""
    return nir.str.replace_all(r"[\s.\-]", "").str.to_uppercase()


def nir_key_valid(nir: pl.Expr) -> pl.Expr:
    """True when a compacted NIR has the right format and key (97 - n mod 97, Corsica 2A=19, 2B=18).

    Same answer as ``stdnum.fr.nir.is_valid`` (a test cross-checks them); null stays null.
    """
    # In a well-formed NIR a letter can only sit in the département, so a plain replace of the
    # first "2A"/"2B" is the Corsica rule, and much cheaper than slicing and re-joining.
    body = nir.str.slice(0, 13).str.replace("2A", "19", literal=True).str.replace(
        "2B", "18", literal=True
    )
    well_formed = nir.str.contains(NIR_FORMAT)
    number = pl.when(well_formed).then(body).cast(pl.Int64, strict=False)
    key = pl.when(well_formed).then(nir.str.slice(13, 2)).cast(pl.Int64, strict=False)
    return well_formed & ((pl.lit(97, pl.Int64) - number % 97) == key).fill_null(False)


def nir_sex(nir: pl.Expr) -> pl.Expr:
    """The sex coded by a NIR's first digit: "M" (1, 3, 7), "F" (2, 4, 8) or null."""
    first = nir.str.slice(0, 1)
    return (
        pl.when(first.is_in(["1", "3", "7"]))
        .then(pl.lit("M"))
        .when(first.is_in(["2", "4", "8"]))
        .then(pl.lit("F"))
    )


def nir_birth_year2(nir: pl.Expr) -> pl.Expr:
    """The two-digit birth year coded in a NIR (characters 2-3), as an integer."""
    return nir.str.slice(1, 2).cast(pl.Int32, strict=False)


def nir_birth_month(nir: pl.Expr) -> pl.Expr:
    """The birth month coded in a NIR (characters 4-5), as an integer (20-42 or 99 = unknown)."""
    return nir.str.slice(3, 2).cast(pl.Int32, strict=False)


def nir_departement_plausible(nir: pl.Expr) -> pl.Expr:
    """True when a NIR's birth place is a real département (01-95, 2A/2B), overseas or abroad."""
    dept = nir.str.slice(5, 2)
    as_int = dept.cast(pl.Int32, strict=False)
    metropolitan = as_int.is_between(1, 95) & (as_int != 20)
    overseas = (dept == "97") & nir.str.slice(7, 1).is_in(["1", "2", "3", "4", "6"])
    # 96 (Algeria and protectorates before 1962), 98 (Monaco, territories), 99 (born abroad).
    other = dept.is_in(["2A", "2B", "96", "98", "99"])
    return (metropolitan | overseas | other).fill_null(False)


# ---------------------------------------------------------------- phones (French numbering plan)

#: Number blocks the regulator (Arcep) reserves for fiction: films, books, synthetic data.
FICTION_PREFIXES: tuple[str, ...] = ("019900", "026191", "035301", "046571", "053649", "063998")

#: Classes a phone number falls into, in report order.
PHONE_CLASSES: tuple[str, ...] = ("landline", "mobile", "special", "invalid")


def phone_national(phone: pl.Expr) -> pl.Expr:
    """A phone number in national 10-digit form: "+33 6 12..." or "0033 6 12..." -> "0612...".

    A 9-digit number starting 1-9 is taken as a French number whose leading zero a spreadsheet
    dropped, which happens in most leaked exports. One linear chain of replacements: each step
    reads the previous one once, so the expression stays cheap on millions of rows.
    """
    return (
        phone.str.replace_all(r"[^0-9+]", "")
        .str.replace(r"^(?:\+|00)330?", "0")  # "+33 (0)6..." -> "06..."
        .str.replace(r"^33([1-9]\d{8})$", "0$1")
        .str.replace(r"^([1-9]\d{8})$", "0$1")
    )


_PREFIX_CLASS = {"1": "landline", "2": "landline", "3": "landline", "4": "landline",
                 "5": "landline", "9": "landline", "6": "mobile", "7": "mobile", "8": "special"}


def phone_class_of_national(national: pl.Expr) -> pl.Expr:
    """Classify a number already in national form (see :func:`phone_national`)."""
    prefix = national.str.extract(r"^0(\d)\d{8}$", 1)
    # A when/then chain, not ``replace_strict``: the streaming engine cannot run that batch by
    # batch, and a leak's verification then held the whole file in memory (14 GB at 10 M rows).
    classes: dict[str, list[str]] = {}
    for digit, name in _PREFIX_CLASS.items():
        classes.setdefault(name, []).append(digit)
    chain = pl.when(national.is_null()).then(pl.lit(None, pl.String))
    for name, digits in classes.items():
        chain = chain.when(prefix.is_in(digits)).then(pl.lit(name))
    return chain.otherwise(pl.lit("invalid"))


def phone_class(phone: pl.Expr) -> pl.Expr:
    """Classify by prefix: landline (01-05, 09), mobile (06, 07), special (08) or invalid."""
    return phone_class_of_national(phone_national(phone))


def phone_is_fiction_national(national: pl.Expr) -> pl.Expr:
    """True when a national-form number lies in a block reserved for fiction."""
    block = national.str.extract(r"^(\d{6})\d{4}$", 1)
    return pl.when(national.is_not_null()).then(
        block.is_in(list(FICTION_PREFIXES)).fill_null(False)
    )


def phone_is_fiction(phone: pl.Expr) -> pl.Expr:
    """True when the number lies in a block reserved for fiction (01 99 00, ..., 06 39 98)."""
    return phone_is_fiction_national(phone_national(phone))


# ---------------------------------------------------------------- email (syntax only, offline)

_EMAIL = (
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)


def email_valid(email: pl.Expr) -> pl.Expr:
    """True when an address is syntactically valid and its domain well shaped (no DNS lookup)."""
    return email.str.strip_chars().str.contains(_EMAIL)


def email_domain(email: pl.Expr) -> pl.Expr:
    """The lower-cased domain of an address (after the last "@")."""
    return email.str.strip_chars().str.to_lowercase().str.extract(r"@([^@]+)$", 1)


def email_reserved(email: pl.Expr) -> pl.Expr:
    """True for reserved domains (RFC 2606/6761: .example, .test, .invalid, example.com...)."""
    return email_domain(email).str.contains(
        r"(^|\.)(example|test|invalid|localhost)$|^example\.(com|net|org)$"
    )


def email_normalised(email: pl.Expr) -> pl.Expr:
    """An address trimmed and lower-cased, to count distinct addresses."""
    return email.str.strip_chars().str.to_lowercase()


# ---------------------------------------------------------------- dates

#: Date layouts found in French exports, tried in this order (day before month, as in France).
DATE_FORMATS: tuple[str, ...] = (
    "%d/%m/%Y",
    "%Y-%m-%d",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%Y%m%d",
)


def parse_date(text: pl.Expr) -> pl.Expr:
    """Parse a date in any of ``DATE_FORMATS`` (a time after it is ignored); null if none fits."""
    # Every layout is at most 10 characters: slicing drops a trailing time cheaply (no lists).
    head = text.str.strip_chars().str.slice(0, 10)
    return pl.coalesce(
        [head.str.to_date(fmt, strict=False) for fmt in DATE_FORMATS]
    )


# ---------------------------------------------------------------- small codes

_MALE = ["m", "h", "1", "homme", "masculin", "male", "mr", "monsieur", "garcon", "masc"]
_FEMALE = ["f", "2", "femme", "feminin", "female", "mme", "mlle", "madame", "mademoiselle", "fille",
           "fem"]


def sex_code(text: pl.Expr) -> pl.Expr:
    """Normalise a sex or civility code to "F" / "M" (F, Femme, 2, Mme...; M, H, Homme, 1...)."""
    folded = fold_text(text)
    return (
        pl.when(folded.is_in(_FEMALE))
        .then(pl.lit("F"))
        .when(folded.is_in(_MALE))
        .then(pl.lit("M"))
    )


def blood_group(text: pl.Expr) -> pl.Expr:
    """Normalise an ABO/Rh blood group ("A+", "O pos", "AB Rh-", "0 NEG") to "A+"...; else null."""
    cleaned = (
        text.str.to_uppercase()
        .str.replace_all(r"\s|RH|RHESUS|\(|\)", "")
        .str.replace_all(r"POSITIF|POS", "+")
        .str.replace_all(r"NEGATIF|NEG", "-")
        .str.replace(r"^0", "O")
    )
    return pl.when(cleaned.str.contains(r"^(A|B|AB|O)[+-]?$")).then(cleaned)
