"""One catalogue of public words, one formatter of numbers and dates, and their promises."""

from __future__ import annotations

import ast
import datetime as dt
import doctest
import re
import string
from pathlib import Path

import polars as pl
import pytest

from toolkit.boundary import tripwire
from toolkit.publication.methodology import SENSITIVE_CATEGORIES
from toolkit.shared import folding, formatting, french_names, reference
from toolkit.shared import text as catalogue
from toolkit.shared.formatting import (
    LOCALES,
    day_short,
    decimal,
    month_long,
    month_short,
    number,
    number_expr,
    percent,
    percent_expr,
    percent_text,
)
from toolkit.shared.text import TEXTS, enumeration, is_singular, plural, public_texts, text, texts

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "toolkit"
ACCESSORS = ("text", "plural", "texts")

#: Modules being split into packages by someone else: their hand-made formatters (``_n``,
#: a decimal comma) switch to ``toolkit.shared.formatting`` once the split is done.
NOT_YET_SWITCHED = ("raw/verify",)


def _forms(key: str, lang: str) -> tuple[str, ...]:
    template = TEXTS[key][lang]
    return template if isinstance(template, tuple) else (template,)


def _fields(template: str) -> set[str]:
    return {name for _, name, *_ in string.Formatter().parse(template) if name}


# --- the catalogue ------------------------------------------------------------------------------


def test_every_key_is_dotted_and_has_a_french_text():
    for key, entry in TEXTS.items():
        assert re.fullmatch(r"[a-z_]+(\.[A-Za-z0-9_]+)+", key), key
        assert "fr" in entry, key
        assert set(entry) <= set(catalogue.LANGUAGES), key


@pytest.mark.parametrize("prefix", catalogue.BILINGUAL)
def test_what_charts_maps_and_the_explorer_write_exists_in_english_too(prefix):
    keys = [key for key in TEXTS if key.startswith(prefix)]
    assert keys, prefix
    for key in keys:
        assert set(TEXTS[key]) == {"fr", "en"}, key


def test_the_languages_of_a_text_agree_on_its_form_and_fields():
    for key, entry in TEXTS.items():
        french = entry["fr"]
        french_fields = set().union(*(_fields(f) for f in _forms(key, "fr")))
        for lang, template in entry.items():
            assert isinstance(template, tuple) == isinstance(french, tuple), (key, lang)
            if isinstance(template, tuple):
                assert len(template) == 2, (key, lang)
            fields = set().union(*(_fields(f) for f in _forms(key, lang)))
            # Whoever fills the French text fills every other language's.
            assert fields <= french_fields, (key, lang)


def _accessor_calls() -> list[tuple[str, str, ast.Call]]:
    """(module, accessor, call) for every call of the catalogue's accessors in the package."""
    calls = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module == "toolkit.shared.text"
            for alias in node.names
        }
        if path == PACKAGE / "shared" / "text.py":
            imported = set(ACCESSORS)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ACCESSORS
                and node.func.id in imported
                and node.args
            ):
                calls.append((path.relative_to(ROOT).as_posix(), node.func.id, node))
    return calls


def _literal_keys(argument: ast.expr) -> list[str] | None:
    """The keys a first argument can take: literals, both sides of a conditional; None if built."""
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return [argument.value]
    if isinstance(argument, ast.IfExp):
        body, orelse = _literal_keys(argument.body), _literal_keys(argument.orelse)
        return None if body is None or orelse is None else body + orelse
    return None


def test_every_key_the_code_names_is_in_the_catalogue():
    calls = _accessor_calls()
    named = 0
    for where, accessor, call in calls:
        keys = _literal_keys(call.args[0])
        if keys is None:
            if isinstance(call.args[0], ast.JoinedStr):  # f"note.sensitive_{...}.{category}"
                head = call.args[0].values[0]
                assert isinstance(head, ast.Constant), where
                assert any(k.startswith(head.value) for k in TEXTS), (where, head.value)
            continue
        for key in keys:
            named += 1
            if accessor == "texts":
                assert any(k.startswith(key + ".") for k in TEXTS), (where, key)
                continue
            assert key in TEXTS, (where, key)
            counted = isinstance(TEXTS[key]["fr"], tuple)
            assert counted == (accessor == "plural"), (where, key, accessor)
    assert named > 100  # the scan does see the code's texts


def test_the_code_names_every_catalogue_text():
    named: set[str] = set()
    prefixes: list[str] = []
    for _, accessor, call in _accessor_calls():
        keys = _literal_keys(call.args[0]) or []
        if accessor == "texts":
            prefixes += [k + "." for k in keys]
        elif isinstance(call.args[0], ast.JoinedStr):
            prefixes.append(call.args[0].values[0].value)
        named.update(keys)
    # Axis and legend words kept for charts to come; none other may go stale.
    spare = {
        "chart.year", "chart.category", "chart.mention",
        "chart.age", "chart.combination", "chart.first_sample",
        "chart.last_sample", "chart.suppressed",
    }  # fmt: skip
    unused = {k for k in TEXTS if k not in named and not k.startswith(tuple(prefixes))}
    assert unused == spare


