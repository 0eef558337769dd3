"""The contract between a distiller and its student: the Lesson, and the strategy protocol.

A strategy is how one family of students learns a :class:`Lesson` (rows,
labels and the teacher's outputs) and answers at T = 1. Every strategy has
the same few methods with the same signatures; the one decision of whether
and how much temperature to undo lives in
:meth:`ClassifierStrategy.temperature_to_undo`, which prediction, the rules
export and the ONNX export all ask.
"""

import dataclasses
from dataclasses import dataclass

import numpy as np

from ._soft_targets import blend, sharpen, tempered_softmax


@dataclass
class Lesson:
    """What a student learns from: rows, labels and the teacher's outputs.

    ``teacher_output`` holds raw logits ``(n, K)`` for classification, and
    predictions ``(n,)`` for regression; ``y`` is integer-coded for
    classification. Rows where ``labelled`` is False (a transfer set, rows
    without labels) learn from the teacher alone; their ``y`` is ignored.
    ``teacher`` is the fitted teacher, for students that learn from its
    hidden layers as well as its outputs.
    """

    X: object
    y: np.ndarray
    teacher_output: np.ndarray
    alpha: float
    temperature: float = 1.0
    sample_weight: np.ndarray = None
    labelled: np.ndarray = None
    random_state: object = None
    teacher: object = None

    def alpha_per_row(self):
        """The teacher's share of each row's target, shape ``(n_samples,)``."""
        alpha = np.asarray(self._alpha_per_row(), dtype=np.float64).reshape(-1)
        return np.broadcast_to(alpha, (len(self.y),)).copy()

    def _alpha_per_row(self):
        if self.labelled is None:
            return self.alpha
        return np.where(self.labelled, self.alpha, 1.0)[:, None]

    @property
    def n_classes(self):
        return self.teacher_output.shape[1]

    def soft_targets(self, temperature=None):
        """Blend of the tempered teacher distribution and the one-hot labels.

        ``temperature`` defaults to the lesson's; pass 1.0 for the targets at T = 1.
        """
        temperature = self.temperature if temperature is None else temperature
        teacher = tempered_softmax(self.teacher_output, temperature)
        return blend(teacher, self.y, self._alpha_per_row(), overwrite=True)

    def blended_regression_targets(self):
        """``alpha * teacher + (1 - alpha) * y``."""
        alpha = self._alpha_per_row()
        alpha = alpha if np.isscalar(alpha) else alpha[:, 0]
        return alpha * self.teacher_output + (1.0 - alpha) * self.y

    def with_rows(self, X):
        """The same lesson on ``X``, the rows transformed (by a Pipeline's leading steps)."""
        return dataclasses.replace(self, X=X)


class ClassifierStrategy:
    """How a family of classifier students learns soft targets, and answers at T = 1.

    A strategy instance knows the number of classes and the temperature of
    the fit it serves; it never holds the student, which each method takes.

    Parameters
    ----------
    n_classes : int
        Classes of the distiller (columns of its probabilities).
    temperature : float, default=1.0
        The temperature the student learned at.
    """

    name = None
    @staticmethod
    def reads_teacher(student):
        """Whether ``student`` reads the teacher's outputs beyond the blended targets.

        (To judge early stopping by fidelity, say.) With ``alpha = 0`` and no
        transfer rows, the teacher is asked only if it does.
        """
        return False

    def __init__(self, n_classes, temperature=1.0):
        self.n_classes = n_classes
        self.temperature = temperature

    @staticmethod
    def accepts(student):
        """Whether this strategy can train ``student``."""
        raise NotImplementedError

    def fit(self, student, lesson):
        """Train ``student`` (a clone) on ``lesson``; return the fitted student."""
        raise NotImplementedError

    def temperature_to_undo(self, student):
        """The factor that brings ``student``'s margins to T = 1.

        The temperature itself for students that learned the tempered
        distribution as it is; 1.0 for students that answer at T = 1 already
        (neural nets trained with the KD loss, trees whose leaves were set at
        T = 1).
        """
        return self.temperature

    def student_proba(self, student, X):
        """The student's own probabilities over the classes, before any undoing."""
        raise NotImplementedError

    def predict_proba(self, student, X):
        """Class probabilities at T = 1, columns in the order of the classes."""
        return sharpen(self.student_proba(student, X), self.temperature_to_undo(student))

    def predict(self, student, X):
        """Class codes: the most probable class at T = 1."""
        return np.argmax(self.predict_proba(student, X), axis=1)

    def student_margins(self, student, X):
        """The student's ``decision_function``, one column per class (or one for binary)."""
        return np.asarray(student.decision_function(X), dtype=np.float64)

    def decision_function(self, student, X):
        """The student's margins at T = 1."""
        return self.temperature_to_undo(student) * self.student_margins(student, X)


class RegressorStrategy:
    """How a family of regressor students learns a blend of teacher and targets."""

    name = None
    reads_teacher = ClassifierStrategy.reads_teacher

    @staticmethod
    def accepts(student):
        """Whether this strategy can train ``student``."""
        raise NotImplementedError

    def fit(self, student, lesson):
        """Train ``student`` (a clone) on ``lesson``; return the fitted student."""
        raise NotImplementedError

    def predict(self, student, X):
        """The student's predictions, shape ``(n_samples,)``."""
        return np.asarray(student.predict(X), dtype=np.float64).reshape(-1)


def temperature_to_undo(distiller):
    """How much temperature a fitted distiller's student output still carries.

    For the exports: 1.0 means the student's own probabilities are the
    distiller's.
    """
    if not hasattr(distiller, "classes_"):
        return 1.0
    return distiller._strategy.temperature_to_undo(distiller.student_)
