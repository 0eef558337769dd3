"""Neural students (MLP, skorch nets) and torch teachers."""

import pickle
import subprocess
import sys

import joblib
import numpy as np
import pandas as pd
import pytest
from scipy.special import log_softmax, softmax
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

torch = pytest.importorskip("torch")
skorch = pytest.importorskip("skorch")

from skdistill import (  # noqa: E402
    DistilledClassifier,
    DistilledRegressor,
    MLPStudentClassifier,
    MLPStudentRegressor,
    TorchTeacher,
    make_mlp_student,
)
from skdistill._nets import (  # noqa: E402
    DistillationLoss,
    pack_distillation_targets,
    pack_targets,
)
from skdistill._neural_students import KDLoss  # noqa: E402
from skdistill._strategy import Lesson  # noqa: E402
from skdistill._teacher_outputs import teacher_adapter as as_teacher  # noqa: E402

TINY = dict(hidden_layer_sizes=(8,), max_epochs=4, batch_size=64)


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(300, 6, n_informative=4, n_classes=3, random_state=0)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def forest(data):
    return RandomForestClassifier(n_estimators=10, random_state=0).fit(*data)


def _targets(labels, alpha, teacher_logits, temperature, weight=None):
    packed = pack_distillation_targets(labels, weight, alpha, teacher_logits, temperature)
    return torch.tensor(packed, dtype=torch.float64)


def _kd_formula(student, teacher, labels, alpha, temperature):
    teacher_t = softmax(teacher / temperature, axis=1)
    kl = (teacher_t * (np.log(teacher_t) - log_softmax(student / temperature, axis=1))).sum(1)
    cross_entropy = -log_softmax(student, axis=1)[np.arange(len(labels)), labels]
    return np.mean(alpha * temperature**2 * kl + (1 - alpha) * cross_entropy)


@pytest.mark.parametrize("temperature", [1.0, 3.0])
def test_kd_loss_equals_the_formula_on_hand_made_logits(temperature):
    student = np.array([[2.0, -1.0, 0.5], [0.0, 0.3, -2.0], [1.0, 1.0, 1.0]])
    teacher = np.array([[1.0, 0.0, -1.0], [-0.5, 2.0, 0.0], [3.0, -3.0, 0.0]])
    labels = np.array([0, 1, 2])
    targets = _targets(labels, 0.7, teacher, temperature)
    loss = DistillationLoss(temperature=temperature)(torch.tensor(student), targets)
    expected = _kd_formula(student, teacher, labels, 0.7, temperature)
    assert loss.item() == pytest.approx(expected, rel=1e-6)
    # The T^2 factor: the pure teacher term grows with T^2 times the tempered KL.
    pure = DistillationLoss(temperature=temperature)(
        torch.tensor(student), _targets(labels, 1.0, teacher, temperature)
    )
    assert pure.item() == pytest.approx(_kd_formula(student, teacher, labels, 1.0, temperature))


def test_alpha_zero_gives_plain_cross_entropy():
    rng = np.random.default_rng(0)
    student, teacher = rng.normal(size=(5, 4)), rng.normal(size=(5, 4))
    labels = np.array([0, 3, 1, 2, 3])
    loss = DistillationLoss(temperature=4.0)(torch.tensor(student),
                                             _targets(labels, 0.0, teacher, 4.0))
    expected = torch.nn.functional.cross_entropy(torch.tensor(student), torch.tensor(labels))
    assert loss.item() == pytest.approx(expected.item())


def test_probabilities_module_loss_takes_the_log_of_its_output():
    logits = np.array([[1.0, -1.0], [0.2, 0.4]])
    targets = _targets([0, 1], 0.5, np.array([[0.0, 1.0], [1.0, 0.0]]), 2.0)
    from_logits = DistillationLoss(temperature=2.0)(torch.tensor(logits), targets)
    from_proba = DistillationLoss(temperature=2.0, output_kind="probabilities")(
        torch.tensor(softmax(logits, axis=1)), targets
    )
    assert from_proba.item() == pytest.approx(from_logits.item(), rel=1e-6)


