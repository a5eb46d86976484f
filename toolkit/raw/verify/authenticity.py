"""Signs of fabrication: statistics that a genuine French lab file passes and a naive forgery fails.

Every indicator of the verification (valid NIR keys, postcodes that exist...) can be passed by a
forger who reads the rules. Real records also carry regularities that a forger rarely
reproduces; each test below computes one statistic on the file, compares it with a threshold set
between its value for a genuine file and for a naively fabricated one, and says in plain words
(``fabrication.*`` in ``toolkit.shared.text``) what it can and cannot show:

* ``first_name_era``: first names follow their era (INSEE's births by name, sex and decade,
  ``reference.first_names``): the share of persons bearing a name that was common in some decade
  (500 births or more) but given fewer than 100 times in their own birth decade, over the share
  that the same names paired at random with the same birth years would give (1 for a forgery
  that ignores the era);
* ``first_name_sex``: the share of persons whose first name INSEE records only for the other sex;
* ``closed_days``: labs close on Sundays and public holidays: the rate of samples per closed day
  against the rate per working day, over the file's period (French holidays: ``holidays``);
* ``birth_departement``: the share of valid NIRs whose birth département is the département of
  residence (a NIR forged with a random place gives about 1 %);
* ``landline_zone``: the share of landlines whose zone (01-05) is that of the residence;
* ``sample_before_birth``: the share of rows sampled before the person was born.

The statistics are computed from value counts that the verification gathers in its one pass
(``DISTRIBUTIONS``: keyed by name, sex and birth year, by day, by places and zones), once per
distinct value; those counts never leave this module. A file is never declared genuine: the
verdict names the signs of fabrication found, or says that none was found among these tests.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

import polars as pl

from toolkit.raw.phone_plan import LANDLINE_ZONES
from toolkit.raw.verify.derived_columns import Roles
from toolkit.shared import gazetteer, reference
from toolkit.shared.build_first_names import decade_of
from toolkit.shared.errors import ToolkitError
from toolkit.shared.formatting import decimal, number, percent_text
from toolkit.shared.text import enumeration, plural, text

#: The tests, in the order the report gives them.
TESTS = ("first_name_era", "first_name_sex", "closed_days", "birth_departement", "landline_zone",
         "sample_before_birth")  # fmt: skip

#: Fewer usable rows than this and a test is not measured: its noise would decide.
MINIMUM_ROWS = 200


@dataclass(frozen=True)
class Threshold:
    """A test flags the file when its statistic is above ``high`` or below ``low``."""

    low: float | None = None
    high: float | None = None

    def flags(self, value: float) -> bool:
        """Whether ``value`` is a sign of fabrication."""
        return (self.low is not None and value < self.low) or (
            self.high is not None and value > self.high
        )


#: Thresholds, between what a genuine file and a naive forgery give (see README, "Is it a real
#: file?", for the expected values and the measured error rates).
THRESHOLDS: dict[str, Threshold] = {
    "first_name_era": Threshold(high=0.5),
    "first_name_sex": Threshold(high=0.02),
    "closed_days": Threshold(high=0.5),
    "birth_departement": Threshold(low=0.10, high=0.95),
    "landline_zone": Threshold(low=0.50),
    "sample_before_birth": Threshold(high=0.005),
}

#: The value counts the tests read, gathered by the verification's one pass (by name).
DISTRIBUTION_NAMES = ("by_name_birth", "by_sample_day", "by_birth_place", "by_landline_zone")


def _departement(code: pl.Expr) -> pl.Expr:
    """A département code with Corsica as one (``20``: NIRs before 1976 and postcodes agree)."""
    return pl.when(code.is_in(["2A", "2B"])).then(pl.lit("20")).otherwise(code)


def distributions(role: Roles) -> dict[str, pl.Expr]:
    """The value counts the tests need, as expressions over the derived columns.

    Only those the leak's columns allow: names need a first name and a birth date, the calendar
    a sample date, places a valid NIR or a landline and a residence postcode.
    """
    out: dict[str, pl.Expr] = {}
    residence = _departement(gazetteer.postcode_departement(pl.col("_postcode")))
    if role["first_name"] and role["birth_date"]:
        sex = pl.coalesce(pl.col("_sex"), pl.col("_nir_sex"))
        out["by_name_birth"] = pl.concat_str(
            [pl.col("_first_name_key"), sex, pl.col("_birth").dt.year().cast(pl.String)],
            separator="|",
        )
    if role["sample_date"]:
        out["by_sample_day"] = pl.col("_sample").cast(pl.String)
    if role["nir"] and role["postcode"]:
        born = _departement(pl.col("_nir").str.slice(5, 2))
        out["by_birth_place"] = pl.when(pl.col("_nir_valid")).then(
            pl.concat_str([born, residence], separator="|")
        )
    if role["phones"] and role["postcode"]:
        zones = [
            pl.when(pl.col(f"_phone_class{i}") == "landline").then(
                pl.col(f"_phone_number{i}").str.strip_prefix("+33").str.strip_prefix("0")
                .str.slice(0, 1)
            )
            for i in range(len(role["phones"]))
        ]
        out["by_landline_zone"] = pl.concat_str([pl.coalesce(zones), residence], separator="|")
    return out


@dataclass
class Measure:
    """One test's statistic: its value and the rows it was measured on (None: not measured)."""

    value: float | None
    rows: int


