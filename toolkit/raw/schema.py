"""Classify every column of a leak into one data category, from its header and its content.

Headers are matched against French and English synonyms after folding accents, case,
punctuation and abbreviations ("N° SS", "Tél. domicile", "C.P.", "Date prlvt"...), and after
splitting the joined abbreviations French exports use ("nomprenom", "datenaiss", "commnaiss",
"cpostal"...). A composite name field ("NOM*PRENOMS/") is the identity: a surname. Birth places,
death, admission and discharge dates are "other" (not a residence, not a birth or sample date),
and so are administrative identifiers (patient, file and stay numbers), which are flagged
``identifying`` so that the tripwire searches their values. A civility is a sex, read after any
sex column. Content is sniffed on a seeded random sample of rows spread over the whole file
(valid NIR keys, email syntax, the phone numbering plan, dates and their range, blood groups, sex
codes, postcodes that exist, free text), so a file whose headers say nothing (COL01, COL02...) is
still classified. When both speak and disagree, strong content wins, except for "role" headers
(a doctor's email is the doctor's, a login may look like an email). The user can override any
column. Only categories, confidences and evidence leave this module.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import polars as pl

from toolkit.raw import french
from toolkit.shared import folding, gazetteer, reference
from toolkit.shared.errors import InputError
from toolkit.shared.formatting import number
from toolkit.shared.text import text, texts
from toolkit.shared.vocabulary import CATEGORIES, category_label

#: Rows drawn at random, spread over the whole file, to sniff content (stable shares).
SAMPLE_ROWS = 5_000
#: The seed of that draw: the same file always gives the same sample.
SAMPLE_SEED = 2021

#: Words French exports glue together in headers ("nomprenom", "datenaiss", "commnaiss"): a
#: header word that is none of these but a run of them is split into them (``fold_header``).
HEADER_WORDS: frozenset[str] = frozenset((
    "nom", "noms", "prenom", "prenoms", "pnom", "usuel", "jf", "naissance", "naiss", "nais", "ne",
    "nee", "date", "dt", "dat", "deces", "dcd", "comm", "commune", "lieu", "dept", "dep", "dpt",
    "departement", "pays", "ville", "code", "cp", "postal", "tel", "telephone", "port",
    "portable", "fixe", "dom", "domicile", "mob", "mobile", "num", "numero", "no", "secu", "ss",
    "nss", "adr", "adresse", "mail", "email", "med", "medecin", "presc", "prescripteur",
    "traitant", "sexe", "civ", "civilite", "id", "ident", "identifiant", "patient", "pat",
    "dossier", "doss", "sejour", "venue", "entree", "sortie", "admission", "visite", "derniere",
    "prel", "prelevement", "prlvt", "groupe", "grp", "sang", "sanguin", "mot", "de", "du", "le",
    "la", "passe", "creation", "maj", "saisie", "heure", "labo", "ipp", "nda",
))  # fmt: skip
#: Joined abbreviations that are not a run of ``HEADER_WORDS``.
JOINED_HEADERS = {"cpostal": "code postal", "ddeces": "date deces"}

#: Headers naming an administrative identifier: a patient's, a file's, a stay's, a request's
#: number. Their category is "other" (no category of the vocabulary fits), but their values
#: identify a person: ``ColumnClass.identifying`` sends them to the tripwire.
ADMINISTRATIVE_IDENTIFIER = (
    r"^(id|ipp|nda|iep|nip|dossier)$|"
    r"\b(id|ident|identifiant|num|numero|no|n|ref|reference|code) (du |de |d )?"
    r"(patient|pat|dossier|doss|sejour|venue|admission|hospitalisation|episode|demande|"
    r"prelevement|prel|analyse|examen)\b|\b(id|ipp|nda|iep|nip)\b"
)

#: Headers naming a weaker source of a category, whose columns are read after the others of
#: that category (``Schema.columns_of``): a civility (Mme, M., Mlle) for the sex.
SECONDARY_HEADERS = {"sex": r"\b(civilite|civ)\b"}

#: Header patterns on the folded header, tried in order: the first match wins. Roles (doctor,
#: credentials) come first so that "Tél. médecin" is the doctor's and "Mail login" a login.
HEADER_PATTERNS: tuple[tuple[str, str], ...] = (
    # Administrative fields: explicit "other", so that dates, codes and digits in them are not
    # mistaken by content for a birth date, a postcode or a lab. A birth place is not the
    # residence; a death, admission or discharge date is neither a birth nor a sample date.
    ("other", ADMINISTRATIVE_IDENTIFIER),
    ("other", r"\b((lieu|commune|comm|ville|pays|dept|departement|dpt|dep|cp|code postal) "
              r"(de |du )?(naissance|naiss|nais)|nee? a|nationalite|code insee|caisse|"
              r"code regime|regime|statut|status|origine|heure|nb|nombre|"
              r"(date|dt|dat) (de |du |d )?(creation|maj|mise a jour|modif\w*|saisie|import|"
              r"deces|dcd|mort|entree|sortie|admission|adm|hospitalisation|hospit)|"
              r"deces|dcd|date of death|entree|sortie|admission|discharge)\b"),
    ("doctor", r"\b(medecins?|med traitant|docteur|dr|prescripteurs?|presc|praticien|doctor|"
               r"physician|prescriber|gp)\b"),
    ("password", r"\b(mot de passe|mdp|password|passwd|pwd|pass|motdepasse)\b"),
    ("login", r"\b(login|identifiant|username|user ?name|user|utilisateur|pseudo|compte)\b"),
    ("nir", r"\b(nir|n ?ss|no ?ss|num ?ss|nss|secu|securite sociale|"
            r"num(ero)? ?(de )?(secu|ss|insee)|(?<!code )insee|matricule|ssn|social security|"
            r"immatriculation)\b"),
    ("email", r"\b(e ?mail|courriel|mel|mail|adresse electronique|email address)\b"),
    ("birth_name", r"\b(nom (de )?(naissance|naiss)|nom (de )?jeune fille|nom jf|birth ?name|"
                   r"maiden ?name|nom patronymique)\b"),
    # A composite name field ("NOM*PRENOMS/", "Nom et prénom") is the identity: a surname.
    ("surname", r"\b(noms? (et )?prenoms?|prenoms? (et )?noms?|identite|nom complet|"
                r"full ?name)\b"),
    ("first_name", r"\b(prenoms?|first ?names?|given ?names?|forenames?|pnom)\b"),
    ("birth_date", r"\b(date (de )?naiss(ance)?|dt naiss|ddn|dob|birth ?date|date of birth|"
                   r"naissance|ne le|nee le|birthday)\b"),
    ("sample_date", r"\b(date (de |du )?(prel\w*|prlvt|prlv|visite|passage|examen|analyses?|"
                    r"dossier|derniere visite|sample|collection|demande|reception)|dt prel\w*|"
                    r"sample date|visit date|date$)"),
    ("blood_group", r"\b(groupe (sanguin|sg|sang|rh|abo)|grp (sg|sang)|gs|gr sg|"
                    r"blood( group| type)?|abo|rhesus|groupage)\b"),
    ("phone_mobile", r"\b(portable|mobile|gsm|cell(ular)?|tel port|tel mob|port|mob|cellphone)\b"),
    ("phone_landline", r"\b(fixe|domicile|tel dom|landline|home phone|tel fixe|bureau|tel pro)\b"),
    ("phone", r"\b(tel|telephone|tél|phone|num tel|fax|tel\d)\b"),
    ("postcode", r"\b(code postal|cp|c p|postcode|post code|zip( code)?|cod post|codepostal|"
                 r"postal code)\b"),
    ("commune", r"\b(ville|commune|localite|city|town|municipality|bureau distributeur|"
                r"lieu de residence)\b"),
    ("address", r"\b(adresses?|adr|rue|voie|address|street|lieu dit|complement|residence|"
                r"adresse postale)\b"),
    ("insurer", r"\b(mutuelles?|organisme complementaire|complementaire|amc|insurer|"
                r"insurance|assurance|organisme)\b"),
    ("lab", r"\b(labo|laboratoire|lab|laboratory|site|finess|etablissement|lbm)\b"),
    ("sex", r"\b(sexe?|genre|gender|sx|civilite|civ)\b"),
    ("comment", r"\b(observations?|obs|commentaires?|comment(s)?|remarques?|notes?|infos?|"
                r"renseignements? cliniques?|rc|texte|libre|memo|information)\b"),
    ("surname", r"\b(nom|noms|nom usuel|nom de famille|surname|last ?name|family ?name|name)\b"),
)

#: Header categories naming a role rather than a data type: their content may legitimately look
#: like an email or a phone number, so content never overrides them.
ROLE_CATEGORIES = frozenset({"doctor", "login", "password", "lab", "insurer", "comment", "other"})

#: Categories of the same kind: inside a family, the more specific evidence wins.
_PHONES = frozenset({"phone", "phone_landline", "phone_mobile"})
_DATES = frozenset({"birth_date", "sample_date"})

_ADDRESS = (
    r"^\d{1,4}\s*(bis|ter)?[ ,]+(rue|avenue|av|bd|boulevard|chemin|ch|impasse|imp|allee|place|pl|"
    r"route|rte|lieu dit|lotissement|lot|residence|res|square|quai|cours|hameau|voie|sentier|"
    r"cite|clos|passage|parc|le|la|les)\b"
)


@dataclass(frozen=True)
class ColumnClass:
    """One column's category, how sure we are (0-1) and why (never a raw value)."""

    name: str
    category: str
    confidence: float
    evidence: str
    #: What the content alone suggests (e.g. "email" for a doctor's email column), or None.
    content: str | None = None
    #: The column identifies a person though its category is not a direct identifier (an
    #: administrative identifier: patient, file or stay number): the tripwire searches it.
    identifying: bool = False
    #: A weaker source of its category (a civility for the sex), read after the others.
    secondary: bool = False


