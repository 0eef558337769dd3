"""The teacher contract without holes: no silent wrong answer, whatever the user does.

A failed fit changes nothing; a fitted teacher is read-only through the
distiller; cached outputs always belong to the teacher's current state;
outputs that are not what they claim are refused.
"""

import copy

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skdistill import DistilledClassifier, DistilledRegressor, MLPStudentClassifier
from skdistill.metrics import fidelity_scorer, teacher_student_kl
from _helpers import FIXED


class FailingStudent(ClassifierMixin, BaseEstimator):
    """A tree whose fit raises ``error`` instead of fitting (once the teacher pass is done)."""

    def __init__(self, error=ValueError):
        self.error = error

    def fit(self, X, y, sample_weight=None):
        raise self.error("the student fails midway")

    def predict_proba(self, X):
        raise AssertionError("never fitted")


class TeacherFailingOnSecondCall(ClassifierMixin, BaseEstimator):
    """A fitted model that answers once, then raises (a teacher failing midway)."""

    def __init__(self, model):
        self.model = model

    def fit(self, X, y):
        return self

    def __sklearn_is_fitted__(self):
        return True

    @property
    def classes_(self):
        return self.model.classes_

    def predict_proba(self, X):
        if np.shape(X)[0] > 150:
            raise RuntimeError("the teacher fails on these rows")
        return self.model.predict_proba(X)


def fitted_state(distiller):
    return {name: value for name, value in vars(distiller).items() if name.endswith("_")}


def assert_unchanged(distiller, before, X):
    after = fitted_state(distiller)
    assert after.keys() == before["state"].keys()
    assert all(after[name] is before["state"][name] for name in after)
    np.testing.assert_array_equal(distiller.predict_proba(X), before["proba"])


def snapshot(distiller, X):
    return {"state": fitted_state(distiller), "proba": distiller.predict_proba(X)}


@pytest.mark.parametrize("error", [ValueError, KeyboardInterrupt])
def test_a_refit_that_raises_keeps_the_model_fitted_before(iris, iris_forest, error):
    (X, y), forest = iris, iris_forest
    distilled = DistilledClassifier(forest, DecisionTreeClassifier(max_depth=3)).fit(X, y)
    before = snapshot(distilled, X)
    distilled.set_params(student=FailingStudent(error))
    with pytest.raises(error, match="midway"):
        distilled.fit(X[:100], y[:100])
    assert_unchanged(distilled, before, X)


def test_a_refit_on_labels_the_teacher_does_not_know_keeps_the_old_classes(iris, iris_forest):
    (X, y), forest = iris, iris_forest
    distilled = DistilledClassifier(forest, DecisionTreeClassifier(max_depth=3), **FIXED).fit(X, y)
    before = snapshot(distilled, X)
    with pytest.raises(ValueError, match="labels the `teacher` does not know"):
        distilled.fit(X, np.where(y == 2, 7, y))
    assert_unchanged(distilled, before, X)
    assert distilled.classes_.tolist() == [0, 1, 2]


def test_a_teacher_failing_midway_leaves_nothing_half_done(iris, iris_forest):
    (X, y), forest = iris, iris_forest
    distilled = DistilledClassifier(TeacherFailingOnSecondCall(forest),
                                    DecisionTreeClassifier(max_depth=3), augment="resample",
                                    augment_size=2.0, random_state=0)
    with pytest.raises(RuntimeError, match="fails on these rows"):
        distilled.fit(X, y)  # the real rows pass, the transfer set does not
    with pytest.raises(NotFittedError):
        distilled.predict(X)


@pytest.mark.parametrize("configuration", [
    {"assistant": DecisionTreeClassifier(max_depth=6)},
    {"n_generations": 2},
    {"augment": "munge", "augment_size": 1.0},
    {"X_unlabeled": True},
])
def test_a_first_fit_that_raises_leaves_the_model_unfitted(iris, iris_forest, configuration):
    (X, y), forest = iris, iris_forest
    configuration = dict(configuration)
    fit_params = {"X_unlabeled": X[:20]} if configuration.pop("X_unlabeled", False) else {}
    distilled = DistilledClassifier(forest, FailingStudent(), random_state=0, **configuration)
    with pytest.raises(ValueError, match="midway"):
        distilled.fit(X, y, **fit_params)
    assert fitted_state(distilled) == {}
    with pytest.raises(NotFittedError):
        distilled.predict(X)


def test_a_chain_failing_at_its_last_student_keeps_the_earlier_fit(iris, iris_forest):
    (X, y), forest = iris, iris_forest
    distilled = DistilledClassifier(forest, DecisionTreeClassifier(max_depth=3),
                                    assistant=DecisionTreeClassifier(max_depth=6),
                                    random_state=0).fit(X, y)
    before = snapshot(distilled, X)
    stages = distilled.stages_
    distilled.set_params(student=FailingStudent())
    with pytest.raises(ValueError, match="midway"):
        distilled.fit(X, y)
    assert distilled.stages_ is stages
    assert_unchanged(distilled, before, X)


