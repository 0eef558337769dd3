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

    Parameters
    ----------
    max_entries : int
        Most (teacher, X) pairs kept.
    max_bytes : int
        Most bytes of outputs kept; larger outputs are not cached.
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
