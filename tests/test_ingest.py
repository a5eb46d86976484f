"""Specification of ``toolkit.raw.ingest.read_leak``: robust reading with exact row accounting.

Every file here is synthetic and written by the test itself into ``tmp_path``.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.raw.ingest import Ingested, read_leak
from toolkit.shared.errors import InputError

HEADER = "nom;prenom;cp;commune\n"
ROWS = "Durand;Zoé;01000;Bourg-en-Bresse\nMartin;Léa;59400;Mœuvres\nPetit;Noël;62000;Cœur\n"


def write(tmp_path: Path, name: str, data: bytes | str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode(encoding) if isinstance(data, str) else data)
    return path


def read(path: Path, **kwargs) -> Ingested:
    result = read_leak(path, interim_dir=path.parent / "interim", **kwargs)
    assert result.rows_read == result.rows_parsed + result.rows_quarantined
    assert result.frame.select(pl.len()).collect().item() == result.rows_parsed
    return result


def rows(result: Ingested) -> list[tuple]:
    return result.frame.collect().rows()


def quarantine(result: Ingested) -> list[tuple[int, str]]:
    assert result.quarantine_path is not None
    q = pl.read_csv(result.quarantine_path, infer_schema=False)
    return [(int(line), reason) for line, reason in q.select("line", "reason").rows()]


# --- encodings ------------------------------------------------------------------------------


def test_cp1252_is_detected_and_oe_ligature_decoded(tmp_path):
    result = read(write(tmp_path, "leak.csv", HEADER + ROWS, "cp1252"))
    assert result.encoding == "cp1252"
    assert [r[3] for r in rows(result)] == ["Bourg-en-Bresse", "Mœuvres", "Cœur"]
    assert [r[1] for r in rows(result)] == ["Zoé", "Léa", "Noël"]


def test_cp1252_euro_and_apostrophe_survive_transcoding(tmp_path):
    result = read(write(tmp_path, "leak.csv", "a;b\n5 €;l’hôpital\n", "cp1252"))
    assert rows(result) == [("5 €", "l’hôpital")]


def test_latin1_text_is_decoded_right(tmp_path):
    # Without bytes 0x80-0x9F, cp1252 and latin-1 decode identically: cp1252 is reported.
    result = read(write(tmp_path, "leak.csv", "nom;ville\nHélène;Besançon\n", "latin-1"))
    assert rows(result) == [("Hélène", "Besançon")]
    assert result.encoding == "cp1252"


def test_byte_undefined_in_cp1252_means_latin1(tmp_path):
    data = "nom;ville\nHélène;Besançon\n".encode("latin-1") + b"x\x81;y\n"
    result = read(write(tmp_path, "leak.csv", data))
    assert result.encoding == "latin-1"
    assert rows(result)[-1] == ("x\x81", "y")


@pytest.mark.parametrize(
    "data",
    [
        "nom;ville\nCœur;Besançon\n".encode("cp1252"),
        "nom;ville\nHélène;Besançon\n".encode("latin-1") + b"x\x81;y\n",
        "nom;ville\nHélène;Besançon\n".encode(),
    ],
    ids=["cp1252", "latin-1", "utf-8"],
)
def test_sha256_is_that_of_the_input_bytes(tmp_path, data):
    assert read(write(tmp_path, "leak.csv", data)).sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(("in_memory", "copies"), [(True, 0), (False, 1)])
def test_a_small_file_is_transcoded_in_memory_a_large_one_into_one_named_copy(
    tmp_path, in_memory, copies
):
    path = write(tmp_path, "leak.csv", "nom;ville\nCœur;Besançon\n", "cp1252")
    result = read(path, in_memory=in_memory)
    assert rows(result) == [("Cœur", "Besançon")]
    interim = tmp_path / "interim"
    left = sorted(p.name for p in interim.glob("*")) if interim.exists() else []
    assert left == [f"leak.csv-{result.sha256[:12]}.utf8.csv"][:copies]


def test_utf8_is_read_in_place_without_transcoding(tmp_path):
    path = write(tmp_path, "leak.csv", HEADER + ROWS)
    result = read(path)
    assert result.encoding == "utf-8"
    assert result.source_path == path
    assert [r[3] for r in rows(result)] == ["Bourg-en-Bresse", "Mœuvres", "Cœur"]


def test_utf8_bom_is_not_part_of_the_first_header(tmp_path):
    result = read(write(tmp_path, "leak.csv", "\ufeff" + HEADER + ROWS))
    assert result.encoding == "utf-8-sig"
    assert result.columns == ["nom", "prenom", "cp", "commune"]


def test_utf16_with_bom_is_transcoded(tmp_path):
    result = read(write(tmp_path, "leak.csv", HEADER + ROWS, "utf-16"))
    assert result.encoding == "utf-16"
    assert result.columns == ["nom", "prenom", "cp", "commune"]
    assert [r[3] for r in rows(result)] == ["Bourg-en-Bresse", "Mœuvres", "Cœur"]


def test_explicit_encoding_overrides_detection(tmp_path):
    result = read(write(tmp_path, "leak.csv", "a;b\nœ;é\n", "cp1252"), encoding="latin-1")
    assert result.encoding == "latin-1"
    assert rows(result) == [("\x9c", "é")]


def test_explicit_utf8_keeps_cp1252_bytes_as_undecodable_rows(tmp_path):
    result = read(write(tmp_path, "leak.csv", "a;b\nCœur;1\nok;2\n", "cp1252"), encoding="utf-8")
    assert result.encoding == "utf-8"
    assert rows(result) == [("ok", "2")]
    assert quarantine(result) == [(2, "undecodable")]


def test_invalid_bytes_in_utf8_file_quarantine_only_their_record(tmp_path):
    data = "a;b\nMœuvres;1\nCœur;2\n".encode() + b"bad\xff;3\n" + "Zoé;4\n".encode()
    result = read(write(tmp_path, "leak.csv", data))
    assert result.encoding == "utf-8"
    assert rows(result) == [("Mœuvres", "1"), ("Cœur", "2"), ("Zoé", "4")]
    assert quarantine(result) == [(4, "undecodable")]


# --- delimiters and quoting -----------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_delimiter_is_sniffed(tmp_path, delimiter):
    text = "\n".join(delimiter.join(r) for r in [("a", "b", "c"), ("1", "x y", "3")]) + "\n"
    result = read(write(tmp_path, "leak.txt", text))
    assert result.delimiter == delimiter
    assert result.columns == ["a", "b", "c"]
    assert rows(result) == [("1", "x y", "3")]


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_quoting_is_checked_whatever_the_delimiter(tmp_path, delimiter):
    lines = [("a", "b"), ("1", f'"x{delimiter}y"'), ("2", 'z"q"z'), ("3", '"w"')]
    text = "\n".join(delimiter.join(r) for r in lines) + "\n"
    result = read(write(tmp_path, "leak.txt", text), delimiter=delimiter)
    assert rows(result) == [("1", f"x{delimiter}y"), ("3", "w")]
    assert quarantine(result) == [(3, "stray_quote")]


def test_comma_inside_text_does_not_fool_the_sniffer(tmp_path):
    text = "nom;adresse;cp\nDurand;3, rue Haute;35000\nMartin;1, place X;56000\n"
    assert read(write(tmp_path, "leak.csv", text)).delimiter == ";"


def test_quoted_fields_keep_embedded_newlines_delimiters_and_quotes(tmp_path):
    text = 'id;commentaire;cp\n1;"ligne 1\nligne 2; suite";01000\n2;"dit ""bonjour""";02000\n'
    result = read(write(tmp_path, "leak.csv", text))
    assert rows(result) == [
        ("1", "ligne 1\nligne 2; suite", "01000"),
        ("2", 'dit "bonjour"', "02000"),
    ]
    assert result.rows_quarantined == 0


