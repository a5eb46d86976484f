"""Geolocation: labs to communes and coordinates, residences to communes and départements.

Residences are never located below the commune: a postcode and a commune name become an INSEE
commune code, then a département and a region. This runs inside pseudonymisation, because the raw
postcode and commune name must not cross the boundary. Labs (public businesses) may be located at
street level, through the national address base's CSV API, but only when the user asks: by
default everything here is offline, from the embedded gazetteer (``toolkit.reference``).

Every resolution says how it was obtained: ``exact`` (an INSEE code given), ``postcode_name``
(the name matched one of the postcode's communes), ``postcode_only`` (approximate: the
postcode's most populous commune) or ``not_found``.
"""

from __future__ import annotations

import csv
import io
import json
import math
import urllib.request
import uuid
from collections.abc import Iterable
from pathlib import Path

import polars as pl

from toolkit import french
from toolkit.errors import InputError, ToolkitError
from toolkit.paths import INTERIM

RESOLUTIONS: tuple[str, ...] = ("exact", "postcode_name", "postcode_only", "not_found")

#: Distance bands (upper bounds in km) used by summaries and by ``exposure.distance_bands``.
DISTANCE_BANDS_KM: tuple[int, ...] = (10, 20, 50)

#: Category of "laboratoire de biologie médicale" in the FINESS nomenclature.
FINESS_LAB_CATEGORY = "611"

#: Columns of a ``structureet`` line of the FINESS "etalab" extract (after the line type).
FINESS_STRUCTURE_COLUMNS: tuple[str, ...] = (
    "nofinesset", "nofinessej", "rs", "rslongue", "complrs", "compldistrib", "numvoie", "typvoie",
    "voie", "compvoie", "lieuditbp", "commune", "departement", "libdepartement",
    "ligneacheminement", "telephone", "telecopie", "categetab", "libcategetab", "categagretab",
    "libcategagretab", "siret", "codeape", "codemft", "libmft", "codesph", "libsph", "dateouv",
    "dateautor", "datemaj", "numuai",
)  # fmt: skip
#: Columns of a ``geolocalisation`` line (after the line type).
FINESS_GEO_COLUMNS: tuple[str, ...] = (
    "nofinesset",
    "coordxet",
    "coordyet",
    "sourcecoordet",
    "datemaj",
)

#: Projection named at the end of FINESS's ``sourcecoordet`` -> EPSG code.
FINESS_CRS: dict[str, int] = {
    "LAMBERT_93": 2154,
    "UTM_N20": 5490,  # Guadeloupe, Martinique (RGAF09)
    "UTM_N21": 4467,  # Saint-Pierre-et-Miquelon
    "UTM_N22": 2972,  # Guyane
    "UTM_S38": 4471,  # Mayotte
    "UTM_S40": 2975,  # La Réunion
}
# FINESS writes overseas départements as 9A..9F; their INSEE codes are 971..976.
_FINESS_OVERSEAS = {"9A": "971", "9B": "972", "9C": "973", "9D": "974", "9E": "975", "9F": "976"}

DEFAULT_GEOCODER_URL = "https://api-adresse.data.gouv.fr"
DEFAULT_GEOCODER_CACHE = INTERIM / "geocoder_cache.json"


# --- reference data -------------------------------------------------------------------------


def _reference_postcodes() -> pl.DataFrame:
    try:
        from toolkit import reference
    except ImportError:  # pragma: no cover - only before toolkit.reference exists
        raise ToolkitError("reference geography missing: run `make reference`") from None
    return reference.postcodes()


def _reference_communes() -> pl.DataFrame:
    try:
        from toolkit import reference
    except ImportError:  # pragma: no cover - only before toolkit.reference exists
        raise ToolkitError("reference geography missing: run `make reference`") from None
    return reference.communes()


# --- normalisation ----------------------------------------------------------------------------


def _as_expr(column: str | pl.Expr | None) -> pl.Expr:
    if column is None:
        return pl.lit(None, dtype=pl.String)
    return pl.col(column) if isinstance(column, str) else column


def commune_name_key(expr: pl.Expr) -> pl.Expr:
    """A matching key for a commune name: folded, "St"/"Ste" spelt out, no CEDEX, no spaces."""
    folded = french.fold_commune(expr).str.replace(r"\s+cedex(\s+\d+)?$", "")
    # Spaces and hyphens vary between sources ("Saint Brieuc", "St-Brieuc"): drop them all.
    key = folded.str.replace_all(" ", "", literal=True)
    return pl.when(key == "").then(None).otherwise(key)


