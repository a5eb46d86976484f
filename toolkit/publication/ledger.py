"""The release ledger: what was published from which input with which key, kept beside the key.

Disclosure control protects releases, not tables: a figure that is safe alone can be undone by an
earlier one (the same table published from a copy of the file that lacks one person gives that
person's département, lab, month, age band and data away, cell by cell). So every export records
what it published here, and every new export is checked against the earlier ones before anything
is written:

* releases of the same input (same sha256) are attacked jointly, as one set of tables
  (``toolkit.publication.release.protect_jointly``);
* releases of other inputs under the same key (copies of a leak, versions of a file) may not
  publish a cell that differs from the same cell of an earlier release by 1 to k-1 persons: the
  difference would be a published count of fewer than k persons. Such an export is refused, with
  one line naming the earlier release and what to do;
* with differential privacy, the epsilons of all releases add up, and an export that would go
  past the budget is refused.

The ledger is a JSON file, owner-only (0600), beside the key it belongs to (one ledger per key,
named by the key's fingerprint, never by the key). It holds published figures and, privately,
which hidden cells are small: it must stay as private as the key. Deleting a release from it is a
deliberate act (``python -m toolkit ledger --forget ID``), never a side effect.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.publication.release import Cell, PublishedTable, signature
from toolkit.shared.errors import DisclosureError, InputError

LEDGER_VERSION = 1

#: The dimensions a copy's release and a comparison of copies may not both count persons by.
TIME_AND_PLACE: tuple[str, ...] = ("month", "year", "lab")

#: The default budget of differential privacy, summed over every release of one key.
DEFAULT_EPSILON_BUDGET = 10.0


@dataclass
class Release:
    """One export: what it published, from which input, with what parameters."""

    kind: str
    input_sha256: str
    out: str
    parameters: dict[str, Any]
    persons: int | None
    tables: list[PublishedTable]
    epsilon_spent: float = 0.0
    written_at: str = ""
    id: str = ""

    def content_id(self) -> str:
        """A short id of what was published (same figures, same id)."""
        content = json.dumps(
            [self.input_sha256, self.persons, [t.to_json() for t in self.tables]],
            sort_keys=True, ensure_ascii=False,
        )  # fmt: skip
        return hashlib.sha256(content.encode("utf-8")).hexdigest()[:12]

    def to_json(self) -> dict[str, Any]:
        """The release as plain JSON."""
        return {
            "id": self.id, "kind": self.kind, "input_sha256": self.input_sha256,
            "out": self.out, "written_at": self.written_at, "parameters": self.parameters,
            "persons": self.persons, "epsilon_spent": self.epsilon_spent,
            "tables": [t.to_json() for t in self.tables],
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Release:
        """A release read back from :meth:`to_json`."""
        return cls(
            kind=data["kind"], input_sha256=data["input_sha256"], out=data["out"],
            parameters=data["parameters"], persons=data["persons"],
            tables=[PublishedTable.from_json(t) for t in data["tables"]],
            epsilon_spent=data.get("epsilon_spent", 0.0), written_at=data.get("written_at", ""),
            id=data.get("id", ""),
        )  # fmt: skip

    def describe(self) -> str:
        """One line naming the release for a person: id, date, folder, input."""
        return (f"release {self.id} ({self.kind}, {self.written_at[:10] or 'undated'}, "
                f"{self.out}, input sha256 {self.input_sha256[:12]}…)")  # fmt: skip


@dataclass
class Ledger:
    """The releases of one key, read from and written to ``path``."""

    path: Path
    key_fingerprint: str
    releases: list[Release] = field(default_factory=list)

    @classmethod
    def open(cls, path: str | Path, key_fingerprint: str) -> Ledger:
        """The ledger at ``path`` (empty when the file does not exist yet)."""
        path = Path(path)
        if not path.exists():
            return cls(path, key_fingerprint)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"the release ledger cannot be read ({exc})", path) from None
        if data.get("key_fingerprint") != key_fingerprint:
            raise InputError(
                "this release ledger belongs to another key: give the key it was made with, "
                "or another ledger", path,
            )  # fmt: skip
        return cls(path, key_fingerprint, [Release.from_json(r) for r in data["releases"]])

    # --- what earlier releases published ------------------------------------------------------

    def tables_of(self, input_sha256: str) -> list[PublishedTable]:
        """Every table published earlier from this input (attacked jointly with a new release)."""
        return [t for r in self.releases if r.input_sha256 == input_sha256 for t in r.tables]

    def withheld_dimensions(
        self, input_sha256: str, copies: Sequence[str] = ()
    ) -> frozenset[str]:
        """Dimensions a new release may not count persons by, because a release of another
        input with the same persons already did: for a copy of a leak, a comparison of copies
        that holds it; for a comparison (``copies``: the sha256 of its copies), a release of one
        of its copies. A person's months, years and labs counted once by copy and once by group
        of copies could be subtracted one from the other; the joint attacker does not model that
        link, so whichever release comes second leaves those tables out.
        """
        linked = [r for r in self.releases
                  if input_sha256 in r.parameters.get("copies", ()) or r.input_sha256 in copies]
        dims = {d for r in linked for t in r.tables for d, _ in t.dims}
        return frozenset(TIME_AND_PLACE) if dims & set(TIME_AND_PLACE) else frozenset()

    def epsilon_spent(self) -> float:
        """The differential-privacy budget already spent under this key."""
        return sum(r.epsilon_spent for r in self.releases)

    def check(self, release: Release, *, epsilon_budget: float = DEFAULT_EPSILON_BUDGET) -> None:
        """Refuse ``release`` (DisclosureError) if, with the earlier ones, it would disclose."""
        if release.epsilon_spent:
            total = self.epsilon_spent() + release.epsilon_spent
            if total > epsilon_budget + 1e-9:
                raise DisclosureError(
                    f"export refused, nothing written: this export spends epsilon = "
                    f"{release.epsilon_spent:g} and the earlier releases of this key "
                    f"{self.epsilon_spent():g}, past the budget of {epsilon_budget:g}; raise the "
                    "budget deliberately (--epsilon-budget) or publish fewer tables"
                )
        for earlier in self.releases:
            if earlier.input_sha256 == release.input_sha256:
                continue
            clash = _difference(earlier, release)
            if clash is not None:
                raise DisclosureError(
                    f"export refused, nothing written: {earlier.describe()} published {clash}; "
                    "the two files differ by fewer than k persons there, which would reveal "
                    "them. Publish from the same file as that release, use --epsilon "
                    "(differential privacy), or forget that release deliberately "
                    f"(python -m toolkit ledger --forget {earlier.id})"
                )

    # --- recording ------------------------------------------------------------------------------

    def record(self, release: Release) -> Release:
        """Add ``release`` (unless the same figures were already recorded) and save the ledger."""
        release.id = release.content_id()
        if any(r.id == release.id and r.out == release.out for r in self.releases):
            return release
        release.written_at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        self.releases.append(release)
        self.save()
        return release

    def forget(self, release_id: str) -> Release:
        """Remove one release (a deliberate act: its figures are no longer checked against)."""
        for i, release in enumerate(self.releases):
            if release.id == release_id:
                del self.releases[i]
                self.save()
                return release
        raise InputError(f"no release {release_id!r} in this ledger", self.path)

    def save(self) -> None:
        """Write the ledger atomically, owner-only (0600)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        document = {
            "version": LEDGER_VERSION,
            "key_fingerprint": self.key_fingerprint,
            "releases": [r.to_json() for r in self.releases],
        }
        fd, name = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(document, fh, ensure_ascii=False, indent=1, sort_keys=True)
            os.replace(name, self.path)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise


