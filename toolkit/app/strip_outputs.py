"""A git "clean" filter: a notebook without its outputs, so that working in JupyterLab never
changes what is committed.

Outputs of the notebooks hold charts (a megabyte of inlined Vega each), tables of counts and,
on a real leak, figures that must not end up in the repository's history. Git runs this filter
on every ``*.ipynb`` it stages (``.gitattributes``: ``*.ipynb filter=strip-notebook-outputs``;
``make setup`` declares the filter in the clone's ``.git/config``): the notebook is read on
standard input and written on standard output with every code cell's outputs and execution
count emptied, and the run's traces (cell timings, widget state) removed. The file on disk keeps
its outputs; only what git stores is stripped. Stripping twice gives the same bytes, and a
notebook without outputs comes out as jupytext writes it.

``make lab`` also passes :func:`pre_save_hook` to JupyterLab, which saves notebooks without
their outputs: the working copy itself stays as committed (outputs live in the open tab only).

Usage: ``python -m toolkit.app.strip_outputs < notebook.ipynb > stripped.ipynb``.
"""

from __future__ import annotations

import sys
from typing import Any

import nbformat

#: The name of the filter in ``.gitattributes`` and ``git config filter.<name>.clean``.
FILTER_NAME = "strip-notebook-outputs"
#: Notebook-level metadata written by a run, not by an author.
RUN_METADATA = ("widgets",)
#: Cell-level metadata written by a run (JupyterLab's timings, collapsed outputs).
CELL_RUN_METADATA = ("execution", "collapsed", "scrolled", "ExecuteTime")


def strip_notebook(nb: dict[str, Any]) -> None:
    """Empty, in place, a notebook's outputs and execution counts and drop its run metadata.

    ``nb`` is a notebook as a dict (``nbformat``'s node or JupyterLab's save model content).
    """
    for key in RUN_METADATA:
        nb.get("metadata", {}).pop(key, None)
    for cell in nb.get("cells", []):
        for key in CELL_RUN_METADATA:
            cell.get("metadata", {}).pop(key, None)
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None


def strip(document: str) -> str:
    """``document`` (a notebook's JSON) without outputs, execution counts or run metadata."""
    nb = nbformat.reads(document, as_version=nbformat.NO_CONVERT)
    strip_notebook(nb)
    return nbformat.writes(nb) + "\n"


def pre_save_hook(model: dict[str, Any], **_: Any) -> None:
    """JupyterLab's pre-save hook (``make lab``: ``--ContentsManager.pre_save_hook``): a
    notebook is saved without its outputs, so that the working copy stays as committed."""
    if model.get("type") == "notebook" and model.get("content") is not None:
        strip_notebook(model["content"])


def main() -> int:
    """Read a notebook on standard input, write it stripped on standard output (UTF-8, whatever
    the locale git runs the filter in)."""
    sys.stdout.buffer.write(strip(sys.stdin.buffer.read().decode("utf-8")).encode("utf-8"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
