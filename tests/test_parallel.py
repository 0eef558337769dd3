"""Distributed grid search on a real Dask LocalCluster (loopback, 2 worker processes)."""

import pickle

import joblib
import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.tree import DecisionTreeClassifier

from skdistill import DistilledClassifier

distributed = pytest.importorskip("distributed")
dask = pytest.importorskip("dask")
from skdistill.parallel import scatter_teacher  # noqa: E402


def _stand_ins_on_worker():
    from skdistill import parallel

    return {key: id(stand_in.teacher) for key, stand_in in parallel._STAND_INS.items()}


def _data_ids_on_worker(key, dask_worker):
    return id(dask_worker.data[key])


def test_dask_grid_search_equals_local_and_ships_teacher_once():
    X, y = load_digits(return_X_y=True)
    forest = RandomForestClassifier(n_estimators=100, random_state=0).fit(X, y)
    grid = {"temperature": [1.0, 2.0], "alpha": [0.5, 1.0]}
    cv = KFold(3, shuffle=True, random_state=0)

    def search(teacher):
        student = DecisionTreeClassifier(max_depth=6)
        return GridSearchCV(DistilledClassifier(teacher, student, random_state=0), grid, cv=cv)

    local = search(forest).fit(X, y)
    # Keep Dask's memory manager from dropping the replicas no task declared
    # it needs, so each worker reads its own scattered copy.
    with dask.config.set({"distributed.scheduler.active-memory-manager.start": False}), \
            distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None,
    ) as cluster, distributed.Client(cluster) as client:
        teacher = scatter_teacher(forest, client)
        # What a task carries: a key, not the forest.
        assert len(pickle.dumps(DistilledClassifier(teacher))) < 2_000 < len(pickle.dumps(forest))
        with joblib.parallel_config(backend="dask"):
            remote = search(teacher).fit(X, y)
        per_worker = client.run(_stand_ins_on_worker)
        data_ids = client.run(_data_ids_on_worker, teacher.key)

    np.testing.assert_array_equal(
        local.cv_results_["mean_test_score"], remote.cv_results_["mean_test_score"]
    )
    assert remote.best_estimator_.teacher_ is teacher
    # Every worker that ran tasks resolved the key to one teacher object: the
    # copy scattered to it.
    used = {w: ids[teacher.key] for w, ids in per_worker.items() if teacher.key in ids}
    assert used and all(used[w] == data_ids[w] for w in used)
