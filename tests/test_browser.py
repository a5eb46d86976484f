"""A real browser draws the charts of notebooks 00 to 04 in JupyterLab, with no network at all.

JupyterLab runs on loopback (random free port, a token) over temporary copies of the notebooks;
Debian's chromium, driven headless by Playwright with the system binary (never
``playwright install``), opens each in turn, runs every cell and must see the charts drawn while
every request leaving 127.0.0.1 is aborted, with no page error and no error output. Charts are
drawn as SVG with the shipped font: every text of every chart must lie inside its chart (a label
measured with one font and drawn with another overflows and is clipped). A screenshot of
notebook 03 is saved (also to figures/ci_screenshot.png) so that a human can look at it.
Skipped only when /usr/bin/chromium is absent (CI installs it).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from toolkit.shared import paths

CHROMIUM = Path("/usr/bin/chromium")
#: The notebooks drawn, with the charts each must draw at least (as tests/test_notebooks.py).
NOTEBOOKS = {
    "00_reproduce_published_findings.ipynb": 1,
    "01_ingest_and_verify.ipynb": 1,
    "02_geolocate.ipynb": 3,
    "03_exposure.ipynb": 4,
    "04_export_for_publication.ipynb": 0,
}
EXPLORER = "03_exposure.ipynb"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_SECONDS = 90
RUN_SECONDS = 180

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed (/usr/bin/chromium)"
)

# Vega-Lite charts (SVG drawn by vega-embed) in cell outputs, and the explorer's SVG.
VEGA_DRAWN = ".jp-OutputArea-output .vega-embed svg.marks"
WIDGET_SVG = ".jp-OutputArea-output .widget-html svg"
# Every chart of the page drawn by Vega (vega-embed's, and the SVGs rendered by the kernel).
CHARTS = ".jp-OutputArea-output svg.marks"

# Every code cell executed, no cell still running, the kernel idle.
ALL_RUN = """() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  if (!panel || !panel.content || !panel.content.model) return false;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  if (!kernel || kernel.status !== 'idle') return false;
  const cells = Array.from(panel.content.model.cells).filter(c => c.type === 'code');
  return cells.length > 0 && cells.every(c => c.executionCount !== null);
}"""
ERRORS = """() => {
  const cells = Array.from(window.jupyterapp.shell.currentWidget.content.model.cells);
  return cells.filter(c => c.type === 'code')
    .flatMap(c => c.toJSON().outputs)
    .filter(o => o.output_type === 'error')
    .map(o => o.ename + ': ' + o.evalue);
}"""
# Every text of every chart whose box leaves its chart's box (by more than a pixel): clipped.
CLIPPED = """(selector) => Array.from(document.querySelectorAll(selector)).flatMap((svg, i) => {
  const chart = svg.getBoundingClientRect();
  return Array.from(svg.querySelectorAll('text'))
    .filter(t => t.textContent.trim() !== '')
    .map(t => [t.textContent, t.getBoundingClientRect()])
    .filter(([, r]) => r.left < chart.left - 1 || r.right > chart.right + 1
                       || r.top < chart.top - 1 || r.bottom > chart.bottom + 1)
    .map(([text, r]) => `chart ${i}: "${text}" [${Math.round(r.left - chart.left)}, `
         + `${Math.round(r.right - chart.left)}] outside [0, ${Math.round(chart.width)}]`);
})"""
# Texts drawn in the shipped font: the browser has it, and the charts ask for it first.
FONT_READY = "() => document.fonts.check('12px Inter') && document.fonts.check('bold 12px Inter')"
KERNEL_READY = """() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const session = panel && panel.sessionContext && panel.sessionContext.session;
  return !!(session && session.kernel && session.kernel.status === 'idle');
}"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _write_settings(folder: Path) -> None:
    """User settings: render every cell (no windowing, so off-screen charts exist in the page),
    and no news or update checks."""
    settings = {
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
    }
    for name, values in settings.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


