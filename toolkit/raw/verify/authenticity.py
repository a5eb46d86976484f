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
* ``birth_commune``: the share of valid NIRs born in metropolitan France whose birth code
  (département and commune) is a commune's, current or former (``reference.communes``,
  ``reference.former_communes``, plus the arrondissements of Paris, Lyon and Marseille);
* ``born_abroad``: the share of valid NIRs born abroad (``99``): a few per cent in a real file,
  none when a forger draws French places only;
* ``landline_zone``: the share of landlines whose zone (01-05) is that of the residence;
* ``mobile_by_age``: the share of rows aged 75 or more at the sample with a mobile, over that
  share among rows aged 18 to 59 (older people give a mobile less often; 1 when drawn apart);
* ``sample_before_birth``: the share of rows sampled before the person was born;
* ``lab_catchment``: the share of persons living in their lab's main département of residence,
  over that share if labs and residences were independent (a lab draws its patients from around
  it; 1 when a forger draws addresses regardless of the lab).

The statistics are computed from value counts that the verification gathers in its one pass
(``DISTRIBUTION_NAMES``: keyed by name, sex and birth year, by day, by places and zones, by age
and mobile, by lab and département), once per distinct value; those counts never leave this
module. A file is never declared genuine: the verdict names the signs of fabrication found, or
says that none was found among these tests.
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
TESTS = ("first_name_era", "first_name_sex", "closed_days", "birth_departement", "birth_commune",
         "born_abroad", "landline_zone", "mobile_by_age", "sample_before_birth",
         "lab_catchment")  # fmt: skip

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
    "birth_commune": Threshold(low=0.80),
    "born_abroad": Threshold(low=0.005, high=0.40),
    "landline_zone": Threshold(low=0.50),
    "mobile_by_age": Threshold(high=0.90),
    "sample_before_birth": Threshold(high=0.005),
    "lab_catchment": Threshold(low=1.5),
}

#: The value counts the tests read, gathered by the verification's one pass (by name).
DISTRIBUTION_NAMES = ("by_name_birth", "by_sample_day", "by_birth_place", "by_landline_zone",
                      "by_age_mobile", "by_lab_home", "by_lab_month", "by_lab_age")  # fmt: skip

#: What the report describes about the file's structure without weighing it (see ``context``).
CONTEXT = ("repeat_visits", "lab_windows", "age_by_lab")

#: A lab's period is its own when its first or last month is this many months from the file's.
OWN_WINDOW_MONTHS = 3

