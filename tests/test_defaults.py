"""The "auto" defaults and the options they choose from: honest outputs, TabTune's per-row options."""

import json
from collections import Counter
from pathlib import Path

import joblib
import numpy as np
import pytest
from scipy.special import softmax
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skdistill import DistilledClassifier, DistilledRegressor, teacher_output_cache
from skdistill import _auto
from skdistill._auto import Rule, Settings, student_family, teacher_situation
from skdistill._row_adaptive import confidence_weights, row_temperatures
from skdistill._soft_targets import PROBA_FLOOR


CALLS = Counter()


class CountingForest(RandomForestClassifier):
    """Counts its fits, outside its own state (which the cache digests)."""

    def fit(self, X, y, sample_weight=None):
        CALLS["fit"] += 1
        return super().fit(X, y, sample_weight)


@pytest.mark.parametrize("student, expected", [
    (DecisionTreeClassifier(max_depth=4), ("tree", 4)),
    (DecisionTreeRegressor(), ("tree", None)),
    (LogisticRegression(), ("linear", None)),
    (Ridge(), ("linear", None)),
    (RandomForestClassifier(), ("other", None)),
])
def test_student_families_are_told_apart(student, expected):
    assert student_family(student) == expected


def test_lightgbm_and_mlp_families():
    lightgbm = pytest.importorskip("lightgbm")
    pytest.importorskip("torch")
    from skdistill import MLPStudentClassifier, make_mlp_student

    assert student_family(lightgbm.LGBMClassifier())[0] == "lightgbm"
    assert student_family(MLPStudentClassifier())[0] == "mlp"
    assert student_family(make_mlp_student())[0] == "mlp"


def test_teacher_situations(cancer):
    X, y = cancer
    forest = RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
    assert teacher_situation(forest, fitted_here=False) == "prefit"
    assert teacher_situation(forest, fitted_here=True) == "in_fit_bagged"
    model = LogisticRegression().fit(X, y)
    assert teacher_situation(model, fitted_here=False) == "prefit"


def test_auto_resolves_from_the_table_and_explicit_values_win(cancer, monkeypatch):
    X, y = cancer
    table = (
        Rule("classification", "tree", Settings(alpha=0.8, temperature=2.0, augment="munge",
                                                augment_size=2.0),
             situation="prefit", min_depth=5),
        Rule("classification", "tree", Settings(alpha=1.0), situation="prefit", max_depth=4),
    )
    monkeypatch.setattr(_auto, "AUTO_TABLE", table)
    monkeypatch.setattr("skdistill._distiller_base.AUTO_TABLE", table)
    forest = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    deep = DistilledClassifier(forest, DecisionTreeClassifier(max_depth=6), random_state=0)
    deep.fit(X, y)
    assert (deep.alpha_, deep.temperature_, deep.augment_, deep.augment_size_) == (
        0.8, 2.0, "munge", 2.0)
    shallow = DistilledClassifier(forest, DecisionTreeClassifier(max_depth=3),
                                  temperature=3.0, random_state=0).fit(X, y)
    assert (shallow.alpha_, shallow.temperature_, shallow.augment_) == (1.0, 3.0, None)
    other = DistilledClassifier(forest, LogisticRegression(), random_state=0).fit(X, y)
    assert (other.alpha_, other.temperature_, other.augment_, other.cv_) == (0.5, 1.0, None,
                                                                             None)
    deep.set_params(augment=None, alpha=0.3).fit(X, y)
    assert (deep.alpha_, deep.augment_, deep.temperature_) == (0.3, None, 2.0)


def test_auto_draws_no_transfer_set_on_sparse_input(monkeypatch):
    import scipy.sparse as sp

    table = (Rule("classification", "tree", Settings(augment="munge"), situation="in_fit"),)
    monkeypatch.setattr("skdistill._distiller_base.AUTO_TABLE", table)
    rng = np.random.default_rng(0)
    X = sp.random(60, 4, density=0.5, format="csr", random_state=0)
    y = rng.integers(0, 2, 60)
    distilled = DistilledClassifier(LogisticRegression(), DecisionTreeClassifier(max_depth=2),
                                    random_state=0).fit(X, y)
    assert distilled.augment_ is None


def test_out_of_bag_outputs_teach_the_training_rows(cancer, lessons):
    X, y = cancer
    forest = RandomForestClassifier(n_estimators=30, random_state=0).fit(X, y)
    before = joblib.hash(forest)
    DistilledClassifier(forest, DecisionTreeClassifier(), cv="oob", alpha=1.0, augment=None,
                        random_state=0).fit(X, y)
    # By hand: each row's probabilities averaged over the trees that left it out.
    total, count = np.zeros((len(X), 2)), np.zeros(len(X))
    for tree, rows in zip(forest.estimators_, forest.estimators_samples_):
        out = np.setdiff1d(np.arange(len(X)), rows)
        total[out] += tree.predict_proba(X[out])
        count[out] += 1
    expected = np.log(np.clip(total / count[:, None], PROBA_FLOOR, 1.0))
    np.testing.assert_allclose(lessons[0].teacher_output, expected)
    assert joblib.hash(forest) == before