def _wait_for_server(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"JupyterLab exited early:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"JupyterLab did not answer within {STARTUP_SECONDS} s:\n{log.read_text()[-2000:]}")


def _stop(process: subprocess.Popen) -> None:
    """Stop JupyterLab and its kernels (the whole process group started for the test)."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


@contextlib.contextmanager
def jupyterlab(tmp_path: Path) -> Iterator[dict]:
    """JupyterLab on 127.0.0.1 over copies of notebooks 00 to 04 and a small synthetic leak."""
    from toolkit.raw import synth

    leak = tmp_path / "leak" / "leak.csv"
    leak.parent.mkdir()
    synth.write_synthetic_leak(leak, rows=5_000, seed=11, progress=False)
    root = tmp_path / "notebooks"
    root.mkdir()
    for name in NOTEBOOKS:
        shutil.copy(paths.ROOT / "notebooks" / name, root / name)
    _write_settings(tmp_path / "settings")
    port, token = _free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "TOOLKIT_LEAK": str(leak),
        "TOOLKIT_KEY": "b7" * 32,
        "TOOLKIT_OUT": str(tmp_path / "export"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
    }
    log = tmp_path / "jupyterlab.log"
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={tmp_path / 'settings'}",
        f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}",
        "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
        # CI containers run as root; no extension manager, so no PyPI look-up from the server.
        "--allow-root", "--LabApp.extension_manager=readonly",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for_server(f"{base}/api/status?token={token}", process, log)
        yield {"base": base, "token": token, "tmp": tmp_path}
    finally:
        _stop(process)


def _shut_down_kernels(lab: dict) -> None:
    """End every kernel session, so that one notebook at a time holds memory."""
    api = f"{lab['base']}/api/sessions"
    with urllib.request.urlopen(f"{api}?token={lab['token']}", timeout=10) as response:
        sessions = json.load(response)
    for session in sessions:
        request = urllib.request.Request(
            f"{api}/{session['id']}?token={lab['token']}", method="DELETE"
        )
        urllib.request.urlopen(request, timeout=30).close()


@pytest.fixture
def lab(tmp_path):
    """A running JupyterLab, shut down after the test whatever happens."""
    with jupyterlab(tmp_path) as running:
        yield running


def _run_notebook(page, lab: dict, name: str) -> dict:
    """Open a notebook (a fresh workspace), run every cell, wait for its charts; what it shows."""
    page.goto(f"{lab['base']}/lab/tree/{name}?reset&token={lab['token']}",
              wait_until="domcontentloaded")  # fmt: skip
    page.wait_for_function(KERNEL_READY, polling=500)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(ALL_RUN, polling=1000)
    # Every vega-embed output drawn (the font loads first, then Vega lays the chart out).
    page.wait_for_function(
        """(least) => {
          const embeds = document.querySelectorAll('.jp-OutputArea-output .vega-embed');
          return embeds.length >= least
            && Array.from(embeds).every(e => e.querySelector('svg.marks'));
        }""",
        arg=NOTEBOOKS[name],
        polling=500,
    )
    return {
        "errors": page.evaluate(ERRORS),
        "clipped": page.evaluate(CLIPPED, CHARTS),
        "charts": page.locator(CHARTS).count(),
        "font": page.evaluate(FONT_READY) if NOTEBOOKS[name] else True,
    }


def _drive_the_explorer(page) -> tuple[str, str]:
    """Pick one lab in the explorer: the kernel redraws it; its summary before and after."""
    page.wait_for_function(
        f"() => document.querySelectorAll({json.dumps(WIDGET_SVG)}).length >= 3", polling=500
    )
    summary = page.locator(".widget-html", has_text=re.compile("^Sélection\u00a0:")).first
    before = summary.inner_text()
    page.locator(".widget-select-multiple select").first.select_option(index=0)
    page.wait_for_function(
        """(before) => Array.from(document.querySelectorAll('.widget-html'))
           .some(e => e.innerText.startsWith('Sélection\u00a0:') && e.innerText !== before)""",
        arg=before,
        polling=500,
    )
    return before, summary.inner_text()


def test_notebooks_00_to_04_draw_their_charts_unclipped_in_jupyterlab_with_no_network(lab):
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []
    page_errors: list[str] = []

    def only_loopback(route):
        url = urlparse(route.request.url)
        if url.scheme in ("data", "blob") or url.hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    shown: dict[str, dict] = {}
    screenshot = lab["tmp"] / "notebook_03.png"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(RUN_SECONDS * 1000)
            page.on("pageerror", lambda error: page_errors.append(f"{page.url}: {error}"))
            page.route("**/*", only_loopback)
            for name in NOTEBOOKS:
                shown[name] = _run_notebook(page, lab, name)
                if name == EXPLORER:
                    before, after = _drive_the_explorer(page)
                    shown[name]["clipped"] += page.evaluate(CLIPPED, CHARTS)
                    drawn = page.locator(VEGA_DRAWN)
                    drawn.first.scroll_into_view_if_needed()
                    box = drawn.first.bounding_box()
                    page.screenshot(path=str(screenshot))
                    page.locator(WIDGET_SVG).first.scroll_into_view_if_needed()
                    page.screenshot(path=str(lab["tmp"] / "explorer.png"))
                _shut_down_kernels(lab)
        finally:
            browser.close()

    assert {name: s["errors"] for name, s in shown.items() if s["errors"]} == {}
    assert page_errors == []
    assert {name: s["clipped"] for name, s in shown.items() if s["clipped"]} == {}
    assert all(s["font"] for s in shown.values())
    assert all(s["charts"] >= NOTEBOOKS[name] for name, s in shown.items())
    assert after != before and after.startswith("Sélection\u00a0:")
    assert box is not None and box["width"] > 200 and box["height"] > 100
    assert blocked == [], f"requests left the machine: {blocked[:5]}"
    assert screenshot.stat().st_size > 10_000
    paths.FIGURES.mkdir(exist_ok=True)
    shutil.copy(screenshot, paths.FIGURES / "ci_screenshot.png")
    shutil.copy(lab["tmp"] / "explorer.png", paths.FIGURES / "ci_screenshot_explorer.png")
