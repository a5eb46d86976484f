"""The French numbering plan as a prefix table, built once from python-phonenumbers' metadata.

python-phonenumbers (the port of Google's libphonenumber) describes each region's numbers with
regular expressions: which national numbers are fixed lines, mobiles, toll-free, premium-rate,
shared-cost, VoIP, UAN... Calling it on every cell of a leak would be Python per row. Instead, this
module reads those expressions once, expands them into digit prefixes, and resolves every prefix
exactly as ``phonenumbers.number_type`` and ``is_valid_number`` would (the same priority between
types, the same choice between the regions that share a country code), giving a small table:

    context, length, prefix -> class (landline / mobile / special), fiction

``context`` is how the number was dialled: ``"0"`` for a number written in national form
(``0X XX XX XX XX``, or nine digits whose leading zero a spreadsheet dropped), or the country code
it was written with (``"33"``, ``"590"``, ``"262"``...). A prefix missing from the table is
unassigned: the class is then ``invalid``. ``toolkit.raw.french`` joins this table onto the
numbers of a leak.

Two deliberate departures from ``phonenumbers.parse(x, "FR")``, both tested:

* the blocks the regulator (Arcep) reserves for fiction (``FICTION_PREFIXES``) keep their own
  rows: a landline for 01-05, a mobile for 06 39 98, flagged ``fiction`` (phonenumbers calls
  06 39 98 impossible, and synthetic mobiles must not be reported invalid);
* a number written in national form that phonenumbers calls invalid for metropolitan France is
  read as a number of the overseas départements, which share the national numbering plan
  (0590 / 0690 Guadeloupe, Saint-Barthélemy, Saint-Martin; 0594 / 0694 Guyane; 0596 / 0696
  Martinique; 0262 / 0692 / 0639 La Réunion and Mayotte): as ``phonenumbers.parse(x, region)``
  reads it with that region. Written with ``+33`` such a number stays invalid, as phonenumbers
  says.
"""

from __future__ import annotations

import itertools
import re._constants as sre_constants  # the parser of Python's own ``re``: exact, no new syntax
import re._parser as sre_parse
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

import polars as pl
from phonenumbers import PhoneMetadata, PhoneNumberType
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

#: Country codes read, in this order: France, then the overseas départements and collectivités
#: (Guadeloupe / Saint-Barthélemy / Saint-Martin, Guyane, Martinique, La Réunion / Mayotte,
#: Saint-Pierre-et-Miquelon, Wallis-et-Futuna, Polynésie française, Nouvelle-Calédonie) and
#: +269, Mayotte's code until 2007 (the Comoros' today).
COUNTRY_CODES: tuple[str, ...] = (
    "33", "590", "594", "596", "262", "508", "681", "689", "687", "269",
)  # fmt: skip

#: The overseas départements whose numbers share the national plan (dialled 0590..., 0262...
#: from metropolitan France), tried in this order after France for a number in national form.
NATIONAL_OVERSEAS: tuple[str, ...] = ("590", "594", "596", "262")

#: The context of a number written in national form.
NATIONAL = "0"

#: Number blocks the regulator (Arcep) reserves for fiction (films, books, synthetic data), as
#: national numbers with their leading zero.
FICTION_PREFIXES: tuple[str, ...] = ("019900", "026191", "035301", "046571", "053649", "063998")

#: Classes a phone number falls into, in report order.
PHONE_CLASSES: tuple[str, ...] = ("landline", "mobile", "special", "invalid")

#: Landline zones of the French numbering plan (01 Île-de-France, 02 north-west, 03 north-east,
#: 04 south-east, 05 south-west), by metropolitan département of residence.
LANDLINE_ZONES: dict[str, tuple[str, ...]] = {
    "1": ("75", "77", "78", "91", "92", "93", "94", "95"),
    "2": ("14", "18", "22", "27", "28", "29", "35", "36", "37", "41", "44", "45", "49", "50",
          "53", "56", "61", "72", "76", "85"),
    "3": ("02", "08", "10", "21", "25", "39", "51", "52", "54", "55", "57", "58", "59", "60",
          "62", "67", "68", "70", "71", "80", "88", "89", "90"),
    "4": ("01", "03", "04", "05", "06", "07", "11", "13", "15", "20", "26", "30", "34", "38",
          "42", "43", "48", "63", "66", "69", "73", "74", "83", "84"),
    "5": ("09", "12", "16", "17", "19", "23", "24", "31", "32", "33", "40", "46", "47", "64",
          "65", "79", "81", "82", "86", "87"),
}  # fmt: skip

