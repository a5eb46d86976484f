"""Raw-data hygiene (issue #11): no copy of a leak's personal data outlives the command.

Each attack looks for what a command leaves on disk: extracted or transcoded copies of an
archive, clean copies of a ragged file, quarantine files, verification's and publication's
temporary tables, the safe table of ``pseudonymise`` or ``demo``. Every file that holds personal
or pseudonymised data must be readable by its owner only from the moment it is created (the
watcher runs commands with a umask of 0, so a file created without an explicit mode would be
seen world-readable), and gone when the command ends: on success, on error, on Ctrl-C and on
SIGTERM. Archive bombs are refused while they inflate, in seconds, leaving nothing behind.

Every leak here is synthetic (``write_synthetic_leak``) or built by the test.
"""

from __future__ import annotations

import argparse
import gzip
import os
import signal
import struct
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from pathlib import Path

import polars as pl
import pytest

from toolkit.app import cli, demo, publishing, workflows
from toolkit.raw import ingest, synth
from toolkit.raw import verify as verify_package
from toolkit.raw.verify import counts as verify_counts
from toolkit.shared import paths, scratch
from toolkit.shared.errors import DisclosureError, InputError

ROOT = Path(__file__).resolve().parent.parent
KEY_HEX = "5e" * 32
ROWS = 2_000
#: Written into the bad lines of the ragged leak: must never be printed.
SECRET = b"KERSECRET-QUARANTAINE"
GiB = 1 << 30


# --- helpers -------------------------------------------------------------------------------------


class Watcher:
    """Every file and folder seen under ``root`` while a block runs, with every mode seen.

    The block runs with a umask of 0: a file created without an explicit private mode shows up
    as readable by anyone (0666), and the polling thread records it.
    """

    def __init__(self, root: Path):
        self.root = root
        self.files: dict[str, set[int]] = {}
        self.folders: dict[str, set[int]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._umask = 0

    def __enter__(self) -> Watcher:
        self._umask = os.umask(0)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        os.umask(self._umask)
        self._look()

    def _watch(self) -> None:
        while not self._stop.is_set():
            self._look()
            time.sleep(0.001)

    def _look(self) -> None:
        for folder, dirs, files in os.walk(self.root):
            for names, seen in ((dirs, self.folders), (files, self.files)):
                for name in names:
                    path = Path(folder, name)
                    try:
                        mode = path.lstat().st_mode & 0o777
                    except FileNotFoundError:
                        continue
                    seen.setdefault(path.relative_to(self.root).as_posix(), set()).add(mode)

    def loose(self) -> list[str]:
        """Files ever seen readable by anyone but their owner, folders open to others."""
        files = [name for name, modes in self.files.items() if modes != {0o600}]
        folders = [name for name, modes in self.folders.items() if modes != {0o700}]
        return sorted(files + folders)

    def saw(self, suffix: str) -> bool:
        """Whether a file whose name ends with ``suffix`` existed at some point."""
        return any(name.endswith(suffix) for name in self.files)


def left(root: Path) -> list[str]:
    """The files still under ``root`` (relative paths), folders not counted."""
    if not root.exists():
        return []
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if not p.is_dir())


def run(argv: list[str | Path], capsys) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_line(err: str) -> bool:
    return len(err.strip().splitlines()) == 1 and "Traceback" not in err


def deflate_repeated(block: bytes, times: int) -> bytes:
    """A raw deflate stream of ``block`` repeated ``times`` times, built without inflating it."""
    unit = zlib.compressobj(9, zlib.DEFLATED, -15)
    flushed = unit.compress(block) + unit.flush(zlib.Z_FULL_FLUSH)  # no reference across units
    return flushed * times + zlib.compressobj(9, zlib.DEFLATED, -15).flush()


def crc_repeated(block: bytes, times: int) -> int:
    crc = 0
    for _ in range(times):
        crc = zlib.crc32(block, crc)
    return crc


def zip_of(name: str, deflated: bytes, size: int, crc: int) -> bytes:
    """A zip archive of one deflated member, written by hand (the member is never inflated)."""
    n = name.encode()
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(deflated), size,
                        len(n), 0) + n  # fmt: skip
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc,
                          len(deflated), size, len(n), 0, 0, 0, 0, 0, 0) + n  # fmt: skip
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central),
                      len(local) + len(deflated), 0)  # fmt: skip
    return local + deflated + central + end