def test_the_sensitive_categories_of_the_note_have_both_their_texts():
    for category in SENSITIVE_CATEGORIES:
        assert text(f"note.sensitive_first.{category}", share="1 %").endswith("des personnes")
        assert text(f"note.sensitive_next.{category}", share="1 %").endswith("pour 1 %")


def test_the_accessor_fills_fields_and_names_what_is_missing():
    assert text("chart.note_primary", k=11).startswith("En gris, «\u00a0< 11\u00a0»")
    assert text("explorer.summary", "en", persons="12", records="15") == (
        "Selection: 12 persons, 15 records."
    )
    with pytest.raises(KeyError, match="no text 'chart.nothing'"):
        text("chart.nothing")
    with pytest.raises(KeyError, match="no 'en' version"):
        text("note.title", "en")
    with pytest.raises(KeyError, match="use plural"):
        text("disclosure.people")
    with pytest.raises(KeyError):
        text("chart.note_primary")  # its field k is not given


def test_plurals_follow_each_languages_rule():
    assert [is_singular(n, "fr") for n in (0, 1, 1.5, 2, 12)] == [True, True, True, False, False]
    assert [is_singular(n, "en") for n in (0, 1, 1.5, 2)] == [False, True, False, False]
    assert plural("chart.lab_windows.title", 1, n=1) == "1 laboratoire\u00a0: la période couverte"
    assert plural("chart.lab_windows.title", 2, n=2).startswith("2 laboratoires\u00a0:")
    assert plural("disclosure.people", 0.9) == "personne"
    assert plural("disclosure.people", 0.9, "en") == "people"


def test_tables_of_labels_and_lists():
    assert texts("csv.sex") == {"F": "Femmes", "M": "Hommes"}
    assert texts("csv.header")["persons"] == "Personnes"
    with pytest.raises(KeyError):
        texts("csv.nothing")
    assert enumeration([]) == "" and enumeration(["a"]) == "a"
    assert enumeration(["a", "b", "c"]) == "a, b et c"
    assert enumeration(["a", "b"], "en") == "a and b"


def test_public_texts_are_the_catalogues_words_without_their_fields():
    found = public_texts()
    assert not [t for t in found if "{" in t or "}" in t]
    assert "Barres horizontales\u00a0: pour chacun des " in found
    assert "Horizontal bar: for the one laboratory, the period between its first and last " \
        "sample in the file." in found  # fmt: skip
    assert "secret statistique" in found and "moins de " in found


def test_the_tripwire_knows_every_word_of_the_catalogue():
    words, phrases = tripwire.public_vocabulary()
    own = [t for t in tripwire.fold(public_texts()) if t]
    assert set(own) <= phrases
    assert {w for t in own for w in t.split()} <= words
    assert {"barres", "enfant", "fixe", "laboratoire", "laboratoires"} <= words


# --- where words and numbers are written ----------------------------------------------------------


@pytest.mark.parametrize("module", ["publication/charts/builders.py", "publication/charts/maps.py"])
def test_chart_builders_and_maps_choose_no_words_by_language(module):
    source = (PACKAGE / module).read_text(encoding="utf-8")
    assert not re.search(r"lang\s*[!=]=", source)
    # Their texts come from the catalogue: no French sentence is spelled there (the English
    # ones left are error messages for the user, not words of the charts).
    tree = ast.parse(source)
    documented = (ast.Module, ast.FunctionDef, ast.ClassDef)
    docstrings = {ast.get_docstring(n, clean=False) for n in ast.walk(tree)
                  if isinstance(n, documented)}  # fmt: skip
    literals = [
        node.value for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and node.value not in docstrings
    ]  # fmt: skip
    french = r"\b(les|des|du|par|pour|personnes|laboratoires?)\b"
    assert [s for s in literals if re.search(french, s, flags=re.IGNORECASE)] == []


def _modules_outside_the_formatter():
    for path in sorted(PACKAGE.rglob("*.py")):
        where = path.relative_to(PACKAGE).as_posix()
        if where == "shared/formatting.py" or where.startswith(NOT_YET_SWITCHED):
            continue
        yield where, path.read_text(encoding="utf-8")


