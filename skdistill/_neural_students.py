"""Neural students: the KD-loss strategies, for MLP students and users' own skorch nets.

An MLP student (or any student with ``fit_lesson``) learns from the whole
lesson itself. A user's skorch net is handed over as a clone: its module is
built from the user's parameters, then trained by a
:class:`~skdistill._nets.DistillationNet` that shares the module but has
its own criterion (the KD loss), data path, held-out split and callbacks;
the clone keeps its own criterion, so its ``predict_proba`` behaves as the
user configured it.
"""

import numpy as np
from sklearn.base import is_classifier, is_regressor

from ._fitting import final_step, fit_leading_steps, last_step_input
from ._strategy import ClassifierStrategy, RegressorStrategy
from ._torch import as_float32, is_skorch_net, output_kind, torch_nets

# Share of rows skorch's default ValidSplit(5) holds out.
_DEFAULT_VALIDATION_FRACTION = 0.2
_PATIENCE = 10


class _NeuralStudents:
    """Accepts students that learn from a lesson themselves, and skorch nets of the kind."""

    @classmethod
    def accepts(cls, student):
        final = final_step(student)
        learns_lessons = callable(getattr(final, "fit_lesson", None)) and cls._is_kind(final)
        return learns_lessons or is_skorch_net(final, cls._skorch_class)

    def fit(self, student, lesson):
        return fit_net(student, lesson, self.task)

    @staticmethod
    def reads_teacher(student):
        return True  # early stopping is judged by fidelity to the teacher


class KDLoss(_NeuralStudents, ClassifierStrategy):
    """A neural net trained with the knowledge-distillation loss.

    ``alpha * T^2 * KL(softmax(z_t / T) || softmax(z_s / T)) + (1 - alpha) *
    CE(y, softmax(z_s))`` per row (Hinton, Vinyals and Dean 2015), weighted by
    ``sample_weight``; rows without labels keep the teacher term alone. The
    net's own logits are its predictions at T = 1, so nothing is undone at
    prediction. Students: :class:`~skdistill.MLPStudentClassifier` (any
    classifier with ``fit_lesson``), a skorch ``NeuralNetClassifier``, or a
    Pipeline ending in one.
    """

    name = "kd_loss"
    task = "classification"
    _skorch_class = "NeuralNetClassifier"
    _is_kind = staticmethod(is_classifier)

    def temperature_to_undo(self, student):
        return 1.0

    def student_proba(self, student, X):
        proba = final_step(student).predict_proba(net_input(student, X))
        return np.asarray(proba, dtype=np.float64)


class KDRegressionLoss(_NeuralStudents, RegressorStrategy):
    """A neural net trained on ``alpha * (f - teacher)^2 + (1 - alpha) * (f - y)^2``.

    The squared error to the blended target, with early stopping judged by
    the error to the teacher. Students: :class:`~skdistill.MLPStudentRegressor`
    (any regressor with ``fit_lesson``), a skorch ``NeuralNetRegressor``, or a
    Pipeline ending in one.
    """

    name = "kd_loss"
    task = "regression"
    _skorch_class = "NeuralNetRegressor"
    _is_kind = staticmethod(is_regressor)

    def predict(self, student, X):
        prediction = final_step(student).predict(net_input(student, X))
        return np.asarray(prediction, dtype=np.float64).reshape(-1)


def fit_net(student, lesson, task):
    """Fit a Pipeline's leading steps, then the net at its end on the lesson."""
    lesson = lesson.with_rows(fit_leading_steps(student, lesson))
    final = final_step(student)
    if callable(getattr(final, "fit_lesson", None)):
        final.fit_lesson(lesson)
    else:
        fit_skorch_student(final, lesson, task)
    return student


def net_input(student, X):
    """The float32 rows the net at the end of ``student`` reads."""
    return as_float32(last_step_input(student, X))


def fit_skorch_student(net, lesson, task):
    """Train the (cloned) skorch ``net`` on the lesson with the KD loss."""
    nets = torch_nets()
    alpha = lesson.alpha_per_row()
    labels = np.where(alpha < 1.0, lesson.y, 0)
    if task == "classification":
        targets = nets.pack_distillation_targets(labels, lesson.sample_weight, alpha,
                                                 lesson.teacher_output, lesson.temperature)
    else:
        targets = nets.pack_targets(labels, lesson.sample_weight, alpha, lesson.teacher_output)
    X = as_float32(lesson.X)
    kind = output_kind(net) if task == "classification" else "logits"
    fraction = validation_fraction(net.train_split)

    def build(shuffle_seed, split_seed):
        net.initialize()
        return nets.make_distillation_net(
            net.module_, task=task, optimizer=net.optimizer,
            optimizer_params=net.get_params_for("optimizer"), lr=net.lr,
            max_epochs=net.max_epochs, batch_size=net.batch_size,
            temperature=lesson.temperature, output_kind=kind,
            validation_fraction=fraction or _DEFAULT_VALIDATION_FRACTION,
            early_stopping=fraction > 0 and nets.can_hold_out(len(X), fraction),
            patience=_PATIENCE, shuffle_seed=shuffle_seed, split_seed=split_seed,
            device=net.device, verbose=net.verbose,
        )

    trainer = nets.fit_seeded(build, X, targets, lesson.random_state)
    net.history = trainer.history
    if task == "classification" and getattr(net, "classes", None) is None:
        net.classes_inferred_ = np.arange(targets.shape[1] - nets.REFERENCE)
    return net


def validation_fraction(train_split):
    """The share of rows the user's ``train_split`` would hold out (0 for none)."""
    if not train_split:
        return 0.0
    cv = getattr(train_split, "cv", None)
    if isinstance(cv, float):
        return cv
    if isinstance(cv, int) and cv > 1:
        return 1.0 / cv
    return _DEFAULT_VALIDATION_FRACTION
