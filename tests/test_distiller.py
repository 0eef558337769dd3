"""DistilledClassifier / DistilledRegressor: data as users have it, searches, no mutation.

Bad input and its errors are in test_bad_input.py.
"""

import joblib
import numpy as np
import pandas as pd
import pytest
from _helpers import FIXED, SMALL_CLASSIFICATION, SMALL_REGRESSION, small_forest
from sklearn.compose import make_column_transformer
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skdistill import DistilledClassifier, DistilledRegressor


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


def test_sample_weight_is_the_same_as_repeating_rows(iris, iris_forest):
    X, y = iris
    weights = np.tile([1, 2, 0], 50)
    repeated = np.repeat(np.arange(len(X)), weights)
    student = DecisionTreeClassifier(max_depth=3, random_state=0)
    weighted = DistilledClassifier(iris_forest, student).fit(X, y, sample_weight=weights)
    expanded = DistilledClassifier(iris_forest, student).fit(X[repeated], y[repeated])
    np.testing.assert_allclose(weighted.predict_proba(X), expanded.predict_proba(X))


def test_temperature_is_undone_at_prediction(iris, iris_forest):
    X, y = iris
    for temperature in (0.5, 4.0):
        distilled = DistilledClassifier(
            iris_forest, DecisionTreeClassifier(), temperature=temperature, alpha=1.0
        ).fit(X, y)
        # A fully grown tree reproduces its targets at T = 1: the teacher's probabilities.
        np.testing.assert_allclose(distilled.predict_proba(X), iris_forest.predict_proba(X),
                                   atol=1e-9)


def test_alpha_zero_learns_the_labels(iris, iris_forest):
    X, y = iris
    distilled = DistilledClassifier(iris_forest, DecisionTreeClassifier(), alpha=0.0).fit(X, y)
    assert distilled.score(X, y) == 1.0


def test_decision_function_follows_the_student(iris, iris_forest):
    X, y = iris
    distilled = DistilledClassifier(iris_forest, LogisticRegression(max_iter=2000)).fit(X, y)
    scores = distilled.decision_function(X)
    np.testing.assert_array_equal(distilled.classes_[scores.argmax(axis=1)], distilled.predict(X))
    assert not hasattr(DistilledClassifier(iris_forest), "decision_function")


def test_regressor_student_learns_class_probabilities(iris, iris_forest):
    X, y = iris
    distilled = DistilledClassifier(iris_forest, DecisionTreeRegressor(max_depth=5)).fit(X, y)
    assert distilled.strategy_ == "soft_regression"
    np.testing.assert_allclose(distilled.predict_proba(X).sum(axis=1), 1.0)
    assert distilled.score(X, y) > 0.9


def test_regressor_blends_teacher_and_labels(diabetes):
    X, y = diabetes
    teacher = RandomForestRegressor(n_estimators=10, random_state=0).fit(X, y)
    for alpha in (0.0, 0.3, 1.0):
        distilled = DistilledRegressor(teacher, DecisionTreeRegressor(), alpha=alpha, augment=None, cv=None).fit(X, y)
        expected = alpha * teacher.predict(X) + (1 - alpha) * y
        np.testing.assert_allclose(distilled.predict(X), expected)


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


def test_regressor_leaves_inputs_untouched(diabetes):
    X, y = diabetes
    teacher = RandomForestRegressor(n_estimators=5, random_state=0).fit(X, y)
    student = LinearRegression()
    before = [joblib.hash(obj) for obj in (X, y, teacher, student)]
    DistilledRegressor(teacher, student).fit(X, y).predict(X)
    assert [joblib.hash(obj) for obj in (X, y, teacher, student)] == before


def test_grid_search_in_parallel_equals_sequential():
    X, y = SMALL_CLASSIFICATION
    teacher = small_forest()
    grid = {"temperature": [1.0, 3.0], "alpha": [0.3, 1.0]}
    results = []
    for n_jobs in (1, 2):
        search = GridSearchCV(
            DistilledClassifier(teacher, DecisionTreeClassifier(max_depth=3), random_state=0),
            grid, cv=3, n_jobs=n_jobs,
        ).fit(X, y)
        results.append(search.cv_results_["mean_test_score"])
        assert search.best_estimator_.teacher_ is teacher
    np.testing.assert_array_equal(*results)


def test_grid_search_mutates_nothing():
    X, y = SMALL_CLASSIFICATION
    teacher = small_forest()
    student = DecisionTreeClassifier(max_depth=3)
    weights = np.linspace(0.5, 1.5, len(y))
    before = [joblib.hash(obj) for obj in (X, y, teacher, student, weights)]
    GridSearchCV(DistilledClassifier(teacher, student), {"alpha": [0.3, 1.0]}, cv=3).fit(
        X, y, sample_weight=weights)
    assert [joblib.hash(obj) for obj in (X, y, teacher, student, weights)] == before


def test_regressor_students_of_every_kind():
    X, y = SMALL_REGRESSION
    teacher = RandomForestRegressor(5, random_state=0).fit(X, y)
    for student in (DecisionTreeRegressor(max_depth=3), Ridge()):
        assert DistilledRegressor(teacher, student).fit(X, y).score(X, y) > 0.3