def test_row_weights_and_unlabelled_rows_in_the_loss():
    student = np.array([[1.0, 0.0], [0.0, 1.0]])
    teacher = np.array([[0.0, 2.0], [2.0, 0.0]])
    lesson = Lesson(X=None, y=np.array([0, -1]), teacher_output=teacher, alpha=0.3,
                    temperature=2.0, labelled=np.array([True, False]))
    alpha = lesson.alpha_per_row()
    assert alpha.tolist() == [0.3, 1.0]
    weight = np.array([1.0, 3.0])
    targets = _targets(np.where(alpha < 1, lesson.y, 0), alpha, teacher, 2.0, weight)
    loss = DistillationLoss(temperature=2.0)(torch.tensor(student), targets)
    rows = [_kd_formula(student[[i]], teacher[[i]], [0], alpha[i], 2.0) for i in range(2)]
    # Weights are rescaled to mean 1: 0.5 and 1.5.
    assert loss.item() == pytest.approx((0.5 * rows[0] + 1.5 * rows[1]) / 2, rel=1e-6)


def test_regression_loss_is_the_error_to_the_blended_target():
    prediction = torch.tensor([[1.0], [2.0]], dtype=torch.float64)
    targets = torch.tensor(pack_targets([0.0, 4.0], alpha=0.25, reference=[2.0, 0.0]),
                           dtype=torch.float64)
    loss = DistillationLoss(task="regression")(prediction, targets)
    expected = np.mean([0.25 * 1 + 0.75 * 1, 0.25 * 4 + 0.75 * 4])
    assert loss.item() == pytest.approx(expected)


def test_auto_strategy_picks_the_kd_loss_for_neural_students(data, forest):
    student = make_pipeline(StandardScaler(), MLPStudentClassifier(**TINY))
    distilled = DistilledClassifier(forest, student, random_state=0).fit(*data)
    assert distilled.strategy_ == "kd_loss"


def test_predictions_are_at_temperature_one(data, forest):
    X, y = data
    distilled = DistilledClassifier(
        forest, MLPStudentClassifier(**TINY), temperature=4.0, random_state=0
    ).fit(X, y)
    logits = distilled.student_.decision_function(X)
    np.testing.assert_allclose(distilled.predict_proba(X), softmax(logits, axis=1))
    np.testing.assert_array_equal(distilled.predict(X), np.argmax(logits, axis=1))


def _weights(model):
    return [t.clone() for t in model.net_.module_.state_dict().values()]


def test_same_random_state_gives_bit_identical_weights_and_leaves_torch_rng_alone(data):
    X, y = data
    params = dict(TINY, dropout=0.2, random_state=3)
    state_before = torch.get_rng_state()
    first = _weights(MLPStudentClassifier(**params).fit(X, y))
    second = _weights(MLPStudentClassifier(**params).fit(X, y))
    assert torch.equal(torch.get_rng_state(), state_before)
    assert all(torch.equal(a, b) for a, b in zip(first, second))
    other = _weights(MLPStudentClassifier(**dict(params, random_state=4)).fit(X, y))
    assert not all(torch.equal(a, b) for a, b in zip(first, other))


def test_distilled_mlp_is_repeatable(data, forest):
    X, y = data
    fits = [DistilledClassifier(forest, MLPStudentClassifier(**TINY), random_state=1).fit(X, y)
            for _ in range(2)]
    np.testing.assert_array_equal(fits[0].predict_proba(X), fits[1].predict_proba(X))


class _ProbabilityModule(torch.nn.Module):
    def __init__(self, n_features=6, n_classes=3):
        super().__init__()
        self.linear = torch.nn.Linear(n_features, n_classes)

    def forward(self, X):
        return torch.softmax(self.linear(X), dim=-1)


def _logit_module(n_features=6, n_classes=3):
    return torch.nn.Sequential(torch.nn.Linear(n_features, 8), torch.nn.ReLU(),
                               torch.nn.Linear(8, n_classes))


def _skorch_classifier(module, criterion, **params):
    params = {"max_epochs": 3, "lr": 0.1, "train_split": None, "verbose": 0, **params}
    return skorch.NeuralNetClassifier(module, criterion=criterion, **params)


