"""Torch modules and skorch nets as teachers: their logits, classes and train/eval state."""

import numpy as np
import pytest
from scipy.special import softmax
from sklearn.base import clone
from sklearn.datasets import make_regression

torch = pytest.importorskip("torch")
skorch = pytest.importorskip("skorch")

from _torch_helpers import TINY, ProbabilityModule, logit_module, skorch_classifier  # noqa: E402

from skdistill import (  # noqa: E402
    DistilledClassifier,
    DistilledRegressor,
    MLPStudentClassifier,
    MLPStudentRegressor,
    TorchTeacher,
)
from skdistill._teacher_outputs import teacher_adapter as as_teacher  # noqa: E402


@pytest.mark.parametrize(
    "module, criterion", [(ProbabilityModule, torch.nn.NLLLoss),
                          (logit_module, torch.nn.CrossEntropyLoss)]
)
def test_skorch_teacher_gives_logits_for_probability_and_logit_modules(net_data, module,
                                                                      criterion):
    X, y = net_data
    net = skorch_classifier(module, criterion).fit(X.astype(np.float32), y)
    logits = as_teacher(net, "classifier").logits(X)
    np.testing.assert_allclose(softmax(logits, axis=1), net.predict_proba(X.astype(np.float32)),
                               atol=1e-5)
    if criterion is torch.nn.CrossEntropyLoss:
        np.testing.assert_allclose(logits, net.forward(X.astype(np.float32)).numpy(), rtol=1e-6)
    distilled = DistilledClassifier(net, MLPStudentClassifier(**TINY), random_state=0).fit(X, y)
    assert distilled.teacher_ is net
    assert clone(distilled).teacher is net


def test_raw_torch_module_teacher_is_used_as_given(net_data):
    X, y = net_data
    module = logit_module()
    module.train()
    distilled = DistilledClassifier(module, MLPStudentClassifier(**TINY), random_state=0)
    distilled.fit(X, y)
    assert distilled.teacher_ is module and clone(distilled).teacher is module
    assert module.training  # its train/eval flag restored
    logits = as_teacher(module, "classifier").logits(X)
    expected = module(torch.tensor(X, dtype=torch.float32)).detach().numpy()
    np.testing.assert_allclose(logits, expected, rtol=1e-5, atol=1e-6)


def test_torch_teacher_names_the_classes(net_data):
    X, y = net_data
    labels = np.array(["a", "b", "c"])[y]
    teacher = TorchTeacher(logit_module(), classes=["a", "b", "c"])
    distilled = DistilledClassifier(teacher, MLPStudentClassifier(**TINY), random_state=0)
    assert set(distilled.fit(X, labels).predict(X)) <= {"a", "b", "c"}
    with pytest.raises(ValueError, match="2 `classes`"):
        DistilledClassifier(TorchTeacher(logit_module(), classes=["a", "b"])).fit(X, labels)


def test_unfitted_skorch_teachers_are_cloned_and_fitted_on_float32(net_data):
    X, y = net_data
    net = skorch_classifier(logit_module, torch.nn.CrossEntropyLoss)
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