def test_a_regressor_refit_that_raises_keeps_the_model_fitted_before():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(120, 4)), rng.normal(size=120)
    teacher = RandomForestRegressor(n_estimators=10, random_state=0).fit(X, y)
    distilled = DistilledRegressor(teacher, DecisionTreeRegressor(max_depth=3)).fit(X, y)
    prediction = distilled.predict(X)
    student = distilled.student_
    with pytest.raises(ValueError, match="X_unlabeled has no rows"):
        distilled.fit(X, y, X_unlabeled=X[:0])
    assert distilled.student_ is student
    np.testing.assert_array_equal(distilled.predict(X), prediction)


def test_an_mlp_student_refit_that_raises_keeps_its_net(cancer):
    X, y = cancer
    mlp = MLPStudentClassifier(max_epochs=3, random_state=0).fit(X, y)
    net, proba = mlp.net_, mlp.predict_proba(X)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        mlp.fit(X[:, :5], y[:10])
    assert mlp.net_ is net and mlp.n_features_in_ == X.shape[1]
    np.testing.assert_array_equal(mlp.predict_proba(X), proba)


def test_setting_a_fitted_teachers_parameters_is_refused(iris, iris_forest):
    (X, y), forest = iris, iris_forest
    before = joblib.hash(forest)
    distilled = DistilledClassifier(forest)
    with pytest.raises(ValueError, match="read-only.*unfitted"):
        distilled.set_params(teacher__n_estimators=5)
    search = GridSearchCV(distilled, {"teacher__n_estimators": [5, 10]}, cv=2,
                          error_score="raise")
    with pytest.raises(ValueError, match="read-only"):
        search.fit(X, y)
    assert forest.n_estimators == 20 and joblib.hash(forest) == before


def test_an_unfitted_teacher_is_tuned_per_candidate(iris, iris_forest):
    (X, y), forest = iris, iris_forest
    search = GridSearchCV(
        DistilledClassifier(clone(forest), DecisionTreeClassifier(max_depth=3), random_state=0),
        {"teacher__n_estimators": [1, 30]}, cv=3,
    ).fit(X, y)
    fitted = [search.best_estimator_.teacher_.n_estimators]
    assert fitted == [search.best_params_["teacher__n_estimators"]]
    assert search.best_estimator_.teacher_ is not forest


@pytest.mark.parametrize("edit", ["intercept", "scaler"])
def test_cached_outputs_follow_in_place_edits_of_the_teacher(cancer, edit):
    X, y = cancer
    teacher = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(X, y)
    distilled = DistilledClassifier(teacher, DecisionTreeClassifier(), alpha=1.0,
                                    random_state=0).fit(X, y)
    assert fidelity_scorer(distilled, X) == 1.0
    if edit == "intercept":
        teacher[-1].intercept_ += 3.0
    else:
        teacher[0].mean_ += 0.5
    distilled.fit(X, y)
    assert fidelity_scorer(distilled, X) == 1.0
    edited = teacher.predict(X)
    np.testing.assert_array_equal(distilled.predict(X), edited)


def test_a_1d_predict_proba_is_read_as_the_second_class(cancer):
    X, y = cancer
    model = LogisticRegression(max_iter=1000).fit(X, y)

    class PositiveProba(ClassifierMixin, BaseEstimator):
        classes_ = np.array([0, 1])

        def fit(self, X, y):
            return self

        def predict_proba(self, X):
            return model.predict_proba(X)[:, 1]

    distilled = DistilledClassifier(PositiveProba(), DecisionTreeClassifier(), alpha=1.0).fit(X, y)
    # Read as a margin, it would make the student predict one class everywhere.
    assert fidelity_scorer(distilled, X) == 1.0
    np.testing.assert_allclose(distilled.predict_proba(X), model.predict_proba(X), atol=1e-3)


@pytest.mark.parametrize("bad", ["above_one", "below_zero", "not_summing", "1d_multiclass"])
def test_outputs_that_are_not_probabilities_are_refused(iris, iris_forest, bad):
    (X, y), forest = iris, iris_forest

    def teacher(rows):
        proba = forest.predict_proba(rows)
        return {"above_one": proba * 1.5, "below_zero": proba - 0.1,
                "not_summing": proba * 0.9, "1d_multiclass": proba[:, 0]}[bad]

    with pytest.raises(ValueError, match="`teacher` teacher"):
        DistilledClassifier(teacher).fit(X, y)


def test_an_empty_teacher_list_is_refused_by_name(iris):
    X, y = iris
    with pytest.raises(ValueError, match="`teacher` is an empty list"):
        DistilledClassifier([]).fit(X, y)