def test_one_formatter_writes_french_numbers():
    by_hand = {
        "thousands grouped by hand": r"""\.replace\(\s*["'],["']\s*,(?!\s*["']\.["'])""",
        "decimal comma by hand": r"""\.replace\(\s*["']\.["']\s*,\s*["'],["']\s*\)""",
        "percent sign by hand": r"(\\u00a0|\\u202f|\u00a0|\u202f)%",
        "month names by hand": r"\b(janvier|février|octobre)\b",
    }
    found = [
        (where, kind)
        for where, source in _modules_outside_the_formatter()
        for kind, pattern in by_hand.items()
        if where != "shared/text.py" and re.search(pattern, source)
    ]
    assert found == []


# --- the formatter --------------------------------------------------------------------------------


def test_numbers_follow_vl_converts_locales():
    assert LOCALES["fr"]["number"]["thousands"] == "\u00a0"
    assert LOCALES["fr"]["number"]["percent"] == "\u202f%"
    assert number(491_840) == "491\u00a0840"
    assert number(491_840, "en") == "491,840"
    assert number(-1_234) == "-1\u00a0234"
    frame = pl.DataFrame({"n": [0, 999, 1_000, 491_840, 1_234_567]})
    assert frame.select(number_expr(pl.col("n"))).to_series().to_list() == [
        number(n) for n in frame["n"]
    ]


def test_chart_percentages_follow_the_locale_and_prose_keeps_the_no_break_space():
    assert percent(0.56) == "56\u202f%" and percent(0.56, "en") == "56%"
    frame = pl.DataFrame({"s": [0.0, 0.0305, 0.56, 1.0]})
    assert frame.select(percent_expr(pl.col("s"))).to_series().to_list() == [
        percent(s) for s in frame["s"]
    ]
    assert percent_text(0.55) == "55\u00a0%" and percent_text(0.55, "en") == "55%"
    assert percent_text(36.04, digits=2, points=True) == "36,04\u00a0%"
    assert percent_text(6.0, digits=2, points=True) == "6\u00a0%"
    assert percent_text(0.996, bounded=True) == "plus de 99\u00a0%"
    assert percent_text(0.004, bounded=True) == "moins de 1\u00a0%"
    assert percent_text(1.0, bounded=True) == "100\u00a0%"
    assert percent_text(0.0, bounded=True) == "0\u00a0%"
    assert percent_text(0.996, "en", bounded=True) == "more than 99%"


def test_decimals_take_a_comma_and_grouped_thousands():
    assert decimal(0.5) == "0,5" and decimal(1.0) == "1,0" and decimal(1.0, trim=True) == "1"
    assert decimal(0.8944, digits=1) == "0,9" and decimal(10.0, "en", 1) == "10.0"
    assert decimal(2.0001, digits=3, trim=True) == "2"
    assert decimal(1234.5, digits=1) == "1\u00a0234,5"
    assert decimal(-1234.5, "en", 1) == "-1,234.5"
    assert decimal(1e-05) == "1e-05"


def test_dates_are_written_as_the_locale_writes_them():
    day = dt.date(2021, 2, 23)
    assert (month_short(day), month_short(day, "en")) == ("févr. 2021", "Feb 2021")
    assert (month_long(day), month_long(day, "en")) == ("février 2021", "February 2021")
    assert (day_short(day), day_short(day, "en")) == ("23 févr. 2021", "Feb 23, 2021")


@pytest.mark.parametrize("module", [formatting, folding, catalogue], ids=lambda m: m.__name__)
def test_the_examples_in_the_docstrings_hold(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


# --- départements with their article (toolkit.shared.french_names) -----------------------------


def test_a_departement_takes_its_article_and_preposition():
    phrase = french_names.departement_phrase
    assert [phrase("56", form) for form in ("le", "de", "dans")] == [
        "le Morbihan", "du Morbihan", "dans le Morbihan",
    ]  # fmt: skip
    assert [phrase("27", "le"), phrase("27", "de")] == ["l'Eure", "de l'Eure"]
    assert [phrase("22", "le"), phrase("22", "de")] == ["les Côtes-d'Armor", "des Côtes-d'Armor"]
    assert [phrase("50", "de"), phrase("43", "le"), phrase("34", "le")] == [
        "de la Manche", "la Haute-Loire", "l'Hérault",
    ]  # fmt: skip
    assert [phrase("75", "dans"), phrase("971", "dans"), phrase("974", "de")] == [
        "à Paris", "en Guadeloupe", "de La Réunion",
    ]  # fmt: skip


def test_the_article_tables_name_departements_of_the_gazetteer_only():
    codes = set(reference.departements_table()["code"])
    tables = (french_names.FEMININE, french_names.PLURAL, french_names.NO_ARTICLE,
              french_names.WITH_ARTICLE, french_names.ISLANDS)  # fmt: skip
    assert set().union(*tables) <= codes
    assert not french_names.FEMININE & french_names.PLURAL
    assert len(codes) == 101


def test_the_article_examples_in_the_docstring_hold():
    result = doctest.testmod(french_names)
    assert result.attempted > 0 and result.failed == 0
