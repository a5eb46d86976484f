"""Names: the pools they are drawn from, and the patient e-mail addresses built from them.

Surnames and first names are common French names from Faker's fr_FR lists, with Breton surnames
added. E-mail addresses are built from a person's names and birth year,
under domains reserved for fiction, and made distinct.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from toolkit.raw.synth.value_lists import EMAIL_DOMAINS
from toolkit.shared.errors import ToolkitError
from toolkit.shared.folding import fold

BRETON_SURNAMES = (
    "Le Gall", "Le Goff", "Le Floch", "Guillou", "Tanguy", "Le Roux", "Le Bihan", "Jaouen",
    "Kerhervé", "Le Corre", "Le Guen", "Le Berre", "Le Meur", "Le Pape", "Le Moal", "Le Cam",
    "Le Bris", "Le Gac", "Le Brun", "Guégan", "Le Dantec", "Le Bras", "Morvan", "Quéré",
    "Le Hir", "Le Borgne", "Cadiou", "Le Duff", "Riou", "Le Coz", "Le Guennec", "Le Priol",
    "Evanno", "Le Texier", "Jégo", "Le Quéré", "Le Mouël", "Conan", "Le Nours", "Gouëzec",
)


def name_pools() -> tuple[pl.Series, pl.Series, pl.Series, np.ndarray, np.ndarray, np.ndarray]:
    """Surnames, female and male first names (sorted), and their rank weights, in that order."""
    # Faker is imported here, not at the top: its import cost is paid only when names are drawn.
    from faker.providers.person.fr_FR import Provider

    surnames = sorted(set(Provider.last_names) | set(BRETON_SURNAMES))
    first_f = sorted(set(Provider.first_names_female))
    first_m = sorted(set(Provider.first_names_male))

    def zipf(n: int) -> np.ndarray:
        # Rank weights: a few very common names, a long tail (order is shuffled by the seed).
        return 1.0 / (np.arange(n) + 15.0)

    return (pl.Series(surnames), pl.Series(first_f), pl.Series(first_m),
            zipf(len(surnames)), zipf(len(first_f)), zipf(len(first_m)))


def fold_ascii(s: pl.Expr) -> pl.Expr:
    """Lower case, accents removed, and only ``a-z0-9`` kept: a name as a login or e-mail part."""
    return fold(s).str.replace_all(r"[^a-z0-9]+", "")


def patient_emails(rng: np.random.Generator, p: dict[str, np.ndarray], has_email: np.ndarray,
                   surnames: pl.Series, first_f: pl.Series, first_m: pl.Series) -> pl.Series:
    """Distinct patient e-mails under reserved domains, in person order of ``has_email``."""
    who = np.flatnonzero(has_email)
    n = who.size
    first = pl.Series(np.where(p["female_name"][who], p["first"][who], 0))
    df = pl.DataFrame({
        "sur": surnames.gather(pl.Series(p["surname"][who])),
        "ff": first_f.gather(first),
        "fm": first_m.gather(pl.Series(np.where(p["female_name"][who], 0, p["first"][who]))),
        "female": p["female_name"][who],
        "pattern": rng.integers(0, 4, n),
        "num": rng.integers(1, 100, n),
        "year": (p["birth"][who].astype("datetime64[D]").astype("datetime64[Y]").astype(int)
                 + 1970) % 100,
        "domain": pl.Series(EMAIL_DOMAINS).gather(pl.Series(rng.integers(0, 5, n))),
        "pid": who,
    })
    sur = fold_ascii(pl.col("sur"))
    fst = fold_ascii(pl.when(pl.col("female")).then(pl.col("ff")).otherwise(pl.col("fm")))
    local = (
        pl.when(pl.col("pattern") == 0).then(pl.concat_str([fst, pl.lit("."), sur]))
        .when(pl.col("pattern") == 1).then(pl.concat_str([fst.str.slice(0, 1), sur,
                                                          pl.col("num").cast(pl.String)]))
        .when(pl.col("pattern") == 2).then(pl.concat_str([fst, pl.lit("."), sur,
                                                          pl.col("year").cast(pl.String)
                                                          .str.zfill(2)]))
        .otherwise(pl.concat_str([sur, pl.lit("."), fst, pl.col("num").cast(pl.String)]))
    )
    out = df.select(local.alias("local"), "domain", "pid").with_columns(
        pl.when(pl.col("local").is_first_distinct()).then(pl.col("local"))
        .otherwise(pl.concat_str([pl.col("local"), pl.lit(".p"), pl.col("pid").cast(pl.String)]))
        .alias("local")
    )
    # Distinct local parts make distinct addresses whatever the domain.
    emails = out.select(pl.concat_str(["local", pl.lit("@"), "domain"]))["local"]
    if emails.n_unique() != n:
        raise ToolkitError("internal error: patient e-mails are not distinct")
    return emails
