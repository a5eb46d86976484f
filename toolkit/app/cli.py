"""The command line: a thin layer over the Python API, one verb per pipeline step.

Every verb follows the same contract: exit code 0 on success; on bad input one line on stderr
(``leak-toolkit: <file>, line N: <problem>``) and a non-zero exit code, never a traceback.
Progress bars go to stderr, results to stdout.

Every verb runs in a ``toolkit.shared.scratch`` session: the private copies of a leak it wrote
under ``data/interim/`` are deleted when it ends, on success, on an error, on Ctrl-C and on
SIGTERM or SIGHUP (turned into an exception, so that every ``with`` and ``finally`` runs).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import FrameType
from typing import Any, NoReturn

from toolkit import __version__
from toolkit.shared import scratch
from toolkit.shared.errors import ToolkitError

# Each verb imports what it runs when it runs: the charting stack alone takes 2 s to import, and
# `--help` or a mistyped option must answer at once.

PROG = "leak-toolkit"


def _positive_int(text: str) -> int:
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number, got {value}")
    return value


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$", re.IGNORECASE)


def _size(text: str) -> int:
    """A size in bytes: ``123456``, ``500M``, ``64G``, ``1.5TiB`` (binary multiples)."""
    match = _SIZE.match(text)
    if not match or float(match[1]) <= 0:
        raise argparse.ArgumentTypeError(f"not a size (e.g. 500M, 64G): {text!r}")
    return int(float(match[1]) * 1024 ** " kmgt".index(match[2].lower() or " "))


def _ratio(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
    return value


def _read_options(args: argparse.Namespace) -> Any:
    """The user's archive limits and quarantine choice, as ``ingest.ReadOptions``."""
    from toolkit.raw import ingest  # lazily, like every verb's imports (see above)

    return ingest.ReadOptions(
        max_inflated_bytes=args.max_inflated or ingest.MAX_INFLATED_BYTES,
        max_ratio=args.max_ratio or ingest.MAX_RATIO,
        keep_quarantine=args.keep_quarantine,
    )


def _cmd_synth(args: argparse.Namespace) -> int:
    from toolkit.raw import synth

    result = synth.write_synthetic_leak(
        args.out,
        rows=args.rows,
        seed=args.seed,
        encoding=args.encoding,
        delimiter=args.delimiter,
        progress=not args.quiet,
        mode=args.mode,
    )
    print(synth.summary_text(result))
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from toolkit.app import demo

    return demo.run(rows=args.rows, out=args.out, seed=args.seed,
                    keep_safe_table=args.keep_safe_table)  # fmt: skip


def _cmd_pseudonymise(args: argparse.Namespace) -> int:
    from toolkit.app import workflows

    result = workflows.pseudonymise_file(
        args.file, args.out, key_file=args.key_file, progress=not args.quiet,
        read_options=_read_options(args),
    )  # fmt: skip
    print(result.summary())
    return 0


