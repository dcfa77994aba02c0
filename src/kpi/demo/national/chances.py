"""Cheap random choices for tens of millions of rows.

A choice is made from a random whole number from 0 to 65,535 (two bytes a row, a quarter of a float):
"yes" when it is below the chance as a threshold, or a category looked up in a table of 65,536
entries that holds each category as many times as its share. Shares are thus exact to 1 in 65,536,
which is far finer than any share the data are calibrated on.
"""

from __future__ import annotations

import numpy as np

SCALE = 1 << 16


def draws(rng: np.random.Generator, count: int) -> np.ndarray:
    """`count` random whole numbers from 0 to 65,535."""
    return rng.integers(0, SCALE, size=count, dtype=np.uint16)


def threshold(chance) -> np.ndarray:
    """A chance (or array of chances) as the threshold a draw must be below."""
    return np.clip(np.rint(np.asarray(chance, dtype=float) * SCALE), 0, SCALE - 1).astype(np.uint16)


def table(shares) -> np.ndarray:
    """The category (0, 1, ...) for every draw, each as often as its share."""
    shares = np.asarray(shares, dtype=float)
    edges = np.rint(np.cumsum(shares / shares.sum()) * SCALE).astype(np.int64)
    return np.repeat(np.arange(len(shares), dtype=np.int8), np.diff(edges, prepend=0))
