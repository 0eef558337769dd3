"""Bad and odd input: each works, or fails with a clear error that names the argument.

Parameters out of range, teachers without soft outputs or of the wrong kind,
students that cannot learn soft targets, and tables of odd X, y and
sample_weight. The teacher contract's own refusals (outputs that are not
probabilities, failed refits) are in test_teacher_contract.py.
"""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from _helpers import SMALL_CLASSIFICATION, SMALL_REGRESSION, small_forest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.compose import make_column_transformer
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skdistill import DistilledClassifier, DistilledRegressor

X, Y = SMALL_CLASSIFICATION
XR, YR = SMALL_REGRESSION


# Parameters, teachers and students: each refused by an error that names the argument.

@pytest.mark.parametrize("temperature", [0, -1.0, np.inf, np.nan])
def test_bad_temperature(iris, temperature):
    with pytest.raises(ValueError, match="temperature"):
        DistilledClassifier(temperature=temperature).fit(*iris)


@pytest.mark.parametrize("alpha", [-0.1, 1.5, np.nan])
def test_bad_alpha(iris, alpha):
    with pytest.raises(ValueError, match="alpha"):
        DistilledClassifier(alpha=alpha).fit(*iris)
    with pytest.raises(ValueError, match="alpha"):
        DistilledRegressor(alpha=alpha).fit(*iris)


