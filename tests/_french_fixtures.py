"""Fixtures shared by the schema and verify tests: a six-postcode gazetteer and NIR keys."""

from __future__ import annotations

import polars as pl
import pytest
from stdnum.fr import nir as stdnum_nir

from toolkit.raw import schema

GAZETTEER = pl.DataFrame(
    {
        "postcode": ["56000", "45000", "27000", "35000", "22000", "41000"],
        "name": ["Vannes", "Orléans", "Évreux", "Rennes", "Saint-Brieuc", "Blois"],
    }
)


@pytest.fixture(autouse=True)
def tiny_gazetteer(monkeypatch):
    """Every test sees the same six-postcode gazetteer, whether data/reference is built or not."""
    monkeypatch.setattr(schema, "reference_postcodes", lambda: GAZETTEER)


def with_key(body: str) -> str:
    """A 13-character NIR body completed with its valid key."""
    return body + stdnum_nir.calc_check_digits(body + "00")
