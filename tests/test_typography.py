"""French typography: no-break spaces before « : ; ? ! % » and inside « », none before « , . ».

The checker (``toolkit.shared.typography``) is specified first, then run on every French
template of the text catalogue and on every French text a bundle publishes: alt texts, the
methodology box and its annex, the texts drawn in the charts (titles, subtitles, axis and legend
titles, source lines and notes, as the ``.vl.json`` files hold them) and the CSV headers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from toolkit.publication.bundle import Bundle, build_bundle
from toolkit.shared.text import TEXTS
from toolkit.shared.typography import french_spacing, french_typography_problems

KEY = bytes(range(32))


# --- the checker ---------------------------------------------------------------------------------


@pytest.mark.parametrize("sign", [":", ";", "?", "!", "%"])
def test_a_plain_space_before_high_punctuation_is_a_problem(sign):
    assert french_typography_problems(f"Les chiffres {sign} 12") != []


@pytest.mark.parametrize("space", ["\u00a0", "\u202f"])
@pytest.mark.parametrize("sign", [":", ";", "?", "!", "%"])
def test_a_no_break_space_before_high_punctuation_is_right(space, sign):
    assert french_typography_problems(f"Les chiffres{space}{sign} 12") == []


def test_a_colon_glued_to_its_word_is_a_problem():
    assert french_typography_problems("Source: Insee") != []


def test_colons_of_times_addresses_and_templates_are_not_punctuation():
    assert french_typography_problems("À 12:30, https://example.org, {share:.0%}.") == []


def test_guillemets_need_a_no_break_space_inside():
    assert french_typography_problems("« secret »") != []
    assert french_typography_problems("«secret»") != []
    assert french_typography_problems("«\u00a0secret\u00a0»") == []


def test_no_space_before_a_comma_or_a_full_stop():
    assert french_typography_problems("des personnes , puis .") != []
    assert french_typography_problems("des personnes, puis.") == []


def test_french_spacing_fixes_what_the_checker_finds():
    line = "Sources : Insee ; « secret » ! 12 % ?"
    assert french_typography_problems(line) != []
    assert french_typography_problems(french_spacing(line)) == []


# --- the text catalogue --------------------------------------------------------------------------


def french_templates() -> Iterator[tuple[str, str]]:
    for key, entry in TEXTS.items():
        template = entry.get("fr")
        for form in template if isinstance(template, tuple) else (template,):
            if form is not None:
                yield key, form


def test_every_french_template_of_the_catalogue_passes_the_check():
    problems = {key: french_typography_problems(form) for key, form in french_templates()}
    assert {key: found for key, found in problems.items() if found} == {}


# --- a published bundle --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Bundle:
    from toolkit.app import workflows
    from toolkit.boundary import pseudonymise
    from toolkit.raw import ingest, schema, synth

    leak = tmp_path_factory.mktemp("raw") / "leak.csv"
    synth.write_synthetic_leak(leak, rows=2_000, seed=5, progress=False)
    raw = ingest.read_leak(leak)
    safe = pseudonymise.pseudonymise(raw, schema.classify(raw.frame), KEY).collect()
    return build_bundle(safe, input_info={"sha256": "0" * 64}, synthetic=True,
                        identifiers=workflows.identifiers_of(leak))  # fmt: skip


#: Where a Vega-Lite spec holds words a reader sees (its data and ``config`` hold none of ours).
CHART_TEXT_KEYS = ("title", "subtitle", "text")


def chart_texts(spec: Any) -> Iterator[str]:
    """The titles, subtitles, axis and legend titles and text marks of a Vega-Lite spec."""
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key in ("config", "data", "datasets"):
                continue
            if key in CHART_TEXT_KEYS and isinstance(value, str | list):
                yield from ([value] if isinstance(value, str) else
                            [v for v in value if isinstance(v, str)])  # fmt: skip
            else:
                yield from chart_texts(value)
    elif isinstance(spec, list):
        for item in spec:
            yield from chart_texts(item)


def published_texts(bundle: Bundle) -> Iterator[tuple[str, str]]:
    for name, data in sorted(bundle.files.items()):
        if name.endswith(".md"):
            yield name, data.decode("utf-8")
        elif name.endswith(".vl.json"):
            yield from ((name, t) for t in chart_texts(json.loads(data)))
        elif name.endswith(".csv"):
            yield name, data.decode("utf-8-sig").splitlines()[0]


def test_the_bundle_publishes_texts_of_every_kind(bundle):
    names = {name.rsplit(".", 2)[-2] if name.endswith(".vl.json") else name.rsplit(".")[-1]
             for name, _ in published_texts(bundle)}  # fmt: skip
    assert names == {"md", "vl", "csv"}
    assert any("methodologie-annexe" in name for name, _ in published_texts(bundle))


def test_every_published_french_text_passes_the_check(bundle):
    problems = [(name, p) for name, t in published_texts(bundle)
                for p in french_typography_problems(t)]  # fmt: skip
    assert problems == []