def test_crlf_line_endings_are_not_part_of_the_last_field(tmp_path):
    result = read(write(tmp_path, "leak.csv", "a;b\r\n1;2\r\n3;4\r\n"))
    assert rows(result) == [("1", "2"), ("3", "4")]


def test_old_mac_line_endings_are_read(tmp_path):
    result = read(write(tmp_path, "leak.csv", "a;b\r01;2\r3;4\r"))
    assert rows(result) == [("01", "2"), ("3", "4")]


def test_leading_zeros_are_kept(tmp_path):
    text = "cp;nir;tel\n01000;0123456789012;0299000000\n"
    result = read(write(tmp_path, "leak.csv", text))
    assert rows(result) == [("01000", "0123456789012", "0299000000")]
    assert result.frame.collect_schema().dtypes() == [pl.String] * 3


def test_empty_fields_are_null(tmp_path):
    result = read(write(tmp_path, "leak.csv", "a;b;c\n1;;3\n"))
    assert rows(result) == [("1", None, "3")]


# --- ragged rows and accounting -------------------------------------------------------------


def test_ragged_rows_are_quarantined_with_line_and_reason(tmp_path):
    text = "a;b;c\n1;2;3\n4;5\n6;7;8;9\n10;11;12\n"
    result = read(write(tmp_path, "leak.csv", text))
    assert rows(result) == [("1", "2", "3"), ("10", "11", "12")]
    assert quarantine(result) == [(3, "too_few_fields"), (4, "too_many_fields")]
    assert result.quarantine_reasons == {"too_few_fields": 1, "too_many_fields": 1}
    assert (result.rows_read, result.rows_parsed, result.rows_quarantined) == (4, 2, 2)


