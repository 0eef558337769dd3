"""DistilledClassifier / DistilledRegressor: data as users have it, bad input, no mutation."""

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.compose import make_column_transformer
from sklearn.datasets import load_diabetes, load_iris
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skdistill import DistilledClassifier, DistilledRegressor


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)


@pytest.fixture(scope="module")
def forest(iris):
    return RandomForestClassifier(n_estimators=20, random_state=0).fit(*iris)


def credit_frame(n=400, seed=0):
    """A DataFrame as users have it: categoricals, strings, NaN."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "income": rng.normal(50, 15, n),
        "age": rng.integers(18, 80, n).astype(float),
        "region": pd.Categorical(rng.choice(["north", "south", "east"], n)),
        "product": rng.choice(["card", "loan"], n).astype(object),
    })
    frame.loc[rng.random(n) < 0.1, "income"] = np.nan
    score = np.nan_to_num(frame["income"], nan=50) / 10 + (frame["region"] == "north") * 2
    labels = np.where(score + rng.normal(0, 1, n) > 6.5, "approve", "decline")
    return frame, labels


def preprocessing():
    return make_column_transformer(
        (make_pipeline(SimpleImputer(), StandardScaler()), ["income", "age"]),
        (OneHotEncoder(handle_unknown="ignore"), ["region", "product"]),
    )


def test_dataframe_with_categoricals_and_nan_through_pipelines():
    X, y = credit_frame()
    teacher = make_pipeline(preprocessing(), RandomForestClassifier(50, random_state=0)).fit(X, y)
    student = make_pipeline(preprocessing(), LogisticRegression())
    distilled = DistilledClassifier(teacher, student, random_state=0).fit(X, y)
    np.testing.assert_array_equal(distilled.classes_, ["approve", "decline"])
    np.testing.assert_array_equal(distilled.feature_names_in_, X.columns)
    assert set(distilled.predict(X)) <= {"approve", "decline"}
    assert (distilled.predict(X) == teacher.predict(X)).mean() > 0.8


def test_native_categorical_teacher_on_dataframe():
    X, y = credit_frame()
    X = X.assign(product=X["product"].astype("category"))
    student = make_pipeline(preprocessing(), DecisionTreeClassifier(max_depth=4))
    distilled = DistilledClassifier(HistGradientBoostingClassifier(), student, random_state=0)
    assert distilled.fit(X, y).score(X, y) > 0.7


def test_columns_reordered_relative_to_the_teacher_are_realigned():
    X, y = credit_frame()
    teacher = make_pipeline(preprocessing(), RandomForestClassifier(20, random_state=0)).fit(X, y)
    reordered = X[X.columns[::-1]]
    student = make_pipeline(preprocessing(), DecisionTreeClassifier(max_depth=3))
    distilled = DistilledClassifier(teacher, student, random_state=0).fit(reordered, y)
    assert distilled.score(reordered, y) > 0.7


@pytest.mark.parametrize("n_classes", [2, 3])
def test_string_labels_binary_and_multiclass(iris, n_classes):
    X, y = iris
    keep = y < n_classes
    labels = np.array(["a", "b", "c"])[y[keep]]
    distilled = DistilledClassifier(random_state=0).fit(X[keep], labels)
    np.testing.assert_array_equal(distilled.classes_, ["a", "b", "c"][:n_classes])
    assert distilled.predict_proba(X[keep]).shape == (keep.sum(), n_classes)


def test_sample_weight_is_the_same_as_repeating_rows(iris, forest):
    X, y = iris
    weights = np.tile([1, 2, 0], 50)
    repeated = np.repeat(np.arange(len(X)), weights)
    student = DecisionTreeClassifier(max_depth=3, random_state=0)
    weighted = DistilledClassifier(forest, student).fit(X, y, sample_weight=weights)
    expanded = DistilledClassifier(forest, student).fit(X[repeated], y[repeated])
    np.testing.assert_allclose(weighted.predict_proba(X), expanded.predict_proba(X))


def test_sample_weight_for_a_student_without_it_is_an_error(iris, forest):
    X, y = iris
    student = make_pipeline(StandardScaler(), KNeighborsClassifier())
    with pytest.raises(ValueError, match="student"):
        DistilledClassifier(forest, student).fit(X, y, sample_weight=np.ones(len(y)))


def test_temperature_is_undone_at_prediction(iris, forest):
    X, y = iris
    for temperature in (0.5, 4.0):
        distilled = DistilledClassifier(
            forest, DecisionTreeClassifier(), temperature=temperature, alpha=1.0
        ).fit(X, y)
        # A fully grown tree reproduces its targets at T = 1: the teacher's probabilities.
        np.testing.assert_allclose(distilled.predict_proba(X), forest.predict_proba(X),
                                   atol=1e-9)


def test_alpha_zero_learns_the_labels(iris, forest):
    X, y = iris
    distilled = DistilledClassifier(forest, DecisionTreeClassifier(), alpha=0.0).fit(X, y)
    assert distilled.score(X, y) == 1.0


def test_decision_function_follows_the_student(iris, forest):
    X, y = iris
    distilled = DistilledClassifier(forest, LogisticRegression(max_iter=2000)).fit(X, y)
    scores = distilled.decision_function(X)
    np.testing.assert_array_equal(distilled.classes_[scores.argmax(axis=1)], distilled.predict(X))
    assert not hasattr(DistilledClassifier(forest), "decision_function")


def test_regressor_student_learns_class_probabilities(iris, forest):
    X, y = iris
    distilled = DistilledClassifier(forest, DecisionTreeRegressor(max_depth=5)).fit(X, y)
    assert distilled.strategy_ == "soft_regression"
    np.testing.assert_allclose(distilled.predict_proba(X).sum(axis=1), 1.0)
    assert distilled.score(X, y) > 0.9


def test_regressor_blends_teacher_and_labels():
    X, y = load_diabetes(return_X_y=True)
    teacher = RandomForestRegressor(n_estimators=10, random_state=0).fit(X, y)
    for alpha in (0.0, 0.3, 1.0):
        distilled = DistilledRegressor(teacher, DecisionTreeRegressor(), alpha=alpha).fit(X, y)
        expected = alpha * teacher.predict(X) + (1 - alpha) * y
        np.testing.assert_allclose(distilled.predict(X), expected)


# Bad input: each answered by an error that names the argument.

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


def test_regression_teacher_given_to_classifier_and_the_reverse(iris, forest):
    X, y = iris
    regressor = RandomForestRegressor(n_estimators=5).fit(X, y)
    with pytest.raises(ValueError, match="teacher.*DistilledRegressor"):
        DistilledClassifier(regressor).fit(X, y)
    with pytest.raises(ValueError, match="teacher.*DistilledClassifier"):
        DistilledRegressor(forest).fit(X, y)
    with pytest.raises(ValueError, match="teacher.*DistilledClassifier"):
        DistilledRegressor(LogisticRegression()).fit(X, y)


def test_teacher_fitted_on_other_features(iris, forest):
    X, y = iris
    with pytest.raises(ValueError, match="3 features.*teacher.*4"):
        DistilledClassifier(forest).fit(X[:, :3], y)
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    named = RandomForestClassifier(n_estimators=5).fit(frame, y)
    with pytest.raises(ValueError, match="teacher.*missing.*'d'"):
        DistilledClassifier(named).fit(frame.rename(columns={"d": "e"}), y)


def test_label_unknown_to_the_teacher(iris, forest):
    X, y = iris
    with pytest.raises(ValueError, match="labels the `teacher` does not know: \\[3\\]"):
        DistilledClassifier(forest).fit(X, np.where(y == 2, 3, y))


def test_student_that_cannot_learn_soft_targets(iris, forest):
    with pytest.raises(ValueError, match="student.*KNeighborsClassifier.*weighted_rows"):
        DistilledClassifier(forest, KNeighborsClassifier()).fit(*iris)
    with pytest.raises(ValueError, match="strategy='weighted_rows'.*DecisionTreeRegressor"):
        DistilledClassifier(
            forest, DecisionTreeRegressor(), strategy="weighted_rows"
        ).fit(*iris)


def test_wrong_number_of_features_at_predict(iris, forest):
    X, y = iris
    distilled = DistilledClassifier(forest).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        distilled.predict(X[:, :3])


def test_nothing_the_user_passed_is_mutated():
    X, y = credit_frame()
    teacher = make_pipeline(preprocessing(), RandomForestClassifier(20, random_state=0)).fit(X, y)
    student = make_pipeline(preprocessing(), LogisticRegression())
    weights = np.linspace(0.5, 2, len(y))
    before = [joblib.hash(obj) for obj in (X, y, teacher, student, weights)]
    distilled = DistilledClassifier(teacher, student, random_state=0).fit(X, y, weights)
    distilled.predict_proba(X)
    distilled.score(X, y)
    assert [joblib.hash(obj) for obj in (X, y, teacher, student, weights)] == before


def test_regressor_leaves_inputs_untouched():
    X, y = load_diabetes(return_X_y=True)
    teacher = RandomForestRegressor(n_estimators=5, random_state=0).fit(X, y)
    student = LinearRegression()
    before = [joblib.hash(obj) for obj in (X, y, teacher, student)]
    DistilledRegressor(teacher, student).fit(X, y).predict(X)
    assert [joblib.hash(obj) for obj in (X, y, teacher, student)] == before