def _split(counts: dict[str, int], names: list[str]) -> pl.DataFrame:
    """Value counts ``"a|b|c" -> n`` as a frame with one column per part, and ``n``."""
    frame = pl.DataFrame(
        {"key": list(counts), "n": list(counts.values())},
        schema={"key": pl.String, "n": pl.Int64},
    )
    parts = pl.col("key").str.split("|")
    return frame.select(*(parts.list.get(i, null_on_oob=True).alias(c)
                          for i, c in enumerate(names)), "n")


def _measure(part: int, whole: int) -> Measure:
    """A share, measured only on enough rows."""
    return Measure(part / whole if whole >= MINIMUM_ROWS else None, whole)


@functools.cache
def _name_table() -> pl.DataFrame | None:
    """INSEE's names by sex and decade, or None when the reference file is missing."""
    try:
        return reference.first_names().select("name", "sex", "decade", "band")
    except ToolkitError:
        return None


def first_name_measures(counts: dict[str, int]) -> dict[str, Measure]:
    """``first_name_era`` and ``first_name_sex`` from counts by "name|sex|birth year".

    ``first_name_era``: among persons whose first name was common for their sex in some decade
    (500 births or more), the share whose name was given fewer than 100 times in their own birth
    decade, over the share expected if names and birth years were drawn independently (the same
    names and the same birth years, paired at random; within each sex). Names drawn regardless
    of the birth year give 1 whatever the list they come from; real names follow their era and
    give far less. Not measured when fewer than ``MINIMUM_ROWS`` persons count, or when the
    independent pairing would expect fewer than 2 % of them out of their era (birth years too
    close together for the test to tell anything).
    """
    names = _name_table()
    if names is None:
        return {}
    rows = _split(counts, ["name", "sex", "year"]).filter(
        pl.col("name").is_not_null() & pl.col("sex").is_in(["F", "M"])
    ).with_columns(decade_of(pl.col("year").cast(pl.Int32, strict=False)).alias("decade"))
    by_sex = names.group_by("name", "sex").agg(pl.col("band").max().alias("best"))
    in_era = names.filter(pl.col("band") >= 3).select(
        "name", "sex", "decade", pl.lit(True).alias("in_era"))
    other = by_sex.select("name", pl.when(pl.col("sex") == "F").then(pl.lit("M"))
                          .otherwise(pl.lit("F")).alias("sex"), pl.lit(True).alias("other"))
    joined = rows.join(by_sex, on=["name", "sex"], how="left").join(
        other, on=["name", "sex"], how="left")
    known = joined.filter(pl.col("best").is_not_null() | pl.col("other").is_not_null())
    wrong_sex = int(known.filter(pl.col("best").is_null())["n"].sum())
    found = {"first_name_sex": _measure(wrong_sex, int(known["n"].sum()))}
    era = joined.filter((pl.col("best") == 4) & pl.col("decade").is_not_null()).select(
        "name", "sex", "decade", "n")
    persons = int(era["n"].sum())
    out_of_era = (
        era.join(in_era, on=["name", "sex", "decade"], how="left")
        .filter(pl.col("in_era").is_null())["n"].sum()
    )
    # Independent pairing: every name of a sex with every birth decade of that sex, weighted
    # by their counts (name x decade / persons of that sex).
    by_name = era.group_by("name", "sex").agg(pl.col("n").sum().alias("n_name"))
    by_decade = era.group_by("sex", "decade").agg(pl.col("n").sum().alias("n_decade"))
    of_sex = era.group_by("sex").agg(pl.col("n").sum().alias("n_sex"))
    # Whole numbers summed per sex, divided last and in sex order: the same value however
    # the counts were gathered (one query or several).
    pairs = (
        by_name.join(by_decade, on="sex")
        .join(in_era, on=["name", "sex", "decade"], how="left")
        .filter(pl.col("in_era").is_null())
        .group_by("sex").agg((pl.col("n_name") * pl.col("n_decade")).sum().alias("pairs"))
        .join(of_sex, on="sex").sort("sex")
    )
    expected = sum(p / n for p, n in pairs.select("pairs", "n_sex").iter_rows())
    measurable = persons >= MINIMUM_ROWS and expected >= 0.02 * persons
    found["first_name_era"] = Measure(out_of_era / expected if measurable else None, persons)
    return found


