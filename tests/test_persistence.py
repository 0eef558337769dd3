"""Saved and copied distillers: identical predictions, the teacher kept unless left out on purpose."""

import copy
import io
import pickle

import joblib
import numpy as np
import pytest
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skdistill import DistilledClassifier, DistilledRegressor
from skdistill.metrics import fidelity_scorer


def classification_students():
    students = [
        DecisionTreeClassifier(max_depth=4),
        RandomForestClassifier(n_estimators=5, max_depth=4),
        make_pipeline(StandardScaler(), LogisticRegression()),
        DecisionTreeRegressor(max_depth=4),
    ]
    try:
        import lightgbm
    except ImportError:
        return students
    return students + [lightgbm.LGBMClassifier(n_estimators=10, num_leaves=7, verbose=-1)]


@pytest.fixture(scope="module")
def iris_100_trees(iris):
    """Iris and a 100-tree forest: large enough that leaving it out of a file shows."""
    X, y = iris
    return X, y, RandomForestClassifier(n_estimators=100, random_state=0).fit(X, y)


def pickle_round_trip(model):
    return pickle.loads(pickle.dumps(model))


def joblib_round_trip(model):
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    buffer.seek(0)
    return joblib.load(buffer)


def skops_round_trip(model):
    sio = pytest.importorskip("skops.io")
    data = sio.dumps(model)
    return sio.loads(data, trusted=sio.get_untrusted_types(data=data))


@pytest.mark.parametrize("student", classification_students(), ids=lambda s: type(s).__name__)
@pytest.mark.parametrize("round_trip", [pickle_round_trip, joblib_round_trip, skops_round_trip])
def test_round_trip_predicts_identically(iris_100_trees, student, round_trip):
    X, y, teacher = iris_100_trees
    distilled = DistilledClassifier(teacher, student, temperature=2.0, random_state=0).fit(X, y)
    restored = round_trip(distilled)
    np.testing.assert_array_equal(restored.predict(X), distilled.predict(X))
    np.testing.assert_allclose(restored.predict_proba(X), distilled.predict_proba(X))


@pytest.mark.parametrize("round_trip", [pickle_round_trip, joblib_round_trip, skops_round_trip])
def test_regressor_round_trip(diabetes, round_trip):
    X, y = diabetes
    teacher = RandomForestRegressor(n_estimators=20, random_state=0).fit(X, y)
    for student in (DecisionTreeRegressor(max_depth=4), Ridge()):
        distilled = DistilledRegressor(teacher, student).fit(X, y)
        np.testing.assert_array_equal(round_trip(distilled).predict(X), distilled.predict(X))


@pytest.mark.parametrize("round_trip", [pickle_round_trip, joblib_round_trip, copy.deepcopy])
def test_copies_keep_the_teacher(iris_100_trees, round_trip):
    X, y, teacher = iris_100_trees
    distilled = DistilledClassifier(teacher, DecisionTreeClassifier(max_depth=3),
                                    random_state=0).fit(X, y)
    copied = round_trip(distilled)
    assert type(copied.teacher_) is RandomForestClassifier
    np.testing.assert_array_equal(copied.teacher_.predict_proba(X), teacher.predict_proba(X))
    assert fidelity_scorer(copied, X, y) == fidelity_scorer(distilled, X, y)
    copied.fit(X, y)  # refits from the copied teacher


def test_process_parallel_cross_validation_returns_whole_distillers(iris_100_trees):
    X, y, teacher = iris_100_trees
    distilled = DistilledClassifier(teacher, DecisionTreeClassifier(max_depth=3), random_state=0)
    results = cross_validate(distilled, X, y, cv=3, n_jobs=2, return_estimator=True,
                             scoring={"fidelity": fidelity_scorer, "accuracy": "accuracy"})
    assert results["test_fidelity"].min() > 0.8
    for fitted in results["estimator"]:
        assert type(fitted.teacher_) is RandomForestClassifier
        assert fidelity_scorer(fitted, X, y) > 0.8


def test_without_teacher_gives_a_file_the_size_of_the_student(iris_100_trees):
    X, y, teacher = iris_100_trees
    distilled = DistilledClassifier(teacher, DecisionTreeClassifier(max_depth=4)).fit(X, y)
    small = distilled.without_teacher()
    saved = len(pickle.dumps(small))
    assert saved < len(pickle.dumps(distilled.student_)) + 1500
    assert len(pickle.dumps(teacher)) > 40 * saved
    np.testing.assert_array_equal(pickle_round_trip(small).predict_proba(X),
                                  distilled.predict_proba(X))
    # The distiller itself is untouched, its teacher still there.
    assert distilled.teacher_ is teacher and distilled.teacher is teacher


def test_putting_the_teacher_back_makes_the_copy_whole(iris_100_trees):
    X, y, teacher = iris_100_trees
    restored = pickle_round_trip(DistilledClassifier(teacher).fit(X, y).without_teacher())
    assert "RandomForestClassifier" in repr(restored.teacher)
    with pytest.raises(ValueError, match="without its teacher.*set_params"):
        restored.fit(X, y)
    with pytest.raises(ValueError, match="without its teacher"):
        fidelity_scorer(restored, X, y)
    restored.set_params(teacher=teacher)
    assert restored.teacher_ is teacher
    assert fidelity_scorer(restored, X, y) > 0.9
    restored.fit(X, y)
    assert restored.teacher_ is teacher


def test_putting_back_a_teacher_of_another_kind_is_refused(iris_100_trees):
    X, y, teacher = iris_100_trees
    small = DistilledClassifier(teacher).fit(X, y).without_teacher()
    regressor = RandomForestRegressor(n_estimators=5, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="needs a classifier as `teacher`"):
        small.set_params(teacher=regressor)
    assert type(small.teacher).__name__ == "DetachedTeacher"  # the refused call changed nothing


def test_unfitted_distiller_keeps_its_teacher_when_pickled(iris_100_trees):
    X, y, teacher = iris_100_trees
    restored = pickle_round_trip(DistilledClassifier(teacher))
    assert type(restored.teacher) is RandomForestClassifier
    restored.fit(X, y)


def test_a_loaded_distiller_takes_the_input_it_took_when_saved():
    import pickle

    import scipy.sparse as sp
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.tree import DecisionTreeClassifier

    from skdistill import DistilledClassifier

    rng = np.random.default_rng(0)
    X = sp.random(80, 5, density=0.5, format="csr", random_state=0)
    y = rng.integers(0, 3, 80)
    distilled = DistilledClassifier(RandomForestClassifier(n_estimators=10, random_state=0),
                                    DecisionTreeClassifier(max_depth=3), random_state=0)
    distilled.fit(X, y)
    loaded = pickle.loads(pickle.dumps(distilled.without_teacher()))
    np.testing.assert_array_equal(loaded.predict(X), distilled.predict(X))
    dense = X.toarray()
    dense[0, 0] = np.nan
    np.testing.assert_array_equal(loaded.predict(dense), distilled.predict(dense))
