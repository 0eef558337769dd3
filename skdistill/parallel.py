"""Scaling out on Dask: ship a fitted teacher to each worker once, label
rows partition by partition.

Under ``joblib.parallel_config(backend="dask")`` every task of a
``GridSearchCV`` pickles its estimator, teacher included: a large teacher
would travel once per task. :func:`scatter_teacher` puts the teacher in each
worker's memory once and returns a small stand-in that travels instead and
resolves, on the worker, to that one copy. Within a worker all tasks then
share one teacher object, so skdistill's teacher-output cache works there too.

:func:`teacher_outputs` computes a teacher's logits (or a regressor's
predictions) on a Dask array or DataFrame partition by partition, lazily: a
transfer set larger than memory is labelled without ever being held whole.
"""

import threading
import uuid

import numpy as np

from ._adapters import as_teacher, teacher_kind
from ._optional import import_optional
from ._teacher_outputs import teacher_adapter, teacher_logits, teacher_predictions

# key -> ScatteredTeacher: one stand-in per scattered teacher per process, so
# every task unpickled in a worker resolves to the same teacher object.
_STAND_INS = {}
_LOCK = threading.Lock()


class ScatteredTeacher:
    """A fitted teacher held in the Dask workers' memory, used like the teacher.

    Made by :func:`scatter_teacher`. Attribute access is delegated to the
    teacher; pickling sends only the key of the scattered data.

    Parameters
    ----------
    teacher : object or None
        The teacher, where this process has it (the client); ``None`` on a
        worker until first use.
    key : str
        The Dask key of the scattered teacher.
    """

    def __init__(self, teacher, key):
        self._teacher = teacher
        self.key = key

    @property
    def teacher(self):
        """The teacher itself, fetched from the worker's memory on first use."""
        if self._teacher is None:
            self._teacher = _fetch(self.key)
        return self._teacher

    def __getattr__(self, name):
        if name.startswith("__") or name in ("_teacher", "key"):
            raise AttributeError(name)
        return getattr(self.teacher, name)

    def __sklearn_clone__(self):
        return self

    def __skdistill_adapter__(self, kind):
        return as_teacher(self.teacher, kind)

    def __sklearn_is_fitted__(self):
        return True

    def __sklearn_tags__(self):
        return self.teacher.__sklearn_tags__()

    def __reduce__(self):
        return _stand_in, (self.key,)

    def __repr__(self):
        name = type(self._teacher).__name__ if self._teacher is not None else "?"
        return f"ScatteredTeacher({name}, key={self.key!r})"


def _stand_in(key):
    with _LOCK:
        if key not in _STAND_INS:
            _STAND_INS[key] = ScatteredTeacher(None, key)
        return _STAND_INS[key]


def _fetch(key):
    distributed = import_optional("distributed")
    try:
        return distributed.get_worker().data[key]
    except (ValueError, KeyError):
        # Not in this worker's memory (a worker that joined later, or a
        # replica Dask's memory manager dropped): fetch it, leaving the task's
        # thread slot free meanwhile so the worker cannot deadlock.
        with distributed.worker_client() as client:
            return client.gather(distributed.Future(key, client))


def scatter_teacher(teacher, client=None):
    """Send a fitted teacher to every Dask worker once; return its stand-in.

    Pass the stand-in as the distiller's ``teacher``: tasks of a search or a
    cross-validation then carry a key of a few bytes instead of the teacher.

    Parameters
    ----------
    teacher : object
        A fitted teacher.
    client : distributed.Client, default=None
        The client to scatter with; ``None`` uses the current one.

    Returns
    -------
    stand_in : ScatteredTeacher
        Used like the teacher.

    Examples
    --------
    >>> import joblib
    >>> from dask.distributed import Client, LocalCluster
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from sklearn.model_selection import GridSearchCV
    >>> from skdistill import DistilledClassifier
    >>> from skdistill.parallel import scatter_teacher
    >>> X, y = load_iris(return_X_y=True)
    >>> forest = RandomForestClassifier(n_estimators=50, random_state=0).fit(X, y)
    >>> with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster, \\
    ...         Client(cluster) as client:
    ...     teacher = scatter_teacher(forest, client)
    ...     with joblib.parallel_config(backend="dask"):
    ...         search = GridSearchCV(
    ...             DistilledClassifier(teacher), {"alpha": [0.5, 1.0]}, cv=3
    ...         ).fit(X, y)
    >>> search.best_estimator_.teacher_ is teacher
    True
    """
    distributed = import_optional("distributed")
    client = client if client is not None else distributed.get_client()
    future = client.scatter(teacher, broadcast=True, hash=False)
    stand_in = ScatteredTeacher(teacher, future.key)
    stand_in._future = future  # keeps the scattered data alive while the stand-in lives
    with _LOCK:
        _STAND_INS[future.key] = stand_in
    return stand_in


