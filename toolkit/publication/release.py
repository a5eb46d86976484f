"""A release: every table published at once from one input, protected jointly, and recorded.

Disclosure control protects releases, not tables. The tables of a bundle describe the same
people: the same persons are counted by month, by lab, by département, by data category and by
year, and an extra chart exported from a notebook counts them once more. A hidden cell safe in its
own table can be given back by the others (the total of one table minus the visible cells of
another, with "each person appears in at least one year"). So, after each table has been
protected on its own (``toolkit.publication.protection``), :func:`protect_jointly` writes every
table of the release, and of the earlier releases of the same input recorded in the ledger
(``toolkit.publication.ledger``), as one integer program (``toolkit.publication.attacker``), and
hides more cells until no hidden cell can be narrowed beyond what its marker says.

What a table counts is declared by its *dimensions* (one per key column), each of a kind:

* ``partition``: every person has exactly one value (département of the latest residence, age
  band, sex): the cells add up to the persons of the table;
* ``cover``: every person has at least one value, maybe several (months, years, labs, distance
  bands): the cells add up to at least the persons of the table, each cell at most;
* ``flag``: a person may have any number of values, none included (data categories, mentions):
  each cell is at most the persons of the table;
* ``ranked``: a partition of which only the largest cells are published (combinations).

Two tables whose dimensions differ by some of these are linked by those rules (the cells of
"category x year" for one category cover the persons of "category"), which is how the attacker
combines them. A table is *complete* when no row was left out of it (a month table without
undated records, for instance); the covering rules are only used for complete tables.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import polars as pl

from toolkit.publication import attacker
from toolkit.publication.attacker import Hidden, Model
from toolkit.publication.disclosure import PRIMARY, SECONDARY, Protected
from toolkit.shared.errors import DisclosureError
from toolkit.shared.vocabulary import ANY_HEALTH_MENTION, HEALTH_MENTIONS

COUNT = "persons"
DimKind = Literal["partition", "cover", "flag", "ranked"]
Method = Literal["suppression", "rounding", "dp"]

#: The unknown standing for all persons of the input (published in the manifest and the note).
PERSONS: attacker.Var = ("persons",)

#: The flag, category and mention row that stand for "a comment with a health mention" (the
#: context mentions, child and baby, are not health mentions).
ANY_MENTION = ANY_HEALTH_MENTION


@dataclass(frozen=True)
class Meaning:
    """What a table counts: one (dimension, kind) per key column, and whether it is complete."""

    dims: tuple[tuple[str, DimKind], ...]
    complete: bool = True


@dataclass(frozen=True)
class Cell:
    """One published cell (or total) of a table, as the release records it."""

    key: tuple[str | None, ...]
    value: int | None
    hidden: bool
    #: "primary" / "secondary" for hidden cells: kept private (ledger, never published).
    reason: str | None = None
    #: None for a cell; "grand", "row" or "column" for a total.
    margin: str | None = None


@dataclass
class PublishedTable:
    """A table as published: its cells and totals, how they were protected, what they count."""

    name: str
    dims: tuple[tuple[str, DimKind], ...]
    cells: list[Cell]
    k: int
    method: Method = "suppression"
    rounding: int | None = None
    zeros_hidden: bool = False
    complete: bool = True
    #: The population the table describes: "all" persons of the input, or a named selection.
    population: str = "all"

    @property
    def marker(self) -> str:
        """What a reader sees on hidden cells: "< k" when all are primary, else "secret"."""
        reasons = {c.reason for c in self.cells if c.hidden}
        return "secret" if SECONDARY in reasons else f"< {self.k}"

    def to_json(self) -> dict[str, Any]:
        """The table as plain JSON (for the ledger)."""
        return {
            "name": self.name, "dims": [list(d) for d in self.dims], "k": self.k,
            "method": self.method, "rounding": self.rounding, "zeros_hidden": self.zeros_hidden,
            "complete": self.complete, "population": self.population,
            "cells": [[list(c.key), c.value, c.hidden, c.reason, c.margin] for c in self.cells],
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PublishedTable:
        """A table read back from :meth:`to_json`."""
        return cls(
            name=data["name"], dims=tuple((d, kind) for d, kind in data["dims"]), k=data["k"],
            method=data["method"], rounding=data["rounding"], zeros_hidden=data["zeros_hidden"],
            complete=data["complete"], population=data.get("population", "all"),
            cells=[Cell(tuple(key), value, hidden, reason, margin)
                   for key, value, hidden, reason, margin in data["cells"]],
        )  # fmt: skip


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def published_table(
    name: str,
    meaning: Meaning,
    protected: Protected,
    keys: Sequence[str],
    *,
    k: int,
    rounding: int | None = None,
    dp: bool = False,
    allow_zero: bool = True,
    population: str = "all",
) -> PublishedTable:
    """The record of one protected table (``keys``: its key columns, in ``meaning``'s order)."""
    c = protected.count
    cells = []
    for frame, is_margin in ((protected.table, False), (protected.margins, True)):
        if frame.height == 0:
            continue
        reason = f"{c}_reason" if f"{c}_reason" in frame.columns else None
        columns = [*keys, c, f"{c}_suppressed"] + ([reason] if reason else [])
        margin = frame["margin"].to_list() if is_margin else [None] * frame.height
        for row, where in zip(frame.select(columns).iter_rows(), margin, strict=True):
            cells.append(Cell(
                key=tuple(_text(v) for v in row[: len(keys)]),
                value=None if row[len(keys)] is None else int(row[len(keys)]),
                hidden=bool(row[len(keys) + 1]),
                reason=row[len(keys) + 2] if reason else None,
                margin=where,
            ))  # fmt: skip
    method: Method = "dp" if dp else ("rounding" if rounding else "suppression")
    return PublishedTable(
        name=name, dims=meaning.dims, cells=cells, k=k, method=method, rounding=rounding,
        zeros_hidden=not allow_zero, complete=meaning.complete, population=population,
    )  # fmt: skip


# --- the joint model --------------------------------------------------------------------------


def signature(table: PublishedTable) -> tuple[str, tuple[str, ...], tuple[int, ...]]:
    """(population, dimension names sorted, the order that sorts a key the same way)."""
    names = [d for d, _ in table.dims]
    order = tuple(sorted(range(len(names)), key=lambda i: names[i]))
    return table.population, tuple(names[i] for i in order), order


def _cell_var(population: str, dims: tuple[str, ...], key: tuple[str | None, ...]) -> tuple:
    return ("cell", population, dims, key)


@dataclass
class _Table:
    """A table inside the model: its unknowns by key, and its dimension kinds."""

    population: str
    dims: tuple[str, ...]
    kinds: dict[str, str]
    complete: bool
    cells: dict[tuple[str | None, ...], attacker.Var] = field(default_factory=dict)


@dataclass
class JointModel:
    """The attacker's model of a set of tables, and where each table's cells sit in it."""

    model: Model
    #: (table index, cell index) -> unknown, for every cell and total.
    where: dict[tuple[int, int], attacker.Var]
    hidden: list[tuple[Hidden, int, int]]


def _cell_bounds(table: PublishedTable, cell: Cell) -> tuple[float, float]:
    """What the published value (or marker) says of a cell's true count."""
    if cell.hidden:
        if table.method == "dp" or table.marker == "secret":
            return 0, math.inf
        return (0 if table.zeros_hidden else 1), table.k - 1
    if table.method == "dp" or cell.value is None:
        return 0, math.inf
    if table.method == "rounding" and table.rounding:
        base = table.rounding
        low, high = cell.value - base // 2, cell.value - base // 2 + base - 1
        # Published counts are never 1 to k-1: a rounded value says the count is 0 or >= k.
        if high < table.k:
            return 0, 0
        return max(low, table.k, 0), high
    return cell.value, cell.value


def build_model(tables: Sequence[PublishedTable], persons: int | None) -> JointModel:
    """The attacker's integer program over ``tables`` (all of one input) and the persons count."""
    model = Model()
    model.var(PERSONS)
    if persons is not None:
        model.fix(PERSONS, persons)
    by_signature: dict[tuple[str, tuple[str, ...]], _Table] = {}
    where: dict[tuple[int, int], attacker.Var] = {}
    hidden: list[tuple[Hidden, int, int]] = []
    for t, table in enumerate(tables):
        population, dims, order = signature(table)
        kinds = dict(table.dims)
        entry = by_signature.setdefault(
            (population, dims), _Table(population, dims, kinds, table.complete)
        )
        entry.complete = entry.complete and table.complete
        margins: list[tuple[int, Cell]] = []
        for c, cell in enumerate(table.cells):
            if cell.margin is not None:
                margins.append((c, cell))
                continue
            key = tuple(cell.key[i] for i in order)
            var = entry.cells.setdefault(key, _cell_var(population, dims, key))
            model.var(var, *_cell_bounds(table, cell))
            where[(t, c)] = var
        for c, cell in margins:
            var = ("total", t, c)
            model.var(var, *_cell_bounds(table, cell))
            where[(t, c)] = var
            fixed = {i: cell.key[i] for i in range(len(cell.key)) if cell.key[i] is not None}
            members = [
                where[(t, i)] for i, other in enumerate(table.cells)
                if other.margin is None and all(other.key[j] == v for j, v in fixed.items())
            ]  # fmt: skip
            model.add({**dict.fromkeys(members, 1), var: -1}, 0, 0)
        for c, cell in enumerate(table.cells):
            if cell.hidden and table.method != "dp":
                check = Hidden(where[(t, c)], cell.reason == PRIMARY, table.k, table.zeros_hidden)
                hidden.append((check, t, c))
    _add_virtual_years(model, by_signature)
    _link(model, by_signature)
    _link_combinations(model, by_signature)
    _link_copies(model, by_signature)
    return JointModel(model, where, hidden)


def _year_of(month: str | None) -> str | None:
    return None if month is None else month[:4]


def _add_virtual_years(model: Model, tables: dict[tuple[str, tuple[str, ...]], _Table]) -> None:
    """For every table with a month, the same table by year (unpublished), linked to it.

    Persons with a record in a year are at least those of each of its months and at most their
    sum; tables by year (category x year) are then linked to these like any other table.
    """
    for (population, dims), table in list(tables.items()):
        if "month" not in dims:
            continue
        at = dims.index("month")
        year_dims = tuple(sorted([*dims[:at], *dims[at + 1:], "year"]))
        kinds = {**{d: k for d, k in table.kinds.items() if d != "month"}, "year": "cover"}
        years = tables.setdefault(
            (population, year_dims), _Table(population, year_dims, kinds, complete=False)
        )
        groups: dict[tuple, list[attacker.Var]] = defaultdict(list)
        for key, var in table.cells.items():
            if key[at] is None:
                continue
            rest = dict(zip([d for d in dims if d != "month"], key[:at] + key[at + 1:],
                            strict=True))  # fmt: skip
            rest["year"] = _year_of(key[at])
            year_key = tuple(rest[d] for d in year_dims)
            groups[year_key].append(var)
        for year_key, months in groups.items():
            year_var = years.cells.setdefault(year_key, _cell_var(population, year_dims, year_key))
            model.var(year_var)
            for month_var in months:
                model.at_most(month_var, year_var)
            model.add({**dict.fromkeys(months, 1), year_var: -1}, lower=0)


def _link(model: Model, tables: dict[tuple[str, tuple[str, ...]], _Table]) -> None:
    """Link every pair of tables of one population where one refines the other.

    ``base`` has dimensions D, ``fine`` has D plus extra ones E. Each cell of ``fine`` is at most
    the ``base`` cell it refines. When ``fine`` is complete and E holds no flag: the cells over E
    add up to the base cell (all partitions), to at least it (covers), or to at most it (a ranked
    partition). The persons of the input are the base of every table with no dimension; a
    selection's cells are at most the same cells of all persons.
    """
    for (population, fine_dims), fine in tables.items():
        bases: list[tuple[tuple[str, ...], dict]] = [((), {(): PERSONS})]
        bases += [(dims, t.cells) for (pop, dims), t in tables.items()
                  if pop == population and set(dims) < set(fine_dims)]  # fmt: skip
        for base_dims, base_cells in bases:
            extra = [d for d in fine_dims if d not in base_dims]
            kinds = {fine.kinds[d] for d in extra}
            groups: dict[tuple, list[attacker.Var]] = defaultdict(list)
            for key, var in fine.cells.items():
                named = dict(zip(fine_dims, key, strict=True))
                groups[tuple(named[d] for d in base_dims)].append(var)
            for base_key, members in groups.items():
                base = base_cells.get(base_key)
                if base is None:
                    continue
                for var in members:
                    model.at_most(var, base)
                if "flag" in kinds or not fine.complete:
                    continue
                total = {**dict.fromkeys(members, 1), base: -1}
                if kinds == {"partition"}:
                    model.add(total, 0, 0)
                elif kinds <= {"partition", "cover"}:
                    model.add(total, lower=0)
                elif kinds == {"ranked"}:
                    model.add(total, upper=0)
        if population != "all":
            everyone = tables.get(("all", fine_dims))
            for key, var in fine.cells.items():
                if everyone is not None and key in everyone.cells:
                    model.at_most(var, everyone.cells[key])
    _link_mentions(model, tables)


def _link_mentions(model: Model, tables: dict) -> None:
    """Mentions are read in comments, and health mentions make the comments that are health data.

    Every mention cell is at most the same cell of the table by category for ``comment``; a
    ``health_mention`` cell (persons with at least one health mention) equals the category
    table's ``health_mention`` cell and is at most its ``comment`` cell. Within a table by
    mention, each health mention is at most its ``health_mention`` cell, itself at most their
    sum; the context mentions (child, baby) are tied to neither.
    """
    for (population, dims), table in tables.items():
        if "category" in dims:
            at = dims.index("category")
            for key, var in table.cells.items():
                if key[at] != ANY_MENTION:
                    continue
                comment = table.cells.get((*key[:at], "comment", *key[at + 1:]))
                if comment is not None:
                    model.at_most(var, comment)
        if "mention" not in dims:
            continue
        comment_dims = tuple(sorted(d if d != "mention" else "category" for d in dims))
        comments = tables.get((population, comment_dims))
        groups: dict[tuple, dict[str | None, attacker.Var]] = defaultdict(dict)
        for key, var in table.cells.items():
            named = dict(zip(dims, key, strict=True))
            mention = named.pop("mention")
            groups[tuple(named.items())][mention] = var
            if comments is None:
                continue
            as_category = {
                category: comments.cells.get(
                    tuple({**named, "category": category}[d] for d in comment_dims))
                for category in ("comment", ANY_MENTION)
            }  # fmt: skip
            if as_category["comment"] is not None:
                model.at_most(var, as_category["comment"])
            if mention == ANY_MENTION and as_category[ANY_MENTION] is not None:
                model.add({var: 1, as_category[ANY_MENTION]: -1}, 0, 0)
        for kinds in groups.values():
            if ANY_MENTION in kinds:
                _tie_to_kinds(model, kinds[ANY_MENTION], kinds)


def _tie_to_kinds(model: Model, any_mention: attacker.Var, kinds: dict) -> None:
    """The persons with a health mention: at least those of each kind, at most their sum."""
    health = [kinds[m] for m in HEALTH_MENTIONS if m in kinds]
    for var in health:
        model.at_most(var, any_mention)
    if health:
        model.add({**dict.fromkeys(health, 1), any_mention: -1}, lower=0)


def _any_mention(model: Model, tables: dict, population: str) -> attacker.Var:
    """The persons with a health mention: a published cell, else an unknown tied to the kinds."""
    for dims in (("category",), ("mention",)):
        table = tables.get((population, dims))
        if table is not None and (ANY_MENTION,) in table.cells:
            return table.cells[(ANY_MENTION,)]
    target = ("any_mention", population)
    model.var(target)
    model.at_most(target, PERSONS)
    mentions = tables.get((population, ("mention",)))
    if mentions is not None:
        _tie_to_kinds(model, target, {key[0]: var for key, var in mentions.cells.items()})
    return target


def _link_combinations(model: Model, tables: dict) -> None:
    """Combinations of exposed data split the persons: link them to categories and mentions.

    The persons exposed to a category are at least those of the published combinations holding
    it, and at most those plus everyone in the combinations left unpublished.
    """
    for (population, dims), table in tables.items():
        if dims != ("combination",):
            continue
        combos = {key[0]: var for key, var in table.cells.items() if key[0] is not None}
        rest = ("rest", population)
        model.var(rest)
        model.add({**dict.fromkeys(combos.values(), 1), rest: 1, PERSONS: -1}, 0, 0)
        flags = {flag for combo in combos for flag in combo.split("+") if combo != "none"}
        categories = tables.get((population, ("category",)))
        for flag in sorted(flags):
            if flag == ANY_MENTION:
                target = _any_mention(model, tables, population)
            elif categories is not None and (flag,) in categories.cells:
                target = categories.cells[(flag,)]
            else:
                continue
            holding = [var for combo, var in combos.items() if flag in combo.split("+")]
            model.add({**dict.fromkeys(holding, 1), target: -1}, upper=0)
            model.add({**dict.fromkeys(holding, 1), rest: 1, target: -1}, lower=0)


def _link_copies(model: Model, tables: dict) -> None:
    """A comparison of copies: the persons of a copy are those of every pattern holding it.

    The overlap table counts persons by the exact set of copies they appear in ("A+B"), a
    partition; the copies table counts the persons of each copy. The persons of copy A are the
    sum of the patterns that hold A ("A", "A+B", "A+C", "A+B+C").
    """
    for (population, dims), table in tables.items():
        if dims != ("copies",):
            continue
        copies = tables.get((population, ("copy",)))
        if copies is None:
            continue
        for (copy,), target in copies.cells.items():
            if copy is None:
                continue
            holding = [var for (pattern,), var in table.cells.items()
                       if pattern is not None and copy in pattern.split("+")]  # fmt: skip
            model.add({**dict.fromkeys(holding, 1), target: -1}, 0, 0)


# --- protecting a release ----------------------------------------------------------------------


@dataclass
class Draft:
    """A table of the release being made: its record and the protected frame behind it."""

    table: PublishedTable
    protected: Protected
    keys: tuple[str, ...]


def hide_cell(protected: Protected, keys: Sequence[str], key: tuple[str | None, ...]) -> Protected:
    """``protected`` with one more cell hidden (as secondary), found by its key."""
    c = protected.count
    # Keys were recorded as text (dates in ISO form): compare them as text.
    match = pl.all_horizontal(
        pl.col(name).cast(pl.String).eq_missing(value)
        for name, value in zip(keys, key, strict=True)
    )
    table = protected.table.with_columns(
        pl.when(match).then(None).otherwise(pl.col(c)).alias(c),
        (pl.col(f"{c}_suppressed") | match).alias(f"{c}_suppressed"),
        pl.when(match).then(pl.lit(SECONDARY)).otherwise(pl.col(f"{c}_reason"))
        .alias(f"{c}_reason"),
    )
    summary = dict(protected.summary)
    if summary:
        summary["suppressed_secondary"] = summary.get("suppressed_secondary", 0) + 1
    return Protected(table, protected.margins, c, summary)


#: How many cells are tried, one by one, to free a narrowed cell before the smallest is taken.
MAX_TRIES = 12


def _candidates(
    joint: JointModel, var: attacker.Var, drafts: Sequence[Draft], first: int
) -> list[tuple[int, int]]:
    """Published cells of the new tables tied to the narrowed cell, nearest and smallest first.

    Cells sharing a constraint with it come first, then those one step further (through an
    unpublished quantity such as a year's persons, or another table's cell).
    """
    constraints = [set(terms) for terms, _, _ in joint.model.constraints]
    published = {v: tc for tc, v in joint.where.items() if tc[0] >= first}
    seen: set[attacker.Var] = {var}
    ring = {var}
    ordered: list[tuple[int, int]] = []
    for _ in range(3):
        ring = {v for terms in constraints if terms & ring for v in terms} - seen
        seen |= ring
        found = []
        for v in ring:
            t, c = published.get(v, (None, None))
            if t is None:
                continue
            cell = drafts[t - first].table.cells[c]
            if not cell.hidden and cell.margin is None:
                found.append((cell.value or 0, t, c))
        ordered += [(t, c) for _, t, c in sorted(found)]
    return ordered


def protect_jointly(
    drafts: Sequence[Draft], earlier: Sequence[PublishedTable], persons: int | None
) -> list[Draft | None]:
    """Hide more cells of ``drafts`` until the attacker narrows no hidden cell of any table.

    ``earlier`` are the tables already published from the same input (they cannot change). For
    a narrowed cell, the published cells tied to it are tried one by one (nearest, smallest
    first) and the first whose hiding frees it is hidden. When no single cell does, they are
    hidden together, one more at a time, until the cell is freed (``MAX_TRIES`` at most).
    When that fails too, the table of the narrowed cell is left out of the release (None in
    its place): on a small file the
    tables can be so tightly tied (a list of combinations that covers nearly everyone, next to
    the number of persons) that hiding cells one by one would empty them all. Hiding or leaving
    out only widens what the attacker can say of the others, so a cell found safe stays safe
    and is not asked about again. A narrowed cell of an earlier release cannot be mended now
    and is not judged (it was checked when it was published).
    """
    kept: list[Draft | None] = list(drafts)
    if all(d.table.method == "dp" for d in drafts):
        return kept
    first = len(earlier)
    before = build_model(earlier, persons)
    given_away = {f.var for f in attacker.findings(before.model, [h for h, _, _ in before.hidden])}
    safe: set[attacker.Var] = set()
    while True:
        present = [d for d in kept if d is not None]
        index = [i for i, d in enumerate(kept) if d is not None]
        joint = build_model([*earlier, *(d.table for d in present)], persons)
        attack = attacker.Attack(joint.model)
        narrowed = None
        for check, t, _ in joint.hidden:
            if check.var in given_away or check.var in safe:
                continue
            if attack.narrows(check) is None:
                safe.add(check.var)
            else:
                narrowed = (check, t)
                break
        if narrowed is None:
            return kept
        check, t_narrowed = narrowed
        candidates = _candidates(joint, check.var, present, first)
        freed = None
        for t, c in candidates[:MAX_TRIES]:
            trial = list(present)
            trial[t - first] = _hidden_in(present[t - first], c)
            tried = build_model([*earlier, *(d.table for d in trial)], persons)
            if attacker.Attack(tried.model).narrows(check) is None:
                freed = (t, c)
                break
        together = None if freed is not None else _free_together(
            check, candidates, present, earlier, persons)  # fmt: skip
        if freed is not None:
            t, c = freed
            kept[index[t - first]] = _hidden_in(present[t - first], c)
        elif together is not None:
            for i, draft in enumerate(together):
                kept[index[i]] = draft
        elif t_narrowed >= first:
            kept[index[t_narrowed - first]] = None
        else:
            raise DisclosureError(
                f"export refused, nothing written: {_describe_var(check.var, joint, earlier)} "
                "from what this export and the earlier releases of this file publish together; "
                "publish fewer or coarser tables, or raise k"
            )


def _free_together(
    check: Hidden,
    candidates: list[tuple[int, int]],
    present: list[Draft],
    earlier: Sequence[PublishedTable],
    persons: int | None,
) -> list[Draft] | None:
    """The drafts with the first candidates hidden together, as few as free ``check``, or None.

    For a cell no single hidden cell frees: one tied to it by several sums, as a group of
    copies is by the persons of each copy it holds.
    """
    first = len(earlier)
    trial = list(present)
    for n, (t, c) in enumerate(candidates[:MAX_TRIES]):
        trial[t - first] = _hidden_in(trial[t - first], c)
        tried = build_model([*earlier, *(d.table for d in trial)], persons)
        if n and attacker.Attack(tried.model).narrows(check) is None:
            return trial
    return None


def _describe_var(
    var: attacker.Var, joint: JointModel, tables: Sequence[PublishedTable]
) -> str:
    """A narrowed cell for a person: its table, its key, what the attacker can tell of it."""
    place = next(((t, c) for h, t, c in joint.hidden if h.var == var), None)
    if place is None or place[0] >= len(tables):
        return "a hidden cell can be recomputed"
    table = tables[place[0]]
    key = table.cells[place[1]].key
    labels = ", ".join(f"{d} {v}" for (d, _), v in zip(table.dims, key, strict=True))
    low, high = attacker.bounds(joint.model, var)
    shown_high = "?" if math.isinf(high) else int(high)
    return (f"the hidden cell {labels} of {table.name} can be recomputed to "
            f"[{int(low)}, {shown_high}]")  # fmt: skip


def _hidden_in(draft: Draft, c: int) -> Draft:
    cell = draft.table.cells[c]
    cells = list(draft.table.cells)
    cells[c] = replace(cell, value=None, hidden=True, reason=SECONDARY)
    table = replace(draft.table, cells=cells)
    return Draft(table, hide_cell(draft.protected, draft.keys, cell.key), draft.keys)


def hidden_markers(tables: Iterable[PublishedTable]) -> dict[str, str]:
    """The marker each table shows on its hidden cells, by table name."""
    return {t.name: t.marker for t in tables}


__all__ = [
    "ANY_MENTION",
    "Cell",
    "Draft",
    "JointModel",
    "Meaning",
    "PERSONS",
    "PublishedTable",
    "build_model",
    "signature",
    "hidden_markers",
    "hide_cell",
    "protect_jointly",
    "published_table",
]