def _visible(tables: Sequence[PublishedTable]) -> dict[tuple, tuple[int, int]]:
    """(population, dimensions, key, margin) -> (published value, k) for every visible cell."""
    out: dict[tuple, tuple[int, int]] = {}
    for table in tables:
        if table.method == "dp":
            continue
        population, dims, order = signature(table)
        for cell in table.cells:
            if cell.hidden or cell.value is None:
                continue
            key = tuple(cell.key[i] for i in order)
            out[(population, dims, key, cell.margin)] = (cell.value, table.k)
    return out


def _difference(earlier: Release, new: Release) -> str | None:
    """The first cell both releases show with values 1 to k-1 apart, described; else None."""
    k = max(earlier.parameters.get("k", 11), new.parameters.get("k", 11))
    noised = earlier.parameters.get("epsilon") or new.parameters.get("epsilon")
    if earlier.persons is not None and new.persons is not None and not noised:
        gap = abs(earlier.persons - new.persons)
        if 1 <= gap < k:
            return (f"{earlier.persons} persons in all, where this export would publish "
                    f"{new.persons}")  # fmt: skip
    before = _visible(earlier.tables)
    for where, (value, k) in _visible(new.tables).items():
        if where in before:
            old, old_k = before[where]
            if 1 <= abs(old - value) < max(k, old_k):
                _, dims, key, _ = where
                cell = ", ".join(f"{d} {v}" for d, v in zip(dims, key, strict=True))
                return f"{old} for {cell or 'the total'}, where this export would publish {value}"
    return None


__all__ = ["DEFAULT_EPSILON_BUDGET", "TIME_AND_PLACE", "Cell", "Ledger", "Release"]
