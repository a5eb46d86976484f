"""Case files: what is specific to one leak, in one small TOML file per investigation.

Everything the toolkit says about *a* leak rather than about leaks in general lives in a case
file: its id and title, the source line under every chart, its key dates (end of the data, first
public report), the départements it concerns, optionally a lab registry, and the claims published
about it (a JSON file beside the case file, read by ``toolkit.raw.claims``). A new leak is a new
case file, not a code change.

The cases shipped with the toolkit live in ``toolkit/shared/cases/`` (package data); the first
one, the 2021 leak (``dedalus_2021``), is the default. A case is named by its id (a shipped
case) or given as the path of a ``.toml`` file; relative paths inside a case file are read from
its folder.
Every problem with a case file is one line naming the file: a missing or unknown field, a bad
date, an unknown département code.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from toolkit.shared.errors import InputError

#: The folder of the cases shipped with the toolkit.
CASES_DIR = Path(__file__).resolve().parent / "cases"
#: The case used when none is named: the 2021 leak.
DEFAULT_CASE = "dedalus_2021"

#: Département codes: 01-95 (no 20), Corsica's 2A and 2B, and the five overseas départements.
_DEPARTEMENT = re.compile(r"(0[1-9]|1\d|[3-8]\d|9[0-5]|2[1-9AB]|97[12346])")

_REQUIRED = ("id", "title", "source", "dates", "departements")
_OPTIONAL = ("labs", "claims", "about")
_DATES = ("first_report", "end_of_data")
_LANGS = ("fr", "en")


@dataclass(frozen=True)
class Case:
    """One investigation: the facts of a leak that charts, notes and the claims checker quote."""

    id: str
    title_fr: str
    title_en: str
    #: The line under every chart ("Source : ..."), in French and English.
    source_fr: str
    source_en: str
    #: The first public report of the leak (marked on the timeline).
    first_report: dt.date
    #: The last day of the data, as published (None when not known).
    end_of_data: dt.date | None
    #: The départements the leak concerns (INSEE codes), for framing maps and claims.
    departements: tuple[str, ...]
    #: A lab registry (CSV) for this leak, or None.
    labs: Path | None
    #: The published claims (JSON, ``toolkit.raw.claims``), or None when none is encoded.
    claims: Path | None
    #: The case file itself.
    path: Path

    def title(self, lang: str = "fr") -> str:
        """The case's title in ``lang`` (English falls back to French)."""
        return self.title_en if lang == "en" else self.title_fr

    def source_line(self, lang: str = "fr") -> str:
        """The source line under a chart in ``lang`` (English falls back to French)."""
        return self.source_en if lang == "en" else self.source_fr

    def describe(self) -> dict[str, Any]:
        """What a manifest records about the case (no path: it may name the user's folders)."""
        return {
            "id": self.id,
            "title": self.title_fr,
            "first_report": self.first_report.isoformat(),
            "end_of_data": None if self.end_of_data is None else self.end_of_data.isoformat(),
            "departements": list(self.departements),
        }


def _text(value: Any, name: str, path: Path) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"case file: {name} must be a non-empty text", path)
    return value.strip()


def _bilingual(document: dict[str, Any], name: str, path: Path) -> tuple[str, str]:
    """``name = {fr = "...", en = "..."}`` (or one text, used for both): (fr, en)."""
    value = document[name]
    if isinstance(value, str):
        french = _text(value, name, path)
        return french, french
    if not isinstance(value, dict):
        raise InputError(f"case file: {name} must be a text or a table {{fr = ..., en = ...}}",
                         path)  # fmt: skip
    unknown = sorted(set(value) - set(_LANGS))
    if unknown:
        raise InputError(f"case file: unknown language {unknown[0]!r} in {name} (fr, en)", path)
    if "fr" not in value:
        raise InputError(f"case file: missing field {name}.fr", path)
    french = _text(value["fr"], f"{name}.fr", path)
    return french, _text(value.get("en", french), f"{name}.en", path)


def _date(value: Any, name: str, path: Path) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InputError(f"case file: bad date for {name}: {value!r} (write YYYY-MM-DD)", path)


def _file(value: Any, name: str, path: Path) -> Path:
    relative = Path(_text(value, name, path))
    found = relative if relative.is_absolute() else path.parent / relative
    if not found.is_file():
        raise InputError(f"case file: {name} names a file that does not exist: {relative}", path)
    return found


