"""The PII tripwire: every file of an export is scanned, in memory, before anything is written.

Two nets, one hit aborts the export (:class:`~toolkit.shared.errors.DisclosureError`, one line
naming the file and the kind of identifier, never the identifier itself) and nothing is written:

* **Shapes**: NIR-shaped (13 or 15 digits, optional single spaces, Corsican 2A/2B), French
  phone-shaped (``0X XX XX XX XX``, ``+33 X…``, ``0033…``) and email-shaped strings, whatever the
  input held.
* **Identifiers of the input**: every value of the input's direct-identifier columns (names,
  birth names, first names, NIRs, addresses, phones, emails, logins, passwords, comments,
  doctors), folded (case, accents, punctuation -> one space) and matched as whole words: a
  value matches a run of whole tokens of the file, never the inside of a word ("Roux" does not
  match "Rouxel").

What is deliberately *not* searched, so that the tripwire does not cry wolf on every export:

* values without a letter (NIR, phone numbers, postcodes, house numbers): a count or a
  coordinate can take any digits; these are caught by the shape net instead;
* values shorter than :data:`MIN_CHARS` characters once folded ("Le", "Ba", "A+");
* values equal to a text the toolkit itself writes (labels of categories and health mentions,
  month names, the string literals of the chart modules, methodology templates), and one-word
  values equal to a word of those texts ("enfant", "barres", "fixe"): :func:`public_vocabulary`;
* words that lie inside a public name in the file (a commune, département or region of the
  gazetteer, :func:`place_names`, or one of the toolkit's texts): the surname "Martin" is
  searched, but not seen in "Saint-Martin-sur-Oust" on a commune map. A surname that is also a
  town ("Vitré") is thus seen only where it is not the town's whole name.

PNG files are scanned through their text chunks (``tEXt``, ``iTXt``, ``zTXt``): the pixels of a
chart come from the same specification as its SVG and Vega-Lite JSON, which are scanned in full.
"""

from __future__ import annotations

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

import polars as pl

from toolkit.shared import reference
from toolkit.shared.errors import DisclosureError, InputError, ToolkitError
from toolkit.shared.folding import fold_text
from toolkit.shared.formatting import LOCALES
from toolkit.shared.text import public_texts, source_literals
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

# Shapes. Look-arounds keep them from firing inside a longer number, a hex digest or a decimal.
_NIR = re.compile(
    r"(?<![\w.,])[1-478] ?\d\d ?\d\d ?(?:\d\d|2[ABab]) ?\d{3} ?\d{3}(?: ?\d\d)?(?![\w]|[.,]\d)"
)
_PHONE = re.compile(
    r"(?<![\w.,])(?:(?:\+|00)33[ .]?(?:\(0\))?|0)[1-9](?:[ .-]?\d\d){4}(?![\w]|[.,]\d)"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
SHAPES: dict[str, re.Pattern[str]] = {
    "NIR-shaped number": _NIR,
    "phone-shaped number": _PHONE,
    "email-shaped address": _EMAIL,
}

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
    #: The first token of every phrase: a cheap filter before the n-gram look-up.
    first_tokens: frozenset[str] = field(init=False)
    #: The distinct token counts of the phrases, ascending.
    lengths: tuple[int, ...] = field(init=False)

    def __post_init__(self) -> None:
        first = frozenset(p.split(" ", 1)[0] for p in self.phrases)
        object.__setattr__(self, "first_tokens", first)
        object.__setattr__(self, "lengths", tuple(sorted({p.count(" ") + 1 for p in self.phrases})))

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
    names, the string literals of the chart modules (titles, alt texts) and the methodology
    templates. An identifier equal to one of these texts, or a one-word identifier equal to one
    of these words, is not searched (see the module docstring).
    """
    texts: list[str] = list(public_texts())
    for labels in (*CATEGORY_LABELS.values(), *MENTION_LABELS.values()):
        texts.extend(labels.values())
    for locale in LOCALES.values():
        for key in ("months", "shortMonths", "days", "shortDays"):
            texts.extend(locale["time"].get(key, []))
    texts.extend(source_literals())
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


def _public_spans(tokens: list[str]) -> list[bool]:
    """For each token, whether it lies inside a public phrase (a place name, a label)."""
    phrases, first, lengths = _public_index()
    covered = [False] * len(tokens)
    for i, n, phrase in _runs(tokens, first, lengths):
        if phrase in phrases:
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


def collect_identifiers(source: Any, schema: Any) -> Identifiers:
    """Every searchable identifier of a raw leak (``Ingested`` or frame, plus its ``Schema``).

    Runs on the raw side of the boundary, in one lazy pass per column; the values stay in
    memory and are never written anywhere.
    """
    frame = getattr(source, "frame", source)
    if not isinstance(frame, pl.LazyFrame | pl.DataFrame):
        raise InputError("expected a leak read by toolkit.raw.ingest.read_leak, or a Polars frame")
    frame = frame.lazy()
    mapping = _mapping(schema)
    available = set(frame.collect_schema().names())
    columns = [c for c, cat in mapping.items() if cat in DIRECT_IDENTIFIERS and c in available]
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
    """The text of an export file as the tripwire reads it."""
    if name.lower().endswith(".png"):
        return _png_text(data)
    return data.decode("utf-8-sig", errors="replace")


def find(text: str, identifiers: Identifiers) -> str | None:
    """The kind of the first identifier found in ``text`` (a shape or a category), or None."""
    for kind, pattern in SHAPES.items():
        if pattern.search(text):
            return kind
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
        covered = _public_spans(tokens) if covered is None else covered
        if not all(covered[i : i + n]):
            return f"{category_label(category, 'en').lower()} from the input"
    return None


def scan(files: Mapping[str, bytes], identifiers: Identifiers) -> None:
    """Raise :class:`DisclosureError` at the first file holding an identifier; else return."""
    if not isinstance(identifiers, Identifiers):
        raise InputError("the tripwire needs the input's identifiers (collect_identifiers)")
    for name in sorted(files):
        kind = find(file_text(name, files[name]), identifiers)
        if kind is not None:
            raise DisclosureError(
                f"export aborted, nothing written: {name} contains a {kind} "
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
