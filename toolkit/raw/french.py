"""French identifiers as Polars expressions: NIR, phone numbering plan, email syntax, dates, codes.

Every function takes a string expression and returns an expression, so that checks run
vectorised over millions of rows (no per-row Python), except :func:`with_phone_class`, which
joins a frame on the numbering plan's prefix table (``toolkit.raw.phone_plan``). NIRs are read
exactly as python-stdnum reads them, phone numbers as python-phonenumbers does (two deliberate
differences, see ``phone_plan``), e-mail addresses as a reader sees them (internationalised ones
included), with what a mail server would refuse reported apart. ``schema``, ``verify`` and
``pseudonymise`` share them, so a rule is written once.
"""

from __future__ import annotations

import sys
import unicodedata

import polars as pl

from toolkit.raw import phone_plan
from toolkit.shared.folding import fold_text


def blank_to_null(text: pl.Expr) -> pl.Expr:
    """Cells stripped of surrounding spaces, empty and whitespace-only cells as missing."""
    stripped = text.str.strip_chars()
    # Not ``replace("", None)``: the streaming engine cannot run it batch by batch and held the
    # whole leak in memory (6 GB at 3 M rows, against 0.6 GB).
    return pl.when(stripped.str.len_bytes() > 0).then(stripped)


# ---------------------------------------------------------------- NIR (numéro de sécurité sociale)

#: Format of a compacted NIR as python-stdnum accepts it (ASCII digits, Corsica 2A/2B in the
#: département).
NIR_FORMAT = r"^[0-9]{5}([0-9]{2}|2A|2B)[0-9]{8}$"

#: Characters python-stdnum's ``clean`` turns into ASCII digits: full-width and mathematical
#: digits (no other script's digits: an Arabic-Indic NIR is invalid for stdnum).
STDNUM_DIGITS: dict[str, str] = {
    unicodedata.lookup(f"{style} DIGIT {name}"): str(value)
    for style in ("FULLWIDTH", "MATHEMATICAL BOLD", "MATHEMATICAL DOUBLE-STRUCK",
                  "MATHEMATICAL SANS-SERIF", "MATHEMATICAL SANS-SERIF BOLD",
                  "MATHEMATICAL MONOSPACE")
    for value, name in enumerate(("ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN",
                                  "EIGHT", "NINE"))
}

#: What python-stdnum's NIR ``compact`` deletes: spaces and full stops, and what its ``clean``
#: turns into them first (no-break, thin and ideographic spaces; middle dots, bullets...).
#: Dashes, tabs and newlines are not deleted: a NIR holding one is invalid for stdnum.
STDNUM_DELETED = (
    " \u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f"
    "\u3000"
    ".\u00b7\u02d9\u0387\u06d4\u0701\u0702\u0830\u0f0b\u0f0c\u16eb\u2022\u2024\u2027\u2219"
    "\u22c5\u2e31\u2e33\u3002\u30fb\ufbb2\ufbb3\ufe52\uff0e\uff65\U00010101\U0001091f"
    "\U00010a50"
)

#: What Python's ``str.strip()``, which stdnum's ``compact`` calls after ``clean``, removes
#: (``str.isspace``), less the OGHAM SPACE MARK that ``clean`` has turned into a dash.
STDNUM_STRIPPED = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)

_NIR_FROM = [*STDNUM_DIGITS, *STDNUM_DELETED]
_NIR_TO = [*STDNUM_DIGITS.values(), *([""] * len(STDNUM_DELETED))]