class OnlyPredicts(ClassifierMixin, BaseEstimator):
    """A fitted classifier with neither predict_proba nor decision_function."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


class ReturnsNaN(OnlyPredicts):
    def predict_proba(self, X):
        return np.full((len(X), len(self.classes_)), np.nan)


def test_teacher_without_soft_outputs(iris):
    X, y = iris
    with pytest.raises(ValueError, match="teacher.*predict_proba.*decision_function"):
        DistilledClassifier(OnlyPredicts().fit(X, y)).fit(X, y)


def test_teacher_with_non_finite_outputs(iris):
    X, y = iris
    with pytest.raises(ValueError, match="teacher.*non-finite"):
        DistilledClassifier(ReturnsNaN().fit(X, y)).fit(X, y)


def test_regression_teacher_given_to_classifier_and_the_reverse(iris, iris_forest):
    X, y = iris
    regressor = RandomForestRegressor(n_estimators=5).fit(X, y)
    with pytest.raises(ValueError, match="teacher.*DistilledRegressor"):
        DistilledClassifier(regressor).fit(X, y)
    with pytest.raises(ValueError, match="teacher.*DistilledClassifier"):
        DistilledRegressor(iris_forest).fit(X, y)
    with pytest.raises(ValueError, match="teacher.*DistilledClassifier"):
        DistilledRegressor(LogisticRegression()).fit(X, y)


def test_teacher_fitted_on_other_features(iris, iris_forest):
    X, y = iris
    with pytest.raises(ValueError, match="3 features.*teacher.*4"):
        DistilledClassifier(iris_forest).fit(X[:, :3], y)
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    named = RandomForestClassifier(n_estimators=5).fit(frame, y)
    with pytest.raises(ValueError, match="teacher.*missing.*'d'"):
        DistilledClassifier(named).fit(frame.rename(columns={"d": "e"}), y)


def test_label_unknown_to_the_teacher(iris, iris_forest):
    X, y = iris
    with pytest.raises(ValueError, match="labels the `teacher` does not know: \\[3\\]"):
        DistilledClassifier(iris_forest).fit(X, np.where(y == 2, 3, y))


def test_student_that_cannot_learn_soft_targets(iris, iris_forest):
    with pytest.raises(ValueError, match="student.*KNeighborsClassifier.*weighted_rows"):
        DistilledClassifier(iris_forest, KNeighborsClassifier()).fit(*iris)
    with pytest.raises(ValueError, match="strategy='weighted_rows'.*DecisionTreeRegressor"):
        DistilledClassifier(
            iris_forest, DecisionTreeRegressor(), strategy="weighted_rows"
        ).fit(*iris)


def test_sample_weight_for_a_student_without_it_is_an_error(iris, iris_forest):
    X, y = iris
    student = make_pipeline(StandardScaler(), KNeighborsClassifier())
    with pytest.raises(ValueError, match="student"):
        DistilledClassifier(iris_forest, student).fit(X, y, sample_weight=np.ones(len(y)))


def test_wrong_number_of_features_at_predict(iris, iris_forest):
    X, y = iris
    distilled = DistilledClassifier(iris_forest).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        distilled.predict(X[:, :3])


# Tables of odd X, y and sample_weight: each works or is refused by name.

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
    ("empty X", X[:0], Y[:0], {}, lambda: DistilledClassifier(small_forest()), "0 sample"),
    ("empty DataFrame", pd.DataFrame(X[:0]), Y[:0], {},
     lambda: DistilledClassifier(small_forest()), "0 sample"),
    ("one row", X[:1], Y[:1], {}, lambda: DistilledClassifier(small_forest()), "one class"),
    ("one class", X, np.zeros(len(Y), int), {}, lambda: DistilledClassifier(small_forest()),
     "one class"),
    ("strings", X, np.array(["a", "b", "c"])[Y], {},
     lambda: DistilledClassifier(small_forest(X, np.array(["a", "b", "c"])[Y])), None),
    ("bools", X, Y > 0, {}, lambda: DistilledClassifier(small_forest(X, Y > 0)), None),
    ("nullable ints", X, pd.array(Y, dtype="Int64"), {},
     lambda: DistilledClassifier(small_forest()), None),
    ("object mix", X, np.array([1, "a", 2.5] * 40, dtype=object), {},
     lambda: DistilledClassifier(), "y"),
    ("NaN for a student without NaN", np.where(X > 2, np.nan, X), Y, {},
     lambda: DistilledClassifier(student=LogisticRegression()), "NaN"),
    ("inf", np.where(X > 2, np.inf, X), Y, {}, lambda: DistilledClassifier(), "infinity"),
    ("sparse X", sp.csr_matrix(X), Y, {},
     lambda: DistilledClassifier(small_forest(sp.csr_matrix(X))), None),
    ("float32", X.astype(np.float32), Y, {}, lambda: DistilledClassifier(small_forest()), None),
    ("object columns", X.astype(object), Y, {}, lambda: DistilledClassifier(small_forest()), None),
    ("sample_weight all zero", X, Y, {"sample_weight": np.zeros(len(Y))},
     lambda: DistilledClassifier(small_forest()), "[Ss]ample.weight"),
    ("sample_weight negative", X, Y, {"sample_weight": -np.ones(len(Y))},
     lambda: DistilledClassifier(small_forest()), "[Nn]egative"),
    ("sample_weight wrong length", X, Y, {"sample_weight": np.ones(3)},
     lambda: DistilledClassifier(small_forest()), "sample_weight"),
    ("logits of 1e6", X, Y, {},
     lambda: DistilledClassifier(FixedLogits([1e6, -1e6, 0.0]).fit(X, Y)), None),
    ("probabilities of exactly 0 and 1", X, Y, {},
     lambda: DistilledClassifier(FixedProba([0.0, 1.0, 0.0]).fit(X, Y)), None),
    ("T = 1e-3", X, Y, {}, lambda: DistilledClassifier(small_forest(), temperature=1e-3), None),
    ("T = 1e3", X, Y, {}, lambda: DistilledClassifier(small_forest(), temperature=1e3), None),
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


# Odd problems that must work.

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
    teacher = small_forest(X, y)
    scores = cross_val_score(DistilledClassifier(teacher), X, y, cv=KFold(5))
    assert np.all(np.isfinite(scores))


def test_unseen_categorical_levels_reach_the_teacher_pipeline():
    frame = pd.DataFrame({"x": X[:, 0], "c": pd.Categorical(np.array(["a", "b"])[Y % 2])})
    encode = make_column_transformer((OneHotEncoder(handle_unknown="ignore"), ["c"]),
                                     remainder="passthrough")
    teacher = make_pipeline(encode, RandomForestClassifier(10, random_state=0)).fit(frame, Y)
    unseen = frame.assign(c=pd.Categorical(np.array(["a", "z"])[Y % 2]))
    student = make_pipeline(encode, DecisionTreeClassifier(max_depth=3))
    distilled = DistilledClassifier(teacher, student).fit(unseen, Y)
    assert distilled.predict(unseen).shape == Y.shape
