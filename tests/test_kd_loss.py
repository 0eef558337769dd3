"""The KD loss against its formula computed by hand, and the kd_loss strategy's refusals."""

import numpy as np
import pytest
from scipy.special import log_softmax, softmax
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier

torch = pytest.importorskip("torch")
pytest.importorskip("skorch")  # skdistill._nets builds on it

from skdistill import DistilledClassifier  # noqa: E402
from skdistill._nets import (  # noqa: E402
    DistillationLoss,
    pack_distillation_targets,
    pack_targets,
)
from skdistill._neural_students import KDLoss  # noqa: E402
from skdistill._strategy import Lesson  # noqa: E402


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


def test_kd_strategy_refuses_other_students():
    assert not KDLoss.accepts(RandomForestClassifier())
    with pytest.raises(ValueError, match="kd_loss"):
        X, y = make_classification(50, 4, random_state=0)
        DistilledClassifier(student=RandomForestClassifier(), strategy="kd_loss").fit(X, y)