def test_duck_typed_teachers_work_without_base_estimator(iris, iris_forest):
    (X, y), forest = iris, iris_forest

    class Fitted:
        def __init__(self):
            self.classes_ = forest.classes_

        def fit(self, X, y):
            return self

        def predict_proba(self, X):
            return forest.predict_proba(X)

    class Unfitted:
        def fit(self, X, y):
            return self

        def predict_proba(self, X):
            return forest.predict_proba(X)

    distilled = DistilledClassifier(Fitted(), DecisionTreeClassifier(), alpha=1.0).fit(X, y)
    np.testing.assert_array_equal(distilled.predict(X), forest.predict(X))
    with pytest.raises(TypeError, match="`teacher` Unfitted is not fitted.*get_params"):
        DistilledClassifier(Unfitted()).fit(X, y)


def test_a_function_teacher_is_read_in_the_order_of_the_labels_and_never_cached(iris, iris_forest):
    (X, y), forest = iris, iris_forest
    calls = []

    def teacher(rows):
        calls.append(len(rows))
        return forest.predict_proba(rows)

    names = np.array(["setosa", "versicolor", "virginica"])
    distilled = DistilledClassifier(teacher, DecisionTreeClassifier(), alpha=1.0, augment=None, cv=None)
    distilled.fit(X, names[y]).fit(X, names[y])
    assert calls == [150, 150]
    np.testing.assert_array_equal(distilled.predict(X), names[forest.predict(X)])
    with pytest.raises(ValueError, match="does not name its classes and returned 3 columns"):
        DistilledClassifier(teacher, **FIXED).fit(X[y < 2], y[y < 2])


@pytest.mark.parametrize("bad", [[[0.5, 0.6]], [[-0.1, 1.1]], [[np.nan, 1.0]], [0.5, 0.5]])
def test_kl_refuses_what_is_not_a_distribution(bad):
    with pytest.raises(ValueError, match="teacher_proba"):
        teacher_student_kl(bad, [[0.5, 0.5]])
    with pytest.raises(ValueError, match="student_proba"):
        teacher_student_kl([[0.5, 0.5]], bad)


def test_onnx_export_takes_a_dataframe_sample(iris):
    onnxruntime = pytest.importorskip("onnxruntime")
    from skdistill.export import to_onnx

    X, y = iris
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    forest = RandomForestClassifier(n_estimators=10, random_state=0).fit(frame, y)
    distilled = DistilledClassifier(forest, DecisionTreeClassifier(max_depth=3),
                                    temperature=2.0).fit(frame, y)
    session = onnxruntime.InferenceSession(to_onnx(distilled, frame.iloc[:2]).SerializeToString())
    labels, proba = session.run(None, {session.get_inputs()[0].name: X.astype(np.float32)})
    np.testing.assert_array_equal(labels, distilled.predict(frame))
    np.testing.assert_allclose(proba, distilled.predict_proba(frame), atol=1e-6)


@pytest.mark.parametrize("kind", ["array", "frame"])
def test_an_empty_x_unlabeled_is_refused_whatever_its_kind(iris, iris_forest, kind):
    (X, y), forest = iris, iris_forest
    if kind == "frame":
        X = pd.DataFrame(X, columns=["a", "b", "c", "d"])
        forest = RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="X_unlabeled has no rows"):
        DistilledClassifier(forest).fit(X, y, X_unlabeled=X[:0])


def test_deep_copies_of_a_fitted_distiller_share_nothing_but_answer_the_same(iris, iris_forest):
    (X, y), forest = iris, iris_forest
    distilled = DistilledClassifier(forest, DecisionTreeClassifier(max_depth=3)).fit(X, y)
    copied = copy.deepcopy(distilled)
    assert copied.teacher_ is not forest and copied.student_ is not distilled.student_
    np.testing.assert_array_equal(copied.predict_proba(X), distilled.predict_proba(X))
    assert fidelity_scorer(copied, X) == fidelity_scorer(distilled, X)


def test_metadata_routing_sends_the_weights_to_pipeline_teachers_and_students(iris):
    import sklearn
    from sklearn.model_selection import cross_val_score

    X, y = iris
    weights = np.random.default_rng(0).uniform(0.5, 2.0, len(y))
    teacher = make_pipeline(StandardScaler(), RandomForestClassifier(10, random_state=0))
    student = make_pipeline(StandardScaler(), DecisionTreeClassifier(max_depth=3))
    plain = DistilledClassifier(teacher, student, random_state=0).fit(X, y, sample_weight=weights)
    with sklearn.config_context(enable_metadata_routing=True):
        distilled = DistilledClassifier(teacher, student, random_state=0)
        routed = clone(distilled).fit(X, y, sample_weight=weights)
        distilled.set_fit_request(sample_weight=True).set_score_request(sample_weight=True)
        scores = cross_val_score(distilled, X, y, cv=3, params={"sample_weight": weights})
    np.testing.assert_array_equal(routed.predict_proba(X), plain.predict_proba(X))
    assert scores.min() > 0.8
    assert not hasattr(student[-1], "_metadata_request")  # the user's student is left alone