def _cmd_inspect(args: argparse.Namespace) -> int:
    from toolkit.app import workflows
    from toolkit.raw import schema

    overrides = schema.parse_map_options(args.map)
    leak, classes = workflows.inspect_file(args.file, overrides=overrides, progress=not args.quiet,
                                           read_options=_read_options(args))  # fmt: skip
    if args.json:
        print(json.dumps(schema.inspect_report(leak, classes), ensure_ascii=False, indent=2))
    else:
        print(schema.inspect_text(leak, classes))
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from toolkit.app import workflows
    from toolkit.raw import claims, schema, verify
    from toolkit.shared.text import text

    overrides = schema.parse_map_options(args.map)
    report, table = workflows.verify_file(args.file, overrides=overrides, progress=not args.quiet,
                                          read_options=_read_options(args),
                                          case=_case(args))  # fmt: skip
    if args.json:
        document = {**report.to_dict(), "claims": claims.claims_records(table),
                    "conclusion": {lang: verify.conclusion(report, lang) for lang in ("fr", "en")}}
        print(json.dumps(document, ensure_ascii=False, indent=2, default=str))
    else:
        # A case with no claims file: no claims section (rather than an empty one).
        print(verify.report_text(report, table if table.height else None))
        print(f"\n{text('verify.conclusion_heading')}\n{verify.conclusion(report)}")
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    from toolkit.app import compare
    from toolkit.boundary import keys
    from toolkit.raw import schema

    if len(args.files) < 2:
        raise ToolkitError("compare needs at least two files")
    if args.out is not None:
        from toolkit.app import publishing

        published = publishing.publish_comparison(
            args.files, args.out, key_file=args.key_file,
            overrides=schema.parse_map_options(args.map), read_options=_read_options(args),
            protection=publishing.Protection(k=args.k, allow_small_k=args.allow_small_k),
            progress=not args.quiet,
        )  # fmt: skip
        comparison = published.comparison
    else:
        comparison = compare.compare_files(
            args.files, keys.load_key(args.key_file),
            overrides=schema.parse_map_options(args.map), read_options=_read_options(args),
            progress=not args.quiet,
        )  # fmt: skip
    if args.json:
        document = compare.comparison_dict(comparison)
        if args.out is not None:
            document["published"] = {"out": str(published.out),
                                     "files": [p.name for p in published.files]}  # fmt: skip
        print(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        print(compare.comparison_text(comparison))
        if args.out is not None:
            print(f"\ncomparison published: {published.out} ({len(published.files)} files)")
    return 0


def _protection(args: argparse.Namespace) -> Any:
    from toolkit.app import publishing

    return publishing.Protection(
        k=args.k, rounding=args.rounding, epsilon=args.epsilon,
        allow_small_k=args.allow_small_k, epsilon_budget=args.epsilon_budget,
    )  # fmt: skip


def _case(args: argparse.Namespace) -> Any:
    """The case named by ``--case`` (default: the 2021 leak), read before any other work."""
    from toolkit.shared.case import load_case

    return load_case(args.case)


def _cmd_publish(args: argparse.Namespace) -> int:
    from toolkit.app import publishing, workflows

    options = {"labs": args.labs, "protection": _protection(args), "label": args.label,
               "progress": not args.quiet, "read_options": _read_options(args),
               "case": _case(args)}  # fmt: skip
    # What the file holds decides, not its name: a pseudonymised table is a Parquet file.
    from_safe_table = workflows.input_kind(args.file) == "safe_table"
    options["synthetic"] = _synthetic(args, args.leak if from_safe_table else args.file)
    if from_safe_table:
        result = publishing.publish_safe_table(
            args.file, args.out, leak=args.leak, key_file=args.key_file, **options
        )
    else:
        result = publishing.publish_leak(args.file, args.out, key_file=args.key_file, **options)
    print(result.summary())
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from toolkit.app import publishing

    written = publishing.export_figure(
        args.file, args.figure, args.out, key_file=args.key_file, labs=args.labs,
        protection=_protection(args), read_options=_read_options(args), case=_case(args),
        synthetic=_synthetic(args, args.file),
    )  # fmt: skip
    print("\n".join(str(path) for path in written))
    return 0


def _cmd_ledger(args: argparse.Namespace) -> int:
    from toolkit.app import publishing
    from toolkit.boundary import keys

    ledger = publishing.open_ledger(keys.load_key(args.key_file), args.key_file)
    if args.forget:
        forgotten = ledger.forget(args.forget)
        print(f"forgot {forgotten.describe()}: its figures are no longer checked against")
        return 0
    print(f"ledger: {ledger.path} ({len(ledger.releases)} releases, "
          f"epsilon spent {ledger.epsilon_spent():g})")  # fmt: skip
    for release in ledger.releases:
        print(f"  {release.describe()}")
    return 0


def _cmd_purge(args: argparse.Namespace) -> int:
    from toolkit.app import purge

    found = purge.leftovers()
    if not args.yes:
        print(purge.listing_text(found))
        return 0
    files, size = purge.purge(found)
    where = purge.interim_dir()
    print(f"deleted {purge.files_text(files)} ({purge.size_text(size)}) under {where}")
    return 0


def _add_reading_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--max-inflated", type=_size, default=None, metavar="SIZE",
                   help="largest size an archive may inflate to (default 64G)")  # fmt: skip
    p.add_argument("--max-ratio", type=_ratio, default=None, metavar="N",
                   help="largest inflated/compressed ratio past 64 MiB (default 100)")  # fmt: skip
    p.add_argument("--keep-quarantine", action="store_true",
                   help="keep the quarantined rows' file (raw personal data, 0600)")  # fmt: skip


