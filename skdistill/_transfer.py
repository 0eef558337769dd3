"""The transfer set: rows the teacher labels beyond the training rows.

Augmented rows (drawn by an augmenter from the training rows) and rows the
user owns without labels are put after the real rows; they learn from the
teacher alone and share a total weight set by ``transfer_weight``. Teacher
outputs on large sets are computed in chunks, in parallel.
"""

import warnings
from numbers import Integral

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.utils import _safe_indexing, check_random_state

from ._progress import progress
from ._seeding import MAX_SEED
from ._validation import is_dataframe
from .augment import AUGMENTERS

# Augmented rows are capped here: 2 million rows of 20 float columns take
# about 320 MB, and the teacher's outputs on them as many again per class.
MAX_AUGMENTED_ROWS = 2_000_000

# Rows per teacher call: large enough that per-call overhead vanishes, small
# enough that a teacher's intermediate arrays (one column per tree in a forest,
# activations in a net) stay within tens of megabytes.
CHUNK_ROWS = 50_000



def resolve_augmenter(augment):
    """The augmenter object ``augment`` names, or a clone of the one given."""
    if augment is None:
        return None
    if isinstance(augment, str):
        return AUGMENTERS[augment]()
    return clone(augment, safe=False)


def n_augmented_rows(augment_size, n_samples):
    """Rows to draw: ``augment_size`` rows if an int, else that multiple of ``n_samples``."""
    if isinstance(augment_size, Integral):
        n_rows = int(augment_size)
    else:
        n_rows = int(round(augment_size * n_samples))
    if n_rows > MAX_AUGMENTED_ROWS:
        warnings.warn(
            f"augment_size asks for {n_rows:,} augmented rows; capped at "
            f"{MAX_AUGMENTED_ROWS:,} to bound memory. Pass a smaller augment_size, or "
            "label extra rows in batches through X_unlabeled.",
            UserWarning,
        )
        n_rows = MAX_AUGMENTED_ROWS
    return n_rows


def augmentation_seed(random_state):
    """A seed for the augmenter drawn from ``random_state``: fixed when it is an int."""
    return check_random_state(random_state).randint(MAX_SEED)


def check_same_kind(X_unlabeled, X):
    """Raise unless ``X_unlabeled`` and ``X`` are both DataFrames or both arrays."""
    if is_dataframe(X) != is_dataframe(X_unlabeled):
        raise TypeError(
            "X_unlabeled must be of the same kind as X: both pandas DataFrames or both "
            f"arrays; got X as {type(X).__name__} and X_unlabeled as "
            f"{type(X_unlabeled).__name__}."
        )


def matching_rows(X_unlabeled, X):
    """``X_unlabeled`` in the form of ``X`` (DataFrame dtypes and categories), or an error."""
    if not is_dataframe(X):
        return X_unlabeled if sp.issparse(X_unlabeled) else np.asarray(X_unlabeled)
    X_unlabeled = X_unlabeled[list(X.columns)]
    for name in X.columns:
        dtype = X[name].dtype
        if getattr(dtype, "name", None) == "category":
            values = X_unlabeled[name].dropna()
            unseen = sorted(set(values.astype(object)) - set(dtype.categories), key=str)
            if unseen:
                raise ValueError(
                    f"X_unlabeled column {name!r} holds categories absent from X: "
                    f"{unseen[:5]}. Map them to known categories or to NaN first."
                )
    return X_unlabeled.astype(X.dtypes.to_dict())


def stack_rows(parts):
    """The row-wise concatenation of DataFrames (index reset) or of arrays."""
    if is_dataframe(parts[0]):
        import pandas as pd  # present: the parts are DataFrames

        return pd.concat([part.reset_index(drop=True) for part in parts], ignore_index=True)
    if any(sp.issparse(part) for part in parts):
        return sp.vstack(parts, format="csr")
    return np.concatenate([np.asarray(part) for part in parts], axis=0)


def transfer_sample_weight(sample_weight, n_samples, n_extra, transfer_weight):
    """Real rows keep their weights; the extra rows share ``transfer_weight`` times their total."""
    real = np.ones(n_samples) if sample_weight is None else np.asarray(sample_weight, float)
    total = real.sum() if real.sum() > 0 else float(n_samples)
    extra = np.full(n_extra, transfer_weight * total / n_extra)
    return np.concatenate([real, extra])


def in_chunks(compute, X, n_jobs=None, verbose=0, chunk_rows=None):
    """``compute(X)`` evaluated on slices of ``chunk_rows`` rows, in parallel with joblib.

    ``chunk_rows=None`` means :data:`CHUNK_ROWS`.

    Threads are preferred: tree ensembles and LightGBM release the GIL while
    predicting, and threads share the teacher instead of copying it to each
    worker. ``joblib.parallel_config(backend="loky")`` switches to processes.

    Examples
    --------
    >>> import numpy as np
    >>> from skdistill._transfer import in_chunks
    >>> X = np.arange(10.0).reshape(5, 2)
    >>> in_chunks(lambda rows: rows.sum(axis=1), X, n_jobs=2, chunk_rows=2).tolist()
    [1.0, 5.0, 9.0, 13.0, 17.0]
    """
    n_rows = X.shape[0]
    chunk_rows = CHUNK_ROWS if chunk_rows is None else chunk_rows
    if n_rows <= chunk_rows:
        return np.asarray(compute(X))
    slices = chunks(n_rows, chunk_rows)
    parts = Parallel(n_jobs=n_jobs, prefer="threads", return_as="generator")(
        delayed(compute)(_safe_indexing(X, rows)) for rows in slices
    )
    if verbose:
        parts = progress(parts, len(slices), f"teacher, {chunk_rows:,} rows a chunk")
    return np.concatenate([np.asarray(part) for part in parts], axis=0)


def chunks(n_rows, chunk_rows=None):
    """Slices of at most ``chunk_rows`` rows (:data:`CHUNK_ROWS` by default) covering ``n_rows``."""
    chunk_rows = CHUNK_ROWS if chunk_rows is None else chunk_rows
    return [slice(start, start + chunk_rows) for start in range(0, n_rows, chunk_rows)]


def finite_outputs(outputs, teacher):
    """``outputs`` of ``teacher``, or a ValueError when any is NaN or inf."""
    if not np.all(np.isfinite(outputs)):
        raise ValueError(
            f"The `teacher` {type(teacher).__name__} returned non-finite outputs (NaN or "
            "inf) on X. Check X for values the teacher cannot handle, or the teacher itself."
        )
    return outputs
