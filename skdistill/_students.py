"""Student strategies: how each family of models learns from soft targets.

A strategy is picked by what the student can do (``choose_strategy``). Each
one fits a student on a :class:`Lesson` (the data, the labels and the
teacher's outputs) and reads the student's probabilities back at T = 1.
"""

from dataclasses import dataclass

import numpy as np
from sklearn.base import is_classifier, is_regressor
from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier
from sklearn.multioutput import MultiOutputRegressor
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils import _safe_indexing, get_tags
from sklearn.utils.validation import _num_samples

from ._fitting import accepts_sample_weight, final_step, fit_with_weight
from ._lightgbm_student import LightGBMClassifierStudent, LightGBMRegressorStudent
from ._mlp_students import MLPStudentClassifier, MLPStudentRegressor, torch_nets
from ._skorch_students import as_float32, fit_skorch_student, is_skorch_net
from ._soft_targets import PROBA_FLOOR, blend, sharpen, tempered_softmax

# Soft probabilities below this are dropped when rows are expanded per class
# (and the rest renormalised), so memory grows with the classes a row
# plausibly belongs to, not with the number of classes.
_EXPANSION_FLOOR = 1e-3
# A flat teacher (high temperature, many classes) would keep most classes of
# every row above that floor: the floor then rises until the expanded data
# holds at most this many rows per original row, which bounds the memory of
# a fit whatever the number of classes.
_ROWS_PER_ROW = 1.5
# Rows copied at a time when expanding into float32: bounds the float64
# temporary to a few megabytes.
_EXPANSION_CHUNK = 65_536
# Students that fit on a float32 copy of X (extra trees subclass these).
_FLOAT32_LEARNERS = (DecisionTreeClassifier, RandomForestClassifier, ExtraTreesClassifier)


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

    def soft_targets(self):
        """Blend of the tempered teacher distribution and the one-hot labels."""
        teacher = tempered_softmax(self.teacher_output, self.temperature)
        return blend(teacher, self.y, self._alpha_per_row(), overwrite=True)

    def blended_regression_targets(self):
        """``alpha * teacher + (1 - alpha) * y``."""
        alpha = self._alpha_per_row()
        alpha = alpha if np.isscalar(alpha) else alpha[:, 0]
        return alpha * self.teacher_output + (1.0 - alpha) * self.y


class WeightedRows:
    """Each row once per plausible class, weighted by its soft probability.

    Minimising the weighted log-loss (or Gini impurity) on these rows is
    exactly minimising the soft cross-entropy (or soft Gini) on the originals.
    The student learns the tempered distribution, undone by ``sharpen``.
    """

    name = "weighted_rows"

    @staticmethod
    def accepts(student):
        return is_classifier(final_step(student)) and accepts_sample_weight(student)

    def fit(self, student, lesson):
        rows, classes, weights = expand_rows(lesson.soft_targets(), lesson.sample_weight)
        return fit_with_weight(student, _expanded_X(student, lesson.X, rows), classes, weights)

    def predict_proba(self, student, X, n_classes, temperature):
        proba = np.zeros((_num_samples(X), n_classes))
        proba[:, _student_classes(student)] = student.predict_proba(X)
        return sharpen(proba, temperature)

    def predict(self, student, X, n_classes):
        # The student was fit on class codes, so its labels index classes_.
        return np.asarray(student.predict(X), dtype=np.intp)

    def decision_function(self, student, X, n_classes, temperature):
        scores = np.asarray(student.decision_function(X), dtype=np.float64)
        if scores.ndim == 1:
            return temperature * scores
        full = np.full((_num_samples(X), n_classes), -np.inf)
        full[:, _student_classes(student)] = temperature * scores
        return full


def expand_rows(soft_targets, sample_weight=None):
    """Rows, class codes and weights of the per-class expansion.

    ``soft_targets`` is overwritten (it is usually the largest array here).
    Classes below a floor are dropped and each row renormalised, so at most
    ``_ROWS_PER_ROW`` times the rows come out.

    Examples
    --------
    >>> import numpy as np
    >>> from skdistill._students import expand_rows
    >>> rows, classes, weights = expand_rows(np.array([[0.8, 0.2], [1.0, 0.0]]))
    >>> rows.tolist(), classes.tolist(), weights.round(2).tolist()
    ([0, 0, 1], [0, 1, 0], [0.8, 0.2, 1.0])
    """
    kept = np.asarray(soft_targets, dtype=np.float64)
    weight = np.ones(len(kept)) if sample_weight is None else np.asarray(sample_weight, float)
    floor = _expansion_floor(kept, weight, max_rows=_ROWS_PER_ROW * weight.sum())
    is_top = kept == kept.max(axis=1, keepdims=True)
    kept[(kept < floor) & ~is_top] = 0.0
    kept /= kept.sum(axis=1, keepdims=True)
    if sample_weight is not None:
        kept *= np.asarray(sample_weight, dtype=np.float64)[:, None]
    rows, classes = np.nonzero(kept)
    return rows, classes, kept[rows, classes]


