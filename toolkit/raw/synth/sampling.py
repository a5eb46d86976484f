"""Random integer arrays for the plan: weighted draws, and categories planted with exact counts.

:func:`plant` decides categories over persons so that their counts over *rows* are exact:
persons ``0 .. n_dup-1`` appear in two rows each, so each of them counts twice.
"""

from __future__ import annotations

import numpy as np

from toolkit.shared.errors import ToolkitError


def _split_dup(targets: np.ndarray, n_rows: int, n_dup: int,
               dup_counts: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Split row targets per category into duplicated persons (weight 2) and singletons."""
    if dup_counts is None:
        share = targets * (n_dup / n_rows)
        dup_counts = np.minimum(np.floor(share).astype(np.int64), targets // 2)
        order = np.argsort(-(share - np.floor(share)), kind="stable")
        i = 0
        while dup_counts.sum() < n_dup:
            c = order[i % len(order)]
            if targets[c] - 2 * dup_counts[c] >= 2:
                dup_counts[c] += 1
            i += 1
    singles = targets - 2 * dup_counts
    if (singles < 0).any() or singles.sum() != n_rows - 2 * n_dup:
        raise ToolkitError("internal error: planted counts do not add up")
    return dup_counts, singles


def labels(rng: np.random.Generator, counts: np.ndarray) -> np.ndarray:
    """A shuffled array holding category ``i`` exactly ``counts[i]`` times."""
    return rng.permutation(np.repeat(np.arange(len(counts), dtype=np.int8), counts))


def plant(rng: np.random.Generator, targets: list[int], n_rows: int, n_dup: int,
          dup_counts: list[int] | None = None) -> np.ndarray:
    """Person-level categories whose *row* counts hit ``targets`` exactly (duplicates count twice).

    Persons ``0 .. n_dup-1`` are the duplicated ones (two rows each), the others one row each.
    """
    t = np.asarray(targets, dtype=np.int64)
    d = None if dup_counts is None else np.asarray(dup_counts, dtype=np.int64)
    dup, single = _split_dup(t, n_rows, n_dup, d)
    return np.concatenate([labels(rng, dup), labels(rng, single)])


def chosen(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    """A Boolean mask over ``n`` items with ``k`` of them, picked at random, set."""
    mask = np.zeros(n, dtype=bool)
    mask[rng.permutation(n)[:k]] = True
    return mask


def largest_remainder(weights: np.ndarray, total: int) -> np.ndarray:
    """Integers proportional to ``weights`` that sum to ``total`` exactly."""
    share = weights / weights.sum() * total
    out = np.floor(share).astype(np.int64)
    rest = total - out.sum()
    out[np.argsort(-(share - out), kind="stable")[:rest]] += 1
    return out


def draw(rng: np.random.Generator, weights: np.ndarray, n: int) -> np.ndarray:
    """``n`` indices drawn with the given weights (inverse CDF, vectorised)."""
    cdf = np.cumsum(weights, dtype=np.float64)
    picked = np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right")
    # u * total can round up to the total itself: that is the last item, not one past it.
    return np.minimum(picked, len(cdf) - 1).astype(np.int32)
