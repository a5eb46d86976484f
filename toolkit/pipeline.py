"""The raw side of the pipeline in one call: verify a leak and cross the privacy boundary.

Verification (counts only) and pseudonymisation (the safe table) read the same records and do
not depend on each other. For a leak held in memory (``ingest.IN_MEMORY_BYTES``) they run at the
same time, in two threads: Polars releases Python's lock while it computes, and each stage
leaves the other's cores idle part of the time (the keyed hash runs in Python, verification ends
on a few whole-column counts). A streamed leak runs them one after the other, so that their
memory peaks never add up.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from toolkit import pseudonymise, verify
from toolkit.ingest import Ingested
from toolkit.schema import Schema


def verify_and_pseudonymise(
    raw: Ingested, schema: Schema, key: bytes, out: str | Path, *, progress: bool = False
) -> tuple[verify.VerifyReport, Path]:
    """Verify ``raw`` and write its safe table to ``out``; return the report and the path."""

    def safe_table() -> Path:
        return pseudonymise.write_safe_table(pseudonymise.pseudonymise(raw, schema, key), out)

    if not raw.in_memory:
        report = verify.verify(raw, schema, progress=progress)
        return report, safe_table()
    with ThreadPoolExecutor(max_workers=1) as background:
        checking = background.submit(verify.verify, raw, schema, progress=progress)
        path = safe_table()
        return checking.result(), path


__all__ = ["verify_and_pseudonymise"]