def _add_case_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--case", default=None, metavar="NAME|FILE",
                   help="the investigation: a shipped case (dedalus_2021, the default) or a "
                        "case file (.toml)")  # fmt: skip


def _add_synthetic_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--synthetic", action="store_true",
                   help="mark every output « Données fictives » (automatic for a file the "
                        "generator wrote: its .truth.json beside it)")  # fmt: skip


def _synthetic(args: argparse.Namespace, leak: str | None) -> bool:
    """``--synthetic``, or a leak the generator wrote (``workflows.is_synthetic``)."""
    from toolkit.app import workflows

    return bool(args.synthetic) or (leak is not None and workflows.is_synthetic(leak))


def _add_protection_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--key-file", default=None, help="secret key file (default: .key/key.bin)")
    p.add_argument("--labs", default=None, help="lab list (CSV registry or FINESS extract)")
    p.add_argument("--k", type=_positive_int, default=11, help="smallest published count (11)")
    p.add_argument("--allow-small-k", action="store_true",
                   help="allow k from 5 to 10 (below 11 only on purpose)")  # fmt: skip
    p.add_argument("--rounding", type=int, choices=(5, 10), default=None, help="round counts")
    p.add_argument("--epsilon", type=float, default=None, help="differential privacy instead")
    p.add_argument("--epsilon-budget", type=float, default=10.0,
                   help="differential-privacy budget of all releases of one key (10)")  # fmt: skip


