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
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import polars as pl

from toolkit.boundary.lab_keys import by_lab_value, keyed, one_row_per_lab
from toolkit.shared import reference
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

#: Coordinate systems of the older extracts, named by the last word of ``sourcecoordet``
#: (``1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93``) -> EPSG code. Today's extracts give the
#: EPSG code itself (``1,ATLASANTE,96,BAN,EPSG:2154 RGF93 / Lambert-93 (Métropole)``), which is
#: read first.
FINESS_CRS: dict[str, int] = {
    "LAMBERT_93": 2154,
    "LAMBERT93": 2154,
    "UTM_N20": 5490,  # Guadeloupe, Martinique (RGAF09)
    "UTM_N21": 4467,  # Saint-Pierre-et-Miquelon
    "UTM_N22": 2972,  # Guyane
    "UTM_S38": 4471,  # Mayotte
    "UTM_S40": 2975,  # La Réunion
    "WGS84": 4326,
    "WGS_84": 4326,
}
#: An EPSG code anywhere in ``sourcecoordet``.
_EPSG_PATTERN = r"(?i)\bEPSG\s*:\s*(\d+)"
# FINESS writes overseas départements as 9A..9F; their INSEE codes are 971..976.
_FINESS_OVERSEAS = {"9A": "971", "9B": "972", "9C": "973", "9D": "974", "9E": "975", "9F": "976"}

DEFAULT_GEOCODER_URL = "https://api-adresse.data.gouv.fr"
DEFAULT_GEOCODER_CACHE = INTERIM / "geocoder_cache.json"


class FinessWarning(UserWarning):
    """Part of a FINESS extract could not be used (labs left without a point): said, not hidden."""


# --- labs ---------------------------------------------------------------------------------------

_REGISTRY_SYNONYMS: dict[str, tuple[str, ...]] = {
    "code": ("lab", "code", "lab_code", "code_labo", "id"),
    "name": ("name", "nom", "raison_sociale", "rs", "laboratoire", "lab_name"),
    "address": ("address", "adresse", "voie", "street"),
    "postcode": ("postcode", "code_postal", "cp", "postal_code"),
    "commune": ("commune", "ville", "city", "commune_name"),
    "insee": ("insee", "code_insee", "citycode", "commune_insee", "insee_code"),
    "finess": ("finess", "nofinesset", "finess_et", "numero_finess"),
}


def read_lab_registry(path: str | Path) -> pl.DataFrame:
    """Read a lab registry CSV: name, address, postcode, commune, optional FINESS, INSEE, code.

    Columns: ``lab, code, name, address, postcode, commune, insee, finess``. ``lab`` is the
    lab's key: its FINESS number when given, else the slug of its code or name
    (``toolkit.boundary.lab_keys.lab_key``); rows are kept as read (one per line).
    """
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
    if "name" not in picked and "code" not in picked:
        raise InputError("the lab registry has no name or code column", path)
    out = frame.select(**picked)
    for missing in sorted(set(_REGISTRY_SYNONYMS) - set(picked)):
        out = out.with_columns(pl.lit(None, dtype=pl.String).alias(missing))
    return keyed(out).select("lab", *_REGISTRY_SYNONYMS)


def _finess_text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")  # a copy re-saved as UTF-8 may start with a BOM
    except UnicodeDecodeError:
        # FINESS extracts are published in latin-1; cp1252 is its superset used in practice.
        return raw.decode("cp1252", errors="replace")


def _to_wgs84(x: pl.Series, y: pl.Series, epsg: int) -> tuple[list[float], list[float]] | None:
    """Longitudes and latitudes of points in ``epsg``; None if pyproj does not know the system."""
    from pyproj import Transformer
    from pyproj.exceptions import CRSError

    try:
        transformer = Transformer.from_crs(epsg, 4326, always_xy=True)
    except CRSError:
        return None
    lon, lat = transformer.transform(x.to_numpy(), y.to_numpy())
    return list(lon), list(lat)