def test_out_of_fold_outputs_refit_clones_only_and_are_computed_once_for_a_search(cancer,
                                                                                  lessons):
    X, y = cancer
    teacher_output_cache.clear()
    forest = CountingForest(n_estimators=10, random_state=0).fit(X, y)
    before, fits = joblib.hash(forest), CALLS["fit"]
    distiller = DistilledClassifier(forest, DecisionTreeClassifier(max_depth=3), cv=3,
                                    random_state=0)
    distiller.fit(X, y)
    # By hand: a clone of the forest fitted on each fold's other rows.
    expected = np.zeros((len(X), 2))
    for train, test in StratifiedKFold(3).split(X, y):
        clone = RandomForestClassifier(n_estimators=10, random_state=0).fit(X[train], y[train])
        expected[test] = np.log(np.clip(clone.predict_proba(X[test]), PROBA_FLOOR, 1))
    np.testing.assert_allclose(lessons[0].teacher_output, expected)
    assert CALLS["fit"] - fits == 3 and joblib.hash(forest) == before
    GridSearchCV(distiller, {"temperature": [1.0, 2.0, 4.0]}, cv=2, refit=False).fit(X, y)
    assert CALLS["fit"] - fits == 3 + 2 * 3  # three folds per training fold, not per candidate
    assert distiller.fit_times_["teacher_outputs"] > 0


def test_out_of_fold_outputs_of_a_regressor_fitted_inside_fit(diabetes, lessons):
    X, y = diabetes
    distilled = DistilledRegressor(RandomForestRegressor(n_estimators=10), cv=3,
                                   random_state=0).fit(X, y)
    in_sample = distilled.teacher_.predict(X)
    honest = lessons[0].teacher_output
    assert np.mean((honest - y) ** 2) > 2 * np.mean((in_sample - y) ** 2)
    assert distilled.cv_ == 3 and distilled.fit_times_["teacher_fit"] > 0


def test_out_of_bag_outputs_need_a_bagged_teacher(cancer):
    X, y = cancer
    with pytest.raises(ValueError, match="does not bag|bootstrap|out-of-bag"):
        DistilledClassifier(LogisticRegression().fit(X, y), cv="oob").fit(X, y)


def test_adaptive_temperature_and_confidence_weights_by_hand(cancer, lessons):
    X, y = cancer
    forest = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y)
    weights = np.linspace(0.5, 1.5, len(y))
    DistilledClassifier(forest, DecisionTreeClassifier(max_depth=3), temperature=2.0,
                        alpha=0.7, adaptive_temperature=True, confidence_weighting=True,
                        random_state=0).fit(X, y, sample_weight=weights)
    logits = np.log(np.clip(forest.predict_proba(X), PROBA_FLOOR, 1.0))
    proba = softmax(logits, axis=1)
    row_t = row_temperatures(proba, 2.0)
    lesson = lessons[0]
    # Each row is learned at its own temperature: softmax(z / T_i).
    np.testing.assert_allclose(softmax(lesson.teacher_output / 2.0, axis=1),
                               softmax(logits / row_t[:, None], axis=1))
    np.testing.assert_allclose(lesson.sample_weight, weights * confidence_weights(proba))
    assert row_t.min() >= 1.0 and row_t.max() <= 4.0


def test_alpha_zero_learns_the_labels_without_asking_the_teacher(cancer, monkeypatch):
    X, y = cancer
    forest = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    asked = []
    monkeypatch.setattr("skdistill._distiller.DistilledClassifier._ask",
                        lambda self, teacher, rows, cache: asked.append(len(rows)))
    tree = DecisionTreeClassifier(max_depth=4, random_state=0)
    distilled = DistilledClassifier(forest, tree, alpha=0.0, augment=None, cv=None,
                                    random_state=0).fit(X, y)
    assert asked == []
    np.testing.assert_array_equal(distilled.predict_proba(X),
                                  tree.fit(X, y).predict_proba(X))


EVIDENCE = Path(__file__).resolve().parents[1] / "benchmarks" / "results" / "defaults_auto.json"


def _measured_depths(capacity):
    if capacity["param"] != "max_depth":
        return [None]
    return [capacity["measured"]]