@dataclass
class Schema:
    """The classification of every column of a leak, in file order."""

    columns: list[ColumnClass] = field(default_factory=list)

    @property
    def mapping(self) -> dict[str, str]:
        """Column name -> category."""
        return {c.name: c.category for c in self.columns}

    def content_of(self, column: str) -> str | None:
        """The category the column's content alone suggests (None when it suggests none)."""
        return next((c.content for c in self.columns if c.name == column), None)

    def columns_of(self, category: str) -> list[str]:
        """The columns classified as ``category``, in file order, secondary sources (a civility
        for the sex) after the others: the first one is the one to read."""
        of = [c for c in self.columns if c.category == category]
        return [c.name for c in of if not c.secondary] + [c.name for c in of if c.secondary]

    @property
    def identifying(self) -> list[str]:
        """The columns flagged identifying (administrative identifiers), in file order: with
        the direct-identifier categories, what the tripwire searches."""
        return [c.name for c in self.columns if c.identifying]

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready description: one entry per column with category, confidence and evidence."""
        return {
            "columns": [
                {
                    "name": c.name,
                    "category": c.category,
                    "confidence": round(c.confidence, 2),
                    "evidence": c.evidence,
                }
                for c in self.columns
            ]
        }


def fold_header(header: str) -> str:
    """Fold a header as ``folding.fold_text`` folds data: "N° SS" -> "n ss", "C.P." -> "c p",
    and split joined abbreviations: "DATENAISS" -> "date naiss", "NOM*PRENOMS/" -> "nom prenoms".
    """
    return " ".join(split_joined(w) for w in fold_words(header).split())


def fold_words(text: str) -> str:
    """Lower case, accents and punctuation folded, words apart: "Tél.1" -> "tel 1"."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae").replace("°", " ")
    text = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )
    text = re.sub(r"([a-z])(\d)", r"\1 \2", text)  # "tel1" -> "tel 1"
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