def test_line_numbers_count_physical_lines_after_quoted_newlines(tmp_path):
    text = 'a;b\n"x\ny\nz";1\nshort\n2;3\n'
    result = read(write(tmp_path, "leak.csv", text))
    assert quarantine(result) == [(5, "too_few_fields")]
    assert rows(result) == [("x\ny\nz", "1"), ("2", "3")]


def test_blank_line_is_counted_not_dropped(tmp_path):
    result = read(write(tmp_path, "leak.csv", "a;b\n1;2\n\n3;4\n"))
    assert quarantine(result) == [(3, "blank_line")]
    assert result.rows_read == 3


def test_unterminated_quote_swallows_the_rest_into_one_quarantined_record(tmp_path):
    result = read(write(tmp_path, "leak.csv", 'a;b\n1;2\n3;"oops\n4;5\n'))
    assert quarantine(result) == [(3, "unterminated_quote")]
    assert rows(result) == [("1", "2")]


def test_quote_inside_an_unquoted_field_is_a_stray_quote(tmp_path):
    result = read(write(tmp_path, "leak.csv", 'a;b;c\n1;5" "x;y\n2;3;4\n'))
    assert quarantine(result) == [(2, "stray_quote")]
    assert rows(result) == [("2", "3", "4")]


def test_no_quarantine_file_when_every_row_parses(tmp_path):
    result = read(write(tmp_path, "leak.csv", HEADER + ROWS))
    assert result.quarantine_path is None
    assert result.quarantine_reasons == {}


def test_quarantine_file_lives_in_the_interim_folder_and_holds_the_raw_record(tmp_path):
    result = read(write(tmp_path, "leak.csv", "a;b\n1;2\nSECRET-NIR;2;3\n"))
    assert result.quarantine_path.parent == tmp_path / "interim"
    q = pl.read_csv(result.quarantine_path, infer_schema=False)
    assert q.rows() == [("3", "too_many_fields", "SECRET-NIR;2;3")]