def nir_compact(nir: pl.Expr) -> pl.Expr:
    """A NIR as python-stdnum's ``compact`` leaves it, so that the same ones are valid.

    Full-width and mathematical digits become ASCII digits; spaces and full stops (and their
    look-alikes, ``STDNUM_DELETED``) are removed; whitespace around the number is stripped
    (``STDNUM_STRIPPED``, Python's ``str.strip``); letters are upper-cased. A dash, a tab or a
    newline inside stays, and makes the NIR invalid, as for stdnum.
    """
    return (
        nir.str.replace_many(_NIR_FROM, _NIR_TO)
        .str.strip_chars(STDNUM_STRIPPED)
        .str.to_uppercase()
    )


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
    """True when a NIR's birth place is a real département, overseas département or abroad.

    01-95 (not 20: Corsica is 2A/2B), 2A, 2B; 971-978 (Guadeloupe, Martinique, Guyane, La Réunion,
    Saint-Pierre-et-Miquelon, Mayotte, Saint-Barthélemy, Saint-Martin); 96 (protectorates before
    independence), 98 (overseas territories, Monaco) and 99 (born abroad).
    """
    dept = nir.str.slice(5, 2)
    as_int = dept.cast(pl.Int32, strict=False)
    metropolitan = as_int.is_between(1, 95) & (as_int != 20)
    overseas = (dept == "97") & nir.str.slice(7, 1).is_in(list("12345678"))
    other = dept.is_in(["2A", "2B", "96", "98", "99"])
    return (metropolitan | overseas | other).fill_null(False)


# ---------------------------------------------------------------- phones (French numbering plan)

#: Blocks reserved for fiction, and the classes a number falls into (``toolkit.raw.phone_plan``).
FICTION_PREFIXES = phone_plan.FICTION_PREFIXES
PHONE_CLASSES = phone_plan.PHONE_CLASSES


def _unicode_digits() -> list[str]:
    """Every non-ASCII Unicode decimal digit (category Nd: full-width, Arabic-Indic...).

    Unicode encodes them in runs of ten, 0 to 9 (a stability policy): one code point in ten is
    enough to find every run.
    """
    digits: list[str] = []
    for code in range(130, sys.maxunicode + 1, 10):
        value = unicodedata.decimal(chr(code), None)
        if value is not None:
            digits.extend(chr(c) for c in range(code - value, code - value + 10))
    return digits


#: Unicode decimal digits -> ASCII, and the full-width plus, as phonenumbers normalises them.
_PHONE_FROM = [*_unicode_digits(), "\uff0b"]
_PHONE_TO = [str(unicodedata.decimal(c)) for c in _PHONE_FROM[:-1]] + ["+"]


#: The country codes read with three digits (``"33"`` is the only one with two).
_THREE_DIGIT_CODES = [c for c in phone_plan.COUNTRY_CODES if len(c) == 3]


def _phone_stages(phone: str, tmp: str) -> list[dict[str, pl.Expr]]:
    """How a number's context and national significant number are read, as phonenumbers
    reads them with France as default region: stages of columns ``{tmp}_*``, each reading the
    previous ones (materialised, so that no sub-expression is evaluated twice; string tests
    and slices only, which cost far less than regular expressions with groups).

    ``+`` (the first ones; a plus after a digit is ignored) or ``00`` then a country code of
    ``phone_plan.COUNTRY_CODES``: that code; ``33`` then eight digits or more (too long for a
    national number): ``33``; else the national form (context ``"0"``), one leading zero
    dropped, or none when a spreadsheet dropped it. After a country code whose plan has one
    (``phone_plan.ZERO_PREFIX_CODES``), a national prefix ``0`` is dropped: ``+33 (0)6...``.
    Any Unicode digit counts; other characters are ignored.
    """
    col = {name: pl.col(f"{tmp}_{name}") for name in ("kept", "digits", "plus", "intl", "bare",
                                                       "code", "nsn", "context")}
    kept = pl.col(phone).str.replace_many(_PHONE_FROM, _PHONE_TO).str.replace_all(r"[^0-9+]", "")
    digits = col["digits"]
    after_idd = digits.str.slice(2, 1)
    intl = col["intl"]
    code = col["code"]
    national = pl.when(col["intl"].is_null() & col["bare"].is_null() & ~col["plus"]).then(
        digits.str.strip_prefix("0")
    )
    raw = pl.coalesce(intl.str.slice(code.str.len_bytes()), col["bare"], national)
    context = pl.coalesce(
        code,
        pl.when(col["bare"].is_not_null()).then(pl.lit("33")),
        pl.when(national.is_not_null()).then(pl.lit(phone_plan.NATIONAL)),
    )
    return [
        {"kept": kept},
        {"plus": col["kept"].str.starts_with("+"),
         "digits": col["kept"].str.replace_all("+", "", literal=True)},
        {"intl": pl.when(col["plus"]).then(digits)
                 .when(digits.str.starts_with("00") & (after_idd != "0")).then(digits.str.slice(2)),
         "bare": pl.when(~col["plus"] & digits.str.starts_with("33")
                         & (digits.str.len_bytes() >= 10)).then(digits.str.slice(2))},
        {"code": pl.when(intl.str.starts_with("33")).then(pl.lit("33"))
                 .when(intl.str.slice(0, 3).is_in(_THREE_DIGIT_CODES)).then(intl.str.slice(0, 3))},
        {"context": pl.when(digits.str.len_bytes() > 0).then(context), "nsn": raw},
        {"nsn": pl.when(col["context"].is_in(list(phone_plan.ZERO_PREFIX_CODES)))
                .then(col["nsn"].str.strip_prefix("0")).otherwise(col["nsn"])},
    ]  # fmt: skip


