"""Bad and odd inputs, table-driven: each works, or fails clearly naming the argument."""

import joblib
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skdistill import DistilledClassifier, DistilledRegressor

X, Y = make_classification(n_samples=120, n_features=5, n_informative=3, n_classes=3,
                           random_state=0)
XR, YR = make_regression(n_samples=120, n_features=5, random_state=0)


def forest(X=X, y=Y):
    return RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)


class FixedLogits(ClassifierMixin, BaseEstimator):
    """A fitted teacher that answers with the given margins on every row."""

    def __init__(self, margins=None):
        self.margins = margins

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def decision_function(self, X):
        return np.tile(self.margins, (len(X), 1))


class FixedProba(ClassifierMixin, BaseEstimator):
    """A fitted teacher that answers with the given probabilities on every row."""

    def __init__(self, proba=None):
        self.proba = proba

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        return np.tile(self.proba, (len(X), 1))


# (case, X, y, fit kwargs, distiller factory, expected error regex or None for "works")
CLASSIFIER_CASES = [
    ("empty X", X[:0], Y[:0], {}, lambda: DistilledClassifier(forest()), "0 sample"),
    ("empty DataFrame", pd.DataFrame(X[:0]), Y[:0], {}, lambda: DistilledClassifier(forest()),
     "0 sample"),
    ("one row", X[:1], Y[:1], {}, lambda: DistilledClassifier(forest()), None),
    ("one class", X, np.zeros(len(Y), int), {}, lambda: DistilledClassifier(forest()), None),
    ("strings", X, np.array(["a", "b", "c"])[Y], {},
     lambda: DistilledClassifier(forest(X, np.array(["a", "b", "c"])[Y])), None),
    ("bools", X, Y > 0, {}, lambda: DistilledClassifier(forest(X, Y > 0)), None),
    ("nullable ints", X, pd.array(Y, dtype="Int64"), {},
     lambda: DistilledClassifier(forest()), None),
    ("object mix", X, np.array([1, "a", 2.5] * 40, dtype=object), {},
     lambda: DistilledClassifier(), "y"),
    ("NaN for a student without NaN", np.where(X > 2, np.nan, X), Y, {},
     lambda: DistilledClassifier(student=LogisticRegression()), "NaN"),
    ("inf", np.where(X > 2, np.inf, X), Y, {}, lambda: DistilledClassifier(), "infinity"),
    ("sparse X", sp.csr_matrix(X), Y, {},
     lambda: DistilledClassifier(forest(sp.csr_matrix(X))), None),
    ("float32", X.astype(np.float32), Y, {}, lambda: DistilledClassifier(forest()), None),
    ("object columns", X.astype(object), Y, {}, lambda: DistilledClassifier(forest()), None),
    ("sample_weight all zero", X, Y, {"sample_weight": np.zeros(len(Y))},
     lambda: DistilledClassifier(forest()), "[Ss]ample.weight"),
    ("sample_weight negative", X, Y, {"sample_weight": -np.ones(len(Y))},
     lambda: DistilledClassifier(forest()), "[Nn]egative"),
    ("sample_weight wrong length", X, Y, {"sample_weight": np.ones(3)},
     lambda: DistilledClassifier(forest()), "sample_weight"),
    ("logits of 1e6", X, Y, {},
     lambda: DistilledClassifier(FixedLogits([1e6, -1e6, 0.0]).fit(X, Y)), None),
    ("probabilities of exactly 0 and 1", X, Y, {},
     lambda: DistilledClassifier(FixedProba([0.0, 1.0, 0.0]).fit(X, Y)), None),
    ("T = 1e-3", X, Y, {}, lambda: DistilledClassifier(forest(), temperature=1e-3), None),
    ("T = 1e3", X, Y, {}, lambda: DistilledClassifier(forest(), temperature=1e3), None),
]


@pytest.mark.parametrize(
    "X_in, y_in, kwargs, make, error", [case[1:] for case in CLASSIFIER_CASES],
    ids=[case[0] for case in CLASSIFIER_CASES],
)
def test_classifier_input_table(X_in, y_in, kwargs, make, error):
    distiller = make()
    if error is not None:
        with pytest.raises((ValueError, TypeError), match=error):
            distiller.fit(X_in, y_in, **kwargs)
        return
    distiller.fit(X_in, y_in, **kwargs)
    proba = distiller.predict_proba(X_in)
    assert np.all(np.isfinite(proba))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert set(np.asarray(distiller.predict(X_in)).tolist()) <= set(distiller.classes_.tolist())


