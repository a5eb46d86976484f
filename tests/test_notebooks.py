"""The notebooks: paired with their .py source, parameterised, thin, and they run headless.

Every ``notebooks/*.ipynb`` is executed once per test session (nbclient) on a small synthetic
leak that ``TOOLKIT_LEAK`` points at; the tests then read the executed copies in memory.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import altair as alt
import jupytext
import nbformat
import polars as pl
import pytest
from nbclient import NotebookClient

from toolkit.app import notebook
from toolkit.shared import paths
from toolkit.shared.errors import InputError
from toolkit.shared.vocabulary import DIRECT_IDENTIFIERS

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
IPYNB = sorted(NOTEBOOKS.glob("*.ipynb"))
ROWS = 5_000
TEST_KEY = "5e" * 32

#: Charts (Vega-Lite outputs) each of these notebooks must draw; other notebooks (04, written
#: separately) are executed too and must run without error.
EXPECTED_CHARTS = {
    "00_reproduce_published_findings": 1,
    "01_ingest_and_verify": 1,
    "02_geolocate": 3,
    "03_exposure": 4,
}


def _code_sources(nb: nbformat.NotebookNode) -> list[str]:
    return [cell.source for cell in nb.cells if cell.cell_type == "code"]


# --- the pairing with the .py source of truth -------------------------------------------------


def test_every_notebook_has_its_py_source_and_every_source_its_notebook():
    sources = {p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.py")}
    notebooks = {p.stem for p in IPYNB}
    assert sources == notebooks
    assert {"00_reproduce_published_findings", "01_ingest_and_verify"} <= notebooks


@pytest.mark.parametrize("path", IPYNB, ids=lambda p: p.stem)
def test_each_notebook_is_in_sync_with_its_py_source(path):
    from_py = jupytext.read(path.with_suffix(".py"))
    committed = nbformat.read(path, as_version=4)
    assert [(c.cell_type, c.source) for c in from_py.cells] == [
        (c.cell_type, c.source) for c in committed.cells
    ]
    assert [c.metadata.get("tags", []) for c in from_py.cells] == [
        c.metadata.get("tags", []) for c in committed.cells
    ]


@pytest.mark.parametrize("path", IPYNB, ids=lambda p: p.stem)
def test_each_notebook_names_its_leak_in_a_parameters_cell(path):
    nb = nbformat.read(path, as_version=4)
    parameters = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(parameters) == 1
    assert re.search(r"^LEAK = None$", parameters[0].source, re.MULTILINE)


@pytest.mark.parametrize("path", IPYNB, ids=lambda p: p.stem)
def test_notebooks_hold_no_logic_of_their_own(path):
    code = "\n".join(_code_sources(nbformat.read(path, as_version=4)))
    for construct in (r"^\s*def ", r"^\s*class ", r"^\s*for ", r"^\s*while ", r"\blambda\b"):
        assert not re.search(construct, code, re.MULTILINE), f"{path.name}: {construct}"


@pytest.mark.parametrize("path", IPYNB, ids=lambda p: p.stem)
def test_every_code_cell_is_introduced_by_markdown(path):
    cells = nbformat.read(path, as_version=4).cells
    assert cells[0].cell_type == "markdown"
    markdown = sum(c.cell_type == "markdown" for c in cells)
    assert markdown >= len(_code_sources(nbformat.read(path, as_version=4))) // 2


def test_the_first_notebook_says_where_to_start_and_every_other_points_to_it():
    first, *others = IPYNB
    opening = nbformat.read(first, as_version=4).cells[0].source
    assert "## Commencez ici" in opening
    assert all(f"**{path.stem[:2]}**" in opening for path in IPYNB)  # which notebook answers what
    assert all(word in opening for word in ("make lab", "Durée", "figures/carnet-04"))
    for path in others:
        assert "« Commencez ici »" in nbformat.read(path, as_version=4).cells[0].source, path.name


# --- the helpers the notebooks call -----------------------------------------------------------


def _chart_html() -> str:
    chart = alt.Chart(alt.Data(values=[{"a": 1}])).mark_point().encode(x="a:Q")
    bundle = chart._repr_mimebundle_()
    return (bundle[0] if isinstance(bundle, tuple) else bundle)["text/html"]


def test_importing_the_notebook_helpers_makes_charts_render_offline():
    assert alt.renderers.active == notebook.RENDERER
    html = _chart_html()
    assert "window.vegaEmbed=" in html  # Vega bundled in the output...
    assert "<script src=" not in html and "cdn.jsdelivr.net" not in html  # ...not fetched


def test_each_chart_output_runs_its_scripts_in_their_own_scope():
    # Two charts in one page must not both declare a global `const spec`.
    html = _chart_html()
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", html, re.DOTALL)
    assert len(scripts) == 2
    assert all(s.startswith("(function () {") and s.endswith("})();") for s in scripts)


def test_isolate_scripts_wraps_each_inline_script_and_nothing_else():
    html = '<p>x</p><script type="text/javascript">const a = 1;</script>'
    assert notebook.isolate_scripts(html) == (
        '<p>x</p><script type="text/javascript">(function () {const a = 1;})();</script>'
    )


def test_resolve_leak_prefers_the_parameter_then_the_environment(tmp_path, monkeypatch):
    given, env = tmp_path / "given.csv", tmp_path / "env.csv"
    given.write_text("a\n")
    env.write_text("a\n")
    monkeypatch.setenv("TOOLKIT_LEAK", str(env))
    assert notebook.resolve_leak(given) == given
    assert notebook.resolve_leak(None) == env


def test_resolve_leak_finds_a_relative_path_from_the_repository_root(tmp_path, monkeypatch):
    (tmp_path / "data" / "raw").mkdir(parents=True)
    (tmp_path / "data" / "raw" / "leak.csv").write_text("a\n")
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")  # where a notebook's kernel runs
    monkeypatch.setattr(paths, "ROOT", tmp_path)
    assert notebook.resolve_leak("data/raw/leak.csv") == tmp_path / "data" / "raw" / "leak.csv"


def test_resolve_leak_refuses_a_missing_file(tmp_path, monkeypatch):
    monkeypatch.delenv("TOOLKIT_LEAK", raising=False)
    with pytest.raises(InputError, match="leak file not found"):
        notebook.resolve_leak(tmp_path / "nowhere.csv")


def test_resolve_leak_generates_the_default_synthetic_leak_when_missing(tmp_path, monkeypatch):
    from toolkit.raw import synth

    default = tmp_path / "raw" / "synthetic_leak.csv"
    written = []
    monkeypatch.delenv("TOOLKIT_LEAK", raising=False)
    monkeypatch.setattr(paths, "DEFAULT_LEAK", default)
    monkeypatch.setattr(synth, "write_synthetic_leak", lambda path, **_: written.append(path))
    assert notebook.resolve_leak() == default
    assert written == [default]


def test_charts_of_a_synthetic_leak_say_fictional_data_and_those_of_another_file_do_not(
    tmp_path, monkeypatch
):
    from toolkit.publication import charts

    monkeypatch.delenv("TOOLKIT_CASE", raising=False)
    real, made = tmp_path / "real.csv", tmp_path / "made.csv"
    for path in (real, made):
        path.write_text("a\n")
    (tmp_path / "made.csv.truth.json").write_text("{}")  # what the generator writes beside
    table = pl.DataFrame({"category": ["nir", "comment"], "persons": [4_000, 1_200],
                          "share": [1.0, 0.3]})  # fmt: skip
    drawn = {}
    for path in (made, real):
        notebook.resolve_leak(path)
        drawn[path.name] = charts.to_svg(notebook.chart(charts.categories_chart, table))
    assert "Données fictives" in drawn["made.csv"]
    assert "Données fictives" not in drawn["real.csv"]
    assert notebook.is_fictional(made) and not notebook.is_fictional(real)


def test_without_a_registry_labs_are_an_empty_table_of_located_labs():
    located = notebook.lab_locations(None)
    assert located.height == 0
    assert {"lab", "name", "lon", "lat", "departement"} <= set(located.columns)


def test_resolve_labs_finds_the_registry_beside_a_synthetic_leak(tmp_path, monkeypatch):
    monkeypatch.delenv("TOOLKIT_LABS", raising=False)
    leak = tmp_path / "leak.csv"
    assert notebook.resolve_labs(leak) is None
    (tmp_path / "leak.labs.csv").write_text("code,name\n")
    assert notebook.resolve_labs(leak) == tmp_path / "leak.labs.csv"


# --- executing every notebook -----------------------------------------------------------------


@pytest.fixture(scope="session")
def small_leak(tmp_path_factory) -> Path:
    """A 5,000-row synthetic leak (and its lab registry), written once per session."""
    from toolkit.raw import synth

    path = tmp_path_factory.mktemp("leak") / "leak.csv"
    synth.write_synthetic_leak(path, rows=ROWS, seed=7, progress=False)
    return path


@pytest.fixture(scope="session")
def executed(small_leak, tmp_path_factory) -> dict[str, nbformat.NotebookNode]:
    """Every notebook executed headless on the small leak, by name (the files are untouched)."""
    environment = {"TOOLKIT_LEAK": str(small_leak), "TOOLKIT_KEY": TEST_KEY}
    work = tmp_path_factory.mktemp("run")
    results = {}
    with pytest.MonkeyPatch.context() as env:
        for name, value in environment.items():
            env.setenv(name, value)  # the kernels inherit the test process's environment
        for path in IPYNB:
            nb = nbformat.read(path, as_version=4)
            client = NotebookClient(
                nb,
                timeout=240,
                kernel_name="python3",
                resources={"metadata": {"path": str(work)}},
            )
            client.execute()
            results[path.stem] = nb
    return results


def _outputs(nb: nbformat.NotebookNode) -> list[dict]:
    return [output for cell in nb.cells for output in cell.get("outputs", [])]


def _charts(nb: nbformat.NotebookNode) -> int:
    return sum("vegaEmbed(" in o.get("data", {}).get("text/html", "") for o in _outputs(nb))


@pytest.mark.parametrize("path", IPYNB, ids=lambda p: p.stem)
def test_each_notebook_runs_headless_without_error(executed, path):
    nb = executed[path.stem]
    errors = [o for o in _outputs(nb) if o["output_type"] == "error"]
    assert errors == []
    assert all(
        cell.get("execution_count") for cell in nb.cells if cell.cell_type == "code"
    ), "a code cell was not executed"


@pytest.mark.parametrize("name,charts", sorted(EXPECTED_CHARTS.items()))
def test_each_notebook_draws_its_charts_offline(executed, name, charts):
    nb = executed[name]
    assert _charts(nb) == charts
    for output in _outputs(nb):
        html = output.get("data", {}).get("text/html", "")
        if "vegaEmbed(" in html:
            # Vega is inlined: the chart needs no CDN.
            assert "cdn.jsdelivr.net" not in html and "<script src=" not in html


def test_the_exposure_notebook_shows_the_explorer_with_its_svg_charts(executed):
    nb = executed["03_exposure"]
    views = [o for o in _outputs(nb) if "application/vnd.jupyter.widget-view+json" in o["data"]]
    assert len(views) == 1
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    svgs = [
        m for m in state.values() if str(m["state"].get("value", "")).startswith("<svg")
    ]
    assert len(svgs) == 3


def test_no_notebook_output_holds_a_raw_identifier_of_the_leak(executed, small_leak):
    from toolkit.raw import synth

    columns = [
        c
        for c, category in synth.COLUMN_CATEGORIES.items()
        if category in DIRECT_IDENTIFIERS and category not in ("comment", "doctor")
    ]
    raw = pl.read_csv(
        small_leak, separator=";", encoding="cp1252", infer_schema=False, columns=columns
    )
    values = {
        v
        for column in raw.columns
        for v in raw[column].drop_nulls().unique().to_list()
        if len(v.strip()) >= 8
    }
    assert len(values) > 1_000  # the check has something to look for
    # Every output and the widgets' state (the explorer's SVG and tables), chart specs included;
    # only the inlined Vega library itself is left out (a megabyte of minified code).
    text = json.dumps(
        [[_outputs(nb), nb.metadata.get("widgets", {})] for nb in executed.values()],
        ensure_ascii=False,
    )
    text = re.sub(r"<script[^>]*>(?:(?!</script>).)*window\.vegaEmbed=.*?</script>", "", text,
                  flags=re.DOTALL)  # fmt: skip
    assert "vegaEmbed('#altair-viz" in text  # the chart specs are still scanned
    leaked = [v for v in values if v in text]
    assert leaked == [], f"{len(leaked)} raw identifier(s) in notebook outputs"


def test_the_copies_notebook_concludes_and_publishes_its_overlap(executed):
    nb = executed["05_compare_copies"]
    outputs = _outputs(nb)
    verdicts = [o["data"]["text/markdown"] for o in outputs if "text/markdown" in o.get("data", {})]
    assert len(verdicts) == 1 and "extrait" in verdicts[0]
    svgs = [o for o in outputs if "image/svg+xml" in o.get("data", {})]
    assert len(svgs) == 2  # the overlap and the differences by month
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)


def _shown(nb: nbformat.NotebookNode) -> list[dict]:
    """What a reader sees of each output: its data (streams and errors aside)."""
    return [o["data"] for o in _outputs(nb) if "data" in o]


@pytest.mark.parametrize("path", IPYNB, ids=lambda p: p.stem)
def test_no_notebook_shows_a_raw_dict_or_a_polars_frame(executed, path):
    raw = [d["text/plain"][:40] for d in _shown(executed[path.stem])
           if "text/html" not in d and "text/markdown" not in d and "image/svg+xml" not in d
           and "application/vnd.jupyter.widget-view+json" not in d]  # fmt: skip
    frames = [d["text/html"][:40] for d in _shown(executed[path.stem])  # Polars' own repr
              if "shape: (" in d.get("text/html", "") and "vegaEmbed(" not in d["text/html"]]
    assert (raw, frames) == ([], [])


def test_the_claims_notebook_shows_every_claim_whole_with_french_verdicts(executed):
    from toolkit.raw import claims
    from toolkit.shared.typography import french_spacing

    tables = [d["text/html"] for d in _shown(executed["00_reproduce_published_findings"])
              if "Affirmation publiée" in d.get("text/html", "")]  # fmt: skip
    assert len(tables) == 1
    shown = html.unescape(tables[0])
    # Whole, as the source wrote them; only their spaces follow French typography.
    assert all(french_spacing(c.claim) in shown for c in claims.load_claims())
    assert "confirmé" in shown and "contredit" in shown and "supported" not in shown


@pytest.mark.parametrize("name", ["00_reproduce_published_findings", "01_ingest_and_verify"])
def test_the_verification_notebooks_conclude_on_authenticity_in_plain_french(executed, name):
    markdown = [d["text/markdown"] for d in _shown(executed[name]) if "text/markdown" in d]
    conclusions = [m for m in markdown if "Verdict" in m]
    assert len(conclusions) == 1
    # the demonstration's file is synthetic: the battery and its fictional numbers show it
    assert "fichier fabriqué" in conclusions[0]
