"""The user's own skorch nets as students: trained on the KD loss, left as they were given."""

import joblib
import numpy as np
import pytest
from sklearn.datasets import make_regression
from sklearn.ensemble import RandomForestRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

torch = pytest.importorskip("torch")
skorch = pytest.importorskip("skorch")

from _torch_helpers import ProbabilityModule, logit_module, skorch_classifier  # noqa: E402

from skdistill import DistilledClassifier, DistilledRegressor  # noqa: E402


@pytest.mark.parametrize(
    "module, criterion", [(ProbabilityModule, torch.nn.NLLLoss),
                          (logit_module, torch.nn.CrossEntropyLoss)]
)
def test_users_skorch_student_is_trained_with_kd_loss_and_left_unmutated(
    net_data, net_forest, module, criterion
):
    X, y = net_data
    student = skorch_classifier(module, criterion, optimizer=torch.optim.Adam,
                                 train_split=skorch.dataset.ValidSplit(5))
    before = joblib.hash(student)
    distilled = DistilledClassifier(net_forest, student, temperature=2.0, random_state=0).fit(X, y)
    assert joblib.hash(student) == before
    assert distilled.strategy_ == "kd_loss"
    fitted = distilled.student_
    assert isinstance(fitted, skorch.NeuralNetClassifier) and fitted is not student
    assert fitted.criterion is criterion  # its own criterion is back for prediction
    assert "valid_fidelity" in fitted.history[-1]
    proba = distilled.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    repeat = DistilledClassifier(net_forest, student, temperature=2.0, random_state=0).fit(X, y)
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


def test_skorch_student_with_another_criterion_is_refused(net_data, net_forest):
    student = skorch_classifier(logit_module, torch.nn.MultiMarginLoss)
    with pytest.raises(ValueError, match="NLLLoss .* or CrossEntropyLoss"):
        DistilledClassifier(net_forest, student).fit(*net_data)