def _coordinate_system(described: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(EPSG code or null, the system as a short label) of a ``sourcecoordet`` value."""
    code = described.str.extract(_EPSG_PATTERN, 1)
    word = described.str.split(",").list.last().str.strip_chars().str.to_uppercase()
    epsg = pl.coalesce(
        code.cast(pl.Int64, strict=False),
        word.replace_strict(FINESS_CRS, default=None, return_dtype=pl.Int64),
    )
    label = (
        pl.when(epsg.is_not_null())
        .then(pl.lit("EPSG:") + epsg.cast(pl.String))
        .otherwise(word.replace("", None))
    )
    return epsg, label.fill_null("unspecified")


def _finess_points(geo: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, int], int]:
    """``nofinesset, lon, lat, coordinate_system`` of geolocalisation lines (one per number),
    the count of points per unknown system, and the count of unreadable coordinates."""
    epsg, label = _coordinate_system(pl.col("sourcecoordet"))
    points = geo.unique("nofinesset", keep="first", maintain_order=True).with_columns(
        x=pl.col("coordxet").str.replace(",", ".").cast(pl.Float64, strict=False),
        y=pl.col("coordyet").str.replace(",", ".").cast(pl.Float64, strict=False),
        epsg=epsg,
        coordinate_system=label,
    )
    readable = pl.col("x").is_finite() & pl.col("y").is_finite()
    unreadable = points.filter(~readable.fill_null(False)).height
    points = points.filter(readable)
    projected = [
        pl.DataFrame(
            schema={"nofinesset": pl.String, "lon": pl.Float64, "lat": pl.Float64}
        )
    ]
    for (code,), part in points.filter(pl.col("epsg").is_not_null()).partition_by(
        "epsg", as_dict=True
    ).items():
        found = _to_wgs84(part["x"], part["y"], int(code))
        if found is not None:
            projected.append(
                part.select("nofinesset").with_columns(
                    lon=pl.Series(found[0], dtype=pl.Float64),
                    lat=pl.Series(found[1], dtype=pl.Float64),
                )
            )
    coords = pl.concat(projected).with_columns(
        # A point pyproj could not transform comes back infinite: no point rather than a wrong one.
        pl.when(pl.col("lon").is_finite() & pl.col("lat").is_finite()).then(pl.col(c)).alias(c)
        for c in ("lon", "lat")
    )
    points = points.join(coords, on="nofinesset", how="left", maintain_order="left")
    unknown = points.filter(pl.col("lon").is_null()).group_by("coordinate_system").len()
    counts = {str(name): int(n) for name, n in unknown.sort("coordinate_system").iter_rows()}
    return points.select("nofinesset", "lon", "lat", "coordinate_system"), counts, unreadable


def unknown_coordinate_systems(finess: pl.DataFrame) -> dict[str, int]:
    """Labs of a :func:`read_finess` frame left without a point for want of a known coordinate
    system, counted per system as the extract names it."""
    if "coordinate_system" not in finess.columns:
        return {}
    unknown = finess.filter(pl.col("coordinate_system").is_not_null() & pl.col("lon").is_null())
    counts = unknown.group_by("coordinate_system").len().sort("coordinate_system")
    return {str(name): int(n) for name, n in counts.iter_rows()}


def read_finess(
    path: str | Path, categories: Iterable[str] | None = (FINESS_LAB_CATEGORY,)
) -> pl.DataFrame:
    """Read the official FINESS "etalab" extract: establishments of ``categories``, WGS84 points.

    The file has no header: a ``finess;etalab;…`` line, then ``structureet`` lines (32 fields) and
    ``geolocalisation`` lines, whose ``sourcecoordet`` names the coordinate system: an EPSG code
    in today's extracts (``…,EPSG:2154 RGF93 / Lambert-93 (Métropole)``), a word in older ones
    (``…,LAMBERT_93``, ``…,UTM_N20``: :data:`FINESS_CRS`). Points are reprojected with pyproj.
    A point in a system neither names nor pyproj knows is not guessed: the lab keeps no point,
    and a :class:`FinessWarning` counts such labs per system (so does
    :func:`unknown_coordinate_systems`). ``categories=None`` keeps every establishment.
    Columns: ``finess, name, address, postcode, commune, insee, category, lon, lat,
    coordinate_system`` (``EPSG:<code>`` when understood, the system as written when not, null
    without a geolocalisation line or with unreadable coordinates, which are warned about too).
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
    geo = fields_of("geolocalisation", FINESS_GEO_COLUMNS).filter(
        pl.col("nofinesset").is_in(structures["nofinesset"].implode())
    )
    coords, unknown, unreadable = _finess_points(geo)
    if unknown or unreadable:
        said = []
        if unknown:
            systems = ", ".join(f"{name} ({n})" for name, n in unknown.items())
            said.append(
                f"{sum(unknown.values())} lab(s) in an unknown coordinate system left without "
                f"a point: {systems}"
            )
        if unreadable:
            said.append(f"{unreadable} lab(s) with unreadable coordinates left without a point")
        warnings.warn(f"FINESS extract {path.name}: " + "; ".join(said), FinessWarning, 2)
    departement = pl.col("departement").replace(_FINESS_OVERSEAS)
    insee = (
        pl.when(pl.col("departement").is_in(list(_FINESS_OVERSEAS)))
        .then(departement + pl.col("commune").str.slice(-2))
        .otherwise(departement + pl.col("commune"))
    )
    acheminement = pl.col("ligneacheminement").str.extract_groups(r"^(\d{5})\s+(.*)$")
    address = pl.concat_str(["numvoie", "typvoie", "voie"], separator=" ", ignore_nulls=True)
    return (
        structures.join(coords, on="nofinesset", how="left", maintain_order="left")
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
            coordinate_system=pl.col("coordinate_system"),
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
    """Locate labs: ``lab, name, insee, departement, region, lon, lat, resolution, precision,
    code, finess``, one row per lab key.

    Offline at commune level (INSEE code, else postcode + name, else postcode only); coordinates
    already in the input (FINESS) are kept (``precision="source"``); ``online`` (an
    :class:`AddressGeocoder`) refines to the street when the address base is confident.
    ``lab`` is the input's key, else its FINESS number, else the slug of its code or name
    (``toolkit.boundary.lab_keys``); rows of one key are merged (``one_row_per_lab``: in two
    places, the key is located nowhere, ``precision="ambiguous"``).
    """
    frame = keyed(labs)
    for column in ("code", "finess", "name", "address", "postcode", "commune", "insee"):
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(column))
    for column in ("lon", "lat"):
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias(column))
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
    return one_row_per_lab(
        located.select(
            "lab", "name", "insee", "departement", "region", "lon", "lat",
            pl.col("resolution"), "precision", pl.col("code").cast(pl.String),
            pl.col("finess").cast(pl.String),
        )
    )  # fmt: skip