def test_nothing_from_quarantined_rows_appears_in_describe(tmp_path):
    result = read(write(tmp_path, "leak.csv", "a;b\n1;2\nSECRET-NIR;2;3\n"))
    described = json.dumps(result.describe())
    assert "SECRET" not in described
    assert result.describe()["quarantined"] == {"total": 1, "reasons": {"too_many_fields": 1}}


def test_describe_lists_counts_and_file_facts_only(tmp_path):
    result = read(write(tmp_path, "leak.csv", HEADER + ROWS, "cp1252"))
    described = result.describe()
    assert {k: described[k] for k in ("rows", "encoding", "delimiter", "columns")} == {
        "rows": 3,
        "encoding": "cp1252",
        "delimiter": ";",
        "columns": ["nom", "prenom", "cp", "commune"],
    }
    assert len(described["sha256"]) == 64
    for value in ("Durand", "Zoé", "01000", "Mœuvres"):
        assert value not in json.dumps(described, ensure_ascii=False)


def test_ragged_rows_are_found_across_block_boundaries(tmp_path, monkeypatch):
    import toolkit.raw.ingest as ingest

    monkeypatch.setattr(ingest, "_BLOCK", 64)
    monkeypatch.setattr(ingest, "IN_MEMORY_BYTES", 0)  # else a small file is one block
    lines = ["a;b"] + [f"{i};v{i}" for i in range(100)]
    lines[50] = "49;bad;extra"
    lines[70] = '69;"multi\nline"'
    result = read(write(tmp_path, "leak.csv", "\n".join(lines) + "\n"))
    assert quarantine(result) == [(51, "too_many_fields")]
    assert result.rows_read == 100
    assert ("69", "multi\nline") in rows(result)


# --- header ---------------------------------------------------------------------------------


def test_duplicate_and_empty_header_names_are_made_unique(tmp_path):
    result = read(write(tmp_path, "leak.csv", "COL;COL;;tel;col\n1;2;3;4;5\n"))
    assert result.columns == ["COL", "COL_2", "column_3", "tel", "col_3"]


def test_file_without_header_gets_numbered_columns_and_keeps_its_first_row(tmp_path):
    result = read(write(tmp_path, "leak.csv", "Durand;01000\nMartin;59400\n"))
    assert result.has_header is False
    assert result.columns == ["column_1", "column_2"]
    assert rows(result) == [("Durand", "01000"), ("Martin", "59400")]


def test_first_row_whose_values_recur_below_is_data_not_header(tmp_path):
    result = read(write(tmp_path, "leak.csv", "Durand;Jean;F\nMartin;Léa;F\nPetit;Jean;M\n"))
    assert result.has_header is False
    assert result.rows_read == 3


def test_header_can_be_forced(tmp_path):
    result = read(write(tmp_path, "leak.csv", "Durand;01000\nMartin;59400\n"), has_header=True)
    assert result.columns == ["Durand", "01000"]
    assert rows(result) == [("Martin", "59400")]


# --- archives -------------------------------------------------------------------------------


def test_gz_archive_is_read_directly(tmp_path):
    path = write(tmp_path, "leak.csv.gz", gzip.compress((HEADER + ROWS).encode("cp1252")))
    result = read(path)
    assert result.encoding == "cp1252"
    assert [r[3] for r in rows(result)] == ["Bourg-en-Bresse", "Mœuvres", "Cœur"]


