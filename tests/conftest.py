"""Test-wide set-up: every test publishes into a release ledger of its own.

Exports record what they published in a ledger beside the key (``toolkit.publication.ledger``)
and refuse to publish figures that differ by fewer than k persons from an earlier release of
another file under the same key. Tests publish many small leaks with one test key: each test
module, and each test, gets a fresh ledger folder so that they never see each other's releases.
"""

from __future__ import annotations

import os
import tempfile

import pytest

LEDGER_ENV = "TOOLKIT_LEDGER_DIR"


def pytest_configure(config: pytest.Config) -> None:
    """Session-wide: nothing a test publishes lands in the project's own key folder."""
    os.environ[LEDGER_ENV] = tempfile.mkdtemp(prefix="leak-toolkit-ledgers-")


@pytest.fixture(autouse=True, scope="module")
def _module_ledger(tmp_path_factory):
    patch = pytest.MonkeyPatch()
    patch.setenv(LEDGER_ENV, str(tmp_path_factory.mktemp("ledger")))
    yield
    patch.undo()


@pytest.fixture(autouse=True)
def _test_ledger(tmp_path_factory, monkeypatch):
    monkeypatch.setenv(LEDGER_ENV, str(tmp_path_factory.mktemp("ledger")))