#: Age bands of ``mobile_by_age`` (years at the sample): the young adults and the elderly.
YOUNG, OLD = (18, 60), 75


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
    if role["nir"]:
        # The NIR's birth département (99: abroad), whether its birth code (département and
        # commune) is a known commune's ("1"/"0", empty without the reference), and the home:
        # few distinct values, where the birth code itself would give tens of thousands.
        code = pl.col("_nir").str.slice(5, 5)
        codes = _birth_codes()
        known = (pl.lit("") if codes is None
                 else code.is_in(pl.Series(sorted(codes)).implode()).cast(pl.Int8).cast(pl.String))
        out["by_birth_place"] = pl.when(pl.col("_nir_valid")).then(
            pl.concat_str([code.str.slice(0, 2), known, residence.fill_null("")], separator="|")
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
    years = (pl.col("_sample").dt.year() - pl.col("_birth").dt.year()) - (
        pl.col("_sample").dt.ordinal_day() < pl.col("_birth").dt.ordinal_day()
    ).cast(pl.Int32)
    if role["phones"] and role["birth_date"] and role["sample_date"]:
        band = (pl.when(years.is_between(YOUNG[0], YOUNG[1], closed="left")).then(pl.lit("young"))
                .when(years >= OLD).then(pl.lit("old")))
        mobile = pl.any_horizontal(
            [pl.col(f"_phone_class{i}") == "mobile" for i in range(len(role["phones"]))]
        ).fill_null(False)
        out["by_age_mobile"] = pl.concat_str([band, mobile.cast(pl.Int8).cast(pl.String)],
                                             separator="|")
    if role["lab"] and role["postcode"]:
        # The lab last: a lab's name may hold the separator, the split keeps it whole.
        out["by_lab_home"] = pl.concat_str([residence, pl.col("_lab")], separator="|")
    if role["lab"] and role["sample_date"]:
        out["by_lab_month"] = pl.concat_str(
            [pl.col("_sample").dt.strftime("%Y-%m"), pl.col("_lab")], separator="|")
    if role["lab"] and role["birth_date"] and role["sample_date"]:
        age = pl.when(years.is_between(0, 120)).then(years.cast(pl.String))
        out["by_lab_age"] = pl.concat_str([age, pl.col("_lab")], separator="|")
    return out


@dataclass
class Measure:
    """One test's statistic: its value and the rows it was measured on (None: not measured)."""

    value: float | None
    rows: int


def _split(counts: dict[str, int], names: list[str]) -> pl.DataFrame:
    """Value counts ``"a|b|c" -> n`` as a frame with one column per part, and ``n``.

    Split at the first separators only: the last part keeps any ``|`` it holds.
    """
    frame = pl.DataFrame(
        {"key": list(counts), "n": list(counts.values())},
        schema={"key": pl.String, "n": pl.Int64},
    )
    parts = pl.col("key").str.splitn("|", len(names)).struct.rename_fields(names)
    return frame.select(parts.struct.unnest(), "n").with_columns(
        pl.col(c).replace("", None) for c in names
    )


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


_METROPOLITAN = [f"{d:02d}" for d in range(1, 96)]


def birth_departement_measure(counts: dict[str, int]) -> Measure:
    """Share of valid NIRs born in metropolitan France whose birth département is the home's."""
    rows = _places(counts)
    usable = rows.filter(pl.col("born").is_in(_METROPOLITAN) & pl.col("home").is_in(_METROPOLITAN))
    home = int(usable.filter(pl.col("born") == pl.col("home"))["n"].sum())
    return _measure(home, int(usable["n"].sum()))


def _places(counts: dict[str, int]) -> pl.DataFrame:
    """Counts by "birth département|known birth code|home département" as born (Corsica as
    20), known ("1", "0", null without the reference) and home."""
    return _split(counts, ["born", "known", "home"]).with_columns(
        _departement(pl.col("born")).alias("born"))


@functools.cache
def _birth_codes() -> frozenset[str] | None:
    """Birth codes a metropolitan NIR may carry: every commune's, current or former, and the
    arrondissements of Paris, Lyon and Marseille; Corsica's also under ``20`` (before 1976).
    None when the reference is missing."""
    try:
        codes = set(reference.communes()["insee"]) | set(reference.former_communes()["insee"])
    except ToolkitError:
        return None
    codes |= {f"751{a:02d}" for a in range(1, 21)} | {f"6938{a}" for a in range(1, 10)}
    codes |= {f"132{a:02d}" for a in range(1, 17)}
    codes |= {"20" + c[2:] for c in codes if c[:2] in ("2A", "2B")}
    return frozenset(codes)


def birth_commune_measure(counts: dict[str, int]) -> Measure | None:
    """Share of valid NIRs born in metropolitan France whose birth code is a known commune's
    (None when the reference was missing when the counts were gathered)."""
    rows = _places(counts).filter(pl.col("born").is_in(_METROPOLITAN))
    if rows["known"].null_count() == rows.height and rows.height:
        return None
    found = int(rows.filter(pl.col("known") == "1")["n"].sum())
    return _measure(found, int(rows["n"].sum()))


def born_abroad_measure(counts: dict[str, int]) -> Measure:
    """Share of valid NIRs born abroad (birth département ``99``)."""
    rows = _places(counts)
    return _measure(int(rows.filter(pl.col("born") == "99")["n"].sum()), int(rows["n"].sum()))


def mobile_by_age_measure(counts: dict[str, int]) -> Measure:
    """Share with a mobile among rows aged ``OLD`` or more, over that share among the young.

    Measured when each band has ``MINIMUM_ROWS`` rows and the young ones have mobiles; ``rows``
    counts both bands.
    """
    rows = _split(counts, ["band", "mobile"])
    share, size = {}, {}
    for band in ("young", "old"):
        of_band = rows.filter(pl.col("band") == band)
        size[band] = int(of_band["n"].sum())
        share[band] = int(of_band.filter(pl.col("mobile") == "1")["n"].sum()) / max(size[band], 1)
    total = size["young"] + size["old"]
    if min(size.values()) < MINIMUM_ROWS or not share["young"]:
        return Measure(None, total)
    return Measure(share["old"] / share["young"], total)


def lab_catchment_measure(counts: dict[str, int]) -> Measure:
    """Persons living in their lab's main département, over that share under independence.

    The main département of a lab is the one most of its rows live in; independence pairs each
    lab's rows with the file's overall distribution of départements (so the expected share is
    the overall share of each lab's main département, weighted by the lab's rows). Not measured
    when one département holds more than 80 % of the rows (every lab's main one, whatever the
    file), or on fewer than ``MINIMUM_ROWS`` rows.
    """
    rows = _split(counts, ["home", "lab"]).drop_nulls()
    total = int(rows["n"].sum())
    if total < MINIMUM_ROWS:
        return Measure(None, total)
    overall = rows.group_by("home").agg(pl.col("n").sum().alias("of_home"))
    if overall["of_home"].max() > 0.8 * total:
        return Measure(None, total)
    main = (rows.sort("n", "home", descending=[True, False])
            .group_by("lab", maintain_order=True).first()
            .join(rows.group_by("lab").agg(pl.col("n").sum().alias("of_lab")), on="lab")
            .join(overall, on="home"))
    # Whole numbers, divided last: the same value however the counts were gathered.
    at_home = sum(main["n"].to_list())
    independent = sum(a * b for a, b in main.select("of_lab", "of_home").iter_rows())
    return Measure(at_home * total / independent, total)


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
        places = distributions["by_birth_place"]
        out["birth_departement"] = birth_departement_measure(places)
        commune = birth_commune_measure(places)
        if commune is not None:
            out["birth_commune"] = commune
        out["born_abroad"] = born_abroad_measure(places)
    if "by_landline_zone" in distributions:
        out["landline_zone"] = landline_zone_measure(distributions["by_landline_zone"])
    if "by_age_mobile" in distributions:
        out["mobile_by_age"] = mobile_by_age_measure(distributions["by_age_mobile"])
    if "sample_date.with_birth" in totals:
        out["sample_before_birth"] = _measure(totals["sample_date.before_birth"],
                                              totals["sample_date.with_birth"])
    if "by_lab_home" in distributions:
        out["lab_catchment"] = lab_catchment_measure(distributions["by_lab_home"])
    return out


def shown(test: str, value: float, lang: str) -> str:
    """A statistic as the reading writes it: a ratio with two decimals, else a percentage."""
    if test in ("closed_days", "first_name_era", "mobile_by_age", "lab_catchment"):
        return decimal(value, lang, 2)
    return percent_text(value, lang, digits=1)


def threshold_text(test: str, lang: str) -> str:
    """The threshold as the reading writes it."""
    t = THRESHOLDS[test]
    bounds = [shown(test, b, lang) for b in (t.low, t.high) if b is not None]
    return " / ".join(bounds)


def _months(month: str) -> int:
    """``YYYY-MM`` as a count of months."""
    return int(month[:4]) * 12 + int(month[5:7])


def context(distributions: dict[str, dict[str, int]], totals: dict[str, Any]) -> list[dict]:
    """What the file's structure shows, said but not weighed in the verdict (``CONTEXT``).

    ``repeat_visits``: rows per person (a lab's database holds several samples per patient, an
    export of one row per patient about one: either can be genuine); ``lab_windows``: labs whose
    period is their own (first or last month ``OWN_WINDOW_MONTHS`` or more from the file's:
    labs join a software at different dates, a forger drawing every date from one range gives
    none, but so does one export of labs that all used the system throughout); ``age_by_lab``:
    the lowest and highest median age at the sample among labs of ``MINIMUM_ROWS`` rows or
    more (labs serving a maternity or a nursing home differ; a forger drawing ages regardless
    of the lab gives the same everywhere, but so do labs serving alike populations). Each entry:
    ``id``, ``values`` and the readings ``fr``/``en``.
    """
    out: list[dict] = []

    def add(key: str, values: dict[str, Any], count: int | None = None, **fields: Any) -> None:
        readings = {}
        for lang in ("fr", "en"):
            shown = {k: f(lang) for k, f in fields.items()}
            readings[lang] = (text(f"fabrication.{key}.reading", lang, **shown) if count is None
                              else plural(f"fabrication.{key}.reading", count, lang, **shown))
        out.append({"id": key, "values": values, **readings})

    persons = totals.get("persons.identified", 0) + totals.get("persons.unidentified", 0)
    if persons:
        per_person = totals["rows"] / persons
        add("repeat_visits", {"rows_per_person": per_person},
            ratio=lambda lang: decimal(per_person, lang, 2))
    months = distributions.get("by_lab_month")
    if months:
        rows = _split(months, ["month", "lab"]).drop_nulls()
        spans = rows.group_by("lab").agg(pl.col("month").min().alias("first"),
                                         pl.col("month").max().alias("last"))
        if spans.height >= 2:
            first, last = _months(rows["month"].min()), _months(rows["month"].max())
            own = sum(_months(a) - first >= OWN_WINDOW_MONTHS
                      or last - _months(b) >= OWN_WINDOW_MONTHS
                      for a, b in spans.select("first", "last").iter_rows())
            add("lab_windows", {"labs": spans.height, "own_window": own}, own,
                n=lambda lang: number(own, lang), labs=lambda lang: number(spans.height, lang))
    ages = distributions.get("by_lab_age")
    if ages:
        rows = _split(ages, ["age", "lab"]).drop_nulls().with_columns(pl.col("age").cast(pl.Int32))
        medians = (rows.sort("age").group_by("lab").agg(
            pl.col("n").sum().alias("rows"),
            pl.col("age").gather((pl.col("n").cum_sum() >= pl.col("n").sum() / 2).arg_max())
            .first().alias("median"),
        ).filter(pl.col("rows") >= MINIMUM_ROWS))
        if medians.height >= 2:
            low, high = int(medians["median"].min()), int(medians["median"].max())
            add("age_by_lab", {"labs": medians.height, "lowest": low, "highest": high},
                labs=lambda lang: number(medians.height, lang), low=lambda lang: number(low, lang),
                high=lambda lang: number(high, lang))
    return out


def battery(distributions: dict[str, dict[str, int]], totals: dict[str, Any]) -> dict[str, Any]:
    """The tests and the verdict, as the report's ``fabrication`` section (JSON-ready).

    ``tests``: one entry per test the leak's columns allow: ``id``, ``value`` (None: too few
    rows), ``rows``, ``threshold`` {low, high}, ``flagged`` (None when not measured), and the
    readings ``fr``/``en`` with what the test ``can`` and ``cannot`` show in each language;
    ``flagged``: the ids of the tests that found a sign of fabrication; ``verdict``: {fr, en};
    ``context``: what the structure shows, not weighed (:func:`context`).
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
        "context": context(distributions, totals),
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