#: phonenumbers' types -> the toolkit's classes. A number phonenumbers calls "fixed line or
#: mobile" (the same pattern for both, e.g. Saint-Pierre-et-Miquelon) counts as a landline.
CLASS_OF_TYPE: dict[int, str] = {
    PhoneNumberType.FIXED_LINE: "landline",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "landline",
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.TOLL_FREE: "special",
    PhoneNumberType.PREMIUM_RATE: "special",
    PhoneNumberType.SHARED_COST: "special",
    PhoneNumberType.VOIP: "special",
    PhoneNumberType.PERSONAL_NUMBER: "special",
    PhoneNumberType.PAGER: "special",
    PhoneNumberType.UAN: "special",
    PhoneNumberType.VOICEMAIL: "special",
}

#: The types in the order ``phonenumbers`` tests them (``_number_type_helper``); fixed line and
#: mobile come after, with their own rule.
_SPECIAL_TYPES: tuple[tuple[str, int], ...] = (
    ("premium_rate", PhoneNumberType.PREMIUM_RATE),
    ("toll_free", PhoneNumberType.TOLL_FREE),
    ("shared_cost", PhoneNumberType.SHARED_COST),
    ("voip", PhoneNumberType.VOIP),
    ("personal_number", PhoneNumberType.PERSONAL_NUMBER),
    ("pager", PhoneNumberType.PAGER),
    ("uan", PhoneNumberType.UAN),
    ("voicemail", PhoneNumberType.VOICEMAIL),
)

#: Numbers are looked up by their first ``GROUP_DIGITS`` digits, then as deep as the plan needs
#: under them (see :func:`lookup_table`).
GROUP_DIGITS = 2

_ANY = frozenset("0123456789")
#: A regular expression expanded: every sequence of digit sets it matches.
_Sequence = tuple[frozenset[str], ...]


# --- from a regular expression to digit prefixes --------------------------------------------


def _charset(items: Iterable[tuple[object, object]]) -> frozenset[str]:
    """The digits a character class (``[0-24-8]``, ``\\d``) admits."""
    chosen: set[str] = set()
    negate = False
    for op, value in items:
        if op is sre_constants.LITERAL:
            chosen.add(chr(value))  # type: ignore[arg-type]
        elif op is sre_constants.RANGE:
            low, high = value  # type: ignore[misc]
            chosen.update(chr(c) for c in range(low, high + 1))
        elif op is sre_constants.CATEGORY and value is sre_constants.CATEGORY_DIGIT:
            chosen.update(_ANY)
        elif op is sre_constants.NEGATE:
            negate = True
        else:
            raise ValueError(f"unexpected item {op} in a phone number pattern")
    digits = frozenset(chosen) & _ANY
    return _ANY - digits if negate else digits


def _sequences(items: Iterable[tuple[object, object]]) -> list[_Sequence]:
    """Every sequence of digit sets a parsed (sub)pattern matches."""
    out: list[_Sequence] = [()]
    for op, value in items:
        out = [head + tail for head in out for tail in _item(op, value)]
    return out


def _item(op: object, value: object) -> list[_Sequence]:
    if op is sre_constants.LITERAL:
        return [(frozenset(chr(value)),)]  # type: ignore[arg-type]
    if op is sre_constants.IN:
        return [(_charset(value),)]  # type: ignore[arg-type]
    if op is sre_constants.SUBPATTERN:
        return _sequences(value[-1])  # type: ignore[index]
    if op is sre_constants.BRANCH:
        return [s for branch in value[1] for s in _sequences(branch)]  # type: ignore[index]
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
        low, high, sub = value  # type: ignore[misc]
        if high is sre_constants.MAXREPEAT:
            raise ValueError("unbounded repeat in a phone number pattern")
        once = _sequences(sub)
        out: list[_Sequence] = []
        for count in range(low, high + 1):
            acc: list[_Sequence] = [()]
            for _ in range(count):
                acc = [head + tail for head in acc for tail in once]
            out.extend(acc)
        return out
    raise ValueError(f"unexpected element {op} in a phone number pattern")


