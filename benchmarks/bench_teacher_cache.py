"""What the teacher-output cache's guarantee costs: digesting a teacher's state against one pass.

The cache keys on a digest of everything pickle saves of the teacher, so an
in-place edit can never return stale outputs. This script measures, in one
run and one thread, for a 300-tree forest and a 500-tree LightGBM teacher on
real data: one teacher pass over the training rows, the digest of the
teacher, the digest of X, and a temperature x alpha grid search with the
teacher evaluations it made (one per training fold is the saving kept).

    python -m benchmarks.bench_teacher_cache [--rows 20000]
"""

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from lightgbm import LGBMClassifier  # noqa: E402
from sklearn.ensemble import RandomForestClassifier  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402

from benchmarks.common import pre_auto  # noqa: E402
from benchmarks.datasets import load  # noqa: E402
from skdistill import DistilledClassifier, teacher_output_cache  # noqa: E402
from skdistill._teacher_cache import state_digest  # noqa: E402
from skdistill._teacher_outputs import teacher_logits  # noqa: E402


def best_of(function, repeats=3):
    """The shortest of ``repeats`` wall-clock timings of ``function()``, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def teachers():
    return {
        "forest_300": RandomForestClassifier(n_estimators=300, min_samples_leaf=2, n_jobs=1,
                                             random_state=0),
        "lightgbm_500": LGBMClassifier(n_estimators=500, num_leaves=31, n_jobs=1, verbose=-1,
                                       random_state=0),
    }


def measure(dataset, rows):
    X, y, _ = load(dataset)
    X = X.select_dtypes("number").to_numpy(dtype=np.float64)[:rows]
    y = y[:rows]
    results = []
    for name, teacher in teachers().items():
        teacher.fit(X, y)
        teacher_output_cache.clear()
        one_pass = best_of(lambda: teacher_logits(teacher, X, cache=False))
        teacher_digest = best_of(lambda: state_digest(teacher))
        rows_digest = best_of(lambda: state_digest(X))
        cached = best_of(lambda: teacher_logits(teacher, X))  # digests, then a hit
        results.append({
            "dataset": dataset, "rows": len(X), "teacher": name,
            "teacher_pass_s": one_pass, "teacher_digest_s": teacher_digest,
            "X_digest_s": rows_digest, "cached_call_s": cached,
            "cached_call_over_pass": cached / one_pass,
            **grid_search(teacher, X, y),
        })
        print(results[-1], flush=True)
    return results


def grid_search(teacher, X, y):
    """A 3 x 3 temperature x alpha grid, 3 folds: teacher evaluations and seconds."""
    teacher_output_cache.clear()
    calls_before = _count_calls(teacher)
    grid = {"temperature": [1.0, 2.0, 4.0], "alpha": [0.5, 0.8, 1.0]}
    distiller = pre_auto(DistilledClassifier)(teacher, DecisionTreeClassifier(max_depth=6),
                                              random_state=0)
    search = GridSearchCV(distiller, grid, cv=3, refit=False)
    start = time.perf_counter()
    search.fit(X, y)
    return {"grid_fits": 27, "grid_s": time.perf_counter() - start,
            "grid_teacher_evaluations": _count_calls(teacher) - calls_before}


# Teacher evaluations per teacher object, counted on the class so that the
# counting does not change the teacher's state (nor, so, its digest).
_CALLS = {}
_COUNTED_CLASSES = set()


def _count_calls(teacher):
    """Teacher evaluations so far, counted by a wrapper installed once per class."""
    _CALLS.setdefault(id(teacher), 0)
    if type(teacher) not in _COUNTED_CLASSES:
        _COUNTED_CLASSES.add(type(teacher))
        _install_counter(type(teacher))
    return _CALLS[id(teacher)]


def _install_counter(cls):
    method = "decision_function" if hasattr(cls, "decision_function") else "predict_proba"
    original = getattr(cls, method)

    def counted(self, X, *args, **kwargs):
        if id(self) in _CALLS:
            _CALLS[id(self)] += 1
        return original(self, X, *args, **kwargs)

    setattr(cls, method, counted)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--datasets", default="adult,mnist_5k")
    parser.add_argument("--out", default="benchmarks/results/teacher_cache.csv")
    args = parser.parse_args()
    frame = pd.DataFrame([row for name in args.datasets.split(",")
                          for row in measure(name, args.rows)])
    frame.to_csv(args.out, index=False, float_format="%.4g")
    print(frame.to_string(index=False))


if __name__ == "__main__":
    main()
