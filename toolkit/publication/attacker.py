"""The attacker: one integer program over everything published about the same people.

Disclosure control is only as good as the attack it was checked against. This module is that
attack, written down: a reader who knows every published number and marker, the threshold k and
the counting rules (each person counted once per table; a person may appear in several years,
labs or categories; every table describes the same population) writes all of it as linear
constraints on whole numbers, and asks an integer-programming solver (HiGHS, through SciPy) how
small and how large each hidden cell can be.

A :class:`Model` holds the unknowns (one per cell, published or hidden, plus unpublished
quantities such as "persons with a sample in 2018") with their bounds, and the constraints.
:func:`findings` then checks the promise made for every hidden cell:

* a cell hidden because it counts 1 to k-1 people (*primary*) must stay free over ``[1, k-1]``
  (``[0, k-1]`` where zeros are hidden too): both ends must be reachable by some whole-number
  table consistent with everything published;
* a cell hidden only to protect others (*secondary*) may be bounded, but never pinned: it must be
  able to take at least two values.

The model is built by ``toolkit.publication.release`` from the protected tables of a release
(and of earlier releases of the same input); this module knows nothing of figures or files.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array

from toolkit.shared.errors import DisclosureError

Var = Hashable

#: Solver time limit per question, in seconds: a question it cannot answer in time counts as
#: answered in the attacker's favour (the cell is reported as narrowed).
TIME_LIMIT = 10.0


@dataclass
class Model:
    """Unknowns with integer bounds, and linear constraints ``lower <= sum(coef * x) <= upper``."""

    lower: dict[Var, float] = field(default_factory=dict)
    upper: dict[Var, float] = field(default_factory=dict)
    constraints: list[tuple[dict[Var, float], float, float]] = field(default_factory=list)

    def var(self, name: Var, lower: float = 0, upper: float = math.inf) -> Var:
        """Declare an unknown (or narrow an existing one to the intersection of both ranges)."""
        self.lower[name] = max(self.lower.get(name, -math.inf), lower)
        self.upper[name] = min(self.upper.get(name, math.inf), upper)
        return name

    def fix(self, name: Var, value: float) -> Var:
        """An unknown known exactly (a published count)."""
        return self.var(name, value, value)

    def add(self, coefs: Mapping[Var, float], lower: float = -math.inf,
            upper: float = math.inf) -> None:  # fmt: skip
        """Add ``lower <= sum(coef * x) <= upper`` (every unknown named must be declared)."""
        terms = {v: c for v, c in coefs.items() if c}
        missing = [v for v in terms if v not in self.lower]
        if missing:
            raise KeyError(f"undeclared unknown {missing[0]!r} in a constraint")
        if terms:
            self.constraints.append((terms, lower, upper))

    def at_most(self, small: Var, large: Var) -> None:
        """``small <= large`` (the people of one cell are among those of another)."""
        self.add({small: 1, large: -1}, upper=0)

    def satisfied_by(self, values: Mapping[Var, float]) -> list[int]:
        """Indices of the constraints (and -1 for bounds) that ``values`` violates."""
        bad = [-1] if any(not self.lower[v] <= values[v] <= self.upper[v] for v in values) else []
        for i, (terms, lower, upper) in enumerate(self.constraints):
            total = sum(c * values[v] for v, c in terms.items())
            if not lower - 1e-9 <= total <= upper + 1e-9:
                bad.append(i)
        return bad


@dataclass(frozen=True)
class Hidden:
    """A hidden cell to check: its unknown, why it is hidden, and the threshold it obeys."""

    var: Var
    primary: bool
    k: int
    #: True where zero counts are hidden too (the marker then covers 0 to k-1).
    zeros_hidden: bool = False


@dataclass(frozen=True)
class Finding:
    """A hidden cell the attacker narrows beyond what its marker says."""

    var: Var
    primary: bool
    lowest: float
    highest: float

    def describe(self) -> str:
        """One line: the cell and the values the attacker proved it can take."""
        low = "?" if math.isinf(self.lowest) else int(self.lowest)
        high = "?" if math.isinf(self.highest) else int(self.highest)
        kind = "a cell hidden as small" if self.primary else "a cell hidden to protect others"
        return f"{kind} ({self.var}) can be narrowed to [{low}, {high}]"


class _Solver:
    """The model as matrices, solved many times with one unknown's bounds changed."""

    def __init__(self, model: Model):
        self.names = list(model.lower)
        self.index = {v: i for i, v in enumerate(self.names)}
        self.lower = np.array([model.lower[v] for v in self.names], dtype=float)
        self.upper = np.array([model.upper[v] for v in self.names], dtype=float)
        rows, cols, data, lo, hi = [], [], [], [], []
        for r, (terms, lower, upper) in enumerate(model.constraints):
            for v, c in terms.items():
                rows.append(r)
                cols.append(self.index[v])
                data.append(c)
            lo.append(lower)
            hi.append(upper)
        shape = (len(model.constraints), len(self.names))
        self.constraint = (
            LinearConstraint(csr_array((data, (rows, cols)), shape=shape), lo, hi)
            if model.constraints else None
        )  # fmt: skip
        self.integrality = np.ones(len(self.names))

    def _solve(self, objective: np.ndarray, lower: np.ndarray, upper: np.ndarray):
        return milp(
            objective,
            integrality=self.integrality,
            bounds=Bounds(lower, upper),
            constraints=[] if self.constraint is None else [self.constraint],
            options={"time_limit": TIME_LIMIT, "presolve": True},
        )

    def feasible_at(self, var: Var, value: float) -> bool:
        """Whether some whole-number solution gives ``var`` exactly ``value``."""
        i = self.index[var]
        if not self.lower[i] <= value <= self.upper[i]:
            return False
        lower, upper = self.lower.copy(), self.upper.copy()
        lower[i] = upper[i] = value
        result = self._solve(np.zeros(len(self.names)), lower, upper)
        # 0: optimal (a solution exists); 2: infeasible; anything else (time limit): unknown,
        # counted against the defender.
        return result.status == 0

    def extreme(self, var: Var, sign: float) -> float:
        """The smallest (``sign=1``) or largest (``sign=-1``) value ``var`` can take."""
        objective = np.zeros(len(self.names))
        objective[self.index[var]] = sign
        result = self._solve(objective, self.lower, self.upper)
        if result.status == 0:
            return float(sign * result.fun)
        if result.status == 2:
            raise DisclosureError(
                "the published figures contradict each other: the disclosure check cannot run"
            )
        # Unbounded (only upwards: every unknown is at least 0) or out of time.
        return math.inf if sign < 0 else self.lower[self.index[var]]