def _expanded_X(student, X, rows):
    """``X[rows]``, built in float32 for the scikit-learn trees and forests.

    Those fit on a float32 copy of X anyway; expanding straight into float32
    spares the expanded float64 rows, the largest array of the fit.
    """
    if not (isinstance(student, _FLOAT32_LEARNERS) and _is_float_array(X)):
        return _safe_indexing(X, rows)
    expanded = np.empty((len(rows), X.shape[1]), dtype=np.float32)
    for start in range(0, len(rows), _EXPANSION_CHUNK):
        chunk = rows[start:start + _EXPANSION_CHUNK]
        expanded[start:start + len(chunk)] = X[chunk]
    return expanded


def _is_float_array(X):
    return isinstance(X, np.ndarray) and X.ndim == 2 and X.dtype.kind == "f"


def _expansion_floor(soft_targets, weight, max_rows):
    """The smallest floor >= ``_EXPANSION_FLOOR`` that keeps at most ``max_rows`` rows.

    Rows are counted by their weight, so that weighting a row by 2 and
    repeating it give the same floor (the same model). A row always keeps its
    most probable class, so a row whose every class is below the floor still
    counts once. Bisection over the floor only builds boolean masks, an
    eighth of the targets' memory.
    """

    def rows_kept(floor):
        above = soft_targets >= floor
        return above.sum(axis=1) @ weight + weight[~above.any(axis=1)].sum()

    low, high = _EXPANSION_FLOOR, 1.0
    if rows_kept(low) <= max_rows:
        return low
    for _ in range(30):
        middle = np.sqrt(low * high)
        low, high = (low, middle) if rows_kept(middle) <= max_rows else (middle, high)
    return high


def _student_classes(student):
    return np.asarray(final_step(student).classes_, dtype=np.intp)


class SoftRegression:
    """A regressor fit on the soft probabilities (one output per class)."""

    name = "soft_regression"

    @staticmethod
    def accepts(student):
        return is_regressor(final_step(student))

    def fit(self, student, lesson):
        targets = lesson.soft_targets()
        if targets.shape[1] == 2:
            targets = targets[:, 1]
        elif not get_tags(student).target_tags.multi_output:
            student = MultiOutputRegressor(student)
        return fit_with_weight(student, lesson.X, targets, lesson.sample_weight)

    def predict_proba(self, student, X, n_classes, temperature):
        raw = np.asarray(student.predict(X), dtype=np.float64)
        if n_classes == 2:
            positive = np.clip(raw.reshape(-1), 0.0, 1.0)
            proba = np.column_stack([1.0 - positive, positive])
        else:
            proba = np.clip(raw, PROBA_FLOOR, None)
            proba /= proba.sum(axis=1, keepdims=True)
        return sharpen(proba, temperature)

    def predict(self, student, X, n_classes):
        return np.argmax(self.predict_proba(student, X, n_classes, 1.0), axis=1)


class BlendedRegression:
    """A regressor fit on ``alpha * teacher + (1 - alpha) * y``."""

    name = "blended_regression"

    @staticmethod
    def accepts(student):
        return is_regressor(final_step(student))

    def fit(self, student, lesson):
        targets = lesson.blended_regression_targets()
        return fit_with_weight(student, lesson.X, targets, lesson.sample_weight)

    def predict(self, student, X):
        return student.predict(X)