@pytest.mark.parametrize(
    "module, criterion", [(_ProbabilityModule, torch.nn.NLLLoss),
                          (_logit_module, torch.nn.CrossEntropyLoss)]
)
def test_skorch_teacher_gives_logits_for_probability_and_logit_modules(data, module, criterion):
    X, y = data
    net = _skorch_classifier(module, criterion).fit(X.astype(np.float32), y)
    logits = as_teacher(net, "classifier").logits(X)
    np.testing.assert_allclose(softmax(logits, axis=1), net.predict_proba(X.astype(np.float32)),
                               atol=1e-5)
    if criterion is torch.nn.CrossEntropyLoss:
        np.testing.assert_allclose(logits, net.forward(X.astype(np.float32)).numpy(), rtol=1e-6)
    distilled = DistilledClassifier(net, MLPStudentClassifier(**TINY), random_state=0).fit(X, y)
    assert distilled.teacher_ is net
    assert clone(distilled).teacher is net


def test_raw_torch_module_teacher_is_used_as_given(data):
    X, y = data
    module = _logit_module()
    module.train()
    distilled = DistilledClassifier(module, MLPStudentClassifier(**TINY), random_state=0)
    distilled.fit(X, y)
    assert distilled.teacher_ is module and clone(distilled).teacher is module
    assert module.training  # its train/eval flag restored
    logits = as_teacher(module, "classifier").logits(X)
    expected = module(torch.tensor(X, dtype=torch.float32)).detach().numpy()
    np.testing.assert_allclose(logits, expected, rtol=1e-5, atol=1e-6)


def test_torch_teacher_names_the_classes(data):
    X, y = data
    labels = np.array(["a", "b", "c"])[y]
    teacher = TorchTeacher(_logit_module(), classes=["a", "b", "c"])
    distilled = DistilledClassifier(teacher, MLPStudentClassifier(**TINY), random_state=0)
    assert set(distilled.fit(X, labels).predict(X)) <= {"a", "b", "c"}
    with pytest.raises(ValueError, match="2 `classes`"):
        DistilledClassifier(TorchTeacher(_logit_module(), classes=["a", "b"])).fit(X, labels)


def test_unfitted_skorch_teachers_are_cloned_and_fitted_on_float32(data):
    X, y = data
    net = _skorch_classifier(_logit_module, torch.nn.CrossEntropyLoss)
    distilled = DistilledClassifier(net, MLPStudentClassifier(**TINY), random_state=0).fit(X, y)
    assert distilled.teacher_ is not net and distilled.teacher_.initialized_
    assert not net.initialized_
    Xr, yr = make_regression(100, 6, random_state=0)
    regressor = skorch.NeuralNetRegressor(torch.nn.Linear(6, 1), max_epochs=2, train_split=None,
                                          verbose=0)
    assert DistilledRegressor(regressor, MLPStudentRegressor(**TINY)).fit(Xr, yr).predict(
        Xr).shape == (100,)


def test_torch_and_skorch_regressor_teachers():
    X, y = make_regression(200, 4, random_state=0)
    y = (y - y.mean()) / y.std()
    module = torch.nn.Linear(4, 1)
    distilled = DistilledRegressor(module, MLPStudentRegressor(**TINY), random_state=0).fit(X, y)
    assert distilled.predict(X).shape == (200,)
    net = skorch.NeuralNetRegressor(torch.nn.Linear(4, 1), max_epochs=3, train_split=None,
                                    verbose=0).fit(X.astype(np.float32), y[:, None].astype(np.float32))
    distilled = DistilledRegressor(net, MLPStudentRegressor(**TINY), random_state=0).fit(X, y)
    assert distilled.teacher_ is net and np.isfinite(distilled.predict(X)).all()


@pytest.mark.parametrize(
    "module, criterion", [(_ProbabilityModule, torch.nn.NLLLoss),
                          (_logit_module, torch.nn.CrossEntropyLoss)]
)
def test_users_skorch_student_is_trained_with_kd_loss_and_left_unmutated(
    data, forest, module, criterion
):
    X, y = data
    student = _skorch_classifier(module, criterion, optimizer=torch.optim.Adam,
                                 train_split=skorch.dataset.ValidSplit(5))
    before = joblib.hash(student)
    distilled = DistilledClassifier(forest, student, temperature=2.0, random_state=0).fit(X, y)
    assert joblib.hash(student) == before
    assert distilled.strategy_ == "kd_loss"
    fitted = distilled.student_
    assert isinstance(fitted, skorch.NeuralNetClassifier) and fitted is not student
    assert fitted.criterion is criterion  # its own criterion is back for prediction
    assert "valid_fidelity" in fitted.history[-1]
    proba = distilled.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    repeat = DistilledClassifier(forest, student, temperature=2.0, random_state=0).fit(X, y)
    np.testing.assert_array_equal(repeat.predict_proba(X), proba)


