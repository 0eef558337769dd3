"""Transfer-set generators: new rows like X, for the teacher to label.

A student can only copy its teacher where it sees the teacher answer. These
generators draw rows that look like the training rows, so the teacher can be
asked about the space between them. All share one interface,
``sample(X, n_rows, random_state)``, and take data as users have it: pandas
DataFrames with categorical, string, boolean, integer and float columns and
NaN, or dense numpy arrays. The rows they return have the same column order,
dtypes and categories; numeric values stay within the observed range
(integer-valued columns stay integers) and no categorical level is invented.
"""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.neighbors import NearestNeighbors
from sklearn.utils import check_random_state
from sklearn.utils import check_scalar
from sklearn.utils._param_validation import Interval


def _pandas():
    """pandas, imported when first needed: it is not a core dependency."""
    try:
        import pandas
    except ImportError as error:  # pragma: no cover - pandas is in every test setup
        raise ImportError("Augmenters need pandas: pip install pandas") from error
    return pandas


class _Columns:
    """A DataFrame seen column by column: numeric columns as floats, the rest as rows to copy."""

    def __init__(self, frame):
        self.frame = frame
        self.numeric = {
            name: frame[name].to_numpy(dtype=np.float64, na_value=np.nan)
            for name in frame.columns
            if _is_numeric(frame[name])
        }

    def numeric_bounds(self, name):
        values = self.numeric[name]
        finite = values[np.isfinite(values)]
        if finite.size == 0:
            return np.nan, np.nan, False
        integral = bool(np.all(finite == np.round(finite)))
        return finite.min(), finite.max(), integral

    def rebuild(self, source_rows, numeric_values):
        """A frame of ``source_rows`` of each column, or the values given for numeric ones."""
        columns = {}
        for name in self.frame.columns:
            column = self.frame[name]
            if name in numeric_values:
                columns[name] = self._cast_numeric(name, numeric_values[name])
            else:
                rows = source_rows if np.ndim(source_rows) == 1 else source_rows[name]
                columns[name] = column.take(rows).reset_index(drop=True)
        return _pandas().DataFrame(columns, columns=self.frame.columns)

    def _cast_numeric(self, name, values):
        low, high, integral = self.numeric_bounds(name)
        finite = np.isfinite(values)
        values = values.copy()
        values[finite] = np.clip(values[finite], low, high)
        if integral:
            values[finite] = np.round(values[finite])
        dtype = self.frame[name].dtype
        pd = _pandas()
        if isinstance(dtype, np.dtype):
            return pd.Series(values.astype(dtype) if dtype.kind in "iu" else values, dtype=dtype)
        # A pandas extension dtype (Int64, Float64): NaN becomes its NA.
        return pd.Series(pd.array(np.where(finite, values, np.nan), dtype="Float64")).astype(dtype)


def _is_numeric(column):
    types = _pandas().api.types
    return types.is_numeric_dtype(column) and not types.is_bool_dtype(column)


def _as_frame(X):
    """``X`` as a DataFrame, and a function giving the result back in X's own form."""
    if sp.issparse(X):
        raise TypeError(
            "Augmenters take dense numpy arrays and pandas DataFrames; got a sparse "
            f"{type(X).__name__}. Convert it with X.toarray(), or fit with augment=None."
        )
    pd = _pandas()
    if isinstance(X, pd.DataFrame):
        if not X.columns.is_unique:
            raise ValueError("X has duplicate column names; augmenters need unique names.")
        return X.reset_index(drop=True), lambda frame: frame
    array = np.asarray(X)
    if array.ndim != 2:
        raise ValueError(
            f"X must be 2-dimensional (n_samples, n_features); got shape {array.shape}."
        )
    return pd.DataFrame(array), lambda frame: frame.to_numpy(dtype=array.dtype)


def _source_rows(n_samples, n_rows, rng):
    """Which real row each new row starts from: every row equally often."""
    full_passes, remainder = divmod(n_rows, n_samples)
    extra = rng.choice(n_samples, remainder, replace=False)
    return np.concatenate([np.tile(np.arange(n_samples), full_passes), extra])


