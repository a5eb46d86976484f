"""Laboratories: read a lab registry or an official FINESS extract, and locate each lab.

Labs are public businesses, so this module works on the safe side of the privacy boundary. They
are located offline at commune level from the embedded gazetteer (``toolkit.shared.gazetteer``);
coordinates given by the source (FINESS) are kept; the national address base's CSV API may refine
them to the street, but only when the user asks (:class:`AddressGeocoder`, the toolkit's only
network client): by default nothing here makes a network call.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import urllib.request
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import polars as pl

from toolkit.boundary.safe_table import lab_code
from toolkit.shared.errors import InputError, ToolkitError
from toolkit.shared.gazetteer import insee_code, resolve_communes
from toolkit.shared.paths import INTERIM

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
            insee=insee_code(insee),
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
        resolve_communes(
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


def locate_labs(path: str | Path) -> tuple[pl.DataFrame, dict[str, Any]]:
    """Read a lab registry (or a FINESS extract) and locate its labs offline."""
    path = Path(path)
    if not path.exists():
        raise InputError("lab list not found", path)
    head = path.read_bytes()[:64].lower()
    registry = read_finess(path) if head.startswith(b"finess") else read_lab_registry(path)
    located = geocode_labs(registry)
    info = {
        "registry_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "registry_labs": located.height,
        "located": int(located["lon"].is_not_null().sum()),
    }
    return located, info


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
