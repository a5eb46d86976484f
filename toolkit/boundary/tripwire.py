"""The PII tripwire: every file of an export is scanned, in memory, before anything is written.

Two nets, one hit aborts the export (:class:`~toolkit.shared.errors.DisclosureError`, one line
naming the file, the kind of identifier and whether it sits in the text a reader sees, never the
identifier itself) and nothing is written:

* **Shapes**, whatever the input held: NIR-shaped numbers (13 or 15 digits, Corsican 2A/2B),
  French phone-shaped numbers (``0X XX XX XX XX``, ``+33 X…``, ``0033…``) and e-mail-shaped
  strings, written with any separator between the digit groups (spaces, no-break spaces, dots,
  dashes, underscores) and glued to letters (``LBM252050713844629``); a NIR glued to other
  digits is found when one of its 15-digit windows has a valid key. Decimal numbers and hex
  digests (sha256 in a manifest) are not mistaken for identifiers.
* **Identifiers of the input**: every value of the input's direct-identifier columns (names,
  birth names, first names, NIRs, addresses, phones, emails, logins, passwords, comments,
  doctors) and of the columns the classification flags ``identifying`` (administrative
  identifiers: patient, file and stay numbers, in category "other"), folded (case, accents,
  punctuation -> one space) and matched as whole words in the text a reader sees: SVG text,
  the string values of JSON (Vega-Lite, GeoJSON, manifest) other than the chart grammar's own
  words, CSV cells, Markdown, PNG text chunks and file names. A
  password "test" or a first name "Line" is thus not found in SVG markup or in a Vega-Lite mark
  type, only where a reader would read it.

What is deliberately *not* searched for the second net, so that the tripwire does not cry wolf:

* values without a letter (NIR, phone numbers, postcodes, house numbers): a count or a
  coordinate can take any digits; these are caught by the shape net instead;
* values shorter than :data:`MIN_CHARS` characters once folded ("Le", "Ba", "A+");
* values equal to a text the toolkit itself writes (the text catalogue ``toolkit.shared.text``,
  labels of categories and mentions, month and day names), and one-word values equal to a word
  of those texts ("enfant", "barres", "fixe"): :func:`public_vocabulary`;
* words that lie inside a public name in the file (a commune, département or region of the
  gazetteer, :func:`place_names`, or one of the toolkit's texts): the surname "Martin" is
  searched, but not seen in "Saint-Martin-sur-Oust" on a commune map. A surname that is also a
  town ("Vitré") is thus seen only where it is not the town's whole name. The names of the labs
  a registry or FINESS extract gives (businesses, public) count as place names do
  (:meth:`Identifiers.with_public`): "Kervarec" is not seen in « Laboratoire Kervarec ».

PNG files are scanned through their text chunks (``tEXt``, ``iTXt``, ``zTXt``): the pixels of a
chart come from the same specification as its SVG and Vega-Lite JSON, which are scanned in full.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import re
import shutil
import struct
import tempfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import polars as pl

from toolkit.shared import reference
from toolkit.shared.case import shipped_texts
from toolkit.shared.errors import DisclosureError, InputError, ToolkitError
from toolkit.shared.folding import fold_text
from toolkit.shared.formatting import LOCALES
from toolkit.shared.text import public_texts
from toolkit.shared.vocabulary import (
    CATEGORY_LABELS,
    DIRECT_IDENTIFIERS,
    MENTION_LABELS,
    category_label,
)

#: Folded identifiers shorter than this are not searched (too many ordinary words).
MIN_CHARS = 4
#: Longer identifiers are matched on their first tokens (an address or a comment is already
#: unmistakable after eight words).
MAX_TOKENS = 8

# Shapes. A separator between digit groups is any one of these characters.
_SEP = "[ \\t\\u00a0\\u202f._\\-]?"
# Not inside a longer number (a digit, or a digit and a decimal separator, just before it).
_START = r"(?<!\d)(?<!\d[.,])"
# Not followed by more digits or by a decimal part.
_END = r"(?!\d)(?![.,]\d)"
_NIR = re.compile(
    _START + rf"[1-478]{_SEP}\d\d{_SEP}\d\d{_SEP}(?:\d\d|2[ABab]){_SEP}\d{{3}}{_SEP}\d{{3}}"
    rf"(?:{_SEP}\d\d)?" + _END
)
_PHONE = re.compile(
    _START + rf"(?:(?:\+|00){_SEP}33{_SEP}(?:\(0\){_SEP})?|0)[1-9](?:{_SEP}\d\d){{4}}" + _END
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
#: A NIR glued to other digits: checked window by window, key included.
_LONG_DIGITS = re.compile(_START + r"\d{16,}" + _END)
#: Hex digests (sha256 of files, person-free ids): never identifiers.
_HEX_DIGEST = re.compile(r"(?<![0-9A-Za-z])(?=[0-9]*[a-f])[0-9a-f]{16,}(?![0-9A-Za-z])")
SHAPES: dict[str, re.Pattern[str]] = {
    "NIR-shaped number": _NIR,
    "phone-shaped number": _PHONE,
    "email-shaped address": _EMAIL,
}


def _is_decimal(match: str) -> bool:
    """A number with a single decimal point or comma ("2.306227826350"), not an identifier."""
    separators = [c for c in match if not c.isalnum()]
    return len(separators) == 1 and separators[0] in ".,"


def _nir_key_valid(window: str) -> bool:
    body = int(window[:13])
    return (97 - body % 97) == int(window[13:])


def _plausible_nir(window: str) -> bool:
    return window[0] in "123478" and (1 <= int(window[3:5]) <= 12 or 20 <= int(window[3:5]) <= 42)


def find_shape(text: str) -> str | None:
    """The kind of the first identifier-shaped string in ``text``, or None."""
    text = _HEX_DIGEST.sub(" ", text)
    if _EMAIL.search(text):
        return "email-shaped address"
    for kind in ("NIR-shaped number", "phone-shaped number"):
        for match in SHAPES[kind].finditer(text):
            if not _is_decimal(match.group()):
                return kind
    for run in _LONG_DIGITS.finditer(text):
        digits = run.group()
        for i in range(len(digits) - 14):
            window = digits[i : i + 15]
            if _plausible_nir(window) and _nir_key_valid(window):
                return "NIR-shaped number"
    return None


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True, eq=False)
class Identifiers:
    """The folded identifiers of one input, ready to be searched (held in memory only).

    ``phrases`` maps each folded identifier (tokens joined by one space) to its data category.
    ``source`` says where they come from, for the manifest (never the values).
    """

    phrases: Mapping[str, str] = field(default_factory=dict)
    columns: tuple[str, ...] = ()
    source: str = "none"
    #: Folded public names of this publication beyond the gazetteer's places (the labs a
    #: registry or FINESS extract names: businesses): an identifier inside one, where it stands
    #: whole, is not a hit, as inside a place name (:meth:`with_public`).
    public: frozenset[str] = frozenset()
    #: The first token of every phrase: a cheap filter before the n-gram look-up.
    first_tokens: frozenset[str] = field(init=False)
    #: The distinct token counts of the phrases, ascending.
    lengths: tuple[int, ...] = field(init=False)

    def __post_init__(self) -> None:
        first = frozenset(p.split(" ", 1)[0] for p in self.phrases)
        object.__setattr__(self, "first_tokens", first)
        object.__setattr__(self, "lengths", tuple(sorted({p.count(" ") + 1 for p in self.phrases})))

    def with_public(self, names: Iterable[str]) -> Identifiers:
        """The same identifiers, with ``names`` (e.g. the labs' names) public as place names are:
        "Kervarec" is still searched, but not seen in « Laboratoire Kervarec Biologie »."""
        folded = frozenset(n for n in fold([str(n) for n in names]) if n)
        return Identifiers(self.phrases, self.columns, self.source, self.public | folded)

    def describe(self) -> dict[str, Any]:
        """What the tripwire searched, for the manifest: counts and column names only."""
        return {
            "shapes": sorted(SHAPES),
            "identifier_columns": list(self.columns),
            "identifiers_searched": len(self.phrases),
            "source": self.source,
            "min_chars": MIN_CHARS,
        }


def shapes_only() -> Identifiers:
    """No identifier list (e.g. publishing from a safe table alone): only the shape net."""
    return Identifiers(source="shapes only (the raw input was not given)")


def fold(texts: Iterable[str]) -> list[str]:
    """Fold texts exactly as identifiers are folded (the same Polars expression serves both)."""
    series = pl.Series("t", list(texts), dtype=pl.String)
    return pl.select(fold_text(pl.lit(series))).to_series().to_list()


@cache
def public_vocabulary() -> tuple[frozenset[str], frozenset[str]]:
    """The toolkit's own words and phrases: ``(words, whole texts)``, never searched.

    Every word of the French and English labels of categories and mentions, month and day
    names, the string literals of the chart modules (titles, alt texts), the methodology
    templates, and the titles and source lines of the shipped cases. An identifier equal to one
    of these texts, or a one-word identifier equal to one of these words, is not searched (see
    the module docstring).
    """
    texts: list[str] = [*public_texts(), *shipped_texts()]
    for labels in (*CATEGORY_LABELS.values(), *MENTION_LABELS.values()):
        texts.extend(labels.values())
    for locale in LOCALES.values():
        for key in ("months", "shortMonths", "days", "shortDays"):
            texts.extend(locale["time"].get(key, []))
    own = [t for t in fold(texts) if t]
    return frozenset(w for t in own for w in t.split()), frozenset(own)


@cache
def place_names() -> frozenset[str]:
    """The folded names of the gazetteer's communes, départements and regions (public)."""
    names: list[str] = []
    try:
        names.extend(reference.communes()["name"].to_list())
        names.extend(reference.departements_table()["name"].to_list())
        names.extend(reference.regions_table()["name"].to_list())
    except ToolkitError:  # no gazetteer (`make reference` not run): fewer public names only
        pass
    return frozenset(t for t in fold(names) if t)


@cache
def _public_index() -> tuple[frozenset[str], frozenset[str], tuple[int, ...]]:
    """Public phrases of at most MAX_TOKENS words, their first words and their lengths."""
    public = public_vocabulary()[1] | place_names()
    phrases = frozenset(p for p in public if p.count(" ") < MAX_TOKENS)
    first = frozenset(p.split(" ", 1)[0] for p in phrases)
    return phrases, first, tuple(sorted({p.count(" ") + 1 for p in phrases}))


def _public_spans(tokens: list[str], extra: frozenset[str] = frozenset()) -> list[bool]:
    """For each token, whether it lies inside a public phrase (a place name, a label, one of
    the ``extra`` public names of this publication)."""
    covered = [False] * len(tokens)
    phrases, first, lengths = _public_index()
    indexes = [(phrases, first, lengths)]
    if extra:
        indexes.append((extra, frozenset(p.split(" ", 1)[0] for p in extra),
                        tuple(sorted({p.count(" ") + 1 for p in extra}))))  # fmt: skip
    for known, starts, sizes in indexes:
        for i, n, phrase in _runs(tokens, starts, sizes):
            if phrase in known:
                covered[i : i + n] = [True] * n
    return covered


def _runs(
    tokens: list[str], first: frozenset[str], lengths: tuple[int, ...]
) -> Iterator[tuple[int, int, str]]:
    """``(start, length, phrase)`` for every run of tokens that could be a known phrase.

    A run starts at a token that begins some phrase and has one of the phrases' lengths.
    """
    for i, token in enumerate(tokens):
        if token not in first:
            continue
        for n in lengths:
            if i + n > len(tokens):
                break
            yield i, n, " ".join(tokens[i : i + n])


def _mapping(schema: Any) -> dict[str, str]:
    """Column -> category, from a ``Schema`` (toolkit.raw.schema.classify) or a plain dict."""
    return dict(schema if isinstance(schema, Mapping) else schema.mapping)


def _identifying(schema: Any) -> frozenset[str]:
    """The columns a ``Schema`` flags identifying beyond their category (``Schema.identifying``:
    administrative identifiers); a plain dict flags none."""
    return frozenset(() if isinstance(schema, Mapping) else getattr(schema, "identifying", ()))


#: How a hit in a column flagged identifying (category "other") is named.
ADMINISTRATIVE = "administrative identifier"


def collect_identifiers(source: Any, schema: Any) -> Identifiers:
    """Every searchable identifier of a raw leak (``Ingested`` or frame, plus its ``Schema``).

    The columns searched: those of a direct-identifier category, and those the ``Schema`` flags
    ``identifying`` (administrative identifiers; a plain ``{column: category}`` dict flags
    none). Runs on the raw side of the boundary, in one lazy pass per column; the values stay in
    memory and are never written anywhere.
    """
    frame = getattr(source, "frame", source)
    if not isinstance(frame, pl.LazyFrame | pl.DataFrame):
        raise InputError("expected a leak read by toolkit.raw.ingest.read_leak, or a Polars frame")
    frame = frame.lazy()
    mapping = _mapping(schema)
    flagged = _identifying(schema)
    available = set(frame.collect_schema().names())
    columns = [
        c for c, cat in mapping.items()
        if (cat in DIRECT_IDENTIFIERS or c in flagged) and c in available
    ]
    words, phrases = public_vocabulary()
    if not columns:
        return Identifiers(source="input without direct-identifier columns")
    # One pass over the file; distinct values only, and only those with a letter: folding is
    # the costly step, leaks repeat doctors, towns and comments a lot, NIRs and phones have no
    # letter (the shape net covers them).
    long = (
        frame.select(pl.col(c).cast(pl.String) for c in columns)
        .unpivot(variable_name="column", value_name="value")
        .filter(pl.col("value").str.contains(r"\p{L}"))
        .unique(["column", "value"])
    )
    tokens = fold_text(pl.col("value")).str.split(" ").list.head(MAX_TOKENS)
    categories = {c: mapping[c] for c in columns}
    folded = long.select(
        phrase=tokens.list.join(" "),
        category=pl.col("column").replace_strict(categories, return_dtype=pl.String),
    )
    phrase = pl.col("phrase")
    table = (
        folded.filter(
            phrase.str.contains("[a-z]")
            & (phrase.str.replace_all(" ", "", literal=True).str.len_chars() >= MIN_CHARS)
        )
        # A value found in two columns (a patient's and a doctor's surname) is reported under
        # the first category in alphabetical order: the same message on every run.
        .sort(["phrase", "category"])
        .unique("phrase", keep="first", maintain_order=True)
        .filter(~phrase.is_in(sorted(phrases)))
        .filter(phrase.str.contains(" ") | ~phrase.is_in(sorted(words)))
        .collect()
    )
    # Built per category, so that every entry shares its category's one string object: a
    # large leak has millions of identifiers, held in memory until the export is written.
    found: dict[str, str] = {}
    for (category,), group in table.partition_by("category", as_dict=True).items():
        found.update(dict.fromkeys(group["phrase"].to_list(), str(category)))
    return Identifiers(phrases=found, columns=tuple(columns), source="raw input")


# --- scanning ---------------------------------------------------------------------------------


def _png_text(data: bytes) -> str:
    """The text chunks of a PNG (tEXt, iTXt, zTXt), decoded; pixels carry no scannable text."""
    if not data.startswith(_PNG_SIGNATURE):
        return data.decode("latin-1")
    texts, offset = [], len(_PNG_SIGNATURE)
    while offset + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        body = data[offset + 8 : offset + 8 + length]
        if kind == b"tEXt":
            texts.append(body.decode("latin-1"))
        elif kind == b"zTXt":
            keyword, _, rest = body.partition(b"\0")
            value = zlib.decompress(rest[1:])
            texts.append(keyword.decode("latin-1") + " " + value.decode("latin-1"))
        elif kind == b"iTXt":
            keyword, _, rest = body.partition(b"\0")
            compressed, rest = rest[0], rest[2:]
            _, _, rest = rest.partition(b"\0")  # language tag
            _, _, rest = rest.partition(b"\0")  # translated keyword
            value = zlib.decompress(rest) if compressed else rest
            texts.append(keyword.decode("latin-1") + " " + value.decode("utf-8", "replace"))
        offset += 12 + length
    return "\n".join(texts)


def file_text(name: str, data: bytes) -> str:
    """The whole text of an export file as the tripwire reads it (markup included)."""
    if name.lower().endswith(".png"):
        return _png_text(data)
    return data.decode("utf-8-sig", errors="replace")


@cache
def _chart_grammar() -> frozenset[str]:
    """Every word of Vega-Lite's own grammar (mark types, alignments, scale types...).

    Read from the Vega-Lite JSON schema shipped with Altair: a string value of a chart spec that
    is one of these words is the chart's markup, not text a reader sees.
    """
    # Only the file is needed: finding it does not import Altair (two seconds).
    spec = importlib.util.find_spec("altair")
    if spec is None or spec.origin is None:
        return frozenset()
    schema_dir = Path(spec.origin).parent / "vegalite" / "v6" / "schema"
    words: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("enum", "const"):
                    for item in value if isinstance(value, list) else [value]:
                        if isinstance(item, str):
                            words.add(item)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(json.loads((schema_dir / "vega-lite-schema.json").read_text(encoding="utf-8")))
    return frozenset(words)


#: JSON keys whose string values are markup (field names, formats, fonts, colours, expressions).
_MARKUP_KEYS = frozenset({
    "$schema", "field", "type", "format", "formatType", "font", "labelFont", "titleFont",
    "color", "fill", "stroke", "scheme", "expr", "test", "signal", "name", "url", "timeUnit",
    "aggregate", "interpolate", "orient", "align", "baseline", "anchor", "fontStyle",
    "fontWeight", "cursor", "shape", "data", "datum", "as", "groupby", "op", "filter",
    "calculate", "sort", "labelAlign", "labelBaseline", "titleAlign", "titleAnchor",
    "titleBaseline", "titleOrient", "legendX", "legendY", "direction", "strokeCap",
    "strokeJoin", "blend", "resolve", "background",
})  # fmt: skip


def _json_strings(node: Any, key: str | None, out: list[str]) -> None:
    if isinstance(node, dict):
        for k, value in node.items():
            _json_strings(value, k, out)
    elif isinstance(node, list):
        for item in node:
            _json_strings(item, key, out)
    elif isinstance(node, str) and key not in _MARKUP_KEYS and node not in _chart_grammar():
        out.append(node)


def _svg_text(text: str) -> str:
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError:
        return text
    parts = []
    for element in root.iter():
        if element.tag.rsplit("}", 1)[-1] in ("style", "script"):
            continue
        parts.extend(part for part in (element.text, element.tail) if part and part.strip())
    return "\n".join(parts)


def visible_text(name: str, data: bytes) -> str:
    """The text of an export file that a reader sees: no markup, one piece per line."""
    lower = name.lower()
    if lower.endswith(".png"):
        return _png_text(data)
    text = data.decode("utf-8-sig", errors="replace")
    if lower.endswith(".svg"):
        return _svg_text(text)
    if lower.endswith((".json", ".geojson")):
        try:
            document = json.loads(text)
        except ValueError:
            return text
        strings: list[str] = []
        _json_strings(document, None, strings)
        return "\n".join(strings)
    if lower.endswith(".csv"):
        rows = csv.reader(io.StringIO(text), delimiter=";")
        return "\n".join(cell for row in rows for cell in row)
    return text


def find_identifier(text: str, identifiers: Identifiers) -> str | None:
    """The kind of the first identifier of the input found in ``text``, or None."""
    if not identifiers.phrases:
        return None
    tokens = fold([text])[0].split()
    covered: list[bool] | None = None
    first, lengths, phrases = identifiers.first_tokens, identifiers.lengths, identifiers.phrases
    for i, n, phrase in _runs(tokens, first, lengths):
        category = phrases.get(phrase)
        if category is None:
            continue
        # Computed once, and only when an identifier matched: most files never need it.
        covered = _public_spans(tokens, identifiers.public) if covered is None else covered
        if not all(covered[i : i + n]):
            label = ADMINISTRATIVE if category == "other" else category_label(category, "en")
            return f"{label.lower()} from the input"
    return None


def find(text: str, identifiers: Identifiers) -> str | None:
    """The kind of the first identifier found in ``text`` (a shape or a category), or None."""
    return find_shape(text) or find_identifier(text, identifiers)


def _hit(name: str, data: bytes, identifiers: Identifiers) -> str | None:
    """What a file holds that may not be published, and where; None when it is clean."""
    kind = find(Path(name).stem, identifiers)
    if kind is not None:
        return f"{kind} in its file name"
    kind = find(visible_text(name, data), identifiers)
    if kind is not None:
        return f"{kind} in its visible text"
    kind = find_shape(file_text(name, data))
    if kind is not None:
        return f"{kind} in its markup (not in the text a reader sees)"
    return None


def scan(files: Mapping[str, bytes], identifiers: Identifiers) -> None:
    """Raise :class:`DisclosureError` at the first file holding an identifier; else return."""
    if not isinstance(identifiers, Identifiers):
        raise InputError("the tripwire needs the input's identifiers (collect_identifiers)")
    for name in sorted(files):
        where = _hit(name, files[name], identifiers)
        if where is not None:
            raise DisclosureError(
                f"export aborted, nothing written: {name} contains a {where} "
                "(personal data must never be published)"
            )


def write_checked(
    files: Mapping[str, bytes],
    out_dir: str | Path,
    identifiers: Identifiers,
    *,
    replace_folder: bool = False,
) -> list[Path]:
    """Scan ``files`` (name -> bytes), then write them into ``out_dir``; nothing on a hit.

    Files are first written to a temporary folder beside ``out_dir`` and moved into place only
    after the scan passed. With ``replace_folder`` the whole folder becomes exactly ``files``
    (a previous bundle is replaced in one rename); otherwise files are added or overwritten.
    """
    for name in files:
        if not name or Path(name).name != name or name.startswith("."):
            raise InputError(f"the export file name {name!r} must be a plain file name")
    scan(files, identifiers)
    out = Path(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for name, data in files.items():
            (staging / name).write_bytes(data)
        if replace_folder:
            old = None
            if out.exists():
                old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
                os.replace(out, old / out.name)
            os.replace(staging, out)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        else:
            out.mkdir(parents=True, exist_ok=True)
            for name in files:
                os.replace(staging / name, out / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [out / name for name in sorted(files)]