def test_a_thousand_classes():
    rng = np.random.default_rng(0)
    X_big = rng.normal(size=(3000, 4))
    y_big = np.repeat(np.arange(1000), 3)
    teacher = DecisionTreeClassifier(max_depth=12, random_state=0).fit(X_big, y_big)
    distilled = DistilledClassifier(teacher, DecisionTreeClassifier(max_depth=12)).fit(
        X_big, y_big)
    assert distilled.predict_proba(X_big[:5]).shape == (5, 1000)


def test_class_absent_from_a_cv_fold():
    y = Y.copy()
    y[:3] = 3  # a rare fourth class: absent from some training folds
    teacher = forest(X, y)
    scores = cross_val_score(DistilledClassifier(teacher), X, y, cv=KFold(5))
    assert np.all(np.isfinite(scores))


def test_unseen_categorical_levels_reach_the_teacher_pipeline():
    from sklearn.compose import make_column_transformer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    frame = pd.DataFrame({"x": X[:, 0], "c": pd.Categorical(np.array(["a", "b"])[Y % 2])})
    encode = make_column_transformer((OneHotEncoder(handle_unknown="ignore"), ["c"]),
                                     remainder="passthrough")
    teacher = make_pipeline(encode, RandomForestClassifier(10, random_state=0)).fit(frame, Y)
    unseen = frame.assign(c=pd.Categorical(np.array(["a", "z"])[Y % 2]))
    student = make_pipeline(encode, DecisionTreeClassifier(max_depth=3))
    distilled = DistilledClassifier(teacher, student).fit(unseen, Y)
    assert distilled.predict(unseen).shape == Y.shape


REGRESSOR_CASES = [
    ("empty X", XR[:0], YR[:0], {}, "0 sample"),
    ("one row", XR[:1], YR[:1], {}, None),
    ("y with NaN", XR, np.where(YR > 0, np.nan, YR), {}, "NaN"),
    ("sparse X", sp.csr_matrix(XR), YR, {}, None),
    ("float32", XR.astype(np.float32), YR.astype(np.float32), {}, None),
    ("sample_weight wrong length", XR, YR, {"sample_weight": np.ones(3)}, "sample_weight"),
    ("string y", XR, np.array(["1.5"] * len(YR)), {}, None),
]


@pytest.mark.parametrize(
    "X_in, y_in, kwargs, error", [case[1:] for case in REGRESSOR_CASES],
    ids=[case[0] for case in REGRESSOR_CASES],
)
def test_regressor_input_table(X_in, y_in, kwargs, error):
    distiller = DistilledRegressor(RandomForestRegressor(5, random_state=0), random_state=0)
    if error is not None:
        with pytest.raises(ValueError, match=error):
            distiller.fit(X_in, y_in, **kwargs)
        return
    predictions = distiller.fit(X_in, y_in, **kwargs).predict(X_in)
    assert np.all(np.isfinite(predictions))


def test_grid_search_in_parallel_equals_sequential():
    teacher = forest()
    grid = {"temperature": [1.0, 3.0], "alpha": [0.3, 1.0]}
    results = []
    for n_jobs in (1, 2):
        search = GridSearchCV(
            DistilledClassifier(teacher, DecisionTreeClassifier(max_depth=3), random_state=0),
            grid, cv=3, n_jobs=n_jobs,
        ).fit(X, Y)
        results.append(search.cv_results_["mean_test_score"])
        assert search.best_estimator_.teacher_ is teacher
    np.testing.assert_array_equal(*results)


def test_grid_search_mutates_nothing():
    teacher = forest()
    student = DecisionTreeClassifier(max_depth=3)
    weights = np.linspace(0.5, 1.5, len(Y))
    before = [joblib.hash(obj) for obj in (X, Y, teacher, student, weights)]
    GridSearchCV(DistilledClassifier(teacher, student), {"alpha": [0.3, 1.0]}, cv=3).fit(
        X, Y, sample_weight=weights)
    assert [joblib.hash(obj) for obj in (X, Y, teacher, student, weights)] == before


def test_regressor_students_of_every_kind():
    teacher = RandomForestRegressor(5, random_state=0).fit(XR, YR)
    for student in (DecisionTreeRegressor(max_depth=3), Ridge()):
        assert DistilledRegressor(teacher, student).fit(XR, YR).score(XR, YR) > 0.3
