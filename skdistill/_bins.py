"""Bins of a numeric column that each hold enough rows to say something.

Quantile (or equal-width) bins, then neighbours merged until every bin holds
at least ``min_rows``: a bin of two rows draws a zig-zag, not a pattern.
"""

import numpy as np


def merged_bins(values, n_bins=10, min_rows=20, strategy="quantile", value_range=None):
    """Bin ``values`` (NaN left out); each bin holds ``min_rows`` rows or more.

    Parameters
    ----------
    values : array-like of shape (n_samples,)
        The values to bin; NaN gets bin -1.
    n_bins : int
        Bins before merging.
    min_rows : int
        Fewest rows a bin may hold; a bin below it joins its right neighbour
        (the last bin its left one). With fewer rows than that, one bin.
    strategy : {"quantile", "uniform"}
        Quantile bins (as many rows in each) or bins of equal width.
    value_range : (float, float), default=None
        Where equal-width bins start and end; ``None``: the values' range.

    Returns
    -------
    edges : ndarray of shape (n_merged + 1,)
        Bin ``b`` holds ``edges[b] < v <= edges[b + 1]`` (the first bin also
        its lower edge).
    codes : ndarray of shape (n_samples,)
        The bin of each value, -1 for NaN.

    Examples
    --------
    >>> from skdistill._bins import merged_bins
    >>> edges, codes = merged_bins([1, 2, 3, 4, 5, 6, 7, 100], n_bins=4, min_rows=3)
    >>> edges.tolist(), codes.tolist()
    ([1.0, 4.5, 100.0], [0, 0, 0, 0, 1, 1, 1, 1])
    """
    if strategy not in ("quantile", "uniform"):
        raise ValueError(f"strategy must be 'quantile' or 'uniform', got {strategy!r}.")
    check_bin_sizes(n_bins, min_rows)
    values = np.asarray(values, dtype=np.float64)
    known = values[~np.isnan(values)]
    codes = np.full(len(values), -1)
    if not len(known):
        return np.array([]), codes
    if strategy == "quantile":
        edges = np.unique(np.quantile(known, np.linspace(0.0, 1.0, n_bins + 1)))
    else:
        low, high = (known.min(), known.max()) if value_range is None else value_range
        edges = np.unique(np.linspace(low, high, n_bins + 1))
    if len(edges) == 1:
        edges = np.array([edges[0], edges[0]])
    edges = _merge_small(edges, np.bincount(_codes(known, edges), minlength=len(edges) - 1),
                         min_rows)
    codes[~np.isnan(values)] = _codes(known, edges)
    return edges, codes


def check_bin_sizes(n_bins, min_rows):
    """Refuse, by name, a number of bins or of rows per bin that is not a positive integer."""
    for name, value in (("n_bins", n_bins), ("min_rows", min_rows)):
        if not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}.")


def _codes(values, edges):
    return np.searchsorted(edges[1:-1], values, side="left")


def _merge_small(edges, counts, min_rows):
    """Drop the inner edges that leave a bin with fewer than ``min_rows`` rows."""
    kept, filled = [edges[0]], 0
    for edge, count in zip(edges[1:-1], counts[:-1]):
        filled += count
        if filled >= min_rows:
            kept.append(edge)
            filled = 0
    if len(kept) > 1 and filled + counts[-1] < min_rows:
        kept.pop()  # the last bin is too small: it joins the one before
    return np.array(kept + [edges[-1]])


def bin_labels(edges, decimals=3):
    """``[a, b]`` for the first bin, ``(a, b]`` for the others."""
    labels = []
    for b in range(len(edges) - 1):
        opening = "[" if b == 0 else "("
        labels.append(f"{opening}{edges[b]:.{decimals}g}, {edges[b + 1]:.{decimals}g}]")
    return labels