@cache
def split_joined(word: str) -> str:
    """A header word glued from ``HEADER_WORDS`` split into them ("commnaiss" -> "comm naiss",
    the fewest pieces), or a ``JOINED_HEADERS`` spelling; any other word unchanged."""
    if word in JOINED_HEADERS:
        return JOINED_HEADERS[word]
    if len(word) < 4 or word in HEADER_WORDS or not word.isalpha():
        return word
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for end in range(2, len(word) + 1):
        for start in range(end - 1):
            piece, before = word[start:end], best[start]
            current = best[end]
            if before is not None and piece in HEADER_WORDS and (
                current is None or len(before) + 1 < len(current)
            ):
                best[end] = [*before, piece]
    pieces = best[-1]
    return " ".join(pieces) if pieces and len(pieces) > 1 else word


def header_category(header: str) -> str | None:
    """The category a header names, from French and English synonyms; None if it names none."""
    folded = fold_header(header)
    if not folded or re.fullmatch(r"(col|column|colonne|champ|field|c|f|v|var)? ?\d+", folded):
        return None
    for category, pattern in HEADER_PATTERNS:
        if re.search(pattern, folded):
            return category
    return None


def is_administrative_identifier(header: str) -> bool:
    """Whether a header names an administrative identifier (``ADMINISTRATIVE_IDENTIFIER``):
    a patient, file, stay or request number ("ID_PATIENT", "NUM_DOSSIER", "IPP", "NUM_SEJOUR")."""
    return re.search(ADMINISTRATIVE_IDENTIFIER, fold_header(header)) is not None


