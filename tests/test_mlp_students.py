"""MLP students: the KD loss chosen for them, predictions at T = 1, seeds, early stopping."""

import pickle

import numpy as np
import pandas as pd
import pytest
from scipy.special import softmax
from sklearn.datasets import make_regression
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

torch = pytest.importorskip("torch")
pytest.importorskip("skorch")

from _torch_helpers import TINY  # noqa: E402

from skdistill import (  # noqa: E402
    DistilledClassifier,
    MLPStudentClassifier,
    MLPStudentRegressor,
    make_mlp_student,
)


def test_auto_strategy_picks_the_kd_loss_for_neural_students(net_data, net_forest):
    student = make_pipeline(StandardScaler(), MLPStudentClassifier(**TINY))
    distilled = DistilledClassifier(net_forest, student, random_state=0).fit(*net_data)
    assert distilled.strategy_ == "kd_loss"


def test_predictions_are_at_temperature_one(net_data, net_forest):
    X, y = net_data
    distilled = DistilledClassifier(
        net_forest, MLPStudentClassifier(**TINY), temperature=4.0, random_state=0
    ).fit(X, y)
    logits = distilled.student_.decision_function(X)
    np.testing.assert_allclose(distilled.predict_proba(X), softmax(logits, axis=1))
    np.testing.assert_array_equal(distilled.predict(X), np.argmax(logits, axis=1))


def _weights(model):
    return [t.clone() for t in model.net_.module_.state_dict().values()]


def test_same_random_state_gives_bit_identical_weights_and_leaves_torch_rng_alone(net_data):
    X, y = net_data
    params = dict(TINY, dropout=0.2, random_state=3)
    state_before = torch.get_rng_state()
    first = _weights(MLPStudentClassifier(**params).fit(X, y))
    second = _weights(MLPStudentClassifier(**params).fit(X, y))
    assert torch.equal(torch.get_rng_state(), state_before)
    assert all(torch.equal(a, b) for a, b in zip(first, second))
    other = _weights(MLPStudentClassifier(**dict(params, random_state=4)).fit(X, y))
    assert not all(torch.equal(a, b) for a, b in zip(first, other))


def test_distilled_mlp_is_repeatable(net_data, net_forest):
    X, y = net_data
    fits = [DistilledClassifier(net_forest, MLPStudentClassifier(**TINY), random_state=1).fit(X, y)
            for _ in range(2)]
    np.testing.assert_array_equal(fits[0].predict_proba(X), fits[1].predict_proba(X))


def _frame(n_rows=240, seed=0):
    rng = np.random.default_rng(seed)
    colour = rng.choice(["red", "green", "blue"], n_rows).astype(object)
    colour[rng.random(n_rows) < 0.1] = None
    size = rng.normal(size=n_rows)
    size[rng.random(n_rows) < 0.1] = np.nan
    X = pd.DataFrame({
        "size": size,
        "weight": rng.normal(size=n_rows),
        "colour": colour,
        "shape": pd.Categorical(rng.choice(["round", "square"], n_rows)),
    })
    y = ((np.nan_to_num(size) > 0) | (X["colour"] == "red").to_numpy()).astype(int)
    return X, y


def test_make_mlp_student_takes_categoricals_and_nan():
    X, y = _frame()
    student = make_mlp_student(hidden_layer_sizes=(16,), max_epochs=60, lr=0.01, random_state=0)
    assert student.fit(X, y).score(X, y) > 0.8
    # HistGradientBoosting takes pandas categoricals (with NaN), not object columns.
    X = X.assign(colour=X["colour"].astype("category"))
    teacher = HistGradientBoostingClassifier(max_iter=30, random_state=0).fit(X, y)
    distilled = DistilledClassifier(teacher, student, random_state=0).fit(X, y)
    assert distilled.strategy_ == "kd_loss" and distilled.score(X, y) > 0.8
    regressor = make_mlp_student("regression", **TINY).fit(X, X["weight"])
    assert regressor.predict(X).shape == (240,)


def test_early_stopping_restores_the_best_weights(net_data, net_forest):
    X, y = net_data
    student = MLPStudentClassifier(hidden_layer_sizes=(8,), max_epochs=200, lr=0.05,
                                   n_iter_no_change=3, validation_fraction=0.3)
    distilled = DistilledClassifier(net_forest, student, random_state=0).fit(X, y)
    net = distilled.student_.net_
    # Judged by the KL from the teacher on held-out rows (lower is better).
    kl = net.history[:, "valid_teacher_kl"]
    stopper = dict(net.callbacks_)["early_stopping"]
    assert stopper.monitor == "valid_teacher_kl"
    assert distilled.student_.n_epochs_ < 200
    assert stopper.best_epoch_ == 1 + int(np.argmin(kl)) < len(kl)
    for name, weights in net.module_.state_dict().items():
        assert torch.equal(weights, stopper.best_model_weights_[name])


def test_verbose_prints_epochs_with_loss_and_fidelity(net_data, net_forest, capsys):
    X, y = net_data
    DistilledClassifier(net_forest, MLPStudentClassifier(**TINY, verbose=1),
                        random_state=0).fit(X, y)
    out = capsys.readouterr().out
    assert "train_loss" in out and "valid_fidelity" in out


def test_standalone_mlp_learns_hard_labels_with_string_classes(net_data):
    X, y = net_data
    labels = np.array(["x", "y", "z"])[y]
    mlp = MLPStudentClassifier(hidden_layer_sizes=(32,), max_epochs=60, lr=0.01, random_state=0)
    assert mlp.fit(X, labels).score(X, labels) > 0.8
    assert mlp.classes_.tolist() == ["x", "y", "z"]
    assert {"valid_acc", "valid_log_loss"} <= set(mlp.net_.history[-1])


def test_regressor_standardises_its_targets():
    X, y = make_regression(300, 5, noise=1.0, random_state=0)
    mlp = MLPStudentRegressor(hidden_layer_sizes=(32,), max_epochs=80, lr=0.01,
                              random_state=0).fit(X, 1000 + 50 * y)
    assert mlp.score(X, 1000 + 50 * y) > 0.9


def test_pickle_and_grid_search(net_data, net_forest):
    X, y = net_data
    mlp = MLPStudentClassifier(**TINY, random_state=0).fit(X, y)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(mlp)).predict_proba(X),
                                  mlp.predict_proba(X))
    search = GridSearchCV(
        DistilledClassifier(net_forest, MLPStudentClassifier(**TINY), random_state=0),
        {"temperature": [1.0, 2.0], "student__hidden_layer_sizes": [(4,), (8,)]}, cv=2,
    ).fit(X, y)
    assert search.best_estimator_.teacher_ is net_forest