def test_truncated_gz_archive_is_refused(tmp_path):
    data = gzip.compress((HEADER + ROWS * 50).encode())
    with pytest.raises(InputError, match=r"leak\.csv\.gz: the gz archive is damaged or truncated"):
        read(write(tmp_path, "leak.csv.gz", data[: len(data) // 2]))


def test_zip_archive_reads_its_first_delimited_file(tmp_path):
    path = tmp_path / "leak.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("LISEZMOI.pdf", b"%PDF-1.4 not text")
        archive.writestr("export/patients.csv", HEADER + ROWS)
    result = read(path)
    assert result.member == "export/patients.csv"
    assert result.rows_parsed == 3


def test_zip_member_can_be_named(tmp_path):
    path = tmp_path / "leak.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.csv", "x;y\n1;2\n")
        archive.writestr("b.csv", "u,v,w\n1,2,3\n")
    result = read(path, member="b.csv")
    assert (result.member, result.columns) == ("b.csv", ["u", "v", "w"])


def test_zip_without_delimited_file_is_refused(tmp_path):
    path = tmp_path / "leak.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8\xff\xe0 not text")
    with pytest.raises(InputError, match=r"leak\.zip: the archive holds no delimited text file"):
        read(path)


def test_zip_member_that_does_not_exist_is_refused(tmp_path):
    path = tmp_path / "leak.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.csv", "x;y\n1;2\n")
    with pytest.raises(InputError, match=r"leak\.zip: the archive has no member named 'b\.csv'"):
        read(path, member="b.csv")


# --- bad input ------------------------------------------------------------------------------


def test_missing_file_is_refused_with_its_name(tmp_path):
    with pytest.raises(InputError, match=r"nope\.csv: file not found"):
        read_leak(tmp_path / "nope.csv")


def test_directory_is_refused_with_its_name(tmp_path):
    folder = tmp_path / "dossier"
    folder.mkdir()
    with pytest.raises(InputError, match=r"dossier: is a folder, not a file"):
        read_leak(folder)


def test_empty_file_is_refused(tmp_path):
    with pytest.raises(InputError, match=r"vide\.csv: is empty"):
        read(write(tmp_path, "vide.csv", b""))


def test_file_of_blank_lines_is_refused_as_empty(tmp_path):
    with pytest.raises(InputError, match=r"vide\.csv: is empty"):
        read(write(tmp_path, "vide.csv", b"\n\r\n  \n"))


def test_header_only_is_refused(tmp_path):
    with pytest.raises(InputError, match=r"entete\.csv: has a header but no data rows"):
        read(write(tmp_path, "entete.csv", HEADER))


def test_binary_junk_is_refused(tmp_path):
    junk = bytes(range(256)) * 40
    with pytest.raises(InputError, match=r"junk\.csv: does not look like a text file"):
        read(write(tmp_path, "junk.csv", junk))


def test_error_messages_never_quote_file_content(tmp_path):
    with pytest.raises(InputError) as caught:
        read(write(tmp_path, "entete.csv", "SECRET-NIR;2\n"), has_header=True)
    assert "SECRET" not in str(caught.value)


def test_a_reader_failure_is_one_line_naming_the_file_and_never_the_content(tmp_path, monkeypatch):
    def failing_collect(self, *args, **kwargs):
        raise pl.exceptions.ComputeError("could not parse `SECRET-NIR` as dtype\nat line 2")

    monkeypatch.setattr(pl.LazyFrame, "collect", failing_collect)
    with pytest.raises(InputError) as caught:
        read_leak(write(tmp_path, "leak.csv", "a;b\n1;2\n"), interim_dir=tmp_path / "interim")
    message = str(caught.value)
    assert message.endswith("leak.csv: cannot be parsed as delimited text (Polars: ComputeError)")
    assert "SECRET" not in message and "\n" not in message


# --- property: agrees with Python's csv module on any well-quoted file ------------------------