def with_phone_class(
    frame: pl.LazyFrame,
    phone: str,
    *,
    klass: str,
    fiction: str | None = None,
    normalised: str | None = None,
) -> pl.LazyFrame:
    """``frame`` with the class of each number of column ``phone`` (``PHONE_CLASSES``).

    ``klass``: landline, mobile, special (toll-free, premium-rate, shared-cost, VoIP, UAN...) or
    invalid, as phonenumbers' ``number_type`` / ``is_valid_number`` say (France, the overseas
    départements and collectivités; see ``toolkit.raw.phone_plan`` for the two deliberate
    differences; a number of any other country is invalid); ``fiction``, if named: whether the
    number lies in a block reserved for fiction; ``normalised``, if named: the number as read,
    ``0`` + national number for the national form (``"06.12.34.56.78"``, ``"612345678"`` ->
    ``"0612345678"``), else ``+`` + country code + national number (``"0033 (0)6 12..."`` ->
    ``"+33612..."``), null when not read (``_phone_stages``). Null where the cell is null. A
    left join on the plan's prefix table, in row order: the streaming engine runs it batch by
    batch.
    """
    table, depths = phone_plan.lookup_table()
    tmp = f"__phone_{klass}"
    ctx, nsn, head, length = (f"{tmp}_{n}" for n in ("context", "nsn", "head", "length"))
    group = pl.concat_str([pl.col(ctx), pl.lit(":"), pl.col(nsn).str.slice(0, 2)])
    depth = pl.lit(phone_plan.GROUP_DIGITS, pl.UInt32)
    for digits, groups in sorted(depths.items()):
        depth = pl.when(group.is_in(groups)).then(pl.lit(digits, pl.UInt32)).otherwise(depth)
    lookup = table.lazy().select(
        pl.col("context").alias(ctx), pl.col("head").alias(head), pl.col("length").alias(length),
        pl.col("class").alias(f"{tmp}_class"), pl.col("fiction").alias(f"{tmp}_fiction"),
    )
    missing = pl.col(phone).is_null()
    added = [
        pl.when(missing).then(pl.lit(None, pl.String))
        .otherwise(pl.col(f"{tmp}_class").fill_null("invalid")).alias(klass)
    ]
    if fiction is not None:
        added.append(
            pl.when(missing).then(pl.lit(None, pl.Boolean))
            .otherwise(pl.col(f"{tmp}_fiction").fill_null(False)).alias(fiction)
        )
    if normalised is not None:
        prefix = pl.when(pl.col(ctx) == phone_plan.NATIONAL).then(pl.lit("0"))
        added.append((prefix.otherwise("+" + pl.col(ctx)) + pl.col(nsn)).alias(normalised))
    stages = _phone_stages(phone, tmp)
    for stage in stages:
        frame = frame.with_columns(expr.alias(f"{tmp}_{name}") for name, expr in stage.items())
    made = sorted({f"{tmp}_{name}" for stage in stages for name in stage})
    return (
        frame.with_columns(pl.col(nsn).str.len_chars().cast(pl.UInt32).alias(length),
                           depth.alias(head))
        .with_columns(pl.col(nsn).str.slice(0, pl.col(head)).alias(head))
        .join(lookup, on=[ctx, head, length], how="left", maintain_order="left")
        .with_columns(added)
        .drop(*made, head, length, f"{tmp}_class", f"{tmp}_fiction")
    )


