"""The command line: a thin layer over the Python API, one verb per pipeline step.

Every verb follows the same contract: exit code 0 on success; on bad input one line on stderr
(``leak-toolkit: <file>, line N: <problem>``) and a non-zero exit code, never a traceback.
Progress bars go to stderr, results to stdout.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from toolkit import __version__
from toolkit.errors import ToolkitError

PROG = "leak-toolkit"


def _positive_int(text: str) -> int:
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number, got {value}")
    return value


def _cmd_synth(args: argparse.Namespace) -> int:
    from toolkit import synth

    result = synth.write_synthetic_leak(
        args.out,
        rows=args.rows,
        seed=args.seed,
        encoding=args.encoding,
        delimiter=args.delimiter,
        progress=not args.quiet,
    )
    print(synth.summary_text(result))
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from toolkit import demo

    return demo.run(rows=args.rows, out=args.out, seed=args.seed)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m toolkit`` (also used to check the README)."""
    parser = argparse.ArgumentParser(
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
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_synth)

    p = sub.add_parser("demo", help="synthetic leak -> whole pipeline, in one command")
    p.add_argument("--rows", type=_positive_int, default=491_840, help="rows (default 491840)")
    p.add_argument("--seed", type=int, default=2021, help="random seed (default 2021)")
    p.add_argument("--out", default=None, help="output folder (default figures/demo)")
    p.set_defaults(func=_cmd_demo)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ToolkitError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        # Unwritable output, missing folder, full disk: one line, no traceback.
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        print(f"{PROG}: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
