"""What a fit tells its user: stage lines, fit_times_, and the student's attributes through it."""

import pickle
import re
import time

import numpy as np
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.feature_selection import SelectFromModel
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.tree import DecisionTreeClassifier

from skdistill import DistilledClassifier, make_tree_student
from _helpers import FIXED

STAGE_LINE = re.compile(r"^\[skdistill\] (.+) in (\d+\.\d+) s$")


def stage_lines(text):
    return [STAGE_LINE.match(line).groups() for line in text.splitlines()
            if STAGE_LINE.match(line)]


def test_verbose_prints_every_stage_with_its_seconds(cancer, capsys):
    X, y = cancer
    distilled = DistilledClassifier(
        RandomForestClassifier(n_estimators=20, random_state=0),
        DecisionTreeClassifier(max_depth=4), assistant=DecisionTreeClassifier(max_depth=6),
        augment="resample", augment_size=2.0, verbose=1, random_state=0,
    ).fit(X, y)
    lines = stage_lines(capsys.readouterr().out)
    described = [description for description, _ in lines]
    assert described == [
        "teacher RandomForestClassifier fitted on 569 rows",
        "transfer set: 1,138 rows drawn by ColumnResample",
        "RandomForestClassifier outputs on 569 rows",
        "RandomForestClassifier outputs on the transfer set, 1,138 rows",
        "assistant DecisionTreeClassifier (weighted_rows) on 1,707 rows",
        "DistilledClassifier outputs on 569 rows",
        "DistilledClassifier outputs on the transfer set, 1,138 rows",
        "student DecisionTreeClassifier (weighted_rows) on 1,707 rows",
    ]
    assert sum(float(seconds) for _, seconds in lines) <= distilled.fit_times_["total"] + 0.05


def test_fit_times_add_up_to_the_wall_time(cancer):
    X, y = cancer
    distilled = DistilledClassifier(RandomForestClassifier(n_estimators=200, random_state=0),
                                    DecisionTreeClassifier(max_depth=6), augment="munge",
                                    augment_size=3.0, random_state=0)
    start = time.perf_counter()
    distilled.fit(X, y)
    wall = time.perf_counter() - start
    times = distilled.fit_times_
    assert set(times) == {"teacher_fit", "transfer_set", "teacher_outputs", "student", "total"}
    stages = sum(seconds for name, seconds in times.items() if name != "total")
    assert 0.8 * wall <= stages <= times["total"] <= wall
    assert times["teacher_fit"] > 0


def test_a_fitted_teacher_costs_no_fit_and_silence_is_the_default(cancer, capsys):
    X, y = cancer
    forest = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    distilled = DistilledClassifier(forest, DecisionTreeClassifier(max_depth=3), **FIXED).fit(X, y)
    assert capsys.readouterr().out == ""
    assert distilled.fit_times_["teacher_fit"] == 0.0
    assert distilled.fit_times_["teacher_outputs"] > 0.0


def test_the_distillers_verbose_reaches_an_mlp_student(cancer, capsys):
    pytest.importorskip("torch")
    from skdistill import MLPStudentClassifier

    X, y = cancer
    forest = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    DistilledClassifier(forest, MLPStudentClassifier(max_epochs=3), verbose=1,
                        random_state=0).fit(X, y)
    out = capsys.readouterr().out
    epochs = [line for line in out.splitlines() if line.startswith("[skdistill] epoch ")]
    assert len(epochs) == 3
    assert re.match(r"\[skdistill\] epoch 1/3: train_loss [\d.]+, valid_loss [\d.]+, "
                    r"valid_fidelity [\d.]+, valid_teacher_kl [\d.]+; [\d.]+ s, "
                    r"at most \d+ s left$", epochs[0])
    assert "\x1b[" not in out  # no terminal colour codes


def test_feature_importances_reach_select_from_model(cancer):
    X, y = cancer
    forest = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y)
    distilled = DistilledClassifier(forest, DecisionTreeClassifier(max_depth=3), random_state=0)
    selector = SelectFromModel(distilled).fit(X, y)
    importances = selector.estimator_.student_.feature_importances_
    np.testing.assert_array_equal(selector.estimator_.feature_importances_, importances)
    np.testing.assert_array_equal(selector.get_support(), importances >= importances.mean())


def test_coef_is_the_students_at_t1(cancer):
    X, y = cancer
    forest = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y)
    student = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    distilled = DistilledClassifier(forest, student, temperature=3.0, random_state=0).fit(X, y)
    np.testing.assert_allclose(distilled.coef_, 3.0 * distilled.student_[-1].coef_)
    margins = distilled.student_[:-1].transform(X) @ distilled.coef_.ravel() + distilled.intercept_
    np.testing.assert_allclose(margins, distilled.decision_function(X))


def test_student_attributes_over_other_columns_are_not_passed_off_as_xs(cancer):
    X, y = cancer
    X = X[:, :3].round()
    forest = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    student = make_pipeline(OneHotEncoder(handle_unknown="ignore"),
                            DecisionTreeClassifier(max_depth=3))
    distilled = DistilledClassifier(forest, student, random_state=0).fit(X, y)
    with pytest.raises(AttributeError, match="columns its Pipeline makes"):
        distilled.feature_importances_
    assert not hasattr(distilled, "coef_")
    frame_student = DistilledClassifier(RandomForestClassifier(n_estimators=5, random_state=0),
                                        make_tree_student(max_depth=3))
    assert not hasattr(frame_student, "feature_importances_")  # unfitted


def test_a_pickled_mlp_student_is_mostly_its_weights(cancer):
    torch = pytest.importorskip("torch")
    from skdistill import MLPStudentClassifier

    X, y = cancer
    mlp = MLPStudentClassifier(max_epochs=30, random_state=0).fit(X, y)
    weights = len(pickle.dumps(mlp.net_.module_.state_dict()))
    assert len(pickle.dumps(mlp)) < 2 * weights
    assert mlp.net_.optimizer_ is None and "batches" not in mlp.net_.history[-1]
    assert len(mlp.net_.history) == mlp.n_epochs_
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(mlp)).predict_proba(X),
                                  mlp.predict_proba(X))
    assert isinstance(mlp.net_.module_, torch.nn.Module)