def _prefixes(sequence: _Sequence) -> Iterator[str]:
    """The digit prefixes of one sequence: its last "any digit" positions dropped, the rest
    spelt out."""
    end = len(sequence)
    while end and sequence[end - 1] == _ANY:
        end -= 1
    for digits in itertools.product(*(sorted(s) for s in sequence[:end])):
        yield "".join(digits)


def expand(pattern: str) -> dict[int, frozenset[str]]:
    """A national-number pattern of the metadata as ``{length: prefixes}``.

    A number of that length matches the (anchored) pattern when it starts with one of the
    prefixes: ``"80[0-5]\\d{6}"`` -> ``{9: {"800", ..., "805"}}``.
    """
    by_length: dict[int, set[str]] = {}
    for sequence in _sequences(sre_parse.parse(pattern)):
        by_length.setdefault(len(sequence), set()).update(_prefixes(sequence))
    return {length: frozenset(p) for length, p in by_length.items()}


def _leading(pattern: str) -> frozenset[str]:
    """The prefixes a ``leading_digits`` pattern (matched at the start only) admits."""
    return frozenset(p for s in _sequences(sre_parse.parse(pattern)) for p in _prefixes(s))


# --- one region's metadata, as prefixes --------------------------------------------------------


@dataclass(frozen=True)
class _Region:
    """The prefixes of one region's number types (``{type: {length: prefixes}}``)."""

    code: str
    descs: dict[str, dict[int, frozenset[str]]]
    leading: frozenset[str] | None
    same_mobile_and_fixed: bool

    def number_type(self, matched: frozenset[str] | set[str]) -> int:
        """``phonenumbers``' ``_number_type_helper``, given the types whose patterns match."""
        if "general_desc" not in matched:
            return PhoneNumberType.UNKNOWN
        for name, kind in _SPECIAL_TYPES:
            if name in matched:
                return kind
        if "fixed_line" in matched:
            if self.same_mobile_and_fixed or "mobile" in matched:
                return PhoneNumberType.FIXED_LINE_OR_MOBILE
            return PhoneNumberType.FIXED_LINE
        if not self.same_mobile_and_fixed and "mobile" in matched:
            return PhoneNumberType.MOBILE
        return PhoneNumberType.UNKNOWN


def _region(code: str) -> _Region:
    metadata = PhoneMetadata.metadata_for_region(code)
    if metadata is None:
        raise ValueError(f"phonenumbers has no metadata for {code}")
    descs: dict[str, dict[int, frozenset[str]]] = {}
    for name in ("general_desc", "fixed_line", "mobile", *(n for n, _ in _SPECIAL_TYPES)):
        desc = getattr(metadata, name)
        if desc is None or not desc.national_number_pattern:
            continue
        lengths = set(desc.possible_length or ())
        expanded = expand(desc.national_number_pattern)
        descs[name] = {
            length: prefixes
            for length, prefixes in expanded.items()
            if not lengths or length in lengths
        }
    leading = _leading(metadata.leading_digits) if metadata.leading_digits else None
    return _Region(code, descs, leading, bool(metadata.same_mobile_and_fixed_line_pattern))


def _zero_prefix_codes() -> tuple[str, ...]:
    """The codes whose numbers drop a national prefix "0" after the code ("+33 (0)6..."), as
    their main region's ``national_prefix_for_parsing`` says; any other rule is refused, so
    that a new release of phonenumbers that changes one is noticed."""
    codes = []
    for code in COUNTRY_CODES:
        metadata = PhoneMetadata.metadata_for_region(COUNTRY_CODE_TO_REGION_CODE[int(code)][0])
        rule = metadata.national_prefix_for_parsing if metadata else None
        if rule == "0":
            codes.append(code)
        elif rule:
            raise ValueError(f"+{code}: national prefix rule {rule!r} is not read")
    return tuple(codes)