class _Augmenter(BaseEstimator):
    """The shared ``sample`` entry point: input checks, then ``_generate``."""

    def sample(self, X, n_rows, random_state=None):
        """Draw ``n_rows`` new rows like the rows of ``X``.

        Parameters
        ----------
        X : {ndarray, DataFrame} of shape (n_samples, n_features)
            The rows to imitate, left unchanged. DataFrames may hold
            categorical, string, boolean and numeric columns and NaN.
        n_rows : int
            How many rows to draw. Every row of X is the starting point of
            ``n_rows // n_samples`` new rows (a few rows, drawn at random, of
            one more).
        random_state : int, RandomState instance or None, default=None
            Seeds the draws: the same value gives the same rows.

        Returns
        -------
        X_new : {ndarray, DataFrame} of shape (n_rows, n_features)
            New rows in X's form: the same columns, dtypes and categories.
        """
        self._validate_params()
        check_scalar(n_rows, "n_rows", Integral, min_val=0)
        frame, restore = _as_frame(X)
        if len(frame) == 0:
            raise ValueError("X has no rows: augmenters need at least one row to imitate.")
        rng = check_random_state(random_state)
        rows = _source_rows(len(frame), n_rows, rng)
        return restore(self._generate(_Columns(frame), rows, rng))


class Munge(_Augmenter):
    """MUNGE: each row trades attributes with its nearest neighbour.

    For each new row, start from a real row ``e`` and its nearest neighbour
    ``e'``. Each attribute is, with probability ``p``, replaced: a categorical
    (or non-numeric) one by the neighbour's value; a numeric one by a draw from
    a normal centred on the neighbour's value with standard deviation
    ``|e_a - e'_a| / s``. Numeric draws are clipped to the observed range and
    rounded in integer-valued columns; a missing value on either side is
    swapped like a category (Bucila, Caruana and Niculescu-Mizil, 2006).

    The paper sweeps the rows in order and also modifies the neighbour in
    place; here every new row is drawn from its own pair independently, the
    same per-row distribution without the dependence on row order, which lets
    the draws run vectorised.

    Neighbours are found with :class:`sklearn.neighbors.NearestNeighbors` on
    numeric columns scaled to unit variance (a missing value sits at the
    mean) and one-hot categorical columns, where a differing category costs
    as much as ``categorical_weight`` standard deviations of a numeric column.

    Parameters
    ----------
    p : float, default=0.5
        Probability that an attribute is replaced. ``p=0`` returns copies of
        the rows; larger values draw rows further from the real ones.
    s : float, default=1.0
        Local variance parameter: numeric draws have standard deviation
        ``|e_a - e'_a| / s``; larger values keep new rows closer to the
        neighbour's value.
    categorical_weight : float, default=1.0
        Distance between two rows that differ in one categorical column, in
        standard deviations of a numeric column.
    search_rows : int, default=4096
        Neighbours are searched within random blocks of at most this many
        rows. Exact for data up to that size; on larger data it keeps the cost
        linear in the number of rows (the search dominates MUNGE's time), and
        a neighbour among 4096 rows is still a close one.

    See Also
    --------
    ColumnResample : Cells redrawn from the column's marginal.
    GaussianNoise : Numeric columns jittered.

    References
    ----------
    C. Bucila, R. Caruana and A. Niculescu-Mizil, "Model Compression",
    KDD 2006.

    Examples
    --------
    >>> import pandas as pd
    >>> from skdistill.augment import Munge
    >>> X = pd.DataFrame({"age": [25, 32, 47, 51], "city": pd.Categorical(list("abab"))})
    >>> X_new = Munge(p=0.5, s=1.0).sample(X, 8, random_state=0)
    >>> X_new.shape, X_new.dtypes.equals(X.dtypes)
    ((8, 2), True)
    >>> bool(X_new["age"].between(25, 51).all())
    True
    """

    _parameter_constraints = {
        "p": [Interval(Real, 0, 1, closed="both")],
        "s": [Interval(Real, 0, None, closed="neither")],
        "categorical_weight": [Interval(Real, 0, None, closed="left")],
        "search_rows": [Interval(Integral, 2, None, closed="left")],
    }

    def __init__(self, p=0.5, s=1.0, categorical_weight=1.0, search_rows=4096):
        self.p = p
        self.s = s
        self.categorical_weight = categorical_weight
        self.search_rows = search_rows

    def _generate(self, columns, rows, rng):
        neighbours = self._nearest_neighbours(columns.frame, rng)[rows]
        n_rows = len(rows)
        take_neighbour = {}
        numeric_values = {}
        for name in columns.frame.columns:
            replaced = rng.random_sample(n_rows) < self.p
            if name not in columns.numeric:
                take_neighbour[name] = np.where(replaced, neighbours, rows)
                continue
            own, other = columns.numeric[name][rows], columns.numeric[name][neighbours]
            scale = np.abs(own - other) / self.s
            drawn = rng.normal(np.nan_to_num(other), np.nan_to_num(scale))
            # A missing value on either side is swapped, like a category.
            drawn = np.where(np.isfinite(scale), drawn, other)
            numeric_values[name] = np.where(replaced, drawn, own)
        return columns.rebuild(take_neighbour, numeric_values)

    def _nearest_neighbours(self, frame, rng):
        """Index of each row's nearest other row, searched within random blocks."""
        n_samples = len(frame)
        neighbours = np.arange(n_samples)
        if n_samples < 2:
            return neighbours
        space = _DistanceSpace(frame, self.categorical_weight)
        n_blocks = -(-n_samples // self.search_rows)
        for block in np.array_split(rng.permutation(n_samples), n_blocks):
            features = space.features(block)
            _, found = NearestNeighbors(n_neighbors=2).fit(features).kneighbors(features)
            # The closest hit is normally the row itself; with exact duplicates
            # it may be the twin, whose nearest is then this row: either way
            # the first hit that is not the row is a nearest neighbour.
            is_self = block[found[:, 0]] == block
            neighbours[block] = block[np.where(is_self, found[:, 1], found[:, 0])]
        return neighbours


class _DistanceSpace:
    """Numeric columns scaled to unit variance, categorical columns one-hot and weighted.

    A mismatch puts ``weight / sqrt(2)`` on two one-hot columns: a squared
    distance of ``weight ** 2``, as one standard deviation on a numeric column.
    Features are built block by block, so memory follows the block size.
    """

    # Wider one-hot blocks are kept sparse (many categories), narrower dense
    # (dense distances run on BLAS, much faster).
    _MAX_DENSE_WIDTH = 2048

    def __init__(self, frame, categorical_weight):
        numeric, codes = [], []
        for name in frame.columns:
            column = frame[name]
            if _is_numeric(column):
                numeric.append(_standardised(column))
            else:
                codes.append(_pandas().factorize(column, use_na_sentinel=False)[0])
        self.numeric = np.column_stack(numeric) if numeric else np.empty((len(frame), 0))
        self.codes = np.column_stack(codes) if codes else np.empty((len(frame), 0), np.intp)
        self.offsets = np.concatenate([[0], np.cumsum(self.codes.max(axis=0) + 1)])
        self.value = categorical_weight / np.sqrt(2.0)

    def features(self, rows):
        if self.codes.shape[1] == 0:
            return self.numeric[rows]
        columns = (self.codes[rows] + self.offsets[:-1]).ravel()
        row_of_each = np.repeat(np.arange(len(rows)), self.codes.shape[1])
        one_hot = sp.csr_matrix(
            (np.full(columns.size, self.value), (row_of_each, columns)),
            shape=(len(rows), self.offsets[-1]),
        )
        if self.offsets[-1] > self._MAX_DENSE_WIDTH:
            return sp.hstack([sp.csr_matrix(self.numeric[rows]), one_hot], format="csr")
        return np.hstack([self.numeric[rows], one_hot.toarray()])


def _standardised(column):
    """Values scaled to unit variance around the mean; missing values at the mean (0)."""
    values = column.to_numpy(dtype=np.float64, na_value=np.nan, copy=True)
    values[~np.isfinite(values)] = np.nan
    if not np.isfinite(values).any():
        return np.zeros(len(values))
    spread = np.nanstd(values)
    centred = np.nan_to_num(values - np.nanmean(values))
    return centred / spread if spread > 0 else centred


class ColumnResample(_Augmenter):
    """Each new row is a real row with a few cells redrawn from their column.

    A redrawn cell takes the value of the same column in another real row
    drawn at random: the column's marginal distribution, missing values
    included. Each new row redraws ``max(1, round(fraction * n_features))``
    distinct columns, so no new row is an exact copy by construction (unlike
    a per-cell coin, which leaves most rows unchanged when there are few
    features).

    Parameters
    ----------
    fraction : float, default=0.2
        Share of the columns redrawn in each new row.

    See Also
    --------
    Munge : Attributes traded with the nearest neighbour.
    GaussianNoise : Numeric columns jittered.

    Examples
    --------
    >>> import numpy as np
    >>> from skdistill.augment import ColumnResample
    >>> X = np.arange(12.0).reshape(4, 3)
    >>> X_new = ColumnResample(fraction=0.3).sample(X, 6, random_state=0)
    >>> X_new.shape
    (6, 3)
    >>> bool(np.isin(X_new[:, 0], X[:, 0]).all())
    True
    """

    _parameter_constraints = {"fraction": [Interval(Real, 0, 1, closed="right")]}

    def __init__(self, fraction=0.2):
        self.fraction = fraction

    def _generate(self, columns, rows, rng):
        n_samples, n_features = columns.frame.shape
        n_redrawn = max(1, round(self.fraction * n_features))
        order = np.argsort(rng.random_sample((len(rows), n_features)), axis=1)
        redrawn = np.zeros((len(rows), n_features), dtype=bool)
        np.put_along_axis(redrawn, order[:, :n_redrawn], True, axis=1)
        donors = rng.randint(n_samples, size=(len(rows), n_features))
        source = np.where(redrawn, donors, rows[:, None])
        take = {name: source[:, i] for i, name in enumerate(columns.frame.columns)}
        return columns.rebuild(take, {})


class GaussianNoise(_Augmenter):
    """Each new row is a real row with its numeric columns jittered.

    Every numeric value moves by a normal draw with standard deviation
    ``scale`` times its column's standard deviation, then is clipped to the
    column's observed range (and rounded in integer-valued columns).
    Categorical, string and boolean columns, and missing values, are copied.

    Parameters
    ----------
    scale : float, default=0.1
        Standard deviation of the noise, as a fraction of each column's.

    See Also
    --------
    Munge : Attributes traded with the nearest neighbour.
    ColumnResample : Cells redrawn from the column's marginal.

    Examples
    --------
    >>> import numpy as np
    >>> from skdistill.augment import GaussianNoise
    >>> X = np.array([[0.0, 10.0], [1.0, 20.0], [2.0, 30.0]])
    >>> X_new = GaussianNoise(scale=0.1).sample(X, 3, random_state=0)
    >>> bool(np.all((X_new >= X.min(axis=0)) & (X_new <= X.max(axis=0))))
    True
    """

    _parameter_constraints = {"scale": [Interval(Real, 0, None, closed="left")]}

    def __init__(self, scale=0.1):
        self.scale = scale

    def _generate(self, columns, rows, rng):
        numeric_values = {}
        for name, values in columns.numeric.items():
            finite = values[np.isfinite(values)]
            spread = finite.std() if finite.size else 0.0
            own = values[rows]
            numeric_values[name] = own + rng.normal(0.0, self.scale * spread, size=len(rows))
        return columns.rebuild(rows, numeric_values)


AUGMENTERS = {"munge": Munge, "resample": ColumnResample, "gaussian": GaussianNoise}