@functools.cache
def _holidays(first: int, last: int) -> frozenset[dt.date]:
    """French public holidays (metropolitan, national) of the years ``first`` to ``last``."""
    # Imported here: only the verification of a dated file needs it.
    import holidays

    return frozenset(holidays.France(years=range(first, last + 1)))


def closed_days_measure(counts: dict[str, int]) -> Measure:
    """Samples per closed day (Sunday, public holiday) over samples per working day.

    Over the days from the first to the last sample; Saturdays count in neither (many labs
    open on Saturday morning). A forger drawing dates at random gets about 1.
    """
    days = {dt.date.fromisoformat(d): n for d, n in counts.items() if d}
    rows = sum(days.values())
    if not days or (max(days) - min(days)).days < 28:
        return Measure(None, rows)
    first, last = min(days), max(days)
    holidays = _holidays(first.year, last.year)
    samples = {"closed": 0, "working": 0}
    calendar = {"closed": 0, "working": 0}
    for offset in range((last - first).days + 1):
        day = first + dt.timedelta(days=offset)
        kind = ("closed" if day.weekday() == 6 or day in holidays
                else None if day.weekday() == 5 else "working")
        if kind:
            calendar[kind] += 1
            samples[kind] += days.get(day, 0)
    if rows < MINIMUM_ROWS or not samples["working"] or not calendar["closed"]:
        return Measure(None, rows)
    rate = (samples["closed"] / calendar["closed"]) / (samples["working"] / calendar["working"])
    return Measure(rate, rows)


def birth_departement_measure(counts: dict[str, int]) -> Measure:
    """Share of valid NIRs born in metropolitan France whose birth département is the home's."""
    rows = _split(counts, ["born", "home"])
    metropolitan = [f"{d:02d}" for d in range(1, 96)]
    usable = rows.filter(pl.col("born").is_in(metropolitan) & pl.col("home").is_in(metropolitan))
    home = int(usable.filter(pl.col("born") == pl.col("home"))["n"].sum())
    return _measure(home, int(usable["n"].sum()))


def landline_zone_measure(counts: dict[str, int]) -> Measure:
    """Share of metropolitan landlines whose zone is that of the residence's département."""
    zone_of = pl.DataFrame(
        [(d, z) for z, deps in LANDLINE_ZONES.items() for d in deps],
        schema={"home": pl.String, "expected": pl.String}, orient="row",
    )
    rows = _split(counts, ["zone", "home"]).join(zone_of, on="home", how="inner").filter(
        pl.col("zone").is_in(list(LANDLINE_ZONES))
    )
    agree = int(rows.filter(pl.col("zone") == pl.col("expected"))["n"].sum())
    return _measure(agree, int(rows["n"].sum()))