def _secondary(header: str, category: str) -> bool:
    """Whether a header names a weaker source of its category (``SECONDARY_HEADERS``)."""
    pattern = SECONDARY_HEADERS.get(category)
    return pattern is not None and re.search(pattern, fold_header(header)) is not None


@cache
def _first_names() -> frozenset[str]:
    """Common French first names (Faker's fr_FR list, folded), to recognise a first-name column."""
    from faker.providers.person.fr_FR import Provider

    return frozenset(fold_words(name) for name in Provider.first_names)


def _mix(value: int) -> int:
    """splitmix64's finaliser: a well-mixed 64-bit integer from any integer (pure Python, so
    the same on every run, platform and library version)."""
    x = value & 0xFFFFFFFFFFFFFFFF
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return x ^ (x >> 31)


def sample_positions(total: int, rows: int = SAMPLE_ROWS, seed: int = SAMPLE_SEED) -> list[int]:
    """``rows`` row positions out of ``total``, seeded, spread over all of them.

    A stratified random sample: the positions are cut into ``rows`` strata of (nearly) equal
    size and one position is drawn at random in each, so that every part of the file is seen
    (the beginning, the middle, the end) and no position twice. Every position of a smaller
    file. The same ``total`` and ``seed`` always give the same positions.
    """
    if total <= rows:
        return list(range(total))
    bounds = [j * total // rows for j in range(rows + 1)]
    positions = []
    for j in range(rows):
        width = bounds[j + 1] - bounds[j]
        draw = _mix(seed * 0x9E3779B97F4A7C15 + j) >> 11  # 53 random bits
        positions.append(bounds[j] + draw * width // (1 << 53))
    return positions


def sample_rows(
    frame: pl.LazyFrame, rows: int = SAMPLE_ROWS, seed: int = SAMPLE_SEED
) -> pl.DataFrame:
    """The rows of ``frame`` at :func:`sample_positions`, in file order (all-String frame).

    Two streamed passes, memory bounded whatever the size of the leak: the rows are counted
    (no field parsed), then the sampled ones kept as the frame streams by. Each kept string is
    copied: a string cut out of a batch would otherwise hold the whole batch in memory.
    """
    index = "__sample_row"
    numbered = frame.with_row_index(index)
    last = numbered.select(pl.col(index).max()).collect(engine="streaming").item()
    total = 0 if last is None else last + 1
    wanted = pl.Series(index, sample_positions(total, rows, seed), dtype=pl.get_index_type())
    names = frame.collect_schema().names()
    return (
        numbered.filter(pl.col(index).is_in(wanted.implode()))
        .select(pl.concat_str([pl.col(c), pl.lit("")]).alias(c) for c in names)
        .collect(engine="streaming")
    )


def reference_postcodes() -> pl.DataFrame | None:
    """The gazetteer's ``postcode, name`` pairs, or None when the reference data is not built."""
    try:
        return reference.postcodes().select("postcode", "name")
    except Exception:  # noqa: BLE001 - without the gazetteer, existence is not measurable
        return None


def _content_stats(sample: pl.DataFrame) -> dict[str, dict[str, float]]:
    """Shares of each content signal per column of the sample, computed in one pass.

    The sample is unpivoted to (column, value) so that every check runs once per distinct value
    and a ``group_by`` gives the counts per column.
    """
    reference = reference_postcodes()
    postcodes = None if reference is None else reference["postcode"].unique().to_list()
    communes = (
        None
        if reference is None
        else reference.select(folding.fold_commune(pl.col("name")))["name"].unique().to_list()
    )
    value = pl.col("value")
    long = (
        sample.lazy()
        .with_row_index("_row")
        .unpivot(index="_row", variable_name="column", value_name="value")
        .select("column", french.blank_to_null(value).alias("value"))
    )
    # Each signal is computed once per distinct value of the sample (sexes, dates, places and
    # codes repeat from row to row), then joined back onto the (column, value) pairs.
    folded = pl.col("folded")
    per_value = (
        long.select(value.drop_nulls().unique())
        .with_columns(folded=folding.fold_text(value))
        .select(
            value,
            nir_key=french.nir_key_valid(french.nir_compact(value)),
            email=french.email_valid(value),
            date_year=french.parse_date(value).dt.year(),
            blood=french.blood_group(value).is_not_null(),
            sex=french.sex_code(value).is_not_null(),
            postcode_shape=value.str.contains(r"^\s*\d{4,5}\s*$"),
            postcode_exists=gazetteer.postcode_clean(value).is_in(postcodes or []),
            commune=folding.fold_commune(value).is_in(communes) if communes else pl.lit(False),
            length=value.str.len_chars(),
            spaces=value.str.count_matches(r"\s+"),
            address=folded.str.contains(_ADDRESS),
            doctor=folded.str.contains(r"^(dr|docteur|doct|pr)\b"),
            first_name=folded.str.split(" ").list.first().is_in(list(_first_names())),
            digits_only=value.str.contains(r"^\d+$"),
        )
    )
    per_value = french.with_phone_class(per_value, "value", klass="phone")
    long = long.join(per_value, on="value", how="left")
    phone, year = pl.col("phone"), pl.col("date_year")
    signals = {
        "filled": value.is_not_null().sum(),
        "distinct": value.drop_nulls().n_unique(),
        "nir_key": pl.col("nir_key").sum(),
        "email": pl.col("email").sum(),
        "landline": (phone == "landline").sum(),
        "mobile": (phone == "mobile").sum(),
        "special": (phone == "special").sum(),
        "date": year.is_not_null().sum(),
        "date_p05": year.quantile(0.05),
        "date_p95": year.quantile(0.95),
        **{name: pl.col(name).sum() for name in ("blood", "sex", "postcode_shape", "commune")},
        # Without the gazetteer, existence is not measured (NaN), rather than "none exist".
        "postcode_exists": (
            pl.col("postcode_exists").sum() if postcodes else pl.lit(None, pl.UInt32)
        ),
        "mean_len": pl.col("length").mean(),
        "words": pl.col("spaces").mean(),
        **{name: pl.col(name).sum() for name in ("address", "doctor", "first_name", "digits_only")},
    }
    table = long.group_by("column").agg(
        expr.cast(pl.Float64).alias(key) for key, expr in signals.items()
    ).collect()
    return {
        row.pop("column"): {k: float("nan") if v is None else v for k, v in row.items()}
        for row in table.iter_rows(named=True)
    }


def content_category(stats: dict[str, float]) -> tuple[str | None, str, str]:
    """The category a column's content suggests: (category, "strong"/"weak", evidence)."""
    filled = stats["filled"]
    if filled == 0:
        return None, "weak", "empty in the sample"

    def share(key: str) -> float:
        return stats[key] / filled

    phones = stats["landline"] + stats["mobile"] + stats["special"]
    if share("nir_key") >= 0.5:
        return "nir", "strong", f"{share('nir_key'):.0%} valid NIR keys (random: ~1%)"
    if share("email") >= 0.8:
        return "email", "strong", f"{share('email'):.0%} syntactically valid emails"
    if phones / filled >= 0.8:
        if stats["mobile"] / phones >= 0.8:
            return "phone_mobile", "strong", f"{stats['mobile'] / filled:.0%} mobiles (06/07)"
        if stats["landline"] / phones >= 0.8:
            return "phone_landline", "strong", f"{stats['landline'] / filled:.0%} landline numbers"
        return "phone", "strong", f"{phones / filled:.0%} French phone numbers (mixed)"
    if share("blood") >= 0.9:
        return "blood_group", "strong", f"{share('blood'):.0%} ABO/Rh blood groups"
    if share("sex") >= 0.95 and 2 <= stats["distinct"] <= 8:
        return "sex", "strong", f"{share('sex'):.0%} sex codes, {int(stats['distinct'])} distinct"
    if share("date") >= 0.8:
        p05, p95 = stats["date_p05"], stats["date_p95"]
        if p05 >= 1990 and p95 - p05 <= 15:
            return "sample_date", "strong", f"{share('date'):.0%} dates, years {p05:.0f}-{p95:.0f}"
        return "birth_date", "strong", f"{share('date'):.0%} dates spread {p05:.0f}-{p95:.0f}"
    if share("postcode_shape") >= 0.9:
        exists = stats["postcode_exists"]
        if exists == exists:  # not NaN: the gazetteer is present
            if exists / filled >= 0.8:
                return "postcode", "strong", f"{exists / filled:.0%} existing postcodes"
        else:
            return "postcode", "weak", f"{share('postcode_shape'):.0%} five-digit codes"
    if share("address") >= 0.5:
        return "address", "strong", f"{share('address'):.0%} start like a street address"
    if share("commune") >= 0.8:
        return "commune", "weak", f"{share('commune'):.0%} names of communes"
    if share("doctor") >= 0.5:
        return "doctor", "weak", f"{share('doctor'):.0%} start with Dr/Docteur"
    if share("first_name") >= 0.6 and stats["mean_len"] < 20:
        return "first_name", "weak", f"{share('first_name'):.0%} common French first names"
    if stats["mean_len"] >= 20 and stats["words"] >= 2 and share("digits_only") < 0.1:
        return "comment", "weak", f"free text, {stats['mean_len']:.0f} characters on average"
    return None, "weak", "no recognisable content"


def _combine(name: str, header: str | None, content: str | None, strength: str,
             why: str) -> ColumnClass:
    """Merge header and content evidence into one category and a confidence."""
    if header and content == header:
        return ColumnClass(name, header, 0.99, f"header and content agree: {why}", content)
    if header and content:
        same_family = (header in _PHONES and content in _PHONES) or (
            header in _DATES and content in _DATES
        )
        if header in ROLE_CATEGORIES or (same_family and header in _DATES):
            return ColumnClass(name, header, 0.8, f"header names a {header}; content: {why}",
                               content)
        if strength == "strong":
            return ColumnClass(name, content, 0.9, f"content overrides header ({header}): {why}",
                               content)
        return ColumnClass(name, header, 0.7, f"header match; weak content hint: {why}", content)
    if header:
        return ColumnClass(name, header, 0.8, "header match")
    if content:
        confidence = 0.9 if strength == "strong" else 0.5
        return ColumnClass(name, content, confidence, f"content: {why}", content)
    return ColumnClass(name, "other", 0.2, why)


def check_overrides(overrides: dict[str, str], columns: list[str]) -> None:
    """Refuse an override naming an unknown category or column, listing what is allowed."""
    for column, category in overrides.items():
        if category not in CATEGORIES:
            raise InputError(
                f"unknown category {category!r} for column {column!r}; "
                f"choose one of: {', '.join(CATEGORIES)}"
            )
        if column not in columns:
            raise InputError(f"no column named {column!r} in the file")


def parse_map_options(items: list[str] | None) -> dict[str, str]:
    """Turn CLI ``--map COL=category`` options into an overrides dict."""
    overrides: dict[str, str] = {}
    for item in items or []:
        column, sep, category = item.partition("=")
        if not sep or not column.strip() or not category.strip():
            raise InputError(f"--map expects COLUMN=category, got {item!r}")
        overrides[column.strip()] = category.strip()
    # Check the categories now, before a long read of the file; columns are checked by classify.
    check_overrides(overrides, list(overrides))
    return overrides


def classify(
    frame: pl.LazyFrame | pl.DataFrame, overrides: dict[str, str] | None = None
) -> Schema:
    """Classify every column of a leak (all-String frame) into a category of the vocabulary.

    Content is sniffed on ``SAMPLE_ROWS`` rows drawn over the whole frame (:func:`sample_rows`);
    headers are read by :func:`header_category`. Administrative identifiers are flagged
    ``identifying``, civilities ``secondary`` (see :class:`ColumnClass`).
    """
    overrides = overrides or {}
    lazy = frame.lazy()
    names = lazy.collect_schema().names()
    check_overrides(overrides, names)
    sample = sample_rows(lazy.select(pl.all().cast(pl.String))) if names else pl.DataFrame()
    stats = _content_stats(sample) if names else {}
    columns = []
    for name in names:
        content, strength, why = content_category(stats.get(name, {"filled": 0.0}))
        if name in overrides:
            column = ColumnClass(name, overrides[name], 1.0, "set by the user", content)
        else:
            column = _combine(name, header_category(name), content, strength, why)
        identifying = is_administrative_identifier(name)
        if identifying and name not in overrides:
            column = replace(column, evidence=f"{column.evidence} (administrative identifier)")
        columns.append(replace(column, identifying=identifying,
                               secondary=_secondary(name, column.category)))
    return Schema(columns)


def inspect_report(ingested: Any, schema: Schema) -> dict[str, Any]:
    """What ``inspect --json`` prints: file facts and row accounting, then every column's class."""
    facts = ingested.describe()
    return {**facts, "columns": schema.to_dict()["columns"]}


def inspect_text(ingested: Any, schema: Schema) -> str:
    """A readable inspection report (French labels, English category keys), no cell value.

    Its words come from the catalogue (``inspect.*``); the facts' labels are padded so that
    their colons line up, each after a no-break space.
    """
    facts = ingested.describe()
    quarantined = facts["quarantined"]
    reasons = ", ".join(f"{k} {v}" for k, v in quarantined["reasons"].items() if v) or "-"
    label = texts("inspect.label")

    def fact(key: str, value: object) -> str:
        return text("inspect.fact", label=f"{label[key]:<12}", value=value)

    header = texts("inspect.header")
    lines = [
        fact("file", facts["file"]) + (f" ({facts['member']})" if facts["member"] else ""),
        fact("encoding", facts["encoding"]) + "   "
        + text("inspect.delimiter", delimiter=repr(facts["delimiter"])),
        fact("rows_read", number(facts["rows"])),
        fact("quarantined", f"{number(quarantined['total'])} ({reasons})"),
        fact("columns", len(schema.columns)),
        "",
        f"{header['column']:<32} {header['category']:<16} {header['confidence']:>9}  "
        f"{header['label']}",
    ]  # fmt: skip
    for col in schema.columns:
        lines.append(
            f"{col.name[:32]:<32} {col.category:<16} {col.confidence:>9.2f}  "
            f"{category_label(col.category)}"
        )
    return "\n".join(lines)