class Attack:
    """The attacker at work on one model: ask it about one hidden cell at a time."""

    def __init__(self, model: Model):
        self._solver = _Solver(model)

    def narrows(self, cell: Hidden) -> Finding | None:
        """What the attacker proves about ``cell`` beyond its promise, or None."""
        solver = self._solver
        if cell.primary:
            low_end = 0 if cell.zeros_hidden else 1
            ok = solver.feasible_at(cell.var, low_end) and solver.feasible_at(cell.var, cell.k - 1)
        else:
            ok = solver.extreme(cell.var, 1) < solver.extreme(cell.var, -1)
        if ok:
            return None
        return Finding(cell.var, cell.primary, solver.extreme(cell.var, 1),
                       solver.extreme(cell.var, -1))  # fmt: skip


def findings(model: Model, hidden: Iterable[Hidden]) -> list[Finding]:
    """Every hidden cell the attacker narrows beyond its promise (empty: the release is safe)."""
    attack = Attack(model)
    return [f for f in (attack.narrows(cell) for cell in hidden) if f is not None]


def bounds(model: Model, var: Var) -> tuple[float, float]:
    """The smallest and largest whole value ``var`` can take under the model."""
    solver = _Solver(model)
    return solver.extreme(var, 1), solver.extreme(var, -1)


__all__ = ["Attack", "Finding", "Hidden", "Model", "TIME_LIMIT", "Var", "bounds", "findings"]