class _OneLineParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr (no usage block), exit code 2."""

    def error(self, message: str) -> NoReturn:  # noqa: D102 - argparse hook
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m toolkit`` (also used to check the README)."""
    parser = _OneLineParser(
        prog=PROG,
        description="Investigate a health-data leak without ever publishing personal data.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("synth", help="write a synthetic leak calibrated on the published figures")
    p.add_argument("--rows", type=_positive_int, default=491_840, help="rows (default 491840)")
    p.add_argument("--seed", type=int, default=2021, help="random seed (default 2021)")
    p.add_argument("--out", required=True, help="CSV file to write")
    p.add_argument("--encoding", default="cp1252", help="cp1252 (default) or utf-8")
    p.add_argument("--delimiter", default=";", help="field separator (default ;)")
    p.add_argument("--mode", default="published", choices=("published", "realistic", "naive"),
                   help="published (default: calibrated on the published figures), realistic "
                        "(names by birth year, closed days...) or naive (a forger with Faker)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_synth)

    p = sub.add_parser("demo", help="synthetic leak -> whole pipeline, in one command")
    p.add_argument("--rows", type=_positive_int, default=491_840, help="rows (default 491840)")
    p.add_argument("--seed", type=int, default=2021, help="random seed (default 2021)")
    p.add_argument("--out", default=None, help="output folder (default figures/demo)")
    p.add_argument("--keep-safe-table", action="store_true",
                   help="keep the demo's safe table in data/interim/ (0600)")  # fmt: skip
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("pseudonymise", help="cross the privacy boundary: leak -> safe table")
    p.add_argument("file", help="the leak (CSV, or an archive holding one)")
    p.add_argument("--out", required=True, help="safe table to write (Parquet, in data/interim/)")
    p.add_argument("--key-file", default=None, help="secret key file (default: .key/key.bin)")
    _add_reading_options(p)
    p.add_argument("--quiet", action="store_true", help="no progress messages")
    p.set_defaults(func=_cmd_pseudonymise)

    for verb, help_text in (
        ("inspect", "rows, encoding, delimiter and each column's data category (no raw value)"),
        ("verify", "authenticity checks and counts per category, and the published claims"),
    ):
        p = sub.add_parser(verb, help=help_text)
        p.add_argument("file", help="the leaked file (.csv, .txt, .zip, .gz)")
        p.add_argument("--json", action="store_true", help="print JSON instead of a report")
        p.add_argument(
            "--map",
            action="append",
            metavar="COL=category",
            help="force a column's category (repeatable), e.g. --map COL07=nir",
        )
        if verb == "verify":
            _add_case_option(p)
        _add_reading_options(p)
        p.add_argument("--quiet", action="store_true", help="no progress on stderr")
        p.set_defaults(func=_cmd_inspect if verb == "inspect" else _cmd_verify)

    p = sub.add_parser("compare", help="compare copies of a leak: same records, extract, additions")
    p.add_argument("files", nargs="+", metavar="FILE", help="two or more copies of a leak")
    p.add_argument("--json", action="store_true", help="print JSON instead of a report")
    p.add_argument("--key-file", default=None, help="secret key file (default: .key/key.bin)")
    p.add_argument("--map", action="append", metavar="COL=category",
                   help="force a column's category in every copy (repeatable)")  # fmt: skip
    p.add_argument("--out", default=None,
                   help="also publish its charts and tables into this folder")  # fmt: skip
    p.add_argument("--k", type=_positive_int, default=11,
                   help="with --out: smallest published count (11)")  # fmt: skip
    p.add_argument("--allow-small-k", action="store_true",
                   help="with --out: allow k from 5 to 10 (below 11 only on purpose)")  # fmt: skip
    _add_reading_options(p)
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=_cmd_compare)

    p = sub.add_parser("publish", help="publication bundle: charts, CSV, map, manifest, note")
    p.add_argument("file", help="the leak (CSV, archive) or a pseudonymised table (Parquet)")
    p.add_argument("--out", required=True, help="bundle folder to write (e.g. figures/my-story)")
    p.add_argument("--leak", default=None, help="with a safe table: the raw leak, for the tripwire")
    p.add_argument("--label", default=None, help="name of the input in the manifest")
    _add_case_option(p)
    _add_synthetic_option(p)
    _add_protection_options(p)
    _add_reading_options(p)
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=_cmd_publish)

    p = sub.add_parser("export", help="one more figure beside a bundle, checked with it")
    p.add_argument("file", help="the leak (CSV, archive)")
    p.add_argument("--figure", required=True, help="figure name, e.g. mentions_par_annee")
    p.add_argument("--out", required=True, help="folder to write the figure's files into")
    _add_case_option(p)
    _add_synthetic_option(p)
    _add_protection_options(p)
    _add_reading_options(p)
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser("ledger", help="the releases recorded for a key; forget one on purpose")
    p.add_argument("--key-file", default=None, help="secret key file (default: .key/key.bin)")
    p.add_argument("--forget", default=None, metavar="ID",
                   help="remove one release from the ledger (deliberately)")  # fmt: skip
    p.set_defaults(func=_cmd_ledger)

    p = sub.add_parser("purge", help="list (and delete) personal data left under data/interim/")
    p.add_argument("--yes", action="store_true", help="delete what is listed")
    p.set_defaults(func=_cmd_purge)

    return parser


class Terminated(BaseException):
    """SIGTERM or SIGHUP, raised in the main thread so that every clean-up on the way out runs.

    A ``BaseException``, like ``KeyboardInterrupt``: ``except Exception`` lets it through.
    """

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


_STOP_SIGNALS = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n))


def _stop(signum: int, frame: FrameType | None) -> None:
    for number in _STOP_SIGNALS:  # a second signal must not cut the clean-up short
        signal.signal(number, signal.SIG_IGN)
    raise Terminated(signum)


@contextmanager
def _stopping_on_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP raise :class:`Terminated` while the block runs (main thread only)."""
    with scratch.signal_handlers(_STOP_SIGNALS, _stop):
        yield


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's last flush does not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        # The session deletes the copies of a leak the verb wrote, however the verb ends.
        with _stopping_on_signals(), scratch.session():
            return int(args.func(args) or 0)
    except ToolkitError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return exc.exit_code
    except Terminated as exc:
        print(f"{PROG}: stopped by {exc} (temporary files deleted)", file=sys.stderr)
        return 128 + exc.signum
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted (temporary files deleted)", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output went away (``... | head``): stop quietly, as Unix tools do.
        _silence_stdout()
        return 141
    except OSError as exc:
        # Unwritable output, missing folder, full disk: one line, no traceback.
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        print(f"{PROG}: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
