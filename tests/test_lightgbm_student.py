"""LightGBM students trained on soft targets."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.datasets import make_regression
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdistill import DistilledClassifier, DistilledRegressor
from skdistill._soft_targets import sharpen

lightgbm = pytest.importorskip("lightgbm")


def small_booster(**params):
    return lightgbm.LGBMClassifier(
        n_estimators=30, num_leaves=7, verbose=-1, n_jobs=1, **params
    )


@pytest.fixture(scope="module")
def digits_train_test(digits):
    """Digits split in train and test rows, and a 50-tree forest fitted on the train rows."""
    X, y = digits
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    teacher = RandomForestClassifier(n_estimators=50, random_state=0).fit(X_train, y_train)
    return X_train, X_test, y_train, y_test, teacher


def test_binary_student_is_an_ordinary_binary_booster(cancer_unscaled, cancer_unscaled_forest,
                                                      tmp_path):
    (X, y), teacher = cancer_unscaled, cancer_unscaled_forest
    distilled = DistilledClassifier(teacher, small_booster(), random_state=0).fit(X, y)
    assert distilled.strategy_ == "lightgbm"
    booster = distilled.student_.booster_
    assert booster.num_trees() == 30
    assert booster.params["objective"] == "binary"
    booster.save_model(tmp_path / "student.txt")
    loaded = lightgbm.Booster(model_file=tmp_path / "student.txt")
    np.testing.assert_allclose(loaded.predict(X), distilled.student_.predict_proba(X)[:, 1])
    assert distilled.score(X, y) > 0.95


def test_multiclass_student_trains_every_round_and_learns_digits(digits_train_test):
    X_train, X_test, y_train, y_test, teacher = digits_train_test
    distilled = DistilledClassifier(teacher, small_booster(), random_state=0)
    distilled.fit(X_train, y_train)
    booster = distilled.student_.booster_
    # One tree per class and round: a student stuck after one round has 10.
    assert booster.num_trees() == 30 * 10
    assert booster.params["objective"] == "multiclass"
    assert distilled.score(X_test, y_test) > 0.9


def test_multiclass_student_matches_a_booster_fit_on_labels_when_alpha_is_zero(digits_train_test):
    X_train, X_test, y_train, y_test, teacher = digits_train_test
    distilled = DistilledClassifier(teacher, small_booster(), alpha=0.0, random_state=0)
    distilled.fit(X_train, y_train)
    direct = small_booster(random_state=0).fit(X_train, y_train)
    agreement = np.mean(distilled.predict(X_test) == direct.predict(X_test))
    assert agreement > 0.95


@pytest.mark.parametrize("temperature", [0.5, 4.0])
def test_predict_proba_undoes_the_temperature(digits_train_test, temperature):
    X_train, X_test, y_train, _, teacher = digits_train_test
    distilled = DistilledClassifier(
        teacher, small_booster(), temperature=temperature, random_state=0
    ).fit(X_train, y_train)
    learned = distilled.student_.predict_proba(X_test)
    np.testing.assert_allclose(distilled.predict_proba(X_test), sharpen(learned, temperature))
    np.testing.assert_allclose(
        distilled.decision_function(X_test),
        temperature * distilled.student_.decision_function(X_test),
    )


def test_early_stopping_on_held_out_fidelity(digits_train_test):
    X_train, _, y_train, _, teacher = digits_train_test
    student = small_booster(early_stopping_round=3, learning_rate=0.5).set_params(
        n_estimators=300
    )
    distilled = DistilledClassifier(teacher, student, random_state=0).fit(X_train, y_train)
    assert distilled.student_.booster_.num_trees() < 300 * 10


def test_user_student_is_left_untouched(cancer_unscaled, cancer_unscaled_forest):
    (X, y), teacher = cancer_unscaled, cancer_unscaled_forest
    student = small_booster()
    params = student.get_params()
    DistilledClassifier(teacher, student, random_state=0).fit(X, y)
    assert student.get_params() == params
    assert not hasattr(student, "booster_") or student.__sklearn_is_fitted__() is False


def test_pipeline_ending_in_a_booster_uses_the_lightgbm_strategy(cancer_unscaled,
                                                                  cancer_unscaled_forest):
    (X, y), teacher = cancer_unscaled, cancer_unscaled_forest
    student = make_pipeline(StandardScaler(), small_booster())
    distilled = DistilledClassifier(teacher, student, random_state=0).fit(X, y)
    assert distilled.strategy_ == "lightgbm"
    assert distilled.score(X, y) > 0.95


def test_categorical_columns_and_nan_pass_through_natively():
    rng = np.random.default_rng(0)
    n = 600
    colour = pd.Categorical(rng.choice(["red", "green", "blue"], n))
    size = rng.normal(size=n)
    size[rng.random(n) < 0.1] = np.nan
    y = ((colour == "red") ^ (np.nan_to_num(size) > 0)).astype(int)
    X = pd.DataFrame({"colour": colour, "size": size})
    teacher = lightgbm.LGBMClassifier(n_estimators=30, verbose=-1).fit(X, y)
    distilled = DistilledClassifier(teacher, small_booster(), random_state=0).fit(X, y)
    assert distilled.student_.booster_.pandas_categorical == [["blue", "green", "red"]]
    assert distilled.score(X, y) > 0.9


def test_sample_weight_reaches_the_booster(cancer_unscaled, cancer_unscaled_forest):
    (X, y), teacher = cancer_unscaled, cancer_unscaled_forest
    weight = np.where(y == 0, 5.0, 1.0)
    plain = DistilledClassifier(teacher, small_booster(), alpha=0.0, random_state=0).fit(X, y)
    weighted = DistilledClassifier(teacher, small_booster(), alpha=0.0, random_state=0)
    weighted.fit(X, y, sample_weight=weight)
    assert weighted.predict_proba(X)[:, 0].mean() > plain.predict_proba(X)[:, 0].mean()


def test_monotone_constraints_pass_through():
    X, y = make_regression(n_samples=500, n_features=4, noise=1.0, random_state=0)
    wiggly = y - 50 * np.sin(3 * X[:, 0])
    teacher = RandomForestRegressor(n_estimators=20, random_state=0).fit(X, wiggly)
    student = lightgbm.LGBMRegressor(
        n_estimators=30, num_leaves=7, verbose=-1, monotone_constraints=[1, 0, 0, 0]
    )
    distilled = DistilledRegressor(teacher, student, random_state=0).fit(X, wiggly)
    assert distilled.strategy_ == "lightgbm"
    grid = np.tile(np.median(X, axis=0), (200, 1))
    grid[:, 0] = np.linspace(X[:, 0].min(), X[:, 0].max(), 200)
    assert np.all(np.diff(distilled.predict(grid)) >= 0)


def test_regressor_student_learns_and_stops_early():
    X, y = make_regression(n_samples=500, n_features=5, noise=5.0, random_state=0)
    teacher = RandomForestRegressor(n_estimators=20, random_state=0).fit(X, y)
    student = lightgbm.LGBMRegressor(
        n_estimators=1000, num_leaves=7, learning_rate=0.3, verbose=-1, early_stopping_round=5
    )
    distilled = DistilledRegressor(teacher, student, random_state=0).fit(X, y)
    assert distilled.student_.booster_.num_trees() < 1000
    assert distilled.score(X, y) > 0.8
    assert clone(student).get_params() == student.get_params()
