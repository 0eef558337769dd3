"""Saved distillers: identical predictions, the size of the student, teacher left behind."""

import io
import pickle

import joblib
import numpy as np
import pytest
from sklearn.datasets import load_diabetes, load_iris
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LogisticRegression, Ridge
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
def iris():
    X, y = load_iris(return_X_y=True)
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
def test_round_trip_predicts_identically(iris, student, round_trip):
    X, y, teacher = iris
    distilled = DistilledClassifier(teacher, student, temperature=2.0, random_state=0).fit(X, y)
    restored = round_trip(distilled)
    np.testing.assert_array_equal(restored.predict(X), distilled.predict(X))
    np.testing.assert_allclose(restored.predict_proba(X), distilled.predict_proba(X))


@pytest.mark.parametrize("round_trip", [pickle_round_trip, joblib_round_trip, skops_round_trip])
def test_regressor_round_trip(round_trip):
    X, y = load_diabetes(return_X_y=True)
    teacher = RandomForestRegressor(n_estimators=20, random_state=0).fit(X, y)
    for student in (DecisionTreeRegressor(max_depth=4), Ridge()):
        distilled = DistilledRegressor(teacher, student).fit(X, y)
        np.testing.assert_array_equal(round_trip(distilled).predict(X), distilled.predict(X))


def test_saved_file_is_the_size_of_the_student(iris):
    X, y, teacher = iris
    distilled = DistilledClassifier(teacher, DecisionTreeClassifier(max_depth=4)).fit(X, y)
    saved = len(pickle.dumps(distilled))
    student = len(pickle.dumps(distilled.student_))
    assert saved < student + 1500
    assert len(pickle.dumps(teacher)) > 40 * saved
    # The live object keeps its teacher.
    assert distilled.teacher_ is teacher


def test_restored_distiller_says_how_to_refit(iris):
    X, y, teacher = iris
    restored = pickle_round_trip(DistilledClassifier(teacher).fit(X, y))
    assert "RandomForestClassifier" in repr(restored.teacher)
    with pytest.raises(ValueError, match="saved without its teacher.*set_params"):
        restored.fit(X, y)
    with pytest.raises(ValueError, match="saved without its teacher"):
        fidelity_scorer(restored, X, y)
    restored.set_params(teacher=teacher).fit(X, y)
    assert restored.teacher_ is teacher


def test_unfitted_distiller_keeps_its_teacher_when_pickled(iris):
    X, y, teacher = iris
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
    loaded = pickle.loads(pickle.dumps(distilled))
    np.testing.assert_array_equal(loaded.predict(X), distilled.predict(X))
    dense = X.toarray()
    dense[0, 0] = np.nan
    np.testing.assert_array_equal(loaded.predict(dense), distilled.predict(dense))