def test_the_auto_table_says_what_the_benchmark_chose():
    """Every entry of benchmarks/results/defaults_auto.json, as AUTO_TABLE resolves it."""
    rules = json.loads(EVIDENCE.read_text())
    checked = 0
    for rule in rules:
        if rule["family"] == "other":
            continue
        task = "classification" if rule["estimator"] == "DistilledClassifier" else "regression"
        values = rule["values"]
        expected = Settings(
            alpha=values["alpha"], temperature=values.get("temperature") or 1.0,
            augment=values["augment"],
            augment_size=values["augment_size"] if values["augment"] else 5.0,
            transfer_weight=values["transfer_weight"],
            cv="oob" if values["oob"] else values["cv"])
        for depth in _measured_depths(rule["capacity"]):
            got = _auto.table_entry(task, rule["family"], depth, rule["teacher"],
                                    _auto.AUTO_TABLE)
            assert got == expected, (task, rule["family"], depth, rule["teacher"])
            checked += 1
    assert checked == 36


@pytest.mark.parametrize("student, expected", [
    (DecisionTreeClassifier(max_depth=3), {"alpha_": 0.0, "augment_": None}),
    (DecisionTreeClassifier(max_depth=6), {"alpha_": 0.5, "augment_": "munge",
                                           "transfer_weight_": 2.0, "augment_size_": 5.0}),
    (DecisionTreeClassifier(), {"augment_": "munge", "transfer_weight_": 2.0}),
    (LogisticRegression(), {"alpha_": 0.0, "augment_": None, "cv_": None}),
])
def test_auto_resolves_by_family_on_a_fitted_teacher(cancer, student, expected):
    X, y = cancer
    forest = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    distilled = DistilledClassifier(forest, student, random_state=0).fit(X, y)
    assert {name: getattr(distilled, name) for name in expected} == expected
    assert distilled.temperature_ == 1.0 and distilled.cv_ is None


def test_auto_for_neural_and_boosted_students(cancer):
    lightgbm = pytest.importorskip("lightgbm")
    pytest.importorskip("torch")
    from skdistill import MLPStudentClassifier

    X, y = cancer
    booster = DistilledClassifier(RandomForestClassifier(n_estimators=10, random_state=0),
                                  lightgbm.LGBMClassifier(n_estimators=5, verbose=-1),
                                  random_state=0).fit(X, y)
    assert booster.alpha_ == 0.0
    mlp = DistilledClassifier(RandomForestClassifier(n_estimators=10),
                              MLPStudentClassifier(max_epochs=2), random_state=0).fit(X, y)
    # A forest fitted here bags: its out-of-bag outputs teach the training rows.
    assert (mlp.augment_, mlp.cv_) == ("resample", "oob")


def test_auto_for_regression_trees(diabetes):
    X, y = diabetes
    forest = RandomForestRegressor(n_estimators=10, random_state=0).fit(X, y)
    shallow = DistilledRegressor(forest, DecisionTreeRegressor(max_depth=6)).fit(X, y)
    deep = DistilledRegressor(forest, DecisionTreeRegressor(max_depth=8), random_state=0)
    deep.fit(X, y)
    assert (shallow.alpha_, shallow.augment_) == (0.0, None)
    assert (deep.augment_, deep.augment_size_) == ("resample", 20.0)


@pytest.mark.parametrize("chain", [
    {"assistant": DecisionTreeClassifier(max_depth=6)},
    {"n_generations": 2},
    {"teacher": "self"},
])
def test_a_chain_asked_for_is_not_reduced_to_the_labels(cancer, chain):
    """The table was measured on one teacher and one student: chains keep alpha 0.5."""
    X, y = cancer
    params = {"teacher": RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y),
              "student": DecisionTreeClassifier(max_depth=3), "random_state": 0, **chain}
    distilled = DistilledClassifier(**params).fit(X, y)
    assert (distilled.alpha_, distilled.augment_, distilled.cv_) == (0.5, None, None)
    on_labels = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X, y)
    assert not np.array_equal(distilled.predict_proba(X), on_labels.predict_proba(X))


def test_confidence_weights_ask_the_teacher_even_at_alpha_zero(cancer, lessons):
    X, y = cancer
    forest = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    DistilledClassifier(forest, DecisionTreeClassifier(max_depth=3), confidence_weighting=True,
                        random_state=0).fit(X, y)
    lesson = lessons[-1]
    proba = softmax(lesson.teacher_output, axis=1)
    np.testing.assert_allclose(proba, forest.predict_proba(X).clip(PROBA_FLOOR), atol=1e-6)
    assert np.ptp(lesson.sample_weight) > 0


def test_alpha_zero_still_refuses_labels_the_teacher_does_not_know(cancer):
    X, y = cancer
    forest = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    distilled = DistilledClassifier(forest, DecisionTreeClassifier(max_depth=3), alpha=0.0,
                                    random_state=0).fit(X, y)
    before = distilled.predict_proba(X)
    with pytest.raises(ValueError, match="labels the `teacher` does not know"):
        distilled.fit(X, np.where(y == 0, "a", "b"))
    np.testing.assert_array_equal(distilled.predict_proba(X), before)
