"""A tiny gazetteer (real public codes, rounded figures) for the pseudonymise/geo/exposure tests."""

from __future__ import annotations

import polars as pl

# insee, name, departement, region, population, lon, lat, postcodes
_COMMUNES = [
    ("56260", "Vannes", "56", "53", 54_000, -2.76, 47.66, ["56000"]),
    ("56007", "Auray", "56", "53", 14_000, -2.99, 47.67, ["56400"]),
    ("56023", "Brech", "56", "53", 7_000, -3.00, 47.72, ["56400"]),
    ("56176", "Pluneret", "56", "53", 5_500, -2.96, 47.68, ["56400"]),
    ("35238", "Rennes", "35", "53", 222_000, -1.68, 48.11, ["35000", "35200", "35700"]),
    ("22278", "Saint-Brieuc", "22", "53", 43_000, -2.76, 48.51, ["22000"]),
    ("27229", "Évreux", "27", "28", 47_000, 1.15, 49.02, ["27000"]),
    ("45234", "Orléans", "45", "24", 117_000, 1.91, 47.90, ["45000", "45100"]),
]


def communes() -> pl.DataFrame:
    """The ``toolkit.shared.reference.communes()`` shape, eight communes."""
    return pl.DataFrame(
        _COMMUNES,
        schema={
            "insee": pl.String,
            "name": pl.String,
            "departement": pl.String,
            "region": pl.String,
            "population": pl.Int64,
            "lon": pl.Float64,
            "lat": pl.Float64,
            "postcodes": pl.List(pl.String),
        },
        orient="row",
    )


def postcodes() -> pl.DataFrame:
    """The ``toolkit.shared.reference.postcodes()`` shape: one row per (postcode, commune)."""
    return (
        communes()
        .explode("postcodes")
        .select(pl.col("postcodes").alias("postcode"), "insee", "name", "departement", "population")
    )


def departements() -> pl.DataFrame:
    """``code, name, population`` of the départements above (rounded)."""
    return pl.DataFrame(
        {
            "code": ["22", "27", "35", "45", "56"],
            "name": ["Côtes-d'Armor", "Eure", "Ille-et-Vilaine", "Loiret", "Morbihan"],
            "population": [600_000, 600_000, 1_100_000, 680_000, 760_000],
        }
    )
