"""Student strategies of scikit-learn models, and the choice of a strategy for any student.

A strategy is picked by what the student can do (``choose_strategy``):
neural nets learn with the KD loss (``_neural_students``), LightGBM models
with a soft cross-entropy (``_lightgbm_student``), classifiers that take
``sample_weight`` from their rows repeated per class, and regressors from
the probabilities or the blended targets.
"""

import numpy as np
from sklearn.base import is_classifier, is_regressor
from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier
from sklearn.multioutput import MultiOutputRegressor
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils import _safe_indexing, get_tags
from sklearn.utils.validation import _num_samples

from ._fitting import (
    accepts_sample_weight,
    final_step,
    fit_leading_steps,
    fit_with_weight,
    last_step_input,
)
from ._lightgbm_student import LightGBMClassifierStudent, LightGBMRegressorStudent
from ._neural_students import KDLoss, KDRegressionLoss
from ._soft_targets import PROBA_FLOOR
from ._strategy import ClassifierStrategy, RegressorStrategy
from ._tree_leaves import has_leaf_values, set_node_values

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


class WeightedRows(ClassifierStrategy):
    """Each row once per plausible class, weighted by its soft probability.

    Minimising the weighted log-loss (or Gini impurity) on these rows is
    exactly minimising the soft cross-entropy (or soft Gini) on the originals.
    A Pipeline student's leading steps are fitted on the rows as given, and
    its learner on the expansion of the rows they output.
    Trees and forests then have their node values set from the targets at
    T = 1 (see ``_tree_leaves``: exact means, with the classes the expansion
    dropped restored); other students learned the tempered distribution,
    undone at prediction.
    """

    name = "weighted_rows"

    @staticmethod
    def accepts(student):
        return is_classifier(final_step(student)) and accepts_sample_weight(student)

    def fit(self, student, lesson):
        # A Pipeline's leading steps see the rows once, as given; only its
        # learner sees them expanded, straight from the transformed rows.
        X = fit_leading_steps(student, lesson)
        learner = final_step(student)
        rows, classes, weights = expand_rows(lesson.soft_targets(), lesson.sample_weight)
        fit_with_weight(learner, _expanded_X(learner, X, rows), classes, weights)
        del rows, classes, weights
        if has_leaf_values(learner):
            set_node_values(learner, X, lesson.soft_targets(temperature=1.0),
                            lesson.sample_weight)
        return student

    def temperature_to_undo(self, student):
        return 1.0 if has_leaf_values(student) else self.temperature

    def student_proba(self, student, X):
        proba = np.zeros((_num_samples(X), self.n_classes))
        proba[:, _student_classes(student)] = student.predict_proba(X)
        return proba

    def predict(self, student, X):
        # The student was fit on class codes, so its labels index classes_.
        return np.asarray(student.predict(X), dtype=np.intp)

    def student_margins(self, student, X):
        scores = np.asarray(student.decision_function(X), dtype=np.float64)
        if scores.ndim == 1:
            return scores
        full = np.full((_num_samples(X), self.n_classes), -np.inf)
        full[:, _student_classes(student)] = scores
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


class SoftRegression(ClassifierStrategy):
    """A regressor fit on the soft probabilities (one output per class).

    Trees and forests then have their node values set from the
    probabilities at T = 1, as in :class:`WeightedRows`.
    """

    name = "soft_regression"

    @staticmethod
    def accepts(student):
        return is_regressor(final_step(student))

    def fit(self, student, lesson):
        targets = self._columns(lesson.soft_targets())
        if targets.ndim == 2 and not get_tags(student).target_tags.multi_output:
            student = MultiOutputRegressor(student)
        fit_with_weight(student, lesson.X, targets, lesson.sample_weight)
        if has_leaf_values(student):
            set_node_values(final_step(student), last_step_input(student, lesson.X),
                            self._columns(lesson.soft_targets(temperature=1.0)),
                            lesson.sample_weight)
        return student

    @staticmethod
    def _columns(targets):
        """The regression targets: P(second class) for two classes, else every column."""
        return targets[:, 1] if targets.shape[1] == 2 else targets

    def temperature_to_undo(self, student):
        return 1.0 if has_leaf_values(student) else self.temperature

    def student_proba(self, student, X):
        raw = np.asarray(student.predict(X), dtype=np.float64)
        if self.n_classes == 2:
            positive = np.clip(raw.reshape(-1), 0.0, 1.0)
            return np.column_stack([1.0 - positive, positive])
        proba = np.clip(raw, PROBA_FLOOR, None)
        return proba / proba.sum(axis=1, keepdims=True)

    def decision_function(self, student, X):
        raise AttributeError("A regressor student gives probabilities, not margins.")


class BlendedRegression(RegressorStrategy):
    """A regressor fit on ``alpha * teacher + (1 - alpha) * y``."""

    name = "blended_regression"

    @staticmethod
    def accepts(student):
        return is_regressor(final_step(student))

    def fit(self, student, lesson):
        targets = lesson.blended_regression_targets()
        return fit_with_weight(student, lesson.X, targets, lesson.sample_weight)


# Specific strategies come first: "auto" takes the first that accepts a student.
CLASSIFICATION_STRATEGIES = {
    s.name: s for s in (KDLoss, LightGBMClassifierStudent, WeightedRows, SoftRegression)
}
REGRESSION_STRATEGIES = {
    s.name: s for s in (KDRegressionLoss, LightGBMRegressorStudent, BlendedRegression)
}


def choose_strategy(student, strategies, requested="auto"):
    """The strategy class named ``requested``, or the first that accepts ``student``."""
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