def measures(
    distributions: dict[str, dict[str, int]], totals: dict[str, Any]
) -> dict[str, Measure]:
    """Every test's statistic that the leak's columns allow, by test name."""
    out: dict[str, Measure] = {}
    if "by_name_birth" in distributions:
        out.update(first_name_measures(distributions["by_name_birth"]))
    if "by_sample_day" in distributions:
        out["closed_days"] = closed_days_measure(distributions["by_sample_day"])
    if "by_birth_place" in distributions:
        out["birth_departement"] = birth_departement_measure(distributions["by_birth_place"])
    if "by_landline_zone" in distributions:
        out["landline_zone"] = landline_zone_measure(distributions["by_landline_zone"])
    if "sample_date.with_birth" in totals:
        out["sample_before_birth"] = _measure(totals["sample_date.before_birth"],
                                              totals["sample_date.with_birth"])
    return out


def shown(test: str, value: float, lang: str) -> str:
    """A statistic as the reading writes it: a ratio with two decimals, else a percentage."""
    if test in ("closed_days", "first_name_era"):
        return decimal(value, lang, 2)
    return percent_text(value, lang, digits=1)


def threshold_text(test: str, lang: str) -> str:
    """The threshold as the reading writes it."""
    t = THRESHOLDS[test]
    bounds = [shown(test, b, lang) for b in (t.low, t.high) if b is not None]
    return " / ".join(bounds)


def battery(distributions: dict[str, dict[str, int]], totals: dict[str, Any]) -> dict[str, Any]:
    """The tests and the verdict, as the report's ``fabrication`` section (JSON-ready).

    ``tests``: one entry per test the leak's columns allow: ``id``, ``value`` (None: too few
    rows), ``rows``, ``threshold`` {low, high}, ``flagged`` (None when not measured), and the
    readings ``fr``/``en`` with what the test ``can`` and ``cannot`` show in each language;
    ``flagged``: the ids of the tests that found a sign of fabrication; ``verdict``: {fr, en}.
    """
    found = measures(distributions, totals)
    tests = []
    for test in TESTS:
        if test not in found:
            continue
        m = found[test]
        entry: dict[str, Any] = {
            "id": test, "value": m.value, "rows": m.rows,
            "threshold": {"low": THRESHOLDS[test].low, "high": THRESHOLDS[test].high},
            "flagged": None if m.value is None else THRESHOLDS[test].flags(m.value),
        }
        for lang in ("fr", "en"):
            entry[lang] = _reading(test, m, lang)
            entry[f"can_{lang}"] = text(f"fabrication.{test}.can", lang)
            entry[f"cannot_{lang}"] = text(f"fabrication.{test}.cannot", lang)
        tests.append(entry)
    flagged = [t["id"] for t in tests if t["flagged"]]
    measured = sum(t["flagged"] is not None for t in tests)
    return {
        "tests": tests,
        "flagged": flagged,
        "measured": measured,
        "verdict": {lang: verdict_sentence(flagged, measured, lang) for lang in ("fr", "en")},
    }


def _reading(test: str, m: Measure, lang: str) -> str:
    """One test's line: its name, the statistic, the threshold and what it means."""
    name = text(f"fabrication.{test}.name", lang)
    if m.value is None:
        return text("fabrication.not_measured", lang, name=name, rows=number(m.rows, lang),
                    minimum=number(MINIMUM_ROWS, lang))
    status = text("fabrication.flagged" if THRESHOLDS[test].flags(m.value)
                  else "fabrication.clear", lang)
    return text("fabrication.reading", lang, name=name, value=shown(test, m.value, lang),
                rows=number(m.rows, lang), threshold=threshold_text(test, lang),
                status=status, meaning=text(f"fabrication.{test}.meaning", lang))


def verdict_sentence(flagged: list[str], measured: int, lang: str = "fr") -> str:
    """The verdict a note can quote: the signs of fabrication found, or none among the tests run.

    A file is never called genuine: finding no sign says only that these tests found none.
    """
    if not measured:
        return text("fabrication.verdict_untested", lang)
    if not flagged:
        return plural("fabrication.verdict_none", measured, lang, m=number(measured, lang))
    names = enumeration([text(f"fabrication.{t}.name", lang) for t in flagged], lang)
    return plural("fabrication.verdict_found", len(flagged), lang, n=number(len(flagged), lang),
                  m=number(measured, lang), tests=names)
