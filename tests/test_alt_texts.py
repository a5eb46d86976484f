"""Every alt text of a bundle says only what its published table says, in correct French.

A small synthetic bundle is published once; for every figure, every number of its alt text
(``NN_<figure>.md``) must be a figure of its CSV, the number of its rows, one of its shares or
rates as a percentage, a number of the case's source line, or a figure the chart declares in its
spec (``usermeta.alt_figures``: sums of published cells, the case's dates). A bound written by
the formatter (« moins de 0,1 % ») is not a figure. The French is checked for the mistakes a desk
corrects first: « de » before a vowel, « 1 » before a plural, English words, « barres » for a
chart without bars.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from toolkit.app import publishing
from toolkit.raw import synth
from toolkit.shared.case import default_case

KEY = bytes(range(32))
SEPARATORS = "\u00a0\u202f"
#: A number as the formatter writes it ("491\u00a0770", "56,5"), and its percent sign if any.
NUMBER = re.compile(
    rf"(?<![\w,])(\d{{1,3}}(?:[{SEPARATORS}]\d{{3}})+|\d+)(,\d+)?([{SEPARATORS}]%)?"
)
BOUND = re.compile(rf"(moins|plus) de[ {SEPARATORS}]$")
ENGLISH = {
    "the", "and", "of", "people", "with", "from", "unknown", "withheld", "none", "rows", "records",
    "samples", "sample", "share", "peak", "chart", "bars", "heatmap", "timeline", "women", "men",
    "health", "laboratory", "laboratories", "lab", "labs", "mostly",
}  # fmt: skip


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("raw")
    leak = raw / "leak.csv"
    synth.write_synthetic_leak(leak, rows=3_000, seed=11, progress=False)
    out = tmp_path_factory.mktemp("pub") / "bundle"
    publishing.publish_leak(leak, out, key=KEY, labs=raw / "leak.labs.csv", synthetic=True)
    return out


def figure_names(bundle: Path) -> list[str]:
    return [f["name"] for f in json.loads((bundle / "manifest.json").read_text())["figures"]]


def alt_text(bundle: Path, name: str) -> str:
    return (bundle / f"{name}.md").read_text(encoding="utf-8").strip()


def numbers_in(text: str) -> list[tuple[str, float, bool]]:
    """(as written, value, is a percentage) for every number of ``text``."""
    found = []
    for match in NUMBER.finditer(text):
        whole, decimals, percent = match.groups()
        if percent and BOUND.search(text[: match.start()]):
            continue
        value = float(re.sub(f"[{SEPARATORS}]", "", whole) + (decimals or "").replace(",", "."))
        found.append((match.group(0), value, percent is not None))
    return found


def allowed_numbers(bundle: Path, name: str) -> tuple[set[float], set[float]]:
    """The numbers an alt text may write, and the percentages: from the CSV (its cells, its
    number of rows; shares, percentages and rates per 100,000 as percentages), the case's
    source line and what the chart declares."""
    rows = list(csv.reader(io.StringIO((bundle / f"{name}.csv").read_text("utf-8-sig")),
                           delimiter=";"))  # fmt: skip
    cells = [cell for row in rows for cell in row]
    data_rows = [row for row in rows[1:] if row and row[0] != "Total"]
    spec = json.loads((bundle / f"{name}.vl.json").read_text(encoding="utf-8"))
    declared = spec.get("usermeta", {}).get("alt_figures", {})
    texts = [*cells, default_case().source_line("fr"), *map(str, declared.values())]
    numbers = {float(d) for t in texts for d in re.findall(r"\d+", t)}
    numbers |= {float(c.replace(",", ".")) for c in cells if re.fullmatch(r"-?\d+(,\d+)?", c)}
    numbers.add(float(len(data_rows)))
    shares = {round(scale * v, digits) for v in numbers for scale in (100, 1, 1 / 1000)
              for digits in (0, 1)}  # fmt: skip
    return numbers, shares


def test_every_figure_of_the_bundle_has_an_alt_text(bundle: Path) -> None:
    names = figure_names(bundle)
    assert len(names) >= 8
    assert all(alt_text(bundle, name) for name in names)


def test_every_number_of_an_alt_text_is_published_or_declared(bundle: Path) -> None:
    unexplained = {}
    for name in figure_names(bundle):
        numbers, percentages = allowed_numbers(bundle, name)
        bad = [written for written, value, percent in numbers_in(alt_text(bundle, name))
               if value not in (percentages if percent else numbers)]  # fmt: skip
        if bad:
            unexplained[name] = bad
    assert unexplained == {}


def test_a_sum_of_months_is_caught_as_an_unpublished_number(bundle: Path) -> None:
    numbers, _ = allowed_numbers(bundle, "01_chronologie")
    written = "Chronologie\u00a0: 491\u00a0770 personnes par mois"
    assert [v for _, v, _ in numbers_in(written) if v not in numbers] == [491_770]


def test_no_alt_text_writes_de_before_a_vowel(bundle: Path) -> None:
    found = {name: re.findall(r"\bde [aeiouyàâéèêëîïôûAEIOUYÀÂÉÈÊÎÔÛ]\w*", alt_text(bundle, name))
             for name in figure_names(bundle)}  # fmt: skip
    assert {name: words for name, words in found.items() if words} == {}


def test_no_alt_text_writes_one_before_a_plural(bundle: Path) -> None:
    pattern = rf"(?<![\d{SEPARATORS},.-])1[ {SEPARATORS}]([a-zàâéèêîïôû]+[sx])\b"
    found = {name: re.findall(pattern, alt_text(bundle, name)) for name in figure_names(bundle)}
    assert {name: words for name, words in found.items() if words} == {}


def test_no_french_alt_text_holds_an_english_word(bundle: Path) -> None:
    found = {
        name: sorted({w for w in re.findall(r"[a-z]+", alt_text(bundle, name).lower())} & ENGLISH)
        for name in figure_names(bundle)
    }
    assert {name: words for name, words in found.items() if words} == {}


def test_an_alt_text_says_bars_only_of_a_chart_with_bars(bundle: Path) -> None:
    wrong = []
    for name in figure_names(bundle):
        spec = (bundle / f"{name}.vl.json").read_text(encoding="utf-8")
        has_bars = re.search(r'"(mark|type)": "bar"', spec) is not None
        if re.search(r"\bbarres?\b", alt_text(bundle, name), flags=re.I) and not has_bars:
            wrong.append(name)
    assert wrong == []