class KDLoss:
    """A neural net trained with the knowledge-distillation loss.

    ``alpha * T^2 * KL(softmax(z_t / T) || softmax(z_s / T)) + (1 - alpha) *
    CE(y, softmax(z_s))`` per row (Hinton, Vinyals and Dean 2015), weighted by
    ``sample_weight``; rows without labels keep the teacher term alone. The
    net's own logits are its predictions at T = 1, so nothing is undone at
    prediction. Students: :class:`~skdistill.MLPStudentClassifier`, a skorch
    ``NeuralNetClassifier``, or a Pipeline ending in one.
    """

    name = "kd_loss"
    task = "classification"
    _students = (MLPStudentClassifier, "NeuralNetClassifier")

    def accepts(self, student):
        mlp_class, skorch_class = self._students
        final = final_step(student)
        return isinstance(final, mlp_class) or is_skorch_net(final, skorch_class)

    def fit(self, student, lesson):
        X = _fit_preprocessing(student, lesson)
        final = final_step(student)
        alpha = lesson.alpha_per_row()
        if isinstance(final, self._students[0]):
            final._fit_lesson(X, lesson, alpha)
            return student
        targets = self._targets(lesson, np.where(alpha < 1.0, lesson.y, 0), alpha)
        fit_skorch_student(final, as_float32(X), targets, self.task, lesson.temperature,
                           lesson.random_state)
        return student

    @staticmethod
    def _targets(lesson, labels, alpha):
        return torch_nets().pack_distillation_targets(
            labels, lesson.sample_weight, alpha, lesson.teacher_output, lesson.temperature
        )

    def predict_proba(self, student, X, n_classes, temperature):
        proba = final_step(student).predict_proba(_final_step_input(student, X))
        return np.asarray(proba, dtype=np.float64)

    def predict(self, student, X, n_classes):
        return np.argmax(self.predict_proba(student, X, n_classes, 1.0), axis=1)

    def decision_function(self, student, X, n_classes, temperature):
        return np.asarray(student.decision_function(X), dtype=np.float64)


class KDRegressionLoss(KDLoss):
    """A neural net trained on ``alpha * (f - teacher)^2 + (1 - alpha) * (f - y)^2``.

    The squared error to the blended target, with early stopping judged by
    the error to the teacher. Students: :class:`~skdistill.MLPStudentRegressor`,
    a skorch ``NeuralNetRegressor``, or a Pipeline ending in one.
    """

    task = "regression"
    _students = (MLPStudentRegressor, "NeuralNetRegressor")

    @staticmethod
    def _targets(lesson, labels, alpha):
        return torch_nets().pack_targets(labels, lesson.sample_weight, alpha, lesson.teacher_output)

    def predict(self, student, X):
        prediction = final_step(student).predict(_final_step_input(student, X))
        return np.asarray(prediction, dtype=np.float64).reshape(-1)


def _fit_preprocessing(student, lesson):
    """Fit a Pipeline's steps before the net; the rows the net learns from."""
    steps = getattr(student, "steps", None)
    if not steps or len(steps) == 1:
        return lesson.X
    return student[:-1].fit_transform(lesson.X, lesson.y)


def _final_step_input(student, X):
    steps = getattr(student, "steps", None)
    if steps and len(steps) > 1:
        X = student[:-1].transform(X)
    return as_float32(X)



# Specific strategies come first: "auto" takes the first that accepts a student.
CLASSIFICATION_STRATEGIES = {
    s.name: s
    for s in (KDLoss(), LightGBMClassifierStudent(), WeightedRows(), SoftRegression())
}
REGRESSION_STRATEGIES = {
    s.name: s for s in (KDRegressionLoss(), LightGBMRegressorStudent(), BlendedRegression())
}


def choose_strategy(student, strategies, requested="auto"):
    """The strategy named ``requested``, or the first that accepts ``student``."""
    if requested != "auto":
        strategy = strategies[requested]
        if not strategy.accepts(student):
            raise ValueError(
                f"strategy={requested!r} cannot train the `student` "
                f"{type(student).__name__}. {_what_works(strategies)}"
            )
        return strategy
    for strategy in strategies.values():
        if strategy.accepts(student):
            return strategy
    raise ValueError(
        f"The `student` {type(student).__name__} cannot learn from soft targets. "
        f"{_what_works(strategies)}"
    )


def _what_works(strategies):
    kinds = {
        "kd_loss": "a neural net (MLPStudentClassifier/MLPStudentRegressor, skorch "
        "NeuralNetClassifier/NeuralNetRegressor)",
        "lightgbm": "a LightGBM LGBMClassifier or LGBMRegressor",
        "weighted_rows": "a classifier whose fit takes sample_weight (trees, forests, "
        "boosting, logistic regression)",
        "soft_regression": "a regressor (one output per class)",
        "blended_regression": "a regressor",
    }
    listed = "; ".join(f"{name}: {kinds.get(name, name)}" for name in strategies)
    return f"Students that work, by strategy — {listed}; or a Pipeline ending in one."
