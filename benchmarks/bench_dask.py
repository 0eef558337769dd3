"""A grid search of a DistilledClassifier on a Dask cluster against ``n_jobs=1``.

GridSearchCV over temperature x alpha x student depth (12 candidates x 3
folds) distilling a 300-tree random forest on mnist_5k (5,000 rows x 784
pixels, 10 classes; ``python -m benchmarks.bench_dask digits`` for a
smaller run), three ways
in one process: sequentially (``n_jobs=1``), under joblib's Dask backend on a
``LocalCluster`` of 2 worker processes with the teacher passed as it is, and
the same with the teacher scattered first (:func:`skdistill.parallel.scatter_teacher`).
Reported: wall time and the speedup over ``n_jobs=1``, and how many copies of
the teacher the workers received (counted where they are unpickled), with
a check that the three searches score the same.

Run from the repository root: ``python -m benchmarks.bench_dask [dataset]``; writes
``benchmarks/results/dask.csv``.
"""

import sys
import time
from collections import Counter
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.tree import DecisionTreeClassifier

from skdistill import DistilledClassifier, teacher_output_cache

from .common import load, pre_auto

RESULTS = Path(__file__).parent / "results" / "dask.csv"
GRID = {"temperature": [1.0, 2.0, 4.0], "alpha": [0.5, 1.0],
        "student__max_depth": [6, 10]}
N_WORKERS = 2

# How often a teacher was unpickled in this process (on a worker: received).
ARRIVALS = Counter()


class CountedForest(RandomForestClassifier):
    """A random forest that counts the copies of itself unpickled in each process."""

    def __setstate__(self, state):
        ARRIVALS["teacher"] += 1
        super().__setstate__(state)


def _arrivals():
    return ARRIVALS["teacher"]


def search(teacher, X, y, n_jobs=None):
    distiller = pre_auto(DistilledClassifier)(teacher, DecisionTreeClassifier(random_state=0),
                                    random_state=0)
    return GridSearchCV(distiller, GRID, cv=KFold(3, shuffle=True, random_state=0),
                        n_jobs=n_jobs).fit(X, y)


def timed(run):
    teacher_output_cache.clear()
    start = time.perf_counter()
    result = run()
    return result, time.perf_counter() - start


def main(dataset="mnist_5k"):
    import dask
    import distributed

    from skdistill.parallel import scatter_teacher

    X, y, _ = load(dataset)
    X = X.to_numpy(dtype=np.float64)
    forest = CountedForest(n_estimators=300, random_state=0).fit(X, y)
    local, local_seconds = timed(lambda: search(forest, X, y))
    rows = [{"run": "n_jobs=1", "seconds": local_seconds, "teacher_copies_received": 0,
             "tasks": len(local.cv_results_["params"]) * 3}]
    scores = {"n_jobs=1": local.cv_results_["mean_test_score"]}
    # Dask's memory manager would otherwise drop the replicas no task declared it needs.
    with dask.config.set({"distributed.scheduler.active-memory-manager.start": False}):
        for scattered in (False, True):
            with distributed.LocalCluster(n_workers=N_WORKERS, threads_per_worker=1,
                                          processes=True, host="127.0.0.1",
                                          dashboard_address=None) as cluster, \
                    distributed.Client(cluster) as client:
                name = "dask, teacher scattered" if scattered else "dask, teacher per task"

                def run(client=client, scattered=scattered):
                    teacher = scatter_teacher(forest, client) if scattered else forest
                    with joblib.parallel_config(backend="dask"):
                        return search(teacher, X, y)

                remote, seconds = timed(run)
                received = sum(client.run(_arrivals).values())
            scores[name] = remote.cv_results_["mean_test_score"]
            rows.append({"run": name, "seconds": seconds, "teacher_copies_received": received,
                         "tasks": rows[0]["tasks"]})
    frame = pd.DataFrame(rows)
    frame["speedup_vs_n_jobs_1"] = local_seconds / frame["seconds"]
    frame["same_scores_as_n_jobs_1"] = [
        bool(np.array_equal(scores["n_jobs=1"], scores[run])) for run in frame["run"]
    ]
    RESULTS.parent.mkdir(exist_ok=True)
    frame.round(3).to_csv(RESULTS, index=False)
    print(frame.round(3).to_markdown(index=False))
    return frame


if __name__ == "__main__":
    # Through the module's import name, not __main__: the workers unpickle
    # CountedForest from benchmarks.bench_dask and count in its ARRIVALS.
    from benchmarks.bench_dask import main as run_benchmark

    run_benchmark(*sys.argv[1:])