# ---------------------------------------------------------------- email (syntax only, offline)

# What a reader calls an e-mail address: a local part of letters and marks of any script
# (RFC 6531), digits, RFC 5322's "atext" symbols and dots; "@"; a domain of labels (letters of
# any script: internationalised domains as typed) and a top-level domain of letters (or its
# ASCII "xn--" form). Written twice: for ASCII text (fast) and for any script (slow, run only on
# the addresses that hold a non-ASCII character).


def _email_pattern(letters: str, digits: str) -> str:
    """The address pattern, with ``letters`` and ``digits`` as regex class contents."""
    local = rf"[{letters}{digits}!#$%&'*+/=?^_`{{|}}~.\-]+"
    label = rf"[{letters}{digits}\-]+"
    tld = rf"(?:[{letters}]{{2,63}}|[xX][nN]--[a-zA-Z0-9\-]{{1,59}})"
    return rf"^{local}@(?:{label}\.)+{tld}$"


_EMAIL_ASCII = _email_pattern("A-Za-z", "0-9")
_EMAIL_ANY_SCRIPT = _email_pattern(r"\p{L}\p{M}", r"\p{N}")


def email_valid(email: pl.Expr) -> pl.Expr:
    """True for what a reader would call an (exposed) e-mail address; no DNS lookup.

    Internationalised local parts and domains count (``françoise.moreau37@mail.example``,
    RFC 6531), as do addresses a mail server would refuse (see
    :func:`email_undeliverable_syntax`) or under reserved domains (:func:`email_reserved`).
    """
    text = email.str.strip_chars()
    # The any-script pattern costs ten times the ASCII one: only non-ASCII text meets it (the
    # others are null there, and a null costs nothing).
    wide = pl.when(text.str.contains(r"[^\x00-\x7F]")).then(text)
    return text.str.contains(_EMAIL_ASCII) | wide.str.contains(_EMAIL_ANY_SCRIPT).fill_null(False)


#: Dots at the ends of the local part or doubled; a hyphen at either end of a domain label.
_MTA_REFUSED = r"^\.|\.\.|\.@|@-|-$|@[^@]*(?:-\.|\.-)"


def email_undeliverable_syntax(email: pl.Expr) -> pl.Expr:
    """True for an address a reader would read (:func:`email_valid`) that a mail server would
    refuse for its syntax (RFC 5321 / 6531): a dot at either end of the local part or two in a
    row, a local part over 64 octets or an address over 254, a domain over 253 octets, a domain
    label over 63 characters or with a hyphen at either end."""
    text = email.str.strip_chars()
    at = text.str.find("@", literal=True)  # in octets: the local part's length
    octets = text.str.len_bytes()
    refused = (
        text.str.contains(_MTA_REFUSED)
        | (at > 64) | (octets > 254) | (octets - at - 1 > 253)
        | text.str.contains(r"[@.][^.@]{64}")
    )
    return email_valid(email) & refused.fill_null(False)


def email_domain(email: pl.Expr) -> pl.Expr:
    """The lower-cased domain of an address (after the last "@")."""
    return email.str.strip_chars().str.to_lowercase().str.extract(r"@([^@]+)$", 1)


def email_reserved(email: pl.Expr) -> pl.Expr:
    """True for reserved domains (RFC 2606/6761: .example, .test, .invalid, example.com...)."""
    return email_domain(email).str.contains(
        r"(^|\.)(example|test|invalid|localhost)$|^example\.(com|net|org)$"
    )


def email_normalised(email: pl.Expr) -> pl.Expr:
    """An address trimmed, in composed Unicode form (NFC) and lower-cased, to count distinct
    addresses: ``Françoise`` typed with a combining cedilla is the same address."""
    return email.str.strip_chars().str.normalize("NFC").str.to_lowercase()


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