def test_skorch_regressor_student_in_a_pipeline():
    X, y = make_regression(200, 4, noise=1.0, random_state=0)
    teacher = RandomForestRegressor(n_estimators=10, random_state=0).fit(X, y)
    net = skorch.NeuralNetRegressor(torch.nn.Linear(4, 1), max_epochs=3, verbose=0)
    student = make_pipeline(StandardScaler(), net)
    distilled = DistilledRegressor(teacher, student, random_state=0).fit(X, y)
    assert distilled.strategy_ == "kd_loss"
    assert distilled.predict(X).shape == (200,)
    assert not net.initialized_


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


def test_early_stopping_restores_the_best_weights(data, forest):
    X, y = data
    student = MLPStudentClassifier(hidden_layer_sizes=(8,), max_epochs=200, lr=0.05,
                                   n_iter_no_change=3, validation_fraction=0.3)
    distilled = DistilledClassifier(forest, student, random_state=0).fit(X, y)
    net = distilled.student_.net_
    # Judged by the KL from the teacher on held-out rows (lower is better).
    kl = net.history[:, "valid_teacher_kl"]
    stopper = dict(net.callbacks_)["early_stopping"]
    assert stopper.monitor == "valid_teacher_kl"
    assert distilled.student_.n_epochs_ < 200
    assert stopper.best_epoch_ == 1 + int(np.argmin(kl)) < len(kl)
    for name, weights in net.module_.state_dict().items():
        assert torch.equal(weights, stopper.best_model_weights_[name])


def test_verbose_prints_epochs_with_loss_and_fidelity(data, forest, capsys):
    X, y = data
    DistilledClassifier(forest, MLPStudentClassifier(**TINY, verbose=1), random_state=0).fit(X, y)
    out = capsys.readouterr().out
    assert "train_loss" in out and "valid_fidelity" in out


def test_standalone_mlp_learns_hard_labels_with_string_classes(data):
    X, y = data
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


def test_pickle_and_grid_search(data, forest):
    X, y = data
    mlp = MLPStudentClassifier(**TINY, random_state=0).fit(X, y)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(mlp)).predict_proba(X),
                                  mlp.predict_proba(X))
    search = GridSearchCV(
        DistilledClassifier(forest, MLPStudentClassifier(**TINY), random_state=0),
        {"temperature": [1.0, 2.0], "student__hidden_layer_sizes": [(4,), (8,)]}, cv=2,
    ).fit(X, y)
    assert search.best_estimator_.teacher_ is forest


def test_kd_strategy_refuses_other_students():
    assert not KDLoss.accepts(RandomForestClassifier())
    with pytest.raises(ValueError, match="kd_loss"):
        X, y = make_classification(50, 4, random_state=0)
        DistilledClassifier(student=RandomForestClassifier(), strategy="kd_loss").fit(X, y)


def test_skorch_student_with_another_criterion_is_refused(data, forest):
    student = _skorch_classifier(_logit_module, torch.nn.MultiMarginLoss)
    with pytest.raises(ValueError, match="NLLLoss .* or CrossEntropyLoss"):
        DistilledClassifier(forest, student).fit(*data)


def test_import_skdistill_does_not_import_torch():
    code = "import sys, skdistill; assert 'torch' not in sys.modules and 'skorch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_missing_torch_names_the_extra(monkeypatch):
    from skdistill._torch import torch_nets

    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ImportError, match=r"pip install 'skdistill\[torch\]'"):
        torch_nets()


def test_cuda_without_a_gpu_says_what_to_install():
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("a CUDA GPU is present: the fallback message does not apply")
    from sklearn.datasets import load_iris

    from skdistill import MLPStudentClassifier

    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match="device='cuda'.*install a CUDA build of torch"):
        MLPStudentClassifier(device="cuda", max_epochs=1).fit(X, y)


def test_trains_on_a_cuda_gpu():
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("no CUDA GPU on this machine")
    from sklearn.datasets import load_iris

    from skdistill import DistilledClassifier, MLPStudentClassifier

    X, y = load_iris(return_X_y=True)
    student = MLPStudentClassifier(device="cuda", max_epochs=20, random_state=0)
    distilled = DistilledClassifier(student=student, random_state=0).fit(X, y)
    assert distilled.score(X, y) > 0.8