def gzip_of(deflated: bytes, size: int, crc: int) -> bytes:
    return (
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
        + deflated
        + struct.pack("<II", crc, size & 0xFFFFFFFF)
    )


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def leaks(tmp_path_factory) -> dict[str, Path]:
    """The same synthetic leak (UTF-8): plain, zipped, gzipped, and a ragged copy."""
    folder = tmp_path_factory.mktemp("raw")
    plain = folder / "leak.csv"
    synth.write_synthetic_leak(plain, rows=ROWS, seed=5, encoding="utf-8", progress=False)
    data = plain.read_bytes()
    zipped = folder / "leak.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("export/leak.csv", data)
    gzipped = folder / "leak.csv.gz"
    gzipped.write_bytes(gzip.compress(data))
    ragged = folder / "ragged.csv"
    first_row = data.index(b"\n") + 1
    ragged.write_bytes(data[:first_row] + SECRET + b";1\n" + data[first_row:] + SECRET + b"\n")
    return {"plain": plain, "zip": zipped, "gz": gzipped, "ragged": ragged}


@pytest.fixture(scope="module")
def bombs(tmp_path_factory) -> dict[str, Path]:
    """A 3.7 MB zip whose CSV member inflates to 1 GiB, and a 1 MB gzip of 1 GiB of zeros."""
    folder = tmp_path_factory.mktemp("bombs")
    line = b"DURAND;Jean;01/02/1960;75011;Paris;1600575011123;0612345678;jd@example.org\n"
    block = (line * ((1 << 20) // len(line) + 1))[: 1 << 20]
    zipped = folder / "bomb.zip"
    zipped.write_bytes(
        zip_of("leak.csv", deflate_repeated(block, 1024), GiB, crc_repeated(block, 1024))
    )
    zeros = bytes(1 << 20)
    gzipped = folder / "zeros.gz"
    gzipped.write_bytes(gzip_of(deflate_repeated(zeros, 1024), GiB, crc_repeated(zeros, 1024)))
    return {"zip": zipped, "gz": gzipped}


@pytest.fixture
def interim(tmp_path, monkeypatch) -> Path:
    """The interim folder of this test (nothing there yet), and a pseudonymisation key."""
    folder = tmp_path / "interim"
    monkeypatch.setattr(paths, "INTERIM", folder)
    monkeypatch.setenv("TOOLKIT_KEY", KEY_HEX)
    return folder


def large(monkeypatch) -> None:
    """Treat every leak as too large for memory: copies on disk, counts on a Parquet copy."""
    monkeypatch.setattr(ingest, "IN_MEMORY_BYTES", 0)
    monkeypatch.setattr(verify_counts, "SMALL_ROWS", 0)


# --- every verb that reads a leak ----------------------------------------------------------------


@pytest.mark.parametrize("size", ["small", "large"])
@pytest.mark.parametrize("kind", ["zip", "gz"])
@pytest.mark.parametrize("verb", ["inspect", "verify"])
def test_reading_an_archive_leaves_no_copy_and_every_copy_is_private(
    verb, kind, size, leaks, interim, monkeypatch, capsys
):
    if size == "large":
        large(monkeypatch)
    with Watcher(interim) as seen:
        code, _, err = run([verb, leaks[kind], "--quiet"], capsys)
    assert code == 0, err
    assert left(interim) == []
    assert seen.loose() == []
    # A large archive is extracted to disk while it is read; a small one only in memory.
    assert seen.saw(".extracted") == (size == "large")
    if verb == "verify" and size == "large":
        assert seen.saw("derived.parquet")


@pytest.mark.parametrize(("kind", "size"), [("zip", "large"), ("gz", "small"), ("ragged", "large")])
def test_publishing_a_leak_leaves_nothing_personal_behind(
    kind, size, leaks, interim, tmp_path, monkeypatch, capsys
):
    if size == "large":
        large(monkeypatch)
    with Watcher(interim) as seen:
        code, _, err = run(
            ["publish", leaks[kind], "--out", tmp_path / "bundle", "--quiet"], capsys
        )
    assert code == 0, err
    assert (tmp_path / "bundle" / "manifest.json").exists()
    assert left(interim) == []
    assert seen.loose() == []
    assert seen.saw("/safe.parquet")  # the temporary safe table existed, private


@pytest.mark.parametrize("size", ["small", "large"])
def test_a_ragged_leak_leaves_neither_its_clean_copy_nor_its_quarantine(
    size, leaks, interim, monkeypatch, capsys
):
    if size == "large":
        large(monkeypatch)
    with Watcher(interim) as seen:
        code, out, err = run(["inspect", leaks["ragged"], "--quiet"], capsys)
    assert code == 0, err
    assert left(interim) == []
    assert seen.loose() == []
    assert seen.saw(".quarantine.csv")
    # The clean copy of a file read in memory stays in memory.
    assert seen.saw(".clean.csv") == (size == "large")
    assert SECRET.decode() not in out + err


def test_keep_quarantine_keeps_the_quarantine_file_alone_private_and_says_where(
    leaks, interim, capsys
):
    with Watcher(interim) as seen:
        code, out, err = run(["inspect", leaks["ragged"], "--keep-quarantine", "--quiet"], capsys)
    assert code == 0, err
    kept = left(interim)
    assert len(kept) == 1 and kept[0].startswith("ingest/ragged.csv-")
    assert kept[0].endswith(".quarantine.csv")
    path = interim / kept[0]
    assert path.stat().st_mode & 0o777 == 0o600
    assert seen.loose() == []
    assert str(path) in err and one_line(err)
    assert SECRET in path.read_bytes()
    assert SECRET.decode() not in out + err


def test_pseudonymise_out_is_private_even_over_a_readable_file(leaks, interim, tmp_path, capsys):
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    out = folder / "safe.parquet"
    out.write_bytes(b"an older file, readable by anyone")
    out.chmod(0o644)
    with Watcher(interim) as seen, Watcher(folder) as beside:
        code, _, err = run(["pseudonymise", leaks["zip"], "--out", out, "--quiet"], capsys)
    assert code == 0, err
    assert out.stat().st_mode & 0o777 == 0o600
    assert left(folder) == ["safe.parquet"]
    assert beside.files.get("safe.parquet.partial", {0o600}) == {0o600}
    assert left(interim) == [] and seen.loose() == []
    assert pl.read_parquet(out).height == ROWS


@pytest.mark.parametrize(
    "error", [DisclosureError("export aborted, nothing written"), KeyboardInterrupt()],
    ids=["error", "ctrl-c"],
)  # fmt: skip
def test_a_publish_that_fails_or_is_interrupted_leaves_nothing(
    error, leaks, interim, tmp_path, monkeypatch, capsys
):
    large(monkeypatch)

    def refuse(*args, **kwargs):
        raise error

    monkeypatch.setattr(publishing, "build_bundle", refuse)
    with Watcher(interim) as seen:
        code, out, err = run(["publish", leaks["zip"], "--out", tmp_path / "b", "--quiet"], capsys)
    assert code != 0
    assert one_line(err), err
    assert seen.saw(".extracted") and seen.saw("/safe.parquet")
    assert left(interim) == []
    assert not (tmp_path / "b").exists()


def test_a_workflow_called_from_python_cleans_up_after_itself(leaks, interim, monkeypatch):
    large(monkeypatch)
    report, _ = workflows.verify_file(leaks["gz"])
    assert report.sections["rows"]
    assert left(interim) == []

    def fail(*args, **kwargs):
        raise InputError("refused for the test")

    monkeypatch.setattr(verify_package, "verify", fail)
    with pytest.raises(InputError):
        workflows.verify_file(leaks["zip"])
    assert left(interim) == []


def test_an_ingested_leak_deletes_its_copies_when_closed(leaks, tmp_path):
    work = tmp_path / "work"
    with ingest.read_leak(leaks["zip"], interim_dir=work, in_memory=False) as raw:
        assert raw.frame.select(pl.len()).collect().item() == ROWS
        assert left(work) == [f"leak.zip-{raw.sha256[:12]}.extracted"]
    assert left(work) == []


def test_copies_made_in_a_session_go_when_it_ends(leaks, tmp_path):
    work = tmp_path / "work"
    with scratch.session():
        raw = ingest.read_leak(leaks["ragged"], interim_dir=work, in_memory=False)
        assert raw.quarantine_path is not None and raw.quarantine_path.exists()
        assert len(left(work)) == 2  # the clean copy and the quarantine
    assert left(work) == []


def test_copies_made_from_python_go_when_the_process_exits(leaks, tmp_path):
    work = tmp_path / "work"
    code = (
        "import sys; from toolkit.raw import ingest\n"
        f"raw = ingest.read_leak({str(leaks['gz'])!r}, interim_dir={str(work)!r},"
        " in_memory=False)\n"
        "print(len(list(raw.source_path.parent.iterdir())))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, check=False, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1"
    assert left(work) == []


# --- SIGTERM -------------------------------------------------------------------------------------


def test_sigterm_during_publish_deletes_the_temporary_safe_table_and_says_one_line(tmp_path):
    plain = tmp_path / "leak.csv"
    synth.write_synthetic_leak(plain, rows=20_000, seed=3, encoding="utf-8", progress=False)
    leak = tmp_path / "leak.csv.gz"
    leak.write_bytes(gzip.compress(plain.read_bytes(), compresslevel=1))
    interim, out = tmp_path / "interim", tmp_path / "bundle"
    env = {**os.environ, "TOOLKIT_INTERIM_DIR": str(interim), "TOOLKIT_KEY": KEY_HEX,
           "TOOLKIT_LEDGER_DIR": str(tmp_path / "ledger")}  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "toolkit", "publish", str(leak), "--out", str(out), "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        while not list(interim.glob("publish-*/safe.parquet")):
            assert process.poll() is None, process.communicate()[1]
            assert time.monotonic() < deadline, "the temporary safe table never appeared"
            time.sleep(0.01)
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 128 + signal.SIGTERM
    assert one_line(stderr), stderr
    assert "SIGTERM" in stderr
    assert stdout == ""
    assert left(interim) == []
    assert not out.exists()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_signal_during_the_clean_up_waits_until_every_file_is_deleted(
    signum, tmp_path, monkeypatch
):
    unlink = Path.unlink
    calls = []

    def unlink_and_signal(self, missing_ok=False):
        calls.append(self.name)
        if len(calls) == 2:  # halfway through the clean-up
            os.kill(os.getpid(), signum)
        return unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink_and_signal)
    stopped = (KeyboardInterrupt, cli.Terminated)
    with pytest.raises(stopped), cli._stopping_on_signals(), scratch.session():
        for i in range(5):
            scratch.open_private(tmp_path / f"copy{i}").close()
            scratch.track(tmp_path / f"copy{i}")
    assert len(calls) >= 5
    assert left(tmp_path) == []


# --- archive bombs -------------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_at_once_and_leaves_nothing(bombs, interim, capsys):
    start = time.monotonic()
    with Watcher(interim) as seen:
        code, out, err = run(["inspect", bombs["zip"], "--quiet"], capsys)
    assert time.monotonic() - start < 5
    assert code != 0 and one_line(err), err
    compressed = zipfile.ZipFile(bombs["zip"]).getinfo("leak.csv").compress_size
    assert 3 << 20 < compressed < 4 << 20
    ratio = f"{GiB / compressed:.0f} times its compressed size of {compressed / (1 << 20):.1f} MiB"
    for part in ("bomb.zip", "member 'leak.csv'", "declares 1.0 GiB", ratio, "--max-ratio"):
        assert part in err, (part, err)
    assert seen.files == {}  # refused on its declared size, before anything is written
    assert left(interim) == []


def test_a_gzip_of_zeros_is_refused_while_it_inflates_and_leaves_nothing(bombs, interim, capsys):
    start = time.monotonic()
    with Watcher(interim) as seen:
        code, out, err = run(["verify", bombs["gz"], "--quiet"], capsys)
    assert time.monotonic() - start < 5
    assert code != 0 and one_line(err), err
    for part in ("zeros.gz", "gzip content inflates to more than", "1.0 MiB", "--max-ratio"):
        assert part in err, (part, err)
    assert seen.loose() == []
    assert left(interim) == []


def test_a_zip_that_lies_about_its_size_is_refused_as_damaged(tmp_path, interim):
    zeros = bytes(1 << 20)
    liar = tmp_path / "liar.zip"
    liar.write_bytes(zip_of("leak.csv", deflate_repeated(zeros, 64), 1000, 0))
    with pytest.raises(InputError, match="damaged"):
        ingest.read_leak(liar)
    assert left(interim) == []


@pytest.mark.parametrize("kind", ["zip", "gz"])
def test_the_absolute_limit_names_the_option_that_raises_it(kind, leaks, interim):
    size = leaks["plain"].stat().st_size
    with pytest.raises(InputError, match="--max-inflated") as refused:
        ingest.read_leak(leaks[kind], max_inflated_bytes=size // 2, in_memory=False)
    assert str(leaks[kind]) in str(refused.value)
    assert left(interim) == []
    raw = ingest.read_leak(leaks[kind], max_inflated_bytes=size)  # exactly the limit: accepted
    assert raw.rows_read == ROWS


def test_the_ratio_limit_applies_past_its_floor_and_can_be_raised(tmp_path, interim, monkeypatch):
    text = b"nom;ville\n" + b"Martin;Rennes\n" * 200_000
    repetitive = tmp_path / "repetitive.csv.gz"
    repetitive.write_bytes(gzip.compress(text))
    assert len(text) / repetitive.stat().st_size > 100
    assert ingest.read_leak(repetitive).rows_read == 200_000  # under the floor: any ratio
    monkeypatch.setattr(ingest, "RATIO_FLOOR", 1 << 20)
    with pytest.raises(InputError, match="--max-ratio"):
        ingest.read_leak(repetitive)
    assert left(interim) == []
    assert ingest.read_leak(repetitive, max_ratio=1000).rows_read == 200_000
    assert ingest.read_leak(repetitive, max_ratio=None).rows_read == 200_000


def test_the_limits_are_options_of_every_verb_that_reads_a_leak(leaks, interim, capsys):
    code, _, err = run(["inspect", leaks["gz"], "--quiet", "--max-inflated", "1K"], capsys)
    assert code != 0 and one_line(err) and "--max-inflated" in err
    code, _, err = run(["inspect", leaks["gz"], "--quiet", "--max-inflated", "64M",
                        "--max-ratio", "1000"], capsys)  # fmt: skip
    assert code == 0, err
    with pytest.raises(SystemExit) as refused:
        cli.main(["inspect", str(leaks["gz"]), "--max-inflated", "lots"])
    assert refused.value.code == 2 and one_line(capsys.readouterr().err)
    parser = cli.build_parser()
    verbs = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    for verb in ("inspect", "verify", "pseudonymise", "publish", "export"):
        flags = {flag for action in verbs[verb]._actions for flag in action.option_strings}
        assert {"--max-inflated", "--max-ratio", "--keep-quarantine"} <= flags, verb


# --- demo ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("keep", [False, True], ids=["default", "keep"])
def test_demo_deletes_its_safe_table_unless_asked_to_keep_it(keep, interim, tmp_path, monkeypatch):
    def stop(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(demo, "locate_labs", stop)  # once the safe table is written
    with Watcher(interim) as seen, pytest.raises(KeyboardInterrupt):
        demo.run(rows=1_000, out=tmp_path / "out", raw_dir=tmp_path / "raw", keep_safe_table=keep)
    assert seen.saw(".safe.parquet") and seen.loose() == []
    assert left(interim) == (["synthetic_leak_1000.safe.parquet"] if keep else [])


# --- purge ---------------------------------------------------------------------------------------

PERSONAL = (
    "ingest/leak.csv-0123456789ab.extracted",
    "ingest/leak.csv-0123456789ab.utf8.csv",
    "ingest/leak.csv-0123456789ab.4242.clean.csv",
    "ingest/leak.csv-0123456789ab.quarantine.csv",
    "ingest/leak.csv.4242.utf8.partial",
    "bench/ingest/leak_3000.csv-0123456789ab.utf8.csv",
    "publish-ab12_cd3/safe.parquet",
    "verify-x9y8z7w6/derived.parquet",
    "demo.safe.parquet",
    "safe.parquet.partial",
)
NOT_PERSONAL = (
    ".gitkeep",
    "geocoder_cache.json",
    "bench/leak_3000.utf8.csv",
    ".key/key.bin",
    "ledgers/releases-0123456789abcdef.json",
    "notes.txt",
)


@pytest.fixture
def leftovers(interim, tmp_path) -> Path:
    for name in PERSONAL + NOT_PERSONAL:
        path = interim / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(SECRET + b";" + name.encode())
    table = pl.DataFrame({"person_id": ["0" * 32]})
    for name in ("demo.safe.parquet", "publish-ab12_cd3/safe.parquet",
                 "verify-x9y8z7w6/derived.parquet"):  # fmt: skip
        table.write_parquet(interim / name)
    outside = tmp_path / "raw-leak.csv"
    outside.write_bytes(SECRET)
    (interim / "ingest" / "link-0123456789ab.extracted").symlink_to(outside)
    return interim


def test_purge_lists_what_is_left_by_name_and_size_and_deletes_nothing(leftovers, capsys):
    before = left(leftovers)
    code, out, err = run(["purge"], capsys)
    assert code == 0, err
    for name in PERSONAL:
        assert name in out, name
    for name in NOT_PERSONAL + ("link-0123456789ab.extracted",):
        assert name not in out, name
    assert f"{len(PERSONAL)} files" in out and "--yes" in out
    assert SECRET.decode() not in out + err
    assert left(leftovers) == before


def test_purge_yes_deletes_personal_leftovers_and_nothing_else(leftovers, tmp_path, capsys):
    code, out, err = run(["purge", "--yes"], capsys)
    assert code == 0, err
    assert left(leftovers) == sorted([*NOT_PERSONAL, "ingest/link-0123456789ab.extracted"])
    assert (tmp_path / "raw-leak.csv").read_bytes() == SECRET
    assert not (leftovers / "publish-ab12_cd3").exists()
    assert not (leftovers / "verify-x9y8z7w6").exists()
    assert f"deleted {len(PERSONAL)} files" in out
    assert SECRET.decode() not in out + err
    code, out, _ = run(["purge"], capsys)
    assert code == 0 and "nothing" in out