field_text = st.text(alphabet=["a", "é", "œ", ";", ",", '"', "\n", " ", "0"], max_size=6)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    records=st.lists(
        st.tuples(st.lists(field_text, min_size=3, max_size=3), st.sampled_from([0, 0, 0, 1, -1])),
        min_size=1,
        max_size=12,
    )
)
def test_rows_and_quarantine_match_an_independent_csv_writer(tmp_path_factory, records):
    tmp_path = tmp_path_factory.mktemp("prop")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["h1", "h2", "h3"])
    expected_rows, expected_bad, line = [], [], 2
    for fields, change in records:
        written = fields + ["x"] if change == 1 else fields[:2] if change == -1 else fields
        before = out.tell()
        writer.writerow(written)
        if change == 0:
            expected_rows.append(tuple(f or None for f in fields))
        else:
            expected_bad.append((line, "too_many_fields" if change == 1 else "too_few_fields"))
        line += out.getvalue()[before:].count("\n")
    result = read(write(tmp_path, "leak.csv", out.getvalue()), delimiter=";", has_header=True)
    assert rows(result) == expected_rows
    assert (quarantine(result) if result.quarantine_path else []) == expected_bad


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.text(alphabet=["a", "é", ";", '"', "\n", "\r"], min_size=1, max_size=60))
def test_any_text_is_fully_accounted_and_parses_without_error(tmp_path_factory, body):
    tmp_path = tmp_path_factory.mktemp("raw")
    result = read(write(tmp_path, "leak.csv", "h1;h2\n" + body), delimiter=";", has_header=True)
    assert result.frame.collect().width == 2
    assert sum(result.quarantine_reasons.values()) == result.rows_quarantined


@pytest.mark.slow
def test_full_size_leak_is_accounted_exactly_across_many_blocks(tmp_path, monkeypatch):
    import toolkit.raw.ingest as ingest

    monkeypatch.setattr(ingest, "_BLOCK", 4 << 20)  # many block boundaries, some mid-record
    monkeypatch.setattr(ingest, "IN_MEMORY_BYTES", 0)  # else a small file is one block
    n = 491_840
    i = pl.col("i")
    multi_line = i % 7 == 0  # one record in 7 has a quoted newline, delimiter and quotes
    comment = (
        pl.when(multi_line).then(pl.lit('"ligne 1\nligne 2; ""suite"""')).otherwise(pl.lit("RAS"))
    )
    extra = pl.when(i % 100_000 == 99_999).then(pl.lit(";en trop")).otherwise(pl.lit(""))
    lines = pl.DataFrame({"i": range(n)}).select(
        pl.concat_str(i.cast(pl.String).str.zfill(6), pl.lit("Mœuvres"), comment, separator=";")
        + extra
    )
    path = tmp_path / "leak.csv"
    with path.open("wb") as fh:
        fh.write(b"id;commune;commentaire\n")
        lines.write_csv(fh, include_header=False, quote_style="never")
    bad = [k for k in range(n) if k % 100_000 == 99_999]
    # Record k starts after the header, k records and one extra line per earlier multi-line one.
    expected = [(2 + k + (k + 6) // 7, "too_many_fields") for k in bad]

    result = read(path)
    assert (result.rows_read, result.rows_quarantined) == (n, len(bad))
    assert quarantine(result) == expected
    first = result.frame.head(1).collect().row(0)
    assert first == ("000000", "Mœuvres", 'ligne 1\nligne 2; "suite"')


def test_progress_bars_go_to_stderr_only(tmp_path, capsys):
    read(write(tmp_path, "leak.csv", HEADER + ROWS, "cp1252"), progress=True)
    captured = capsys.readouterr()
    assert "counting rows" in captured.err and "transcoding cp1252" in captured.err
    assert captured.out == ""


def test_a_reader_that_stops_reading_gets_no_error_message(tmp_path):
    # `python -m toolkit inspect leak.csv | head -1`: once head has gone, the toolkit stops
    # quietly, as Unix tools do, instead of printing "Broken pipe".
    leak = tmp_path / "leak.csv"
    leak.write_text("NOM;PRENOM;CP\n" + "DUPONT;JEAN;56000\n" * 50, encoding="utf-8")
    child = subprocess.Popen(
        [sys.executable, "-m", "toolkit", "inspect", str(leak), "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=Path(__file__).resolve().parent.parent,
    )  # fmt: skip
    child.stdout.close()  # the reader is gone before the toolkit writes its first line
    stderr = child.stderr.read().decode()
    assert (child.wait(timeout=120), stderr) == (141, "")