def _insee_code(expr: pl.Expr) -> pl.Expr:
    code = expr.cast(pl.String).str.strip_chars().str.to_uppercase()
    return pl.when(code.str.contains(r"^(\d{5}|2[AB]\d{3})$")).then(code).otherwise(None)


# --- commune resolution (shared by residences and labs) -----------------------------------------


def _matching_tables(
    pcs: pl.DataFrame, coms: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The gazetteer prepared for matching: (postcode + name key, postcode alone, INSEE code)."""
    by_population = pcs.lazy().sort(
        ["population", "insee"], descending=[True, False], nulls_last=True
    )
    by_name = (
        by_population.with_columns(_nk=commune_name_key(pl.col("name")))
        .unique(["postcode", "_nk"], keep="first", maintain_order=True)
        .select(pl.col("postcode").alias("_pc"), "_nk", pl.col("insee").alias("_by_name"))
    )
    by_postcode = by_population.unique("postcode", keep="first", maintain_order=True).select(
        pl.col("postcode").alias("_pc"), pl.col("insee").alias("_by_postcode")
    )
    known = coms.lazy().select(
        pl.col("insee").alias("_code"),
        pl.col("insee").alias("_exact"),
        pl.col("departement").alias("_departement"),
        pl.col("region").alias("_region"),
        pl.col("lon").alias("_lon"),
        pl.col("lat").alias("_lat"),
    )
    return by_name.collect(), by_postcode.collect(), known.collect()


#: The last gazetteer prepared, with the frames it was prepared from (compared by identity).
_PREPARED: list[tuple[pl.DataFrame, pl.DataFrame, tuple[pl.DataFrame, ...]]] = []


def _prepared_tables(
    pcs: pl.DataFrame, coms: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    # Streaming pseudonymisation resolves residences batch by batch: folding the 39,000
    # gazetteer names again for each batch would dominate its cost, so reuse the last result
    # while the same reference frames are given (the reference loaders are cached).
    for seen_pcs, seen_coms, tables in _PREPARED:
        if seen_pcs is pcs and seen_coms is coms:
            return tables  # type: ignore[return-value]
    tables = _matching_tables(pcs, coms)
    _PREPARED[:] = [(pcs, coms, tables)]
    return tables


def _resolve_communes(
    frame: pl.LazyFrame,
    postcode: pl.Expr,
    name: pl.Expr,
    insee: pl.Expr,
    *,
    prefix: str,
    postcodes: pl.DataFrame | None,
    communes: pl.DataFrame | None,
) -> pl.LazyFrame:
    """Add ``<prefix>insee``, ``departement``, ``region``, ``resolution`` (and lon/lat) columns."""
    by_name, by_postcode, known = _prepared_tables(
        _reference_postcodes() if postcodes is None else postcodes,
        _reference_communes() if communes is None else communes,
    )
    known = known.lazy().rename(
        {"_departement": f"{prefix}departement", "_region": f"{prefix}region"}
    )
    status = (
        pl.when(pl.col("_exact").is_not_null())
        .then(pl.lit("exact"))
        .when(pl.col("_by_name").is_not_null())
        .then(pl.lit("postcode_name"))
        .when(pl.col("_by_postcode").is_not_null())
        .then(pl.lit("postcode_only"))
        .otherwise(pl.lit("not_found"))
    )
    resolved = (
        frame.with_columns(
            _pc=french.postcode_clean(postcode.cast(pl.String)),
            _nk=commune_name_key(name),
            _code=_insee_code(insee),
        )
        .join(known.select("_code", "_exact"), on="_code", how="left", maintain_order="left")
        .join(by_name.lazy(), on=["_pc", "_nk"], how="left", maintain_order="left")
        .join(by_postcode.lazy(), on="_pc", how="left", maintain_order="left")
        .with_columns(
            pl.coalesce("_exact", "_by_name", "_by_postcode").alias(f"{prefix}insee"),
            status.alias(f"{prefix}resolution"),
        )
        .drop("_pc", "_nk", "_code", "_exact", "_by_name", "_by_postcode")
    )
    return resolved.join(
        known.drop("_exact").rename({"_code": f"{prefix}insee"}),
        on=f"{prefix}insee",
        how="left",
        maintain_order="left",
    )


def resolve_residences(
    frame: pl.LazyFrame | pl.DataFrame,
    postcode: str | pl.Expr | None,
    commune: str | pl.Expr | None = None,
    *,
    postcodes: pl.DataFrame | None = None,
    communes: pl.DataFrame | None = None,
) -> pl.LazyFrame:
    """Add the ``residence_insee``, ``_departement``, ``_region`` and ``_resolution`` columns.

    ``commune`` may hold a name (matched accent- and case-insensitively among the postcode's
    communes) or an INSEE code (``exact``). A postcode alone, or a name that matches none of its
    communes (a typo), falls back to the postcode's most populous commune, flagged
    ``postcode_only``. Never more precise than the commune.
    """
    name = _as_expr(commune)
    resolved = _resolve_communes(
        frame.lazy(),
        _as_expr(postcode),
        name,
        name,
        prefix="residence_",
        postcodes=postcodes,
        communes=communes,
    )
    return resolved.drop("_lon", "_lat")


def resolution_rates(safe: pl.LazyFrame | pl.DataFrame) -> pl.DataFrame:
    """How residences were resolved: ``resolution, records, persons, share`` (share of records)."""
    from toolkit.pseudonymise import compact_person_ids, validate_safe_table

    lf = compact_person_ids(validate_safe_table(safe).lazy())
    table = (
        lf.group_by("residence_resolution")
        .agg(records=pl.len(), persons=pl.col("person_id").n_unique())
        .rename({"residence_resolution": "resolution"})
        .with_columns(share=pl.col("records") / pl.col("records").sum())
        .collect()
    )
    order = pl.DataFrame({"resolution": list(RESOLUTIONS)})
    return order.join(table, on="resolution", how="left", maintain_order="left").with_columns(
        pl.col("records", "persons").fill_null(0), pl.col("share").fill_null(0.0)
    )


# --- labs ---------------------------------------------------------------------------------------

_REGISTRY_SYNONYMS: dict[str, tuple[str, ...]] = {
    "lab": ("lab", "code", "lab_code", "code_labo", "id"),
    "name": ("name", "nom", "raison_sociale", "rs", "laboratoire", "lab_name"),
    "address": ("address", "adresse", "voie", "street"),
    "postcode": ("postcode", "code_postal", "cp", "postal_code"),
    "commune": ("commune", "ville", "city", "commune_name"),
    "insee": ("insee", "code_insee", "citycode", "commune_insee", "insee_code"),
    "finess": ("finess", "nofinesset", "finess_et", "numero_finess"),
}


def lab_code(expr: pl.Expr) -> pl.Expr:
    """A lab's code: its name or code folded to ``a-z0-9`` words joined by ``-`` (stable, safe)."""
    slug = french.fold_text(expr.cast(pl.String)).str.slice(0, 64).str.strip_chars()
    slug = slug.str.replace_all(" ", "-", literal=True)
    return pl.when(slug == "").then(None).otherwise(slug)


def read_lab_registry(path: str | Path) -> pl.DataFrame:
    """Read a lab registry CSV: name, address, postcode, commune, optional FINESS, INSEE, code."""
    path = Path(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t", "|"), key=first.count)
    try:
        frame = pl.read_csv(io.StringIO(text), separator=delimiter, infer_schema=False)
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"not a readable lab registry ({type(exc).__name__})", path) from None
    lowered = {c.strip().lower().replace(" ", "_"): c for c in frame.columns}
    picked = {}
    for target, names in _REGISTRY_SYNONYMS.items():
        source = next((lowered[n] for n in names if n in lowered), None)
        if source is not None:
            picked[target] = pl.col(source).str.strip_chars()
    if "name" not in picked and "lab" not in picked:
        raise InputError("the lab registry has no name or code column", path)
    out = frame.select(**picked)
    for missing in set(_REGISTRY_SYNONYMS) - set(picked):
        out = out.with_columns(pl.lit(None, dtype=pl.String).alias(missing))
    return out.with_columns(lab=lab_code(pl.coalesce("lab", "name"))).select(
        list(_REGISTRY_SYNONYMS)
    )


def _finess_text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # FINESS extracts are published in latin-1; cp1252 is its superset used in practice.
        return raw.decode("cp1252", errors="replace")


def _to_wgs84(x: pl.Series, y: pl.Series, epsg: int) -> tuple[list[float], list[float]]:
    from pyproj import Transformer

    transformer = Transformer.from_crs(epsg, 4326, always_xy=True)
    lon, lat = transformer.transform(x.to_numpy(), y.to_numpy())
    return list(lon), list(lat)


def read_finess(
    path: str | Path, categories: Iterable[str] | None = (FINESS_LAB_CATEGORY,)
) -> pl.DataFrame:
    """Read the official FINESS "etalab" extract: establishments of ``categories``, WGS84 points.

    The file has no header: a ``finess;etalab;…`` line, then ``structureet`` lines (32 fields) and
    ``geolocalisation`` lines (Lambert-93 in metropolitan France, reprojected here with pyproj).
    ``categories=None`` keeps every establishment. Columns: ``finess, name, address, postcode,
    commune, insee, category, lon, lat``.
    """
    path = Path(path)
    lines = pl.DataFrame({"line": _finess_text(path).splitlines()}).with_columns(
        fields=pl.col("line").str.split(";")
    )
    kind = pl.col("fields").list.get(0, null_on_oob=True)

    def fields_of(kind_name: str, names: tuple[str, ...]) -> pl.DataFrame:
        rows = lines.filter(kind == kind_name)
        return rows.select(
            pl.col("fields").list.get(i + 1, null_on_oob=True).str.strip_chars().alias(n)
            for i, n in enumerate(names)
        )

    structures = fields_of("structureet", FINESS_STRUCTURE_COLUMNS)
    if structures.height == 0:
        raise InputError("no `structureet` line: not a FINESS extract", path)
    if categories is not None:
        structures = structures.filter(pl.col("categetab").is_in(list(categories)))
    geo = fields_of("geolocalisation", FINESS_GEO_COLUMNS).with_columns(
        x=pl.col("coordxet").str.replace(",", ".").cast(pl.Float64, strict=False),
        y=pl.col("coordyet").str.replace(",", ".").cast(pl.Float64, strict=False),
        crs=pl.col("sourcecoordet").str.split(",").list.last().str.strip_chars(),
    )
    projected = []
    for crs_name, part in (
        geo.filter(pl.col("x").is_not_null() & pl.col("y").is_not_null())
        .partition_by("crs", as_dict=True)
        .items()
    ):
        epsg = FINESS_CRS.get(crs_name[0])
        if epsg is None:
            continue  # an unknown projection: better no point than a point in the wrong place
        lon, lat = _to_wgs84(part["x"], part["y"], epsg)
        projected.append(
            part.select("nofinesset").with_columns(lon=pl.Series(lon), lat=pl.Series(lat))
        )
    coords = (
        pl.concat(projected)
        if projected
        else pl.DataFrame(schema={"nofinesset": pl.String, "lon": pl.Float64, "lat": pl.Float64})
    )
    departement = pl.col("departement").replace(_FINESS_OVERSEAS)
    insee = (
        pl.when(pl.col("departement").is_in(list(_FINESS_OVERSEAS)))
        .then(departement + pl.col("commune").str.slice(-2))
        .otherwise(departement + pl.col("commune"))
    )
    acheminement = pl.col("ligneacheminement").str.extract_groups(r"^(\d{5})\s+(.*)$")
    address = pl.concat_str(["numvoie", "typvoie", "voie"], separator=" ", ignore_nulls=True)
    return (
        structures.join(
            coords.unique("nofinesset", keep="first"),
            on="nofinesset",
            how="left",
            maintain_order="left",
        )
        .select(
            finess=pl.col("nofinesset"),
            name=pl.coalesce(pl.col("rslongue").replace("", None), pl.col("rs")),
            address=pl.when(address.str.strip_chars() == "")
            .then(None)
            .otherwise(address.str.strip_chars()),
            postcode=acheminement.struct.field("1"),
            commune=acheminement.struct.field("2").str.replace(r"\s+CEDEX(\s+\d+)?$", ""),
            insee=_insee_code(insee),
            category=pl.col("categetab"),
            lon=pl.col("lon"),
            lat=pl.col("lat"),
        )
        .sort("finess")
    )


def geocode_labs(
    labs: pl.DataFrame,
    *,
    online: AddressGeocoder | None = None,
    postcodes: pl.DataFrame | None = None,
    communes: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Locate labs: ``lab, name, insee, departement, region, lon, lat, resolution, precision``.

    Offline at commune level (INSEE code, else postcode + name, else postcode only); coordinates
    already in the input (FINESS) are kept (``precision="source"``); ``online`` (an
    :class:`AddressGeocoder`) refines to the street when the address base is confident.
    """
    frame = labs
    if "lab" not in frame.columns:
        frame = frame.with_columns(
            lab=lab_code(pl.coalesce([c for c in ("code", "name") if c in frame.columns]))
        )
    for column in ("name", "address", "postcode", "commune", "insee", "lon", "lat"):
        if column not in frame.columns:
            dtype = pl.Float64 if column in ("lon", "lat") else pl.String
            frame = frame.with_columns(pl.lit(None, dtype=dtype).alias(column))
    frame = frame.rename({"insee": "_given_insee", "lon": "_given_lon", "lat": "_given_lat"})
    located = (
        _resolve_communes(
            frame.lazy(),
            pl.col("postcode"),
            pl.col("commune"),
            pl.col("_given_insee"),
            prefix="",
            postcodes=postcodes,
            communes=communes,
        )
        .with_columns(
            precision=pl.when(pl.col("_given_lon").is_not_null())
            .then(pl.lit("source"))
            .when(pl.col("_lon").is_not_null())
            .then(pl.lit("commune"))
            .otherwise(None),
            lon=pl.coalesce("_given_lon", "_lon"),
            lat=pl.coalesce("_given_lat", "_lat"),
        )
        .collect()
    )
    if online is not None:
        found = online.geocode(located.select("lab", "address", "postcode", "commune"))
        located = located.join(found, on="lab", how="left", maintain_order="left").with_columns(
            lon=pl.coalesce("street_lon", "lon"),
            lat=pl.coalesce("street_lat", "lat"),
            precision=pl.when(pl.col("street_lon").is_not_null())
            .then(pl.lit("street"))
            .otherwise(pl.col("precision")),
        )
    return located.select(
        "lab", "name", "insee", "departement", "region", "lon", "lat",
        pl.col("resolution"), "precision",
    )  # fmt: skip


# --- online geocoder (opt-in) ----------------------------------------------------------------


class AddressGeocoder:
    """Street-level geocoding of lab addresses through the national address base's CSV API.

    Off by default: the toolkit makes no network call unless one of these is created and used.
    Answers are cached in a JSON file so that a re-run (or an air-gapped machine given the
    cache) makes no call at all. Only lab addresses (businesses) are ever sent, never a residence.
    """

    def __init__(
        self,
        base_url: str = DEFAULT_GEOCODER_URL,
        cache_path: str | Path | None = DEFAULT_GEOCODER_CACHE,
        *,
        min_score: float = 0.5,
        timeout: float = 60.0,
    ):
        self.base_url = base_url.rstrip("/")
        self.cache_path = Path(cache_path) if cache_path is not None else None
        self.min_score = min_score
        self.timeout = timeout
        self.requests_made = 0
        self._cache: dict[str, dict[str, float | str | None]] = {}
        if self.cache_path is not None and self.cache_path.exists():
            self._cache = json.loads(self.cache_path.read_text(encoding="utf-8"))

    @staticmethod
    def _query(address: str | None, postcode: str | None, commune: str | None) -> str:
        return " | ".join(part or "" for part in (address, postcode, commune))

    def _post(self, rows: list[dict[str, str]]) -> list[dict[str, str]]:
        body_csv = io.StringIO()
        writer = csv.DictWriter(body_csv, fieldnames=["qid", "address", "postcode", "city"])
        writer.writeheader()
        writer.writerows(rows)
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in (("columns", "address"), ("columns", "city"), ("postcode", "postcode")):
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            )
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="data"; filename="labs.csv"\r\n'
            f"Content-Type: text/csv\r\n\r\n{body_csv.getvalue()}\r\n--{boundary}--\r\n"
        )
        request = urllib.request.Request(
            f"{self.base_url}/search/csv/",
            data="".join(parts).encode("utf-8"),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                text = response.read().decode("utf-8-sig")
        except OSError as exc:
            raise ToolkitError(
                f"the address geocoder at {self.base_url} did not answer ({exc})"
            ) from None
        self.requests_made += 1
        return list(csv.DictReader(io.StringIO(text)))

    def geocode(self, labs: pl.DataFrame) -> pl.DataFrame:
        """``lab, street_lon, street_lat, street_score`` for labs with an address (cached)."""
        rows = labs.filter(pl.col("address").is_not_null()).select(
            "lab", "address", "postcode", "commune"
        )
        queries: dict[str, str] = {}
        missing: dict[str, tuple[str | None, str | None, str | None]] = {}
        for lab, address, postcode, commune in rows.iter_rows():  # a few dozen labs, not patients
            query = self._query(address, postcode, commune)
            queries[lab] = query
            if query not in self._cache:
                missing[query] = (address, postcode, commune)
        if missing:
            payload = [
                {"qid": str(i), "address": a or "", "postcode": p or "", "city": c or ""}
                for i, (a, p, c) in enumerate(missing.values())
            ]
            by_id = {row.get("qid"): row for row in self._post(payload)}
            for i, query in enumerate(missing):
                row = by_id.get(str(i), {})
                score = _float(row.get("result_score"))
                self._cache[query] = {
                    "lon": _float(row.get("longitude")),
                    "lat": _float(row.get("latitude")),
                    "score": score,
                    "citycode": row.get("result_citycode") or None,
                }
            if self.cache_path is not None:
                self.cache_path.parent.mkdir(parents=True, exist_ok=True)
                self.cache_path.write_text(
                    json.dumps(self._cache, ensure_ascii=False, indent=1), "utf-8"
                )
        out = []
        for lab, query in queries.items():
            hit = self._cache.get(query, {})
            good = hit.get("score") is not None and hit["score"] >= self.min_score
            out.append(
                {
                    "lab": lab,
                    "street_lon": hit.get("lon") if good else None,
                    "street_lat": hit.get("lat") if good else None,
                    "street_score": hit.get("score"),
                }
            )
        schema = {
            "lab": pl.String,
            "street_lon": pl.Float64,
            "street_lat": pl.Float64,
            "street_score": pl.Float64,
        }
        return pl.DataFrame(out, schema=schema)


def _float(text: str | None) -> float | None:
    try:
        value = float(text) if text not in (None, "") else None
    except ValueError:
        return None
    return value if value is None or math.isfinite(value) else None


# --- distances ----------------------------------------------------------------------------------

_EARTH_RADIUS_KM = 6371.0088


def haversine_km(lon1: pl.Expr, lat1: pl.Expr, lon2: pl.Expr, lat2: pl.Expr) -> pl.Expr:
    """Great-circle distance in km between two points given in degrees (vectorised)."""
    phi1, phi2 = lat1.radians(), lat2.radians()
    dphi = (lat2 - lat1).radians()
    dlambda = (lon2 - lon1).radians()
    a = (dphi / 2).sin().pow(2) + phi1.cos() * phi2.cos() * (dlambda / 2).sin().pow(2)
    return 2 * _EARTH_RADIUS_KM * a.sqrt().clip(upper_bound=1.0).arcsin()


# The bits of the one integer that orders a person's records at a lab (``_latest_homes``):
# month (16 bits), then the record's position reversed (32), then its home commune's index (16).
_MONTH_BITS, _ROW_BITS, _HOME_BITS = 16, 32, 16
_NO_HOME = 2**_HOME_BITS - 1
_PAIR_BYTES = "".join(f"{b:02x}" for b in range(256))


def _indexed_homes(communes: pl.DataFrame) -> pl.LazyFrame:
    """``residence_insee, _home`` (a small integer per commune), ``_hlon, _hlat``."""
    if communes.height >= _NO_HOME:
        raise ToolkitError(f"the gazetteer has {communes.height} communes, more than distances "
                           f"can index ({_NO_HOME - 1})")  # fmt: skip
    return (
        communes.lazy()
        .select(
            pl.col("insee").alias("residence_insee"),
            pl.col("lon").alias("_hlon"),
            pl.col("lat").alias("_hlat"),
        )
        .with_row_index("_home")
    )


def _latest_homes(safe: pl.LazyFrame, homes: pl.LazyFrame) -> pl.LazyFrame:
    """One row per (person, lab): ``person_id`` (UInt128), ``lab``, ``_home`` of the latest sample.

    The latest sample is the one of the latest month (a null month counts as the oldest) and,
    within a month, the first in the file, as a stable sort would give. Instead of sorting the
    whole table, each record gets one integer that orders it that way and carries its home's
    index, and one streaming ``max`` per (person, lab) keeps it: a few bytes per pair, with
    128-bit person ids and labs as categories (tens of millions of records fit in a few GB).
    """
    from toolkit.pseudonymise import compact_person_ids

    month = pl.col("sample_month")
    month_key = (
        (month.dt.year().cast(pl.Int64) * 12 + month.dt.month().cast(pl.Int64))
        .clip(0, 2**_MONTH_BITS - 2)
        .add(1)
        .fill_null(0)
        .cast(pl.UInt64)
    )
    row_key = (2**_ROW_BITS - 1) - pl.col("_row").cast(pl.UInt64)
    home_key = pl.col("_home").cast(pl.UInt64).fill_null(_NO_HOME)
    order = month_key * 2 ** (_ROW_BITS + _HOME_BITS) + row_key * 2**_HOME_BITS + home_key
    return (
        compact_person_ids(safe.select("person_id", "lab", "sample_month", "residence_insee"))
        .with_columns(pl.col("lab").cast(pl.Categorical))
        .with_row_index("_row")
        .join(homes.select("residence_insee", "_home"), on="residence_insee", how="left")
        .select("person_id", "lab", order.alias("_order"))
        .group_by("person_id", "lab")
        .agg(pl.col("_order").max())
        .select(
            "person_id",
            pl.col("lab").cast(pl.String),
            (pl.col("_order") % 2**_HOME_BITS).cast(pl.UInt32).alias("_home"),
        )
    )


def _hex_person_ids(ids: pl.Expr) -> pl.Expr:
    """The 32 lower-case hex digits of 128-bit person ids (the inverse of compact_person_ids)."""
    two64 = pl.lit(2**64, dtype=pl.UInt128)
    pairs = [
        pl.lit(_PAIR_BYTES).str.slice(
            ((half // pl.lit(256 ** (7 - i), dtype=pl.UInt64)) % 256).cast(pl.Int64) * 2, 2
        )
        for half in ((ids // two64).cast(pl.UInt64), (ids % two64).cast(pl.UInt64))
        for i in range(8)
    ]
    return pl.concat_str(pairs)


def residence_lab_distances(
    safe: pl.LazyFrame | pl.DataFrame,
    lab_locations: pl.DataFrame,
    *,
    communes: pl.DataFrame | None = None,
    compact: bool = False,
) -> pl.LazyFrame:
    """One row per (person, lab): ``person_id, lab, distance_km`` from residence to lab centroid.

    Null when either end is not located. A person with several residences for one lab keeps the
    one of their latest sample there. ``person_id`` is the safe table's hex string, or with
    ``compact=True`` the 128-bit integer of ``pseudonymise.compact_person_ids`` (the same
    persons, cheaper to count: what aggregates should ask for).
    """
    from toolkit.pseudonymise import validate_safe_table

    homes = _indexed_homes(_reference_communes() if communes is None else communes)
    labs = lab_locations.lazy().select(
        "lab", pl.col("lon").alias("_llon"), pl.col("lat").alias("_llat")
    )
    person = pl.col("person_id") if compact else _hex_person_ids(pl.col("person_id"))
    return (
        _latest_homes(validate_safe_table(safe).lazy(), homes)
        .join(homes.select("_home", "_hlon", "_hlat"), on="_home", how="left")
        .join(labs, on="lab", how="left")
        .select(
            person.alias("person_id"),
            "lab",
            distance_km=haversine_km(
                pl.col("_hlon"), pl.col("_hlat"), pl.col("_llon"), pl.col("_llat")
            ),
        )
    )


def distance_summary(
    safe: pl.LazyFrame | pl.DataFrame,
    lab_locations: pl.DataFrame,
    *,
    communes: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Per lab: ``lab, persons, located, median_km, share_within_{10,20,50}km`` (of located)."""
    distances = residence_lab_distances(safe, lab_locations, communes=communes, compact=True)
    d = pl.col("distance_km")
    shares = {
        f"share_within_{km}km": (d <= km).sum() / d.is_not_null().sum().cast(pl.Float64)
        for km in DISTANCE_BANDS_KM
    }
    return (
        distances.group_by("lab")
        .agg(persons=pl.len(), located=d.is_not_null().sum(), median_km=d.median(), **shares)
        .sort("lab")
        .collect()
    )
