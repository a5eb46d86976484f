"""What the synthetic leak is calibrated on: the published counts and shares, and how they scale.

The figures and their sources are listed in ``docs/published-facts.md``. At ``rows`` other than
491,840 each published count ``C`` becomes ``floor(C * rows / 491840 + 1/2)`` (round half up, in
integers), so the full-size file carries exactly the published figures and smaller files the same
proportions.
"""

from __future__ import annotations

PUBLISHED_ROWS = 491_840

#: Counts published from the real file (Next INpact, April 2022; ``docs/published-facts.md``).
PUBLISHED_COUNTS: dict[str, int] = {
    "nir_present": 489_838,
    "women": 268_983,
    "men": 195_828,
    "surname_present": 478_882,
    "landline_present": 270_569,
    "mobile_present": 159_591,
    "patient_emails_unique": 55_738,
    "doctor_emails_unique": 337,
    "password_present": 14_997,
    "enfant_rows": 13_478,
    "bebe_rows": 425,
}

#: Planted dirt, as shares of rows (scaled with the same rounding rule as the published counts).
DIRT_SHARES: dict[str, float] = {
    "duplicate_rows": 0.005,
    "nir_invalid_key": 0.003,
    "nir_inconsistent_sex": 0.0005,
    "nir_inconsistent_birth_date": 0.001,
}

#: Published shares of people by département (Libération, 24 Feb 2021); the rest live elsewhere.
DEPARTEMENT_SHARES: dict[str, float] = {
    "56": 0.36,
    "45": 0.22,
    "27": 0.21,
    "22": 0.06,
    "35": 0.06,
    "41": 0.035,
}
SIX_DEPARTEMENTS = tuple(DEPARTEMENT_SHARES)
OUTSIDE_SHARE = 1.0 - sum(DEPARTEMENT_SHARES.values())


def scaled(count: int, rows: int) -> int:
    """A published count scaled to ``rows`` (round half up, integers only): exact at 491,840."""
    return (2 * count * rows + PUBLISHED_ROWS) // (2 * PUBLISHED_ROWS)


def planted_counts(rows: int) -> tuple[dict[str, int], int]:
    """The counts to plant in a file of ``rows`` rows, and its number of duplicate rows.

    Published counts and dirt shares are scaled, then capped so that they fit together: men
    and women within the rows, "bébé" and "enfant" rows within the distinct persons.
    """
    c = {k: scaled(v, rows) for k, v in PUBLISHED_COUNTS.items()}
    c.update({k: scaled(round(v * PUBLISHED_ROWS), rows) for k, v in DIRT_SHARES.items()})
    c["men"] = min(c["men"], rows - c["women"])
    n_dup = min(c.pop("duplicate_rows"), rows // 2)
    persons = rows - n_dup
    c["bebe_rows"] = min(c["bebe_rows"], persons)
    c["enfant_rows"] = min(c["enfant_rows"], persons - c["bebe_rows"])
    return c, n_dup