def parse_case(document: dict[str, Any], path: Path) -> Case:
    """A case from the TOML ``document`` read from ``path`` (checked field by field)."""
    missing = [name for name in _REQUIRED if name not in document]
    if missing:
        raise InputError(f"case file: missing field {missing[0]}", path)
    unknown = sorted(set(document) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise InputError(f"case file: unknown field {unknown[0]!r}", path)
    case_id = _text(document["id"], "id", path)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", case_id):
        raise InputError(f"case file: id must be letters, digits, '_', '-' or '.': {case_id!r}",
                         path)  # fmt: skip
    dates = document["dates"]
    if not isinstance(dates, dict):
        raise InputError("case file: dates must be a table ([dates])", path)
    if "first_report" not in dates:
        raise InputError("case file: missing field dates.first_report", path)
    unknown = sorted(set(dates) - set(_DATES))
    if unknown:
        raise InputError(f"case file: unknown field 'dates.{unknown[0]}'", path)
    first_report = _date(dates["first_report"], "dates.first_report", path)
    end_of_data = (None if "end_of_data" not in dates
                   else _date(dates["end_of_data"], "dates.end_of_data", path))  # fmt: skip
    if end_of_data is not None and end_of_data > first_report:
        raise InputError("case file: dates.end_of_data is after dates.first_report", path)
    codes = document["departements"]
    if not isinstance(codes, list) or not codes:
        raise InputError("case file: departements must be a list of codes, e.g. [\"22\", \"56\"]",
                         path)  # fmt: skip
    for code in codes:
        if not isinstance(code, str) or not _DEPARTEMENT.fullmatch(code):
            raise InputError(f"case file: unknown département code {code!r} in departements",
                             path)  # fmt: skip
    title_fr, title_en = _bilingual(document, "title", path)
    source_fr, source_en = _bilingual(document, "source", path)
    return Case(
        id=case_id, title_fr=title_fr, title_en=title_en, source_fr=source_fr,
        source_en=source_en, first_report=first_report, end_of_data=end_of_data,
        departements=tuple(dict.fromkeys(codes)),
        labs=_file(document["labs"], "labs", path) if "labs" in document else None,
        claims=_file(document["claims"], "claims", path) if "claims" in document else None,
        path=path,
    )  # fmt: skip


def read_case(path: str | os.PathLike[str]) -> Case:
    """The case in the TOML file ``path``."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError("case file not found", path) from None
    except OSError as exc:
        raise InputError(f"case file cannot be read ({exc.strerror or exc})", path) from None
    try:
        document = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError("case file: not UTF-8 text", path) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"case file: not valid TOML ({exc})", path) from None
    return parse_case(document, path)


def shipped_cases() -> list[str]:
    """The ids of the cases shipped with the toolkit."""
    return sorted(p.stem for p in CASES_DIR.glob("*.toml"))


@cache
def _shipped(name: str) -> Case:
    return read_case(CASES_DIR / f"{name}.toml")


def load_case(name_or_path: Case | str | os.PathLike[str] | None = None) -> Case:
    """A case: a :class:`Case` as is, a shipped case's id, a ``.toml`` file, or the default."""
    if isinstance(name_or_path, Case):
        return name_or_path
    if name_or_path is None:
        return _shipped(DEFAULT_CASE)
    chosen = os.fspath(name_or_path)
    looks_like_file = (
        not isinstance(name_or_path, str) or chosen.endswith(".toml") or os.sep in chosen
        or Path(chosen).is_file()
    )
    if looks_like_file:
        return read_case(chosen)
    if chosen in shipped_cases():
        return _shipped(chosen)
    raise InputError(
        f"unknown case {chosen!r}: the cases shipped are {', '.join(shipped_cases())}; "
        "or give the path of a case file (.toml)"
    )


def default_case() -> Case:
    """The case used when none is named (the 2021 leak)."""
    return load_case()


def shipped_texts() -> list[str]:
    """The titles and source lines of the shipped cases: words the toolkit writes itself."""
    return [
        t for name in shipped_cases() for case in (_shipped(name),)
        for t in (case.title_fr, case.title_en, case.source_fr, case.source_en)
    ]


__all__ = [
    "CASES_DIR",
    "DEFAULT_CASE",
    "Case",
    "default_case",
    "load_case",
    "parse_case",
    "read_case",
    "shipped_cases",
    "shipped_texts",
]
