"""Dates as the generator handles them: whole days since 1 January 1970, and back to text."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

EPOCH = date(1970, 1, 1)


def day_number(d: date) -> int:
    """Days from 1 January 1970 to ``d``."""
    return (d - EPOCH).days


def iso(day: int) -> str:
    """A day number as an ISO date (``yyyy-mm-dd``)."""
    return (np.datetime64(int(day), "D")).astype(str)


def ddmmyyyy(days: np.ndarray) -> pl.Series:
    """Day numbers as French dates (``dd/mm/yyyy``)."""
    return pl.Series(days.astype(np.int32)).cast(pl.Date).dt.strftime("%d/%m/%Y")