#: Country codes after which a "0" is the national prefix (phonenumbers drops it).
ZERO_PREFIX_CODES: tuple[str, ...] = _zero_prefix_codes()


@cache
def _regions(country_code: str) -> tuple[_Region, ...]:
    """The regions sharing a country code, in phonenumbers' order."""
    return tuple(_region(r) for r in COUNTRY_CODE_TO_REGION_CODE[int(country_code)])


def _country_type(country_code: str, matched: dict[str, set[str]]) -> int:
    """``phonenumbers.number_type`` under a country code: the type in the first of its regions
    that claims the number (``region_code_for_number``). ``matched``: region -> the names of
    its patterns (and ``"leading"`` for its leading digits) that the number matches."""
    for region in _regions(country_code):
        names = matched.get(region.code, set())
        if region.leading is not None:
            if "leading" in names:
                return region.number_type(names)
            continue
        kind = region.number_type(names)
        if kind != PhoneNumberType.UNKNOWN:
            return kind
    return PhoneNumberType.UNKNOWN


# --- the table ----------------------------------------------------------------------------------

#: Fiction blocks as national significant numbers (without the leading zero).
_FICTION = tuple(p[1:] for p in FICTION_PREFIXES)


def _codes_of(context: str) -> tuple[str, ...]:
    """The country codes a context is read with, in order."""
    return ("33", *NATIONAL_OVERSEAS) if context == NATIONAL else (context,)


def _classify(context: str, number: str, length: int,
              matched: dict[str, set[str]]) -> tuple[str, bool]:
    """The class of every number of ``length`` digits starting with ``number``, and fiction."""
    if context in (NATIONAL, "33") and length == 9:
        for block in _FICTION:
            if number.startswith(block):
                return ("mobile" if block.startswith("6") else "landline"), True
    for code in _codes_of(context):
        kind = _country_type(code, matched)
        if kind != PhoneNumberType.UNKNOWN:
            return CLASS_OF_TYPE[kind], False
    return "invalid", False


def _rows(context: str) -> list[tuple[int, str, str, bool]]:
    """``(length, prefix, class, fiction)`` for one context: non-overlapping prefixes, each as
    short as the plan allows, unassigned ones left out."""
    regions = [region for code in _codes_of(context) for region in _regions(code)]
    lengths = sorted({n for r in regions for d in r.descs.values() for n in d})
    rows: list[tuple[int, str, str, bool]] = []
    for length in lengths:
        # prefix -> the (region, pattern) pairs it starts; a number matches a pattern when
        # one of the number's prefixes is in the pattern's set.
        index: dict[str, list[tuple[str, str]]] = {}
        for region in regions:
            for name, by_length in region.descs.items():
                for prefix in by_length.get(length, ()):
                    index.setdefault(prefix, []).append((region.code, name))
            for prefix in region.leading or ():
                index.setdefault(prefix, []).append((region.code, "leading"))
        splits = set(index)
        if context in (NATIONAL, "33") and length == 9:
            splits.update(_FICTION)
        # A prefix is split into its ten children while a longer prefix of the plan lies
        # under it: below, every number it starts gets the same answer.
        inner = {p[:k] for p in splits for k in range(len(p))}

        def walk(prefix: str, above: dict[str, set[str]], length: int = length,
                 index: dict[str, list[tuple[str, str]]] = index,
                 inner: set[str] = inner) -> list[tuple[str, str, bool]]:
            matched = above
            if prefix in index:
                matched = {code: set(names) for code, names in above.items()}
                for code, name in index[prefix]:
                    matched.setdefault(code, set()).add(name)
            if prefix not in inner or len(prefix) == length:
                return [(prefix, *_classify(context, prefix, length, matched))]
            children = [row for d in "0123456789" for row in walk(prefix + d, matched)]
            if len(children) == 10 and len({(c, f) for _, c, f in children}) == 1:
                return [(prefix, children[0][1], children[0][2])]  # ten alike: one row
            return children

        rows.extend(
            (length, prefix, klass, fiction)
            for prefix, klass, fiction in walk("", {})
            if klass != "invalid"
        )
    return rows


