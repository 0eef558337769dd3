"""A small in-process cache of teacher outputs, keyed by teacher and data.

Hyper-parameter searches over ``temperature`` and ``alpha`` fit many clones
that share one fitted teacher and see the same training folds: the teacher's
raw outputs depend on neither, so each (teacher, X) pair is evaluated once.

An entry is only reused while the teacher is in the state it was in when the
entry was made: the fingerprint holds the teacher's attribute objects (so
their ids cannot be recycled) and, for torch tensors, their in-place version
counters. Refitting the teacher, in place or not, therefore misses the cache.
"""

import threading
from collections import OrderedDict

import joblib
import numpy as np

_MAX_DEPTH = 3


def _fingerprint(obj, depth=0):
    """A nested tuple that changes whenever ``obj``'s fitted state changes."""
    if isinstance(obj, (list, tuple)):
        return ("seq", obj, tuple(_fingerprint(item, depth) for item in obj))
    if isinstance(obj, type):  # e.g. a skorch net's module class, not its state
        return ("leaf", obj)
    version = getattr(obj, "_version", None)
    if version is not None and hasattr(obj, "data_ptr"):  # a torch tensor
        return ("tensor", obj, version)
    if hasattr(obj, "state_dict") and hasattr(obj, "parameters"):  # torch module
        tensors = obj.state_dict(keep_vars=True).values()
        return ("module", obj, tuple(_fingerprint(t, depth) for t in tensors))
    if hasattr(obj, "current_iteration"):  # a LightGBM Booster grows in place
        return ("booster", obj, obj.current_iteration())
    if depth < _MAX_DEPTH and hasattr(obj, "__dict__") and hasattr(obj, "get_params"):
        items = tuple(
            (name, _fingerprint(value, depth + 1)) for name, value in vars(obj).items()
        )
        return ("estimator", obj, items)
    return ("leaf", obj)


def _same(a, b):
    if a[0] != b[0] or a[1] is not b[1]:
        return False
    if a[0] in ("leaf",):
        return True
    if a[0] in ("tensor", "booster"):
        return a[2] == b[2]
    if a[0] == "estimator":
        return len(a[2]) == len(b[2]) and all(
            name_a == name_b and _same(fa, fb)
            for (name_a, fa), (name_b, fb) in zip(a[2], b[2])
        )
    return len(a[2]) == len(b[2]) and all(_same(x, y) for x, y in zip(a[2], b[2]))


class TeacherOutputCache:
    """Least-recently-used cache of teacher outputs, bounded in entries and bytes.

    ``skdistill.teacher_output_cache`` is the process's one instance. It keeps
    a fitted teacher's raw outputs (a classifier's logits, a regressor's
    predictions) on the rows it was asked about: the distillers' ``fit``,
    :func:`~skdistill.metrics.fidelity_scorer` and the displays ask through
    it, so a :class:`~sklearn.model_selection.GridSearchCV` over
    ``temperature`` and ``alpha`` evaluates the teacher once per fold, not
    once per candidate.

    An entry is reused for the same teacher object in the same fitted state and
    rows of the same content (:func:`joblib.hash` of ``X``: a copy hits). Refitting
    the teacher, in place or not, misses: the key holds its fitted attributes
    by identity. Changing a fitted array in place (``teacher.coef_ *= 2``) is
    not seen: call ``clear()`` after it. Randomly drawn transfer rows are
    cached only under an integer ``random_state``; the later stages of a chain
    (assistant, generations) never are. Outputs are stored read-only.

    Parameters
    ----------
    max_entries : int, default=16
        Most (teacher, X) pairs kept, the least recently used dropped first;
        0 stores nothing. Settable on the instance.
    max_bytes : int, default=1 << 30
        Most bytes of outputs kept (1 GiB); an output larger than this is not
        stored. Settable on the instance.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skdistill import DistilledClassifier, teacher_output_cache
    >>> X, y = load_iris(return_X_y=True)
    >>> teacher = LogisticRegression(max_iter=500).fit(X, y)
    >>> teacher_output_cache.clear()
    >>> for temperature in [1.0, 2.0, 4.0]:
    ...     _ = DistilledClassifier(teacher, DecisionTreeClassifier(),
    ...                             temperature=temperature).fit(X, y)
    >>> len(teacher_output_cache)  # the teacher was asked once
    1
    >>> teacher_output_cache.clear()
    >>> len(teacher_output_cache)
    0
    """

    def __init__(self, max_entries=16, max_bytes=1 << 30):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(self, teacher, X, compute):
        """Return ``compute(X)``, reusing a stored result for the same teacher and X."""
        key = (id(teacher), joblib.hash(X))
        state = _fingerprint(teacher)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and _same(entry[0], state):
                self._entries.move_to_end(key)
                return entry[1]
        value = np.asarray(compute(X))
        value.flags.writeable = False
        if value.nbytes > self.max_bytes:  # storing it would evict every other entry
            return value
        with self._lock:
            self._entries[key] = (state, value)
            self._entries.move_to_end(key)
            self._evict()
        return value

    def _evict(self):
        total = sum(entry[1].nbytes for entry in self._entries.values())
        while self._entries and (
            len(self._entries) > self.max_entries or total > self.max_bytes
        ):
            _, (_, value) = self._entries.popitem(last=False)
            total -= value.nbytes

    def clear(self):
        """Forget every stored output."""
        with self._lock:
            self._entries.clear()

    def __len__(self):
        return len(self._entries)


teacher_output_cache = TeacherOutputCache()