def lab_labels(labs: pl.DataFrame, communes: pl.DataFrame | None = None) -> pl.DataFrame:
    """``lab, label``: the name a reader sees for each ``lab`` value of a lab table.

    ``labs`` is a :func:`geocode_labs` or :func:`locate_labs` table (``lab, name, insee`` and,
    for the latter, ``key``: rows of one key are one lab; a plain registry of ``lab, name``
    without ``insee`` is read as labs of unknown commune). The label is the lab's name; a name
    that two labs share (« BIO 17 » nine times in FINESS) gets the lab's commune, and then its
    key if that is not enough, so that no two labs read the same; a lab without a name keeps
    its value. ``communes`` (``insee, name``) defaults to the reference gazetteer.
    """
    communes = reference.communes() if communes is None else communes
    key = pl.col("key") if "key" in labs.columns else pl.col("lab")
    frame = labs.select(
        pl.col("lab").cast(pl.String),
        key.cast(pl.String).alias("_key"),
        pl.col("name").str.strip_chars().replace("", None).alias("_name"),
        (pl.col("insee") if "insee" in labs.columns else pl.lit(None)).cast(pl.String)
        .alias("insee"),
    ).join(
        communes.select("insee", pl.col("name").alias("_commune")),
        on="insee", how="left", maintain_order="left",
    )  # fmt: skip

    def shared(label: pl.Expr) -> pl.Expr:
        return pl.col("_key").n_unique().over(label) > 1

    placed = (
        pl.when(shared(pl.col("_name")) & pl.col("_commune").is_not_null())
        .then(pl.format("{} ({})", "_name", "_commune"))
        .otherwise(pl.col("_name"))
    )
    frame = frame.with_columns(placed.alias("_placed"))
    label = (
        pl.when(shared(pl.col("_placed")))
        .then(pl.format("{} – {}", "_placed", "_key"))
        .otherwise(pl.col("_placed"))
    )
    return frame.with_columns(label=label).select(
        "lab", pl.coalesce("label", "lab").alias("label")
    )


def locate_labs(path: str | Path) -> tuple[pl.DataFrame, dict[str, Any]]:
    """Read a lab registry (or a FINESS extract) and locate its labs offline.

    Returns the located labs ready to be joined on a safe table's ``lab`` codes
    (``lab_keys.by_lab_value`` of :func:`geocode_labs`: one row per code that designates one
    lab, its key or an alias; ``key`` = the lab's key) and what the manifest says of them:
    ``registry_sha256``, ``registry_labs`` and ``located`` (counted per lab key), and for a
    FINESS extract ``unknown_coordinate_systems`` (labs left without a point, per system).
    """
    path = Path(path)
    if not path.exists():
        raise InputError("lab list not found", path)
    head = path.read_bytes()[:64].removeprefix(b"\xef\xbb\xbf").lower()
    finess = head.startswith(b"finess")
    registry = read_finess(path) if finess else read_lab_registry(path)
    located = geocode_labs(registry)
    info: dict[str, Any] = {
        "registry_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "registry_labs": located.height,
        "located": int(located["lon"].is_not_null().sum()),
    }
    if finess:
        info["unknown_coordinate_systems"] = unknown_coordinate_systems(registry)
    return by_lab_value(located), info


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