def teacher_outputs(teacher, X, *, kind=None):
    """A fitted teacher's raw outputs on X: per partition for Dask collections.

    The same values the distillers compute in ``fit``: the logits of a
    classifier (one column per class of the teacher), the predictions of a
    regressor. On a Dask array or DataFrame nothing is computed: the result
    is a Dask collection with one task per partition, and the teacher enters
    the graph once (as one key every task depends on; pass the stand-in of
    :func:`scatter_teacher` to reuse copies the workers already hold), so a
    transfer set larger than memory is labelled partition by partition and
    can be written out (``to_parquet``, ``to_zarr``) or reduced. Other inputs
    are computed at once, in chunks of rows.

    Parameters
    ----------
    teacher : object
        A fitted teacher, as the distillers take it (a list means a
        :class:`~skdistill.TeacherEnsemble`).
    X : dask.array.Array, dask.dataframe.DataFrame, array-like or DataFrame
        Rows, with the columns the teacher was fitted on.
    kind : {"classifier", "regressor"}, default=None
        What the teacher is; ``None`` tells it from the teacher (a bare torch
        module needs it said).

    Returns
    -------
    outputs : dask.array.Array, dask.dataframe.DataFrame or ndarray
        Logits of shape ``(n_samples, n_classes)`` (a DataFrame: one float
        column per class, named ``str(class)``), or predictions of shape
        ``(n_samples,)`` (a DataFrame input gives a Series ``"prediction"``).

    Examples
    --------
    >>> import dask.array as da
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from skdistill.parallel import teacher_outputs
    >>> X, y = load_iris(return_X_y=True)
    >>> forest = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    >>> logits = teacher_outputs(forest, da.from_array(X, chunks=50))
    >>> logits.shape, logits.npartitions
    ((150, 3), 3)
    >>> logits.compute().argmax(axis=1)[:5]
    array([0, 0, 0, 0, 0])
    """
    kind = teacher_kind(teacher) if kind is None else kind
    if kind not in ("classifier", "regressor"):
        raise ValueError(
            f"Cannot tell whether the `teacher` {type(teacher).__name__} is a classifier or "
            "a regressor: pass kind='classifier' or kind='regressor'."
        )
    classes = getattr(teacher_adapter(teacher, kind), "classes_", None)  # checks it now
    if _is_dask(X, "Array"):
        return _array_outputs(teacher, X, kind, classes)
    if _is_dask(X, "DataFrame"):
        return _frame_outputs(teacher, X, kind, classes)
    return _block_outputs(X, teacher, kind)


def _is_dask(X, class_name):
    return type(X).__module__.split(".")[0] == "dask" and type(X).__name__ == class_name


def _block_outputs(block, teacher, kind):
    # A partition is seen once: caching it would only evict the fit's entries.
    if kind == "classifier":
        return teacher_logits(teacher, block, cache=False)
    return teacher_predictions(teacher, block, cache=False)


def _frame_outputs_of(partition, teacher, kind, columns):
    pd = import_optional("pandas")
    outputs = _block_outputs(partition, teacher, kind)
    if columns is None:
        return pd.Series(outputs, index=partition.index, name="prediction")
    return pd.DataFrame(outputs, index=partition.index, columns=columns)


def _shipped_once(teacher):
    """The teacher as one key of the graph that every partition's task depends on."""
    dask = import_optional("dask")
    return dask.delayed(teacher, name=f"skdistill-teacher-{uuid.uuid4().hex}", traverse=False)


def _array_outputs(teacher, X, kind, classes):
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D Dask array; got {X.ndim} dimension(s).")
    X = X.rechunk({1: -1})  # a row's features in one block
    if classes is None:
        return X.map_blocks(_block_outputs, _shipped_once(teacher), kind, drop_axis=1,
                            dtype=np.float64)
    return X.map_blocks(_block_outputs, _shipped_once(teacher), kind,
                        chunks=(X.chunks[0], (len(classes),)), dtype=np.float64)


def _frame_outputs(teacher, X, kind, classes):
    pd = import_optional("pandas")
    if classes is None:
        columns, meta = None, pd.Series(dtype=np.float64, name="prediction")
    else:
        columns = [str(label) for label in classes]
        meta = pd.DataFrame({column: pd.Series(dtype=np.float64) for column in columns})
    return X.map_partitions(_frame_outputs_of, _shipped_once(teacher), kind, columns,
                            meta=meta)
