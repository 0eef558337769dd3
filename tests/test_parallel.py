"""Distributed grid search on a real Dask LocalCluster (loopback, 2 worker processes)."""

import pickle

import joblib
import numpy as np
import pytest
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


def test_dask_grid_search_equals_local_and_ships_teacher_once(digits):
    X, y = digits
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


def _graph_keys(collection):
    return [str(key) for key in dict(collection.__dask_graph__())]


def test_teacher_outputs_per_partition_equal_the_distillers(diabetes, digits):
    import dask.array as da
    import dask.dataframe as dd
    import pandas as pd
    from sklearn.ensemble import RandomForestRegressor

    from skdistill._teacher_outputs import teacher_adapter as as_teacher
    from skdistill.parallel import teacher_outputs

    X, y = digits
    labels = np.array([f"digit {k}" for k in range(10)])[y]
    forest = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, labels)
    expected = as_teacher(forest, "classifier").logits(X)

    logits = teacher_outputs(forest, da.from_array(X, chunks=(400, 16)))
    assert logits.shape == expected.shape and logits.numblocks == (5, 1)
    # The teacher is one key of the graph, shared by every partition's task.
    assert sum(key.startswith("skdistill-teacher") for key in _graph_keys(logits)) == 1
    np.testing.assert_allclose(logits.compute(scheduler="sync"), expected)

    pixels = pd.DataFrame(X, columns=[f"px{i}" for i in range(64)])
    named = RandomForestClassifier(n_estimators=20, random_state=0).fit(pixels, labels)
    frame = dd.from_pandas(pixels, npartitions=4)
    logit_frame = teacher_outputs(named, frame).compute(scheduler="sync")
    assert list(logit_frame.columns) == [str(label) for label in forest.classes_]
    np.testing.assert_allclose(logit_frame.to_numpy(), expected)

    Xr, yr = diabetes
    regressor = RandomForestRegressor(n_estimators=10, random_state=0).fit(Xr, yr)
    predictions = teacher_outputs(regressor, da.from_array(Xr, chunks=100)).compute()
    np.testing.assert_allclose(predictions, regressor.predict(Xr))
    np.testing.assert_allclose(teacher_outputs(regressor, Xr), regressor.predict(Xr))


def test_teacher_outputs_on_a_cluster_with_a_scattered_teacher(digits):
    import dask.array as da

    from skdistill.parallel import teacher_outputs

    X, y = digits
    forest = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        logits = teacher_outputs(scatter_teacher(forest, client), da.from_array(X, chunks=300))
        computed = logits.compute()
    np.testing.assert_allclose(computed, teacher_outputs(forest, X))


def test_teacher_outputs_say_what_is_wrong(digits):
    import dask.array as da

    from skdistill.parallel import teacher_outputs

    X, y = digits
    forest = RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="kind='classifier'"):
        teacher_outputs(forest, X, kind="ranker")
    with pytest.raises(ValueError, match="2-D"):
        teacher_outputs(forest, da.zeros(10))
    with pytest.raises(ValueError, match="_NaNTeacher returned non-finite"):
        teacher_outputs(_NaNTeacher().fit(X, y), da.from_array(X, chunks=500)).compute()


class _NaNTeacher(DecisionTreeClassifier):
    def predict_proba(self, X):
        return np.full((len(X), len(self.classes_)), np.nan)