@cache
def prefix_table() -> pl.DataFrame:
    """The compact table: ``context, length, prefix, class, fiction``, one row per prefix.

    Prefixes do not overlap within a context and length; a number matching none is invalid.
    Built once per process from the installed phonenumbers' metadata (about 1,200 rows, 20 ms).
    """
    rows = [
        (context, length, prefix, klass, fiction)
        for context in (NATIONAL, *COUNTRY_CODES)
        for length, prefix, klass, fiction in _rows(context)
    ]
    return pl.DataFrame(
        rows,
        schema={"context": pl.String, "length": pl.UInt32, "prefix": pl.String,
                "class": pl.String, "fiction": pl.Boolean},
        orient="row",
    ).sort("context", "length", "prefix")


@cache
def lookup_table() -> tuple[pl.DataFrame, dict[int, list[str]]]:
    """The table a number is joined on, and how many digits of it to take.

    A number of context ``c`` and national significant number ``n`` is looked up by
    ``(c, n[:depth], len(n))``, where ``depth`` depends on its group ``c + ":" + n[:2]`` only:
    the returned dict lists the groups of each depth above ``GROUP_DIGITS`` (a group not listed
    is looked up on ``GROUP_DIGITS`` digits). The compact prefixes are spelt out to the depth of
    their group: about 18,000 rows, where one depth of five digits for all would need ten times
    as many.
    """
    prefix = pl.col("prefix")
    # Prefixes shorter than a group spelt out to the group's digits (or the whole number).
    grouped = _spelt(prefix_table(), pl.min_horizontal(pl.lit(GROUP_DIGITS), pl.col("length")))
    grouped = grouped.with_columns(
        group=pl.concat_str([pl.col("context"), pl.lit(":"), prefix.str.slice(0, GROUP_DIGITS)])
    ).with_columns(
        depth=pl.max_horizontal(prefix.str.len_chars(), pl.lit(GROUP_DIGITS))
        .max().over("group").cast(pl.UInt32)
    )
    table = _spelt(grouped, pl.min_horizontal(pl.col("depth"), pl.col("length"))).select(
        "context", pl.col("prefix").alias("head"), "length", "class", "fiction"
    )
    depths = grouped.filter(pl.col("depth") > GROUP_DIGITS).group_by("depth").agg(
        pl.col("group").unique().sort()
    )
    groups = {int(d): list(g) for d, g in depths.sort("depth").iter_rows()}
    return table, groups


def _spelt(table: pl.DataFrame, digits: pl.Expr) -> pl.DataFrame:
    """``table`` with each ``prefix`` spelt out to ``digits`` digits (one row per spelling);
    a prefix already that long is kept as it is."""
    missing = (
        digits.cast(pl.Int64) - pl.col("prefix").str.len_chars().cast(pl.Int64)
    ).clip(lower_bound=0)
    return (
        table.with_columns(missing.alias("_missing"))
        .with_columns(pl.int_ranges(0, pl.lit(10, pl.Int64).pow(pl.col("_missing"))).alias("_tail"))
        .explode("_tail")
        .with_columns(
            pl.when(pl.col("_missing") > 0)
            .then(pl.col("prefix") + pl.col("_tail").cast(pl.String).str.zfill(pl.col("_missing")))
            .otherwise(pl.col("prefix"))
            .alias("prefix")
        )
        .drop("_missing", "_tail")
    )


__all__ = [
    "CLASS_OF_TYPE",
    "COUNTRY_CODES",
    "FICTION_PREFIXES",
    "GROUP_DIGITS",
    "NATIONAL",
    "NATIONAL_OVERSEAS",
    "PHONE_CLASSES",
    "ZERO_PREFIX_CODES",
    "expand",
    "lookup_table",
    "prefix_table",
]
