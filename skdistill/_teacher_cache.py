"""The teacher-output cache: outputs reused only for the exact teacher state and rows.

Hyper-parameter searches over ``temperature`` and ``alpha`` fit many clones
that share one fitted teacher and see the same training folds: the teacher's
raw outputs depend on neither, so each (teacher state, X) pair is evaluated
once.

An entry is keyed by a digest of everything ``pickle`` saves of the teacher,
so any change of its state — a refit, ``set_params``, ``intercept_ += 3``, a
scaler's ``mean_`` edited deep inside a Pipeline, a torch weight changed in
place — gives another key: the cache never returns outputs of a state the
teacher is no longer in. Copies of a teacher (a deepcopy, a pickle loaded in
another process) have the same digest and share entries. A teacher that
cannot be pickled is never cached.
"""

import hashlib
import pickle
import threading
from collections import OrderedDict

import numpy as np


def state_digest(obj):
    """A digest of ``obj``'s pickled state, or None when it cannot be pickled.

    Pickle protocol 5 hands numpy buffers (tree nodes, weights, X itself)
    out of band, so they are hashed in place instead of being copied.

    Examples
    --------
    >>> import numpy as np
    >>> from skdistill._teacher_cache import state_digest
    >>> a = np.arange(3.0)
    >>> before = state_digest(a)
    >>> a[0] += 1
    >>> before == state_digest(a)
    False
    """
    buffers = []
    try:
        data = pickle.dumps(obj, protocol=5, buffer_callback=buffers.append)
    except Exception:  # anything pickle refuses: lambdas, locks, open files
        return None
    # A change detector, not a security boundary: sha1 is the fastest here.
    digest = hashlib.sha1(data)
    for buffer in buffers:
        digest.update(buffer.raw())
    return digest.hexdigest()


class TeacherOutputCache:
    """Least-recently-used cache of teacher outputs, bounded in entries and bytes.

    ``skdistill.teacher_output_cache`` is the process's one instance. It keeps
    a fitted teacher's raw outputs (a classifier's logits, a regressor's
    predictions) on the rows it was asked about: the distillers' ``fit``,
    :func:`~skdistill.metrics.fidelity_scorer` and the displays ask through
    it, so a :class:`~sklearn.model_selection.GridSearchCV` over
    ``temperature`` and ``alpha`` evaluates the teacher once per fold, not
    once per candidate.

    An entry is reused for a teacher in the same state (a digest of everything
    ``pickle`` saves of it: a copy, even in another process, hits; any change,
    a refit or an edit in place such as ``teacher.coef_ *= 2``, misses) and
    rows of the same content. A teacher that cannot be pickled, and a plain
    function, are never cached. Randomly drawn transfer rows are cached only
    under an integer ``random_state``; the later stages of a chain
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

    def get_or_compute(self, teacher, X, compute, method=""):
        """``compute(X)``, reusing a stored result for the same teacher state, X and method."""
        key = self._key(teacher, X, method)
        if key is None:
            return compute(X)
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = np.asarray(compute(X))
        value.flags.writeable = False
        if value.nbytes > self.max_bytes:  # storing it would evict every other entry
            return value
        with self._lock:
            self._entries[key] = value
            self._evict()
        return value

    @staticmethod
    def _key(teacher, X, method):
        teacher_state = state_digest(teacher)
        if teacher_state is None:
            return None
        rows = state_digest(X)
        return None if rows is None else (teacher_state, rows, method)

    def _evict(self):
        total = sum(value.nbytes for value in self._entries.values())
        while self._entries and (
            len(self._entries) > self.max_entries or total > self.max_bytes
        ):
            _, value = self._entries.popitem(last=False)
            total -= value.nbytes

    def clear(self):
        """Forget every stored output."""
        with self._lock:
            self._entries.clear()

    def __len__(self):
        return len(self._entries)


teacher_output_cache = TeacherOutputCache()
