"""Scaling out on Dask: ship a fitted teacher to each worker once.

Under ``joblib.parallel_config(backend="dask")`` every task of a
``GridSearchCV`` pickles its estimator, teacher included: a large teacher
would travel once per task. :func:`scatter_teacher` puts the teacher in each
worker's memory once and returns a small stand-in that travels instead and
resolves, on the worker, to that one copy. Within a worker all tasks then
share one teacher object, so skdistill's teacher-output cache works there too.
"""

import threading

from ._optional import import_optional

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
