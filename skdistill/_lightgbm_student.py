"""LightGBM students: boosters trained on soft targets by a soft cross-entropy.

The booster is grown on the soft targets (binary: LightGBM's own
``cross_entropy`` objective, which takes probabilities as labels; multiclass: a
custom soft cross-entropy objective), then handed to the user's own
``LGBMClassifier`` as ``init_model``, so the fitted student is an ordinary
LightGBM model: its booster carries the standard ``binary``/``multiclass``
objective and is saved, loaded, predicted and inspected the normal way.

LightGBM is imported lazily: nothing here runs unless the student is one.
"""

from inspect import signature

import numpy as np
from scipy.special import softmax
from sklearn.base import is_classifier, is_regressor
from sklearn.utils import _safe_indexing, check_random_state
from sklearn.utils.class_weight import compute_sample_weight

from ._fitting import final_step, fit_leading_steps
from ._optional import comes_from, import_optional
from ._soft_targets import PROBA_FLOOR, tempered_softmax
from ._strategy import ClassifierStrategy, RegressorStrategy

# Share of the rows held out to measure fidelity when the student asks for
# early stopping (LightGBM's ``early_stopping_round`` or an alias): the same
# default as scikit-learn's HistGradientBoosting.
VALIDATION_FRACTION = 0.1

_EARLY_STOPPING_ALIASES = (
    "early_stopping_round",
    "early_stopping_rounds",
    "early_stopping",
    "n_iter_no_change",
)

# Labels of the multiclass booster are row numbers (stored as float32 by
# LightGBM): the objective looks each row's soft targets up by its label.
_MAX_ROWS = 2**24


def is_lightgbm_model(model, kind):
    """Whether ``model`` (or a Pipeline's last step) is a LightGBM ``kind``."""
    step = final_step(model)
    check = is_classifier if kind == "classifier" else is_regressor
    return comes_from(step, "lightgbm") and check(step)


class SoftCrossEntropy:
    """Multiclass soft cross-entropy ``-sum_k q_k log softmax(z)_k`` for LightGBM.

    The label of each row is its row number in ``targets``. The gradient is
    ``p - q``; the hessian ``K / (K - 1) * p * (1 - p)`` is the one LightGBM's
    own ``multiclass`` objective uses, so ``learning_rate`` and
    ``min_child_weight`` mean the same as for an ``LGBMClassifier``. LightGBM
    4 passes raw scores as ``(n, K)`` and expects gradients in that shape.
    """

    def __init__(self, targets):
        self.targets = targets

    def __call__(self, row_numbers, raw_scores, weight=None):
        targets = self.targets[row_numbers.astype(np.intp)]
        proba = softmax(raw_scores, axis=1)
        n_classes = targets.shape[1]
        grad = proba - targets
        hess = n_classes / (n_classes - 1.0) * proba * (1.0 - proba)
        if weight is not None:
            grad *= weight[:, None]
            hess *= weight[:, None]
        return grad, hess


class SoftLogLoss:
    """Eval metric: mean soft cross-entropy on held-out rows, lower is better."""

    def __init__(self, targets):
        self.targets = targets

    def __call__(self, row_numbers, raw_scores):
        targets = self.targets[row_numbers.astype(np.intp)]
        log_proba = np.log(np.clip(softmax(raw_scores, axis=1), PROBA_FLOOR, 1.0))
        return "soft_log_loss", float(-np.mean(np.sum(targets * log_proba, axis=1))), False


def _stop_after_init_model(env):
    # The student's fit adds one round on hard labels after the soft trees of
    # init_model; declaring the last soft round the best makes LightGBM drop
    # that round, keeping exactly the trees grown on the soft targets.
    lightgbm = import_optional("lightgbm")
    raise lightgbm.callback.EarlyStopException(env.begin_iteration - 1, [])


def _asks_early_stopping(model):
    params = model.get_params()
    return any((params.get(name) or 0) > 0 for name in _EARLY_STOPPING_ALIASES)


def _stops_by_fidelity(student):
    """Whether the student asks for early stopping, which is judged by fidelity to the teacher."""
    return _asks_early_stopping(final_step(student))


def _split(model, n_rows):
    """Training and held-out row numbers; ``(None, None)`` (all rows) without early stopping."""
    if not _asks_early_stopping(model):
        return None, None
    order = check_random_state(model.get_params().get("random_state")).permutation(n_rows)
    n_held_out = max(1, int(round(VALIDATION_FRACTION * n_rows)))
    return np.sort(order[n_held_out:]), np.sort(order[:n_held_out])


def _held_out_set(model, X, y, sample_weight):
    """The ``fit`` arguments naming a validation set, for this LightGBM version."""
    if "eval_X" in signature(model.fit).parameters:  # LightGBM >= 4.7 deprecates eval_set
        return {"eval_X": X, "eval_y": y, "eval_sample_weight": [sample_weight]}
    return {"eval_set": [(X, y)], "eval_sample_weight": [sample_weight]}


def _row_weights(model, lesson):
    """The lesson's sample weights times the student's own ``class_weight``."""
    weights = lesson.sample_weight
    class_weight = model.get_params().get("class_weight")
    if class_weight is not None and is_classifier(model):
        by_class = compute_sample_weight(class_weight, lesson.y)
        weights = by_class if weights is None else weights * by_class
    return weights


def _subset(array, rows):
    """``array[rows]``, where ``rows=None`` means all rows (no copy)."""
    if array is None or rows is None:
        return array
    return _safe_indexing(array, rows)


class LightGBMClassifierStudent(ClassifierStrategy):
    """``LGBMClassifier`` students (alone or ending a Pipeline).

    Binary targets go through LightGBM's ``cross_entropy`` objective, which
    takes probabilities as labels; multiclass targets through
    :class:`SoftCrossEntropy`. When the student sets ``early_stopping_round``
    (or an alias), ``VALIDATION_FRACTION`` of the rows are held out and the
    boosting stops when the soft cross-entropy to the teacher's tempered
    distribution on them (held-out fidelity) stops improving. Categorical
    columns, NaN, ``monotone_constraints`` and every other parameter reach
    LightGBM as the user set them.

    The fitted ``student_`` predicts the distribution at the training
    temperature; the distiller sharpens it back to T = 1.
    """

    name = "lightgbm"
    reads_teacher = staticmethod(_stops_by_fidelity)

    @staticmethod
    def accepts(student):
        return is_lightgbm_model(student, "classifier")

    def fit(self, student, lesson):
        lightgbm = import_optional("lightgbm")
        model, X = final_step(student), fit_leading_steps(student, lesson)
        if lesson.n_classes > 2 and len(lesson.y) >= _MAX_ROWS:
            raise ValueError(
                f"A multiclass LightGBM student takes at most {_MAX_ROWS} rows; "
                "subsample X or use another student."
            )
        train, held_out = _split(model, len(lesson.y))
        soft_booster = self._soft_booster(lightgbm, model, X, lesson, train, held_out)
        weights = _subset(_row_weights(model, lesson), train)
        model.fit(
            _subset(X, train),
            _subset(lesson.y, train),
            sample_weight=weights,
            init_model=soft_booster,
            callbacks=[_stop_after_init_model],
        )
        return student

    def _soft_booster(self, lightgbm, model, X, lesson, train, held_out):
        """A booster grown on the soft targets with the student's parameters."""
        params = {
            name: value
            for name, value in model.get_params().items()
            if name not in {"objective", "class_weight"}
        }
        targets = lesson.soft_targets()
        fidelity_targets = tempered_softmax(lesson.teacher_output, lesson.temperature)
        binary = lesson.n_classes == 2
        if binary:
            learner = lightgbm.LGBMRegressor(**params, objective="cross_entropy")
            labels, eval_labels, eval_metric = targets[:, 1], fidelity_targets[:, 1], None
        else:
            learner = lightgbm.LGBMRegressor(
                **params,
                objective=SoftCrossEntropy(targets),
                num_class=lesson.n_classes,
                metric="None",
            )
            labels = eval_labels = np.arange(len(targets), dtype=np.float64)
            eval_metric = SoftLogLoss(fidelity_targets)
        weights = _row_weights(model, lesson)
        eval_kwargs = {}
        if held_out is not None:
            eval_kwargs = _held_out_set(
                learner, _subset(X, held_out), eval_labels[held_out], _subset(weights, held_out)
            )
            eval_kwargs["eval_metric"] = eval_metric
        learner.fit(
            _subset(X, train),
            _subset(labels, train),
            sample_weight=_subset(weights, train),
            **eval_kwargs,
        )
        return learner.booster_

    def student_proba(self, student, X):
        return student.predict_proba(X)


class LightGBMRegressorStudent(RegressorStrategy):
    """``LGBMRegressor`` students (alone or ending a Pipeline).

    The student learns ``alpha * teacher + (1 - alpha) * y``. When it sets
    ``early_stopping_round`` (or an alias), ``VALIDATION_FRACTION`` of the rows
    are held out and boosting stops when the squared error to the teacher's
    predictions on them (held-out fidelity) stops improving.
    """

    name = "lightgbm"
    reads_teacher = staticmethod(_stops_by_fidelity)

    @staticmethod
    def accepts(student):
        return is_lightgbm_model(student, "regressor")

    def fit(self, student, lesson):
        model, X = final_step(student), fit_leading_steps(student, lesson)
        train, held_out = _split(model, len(lesson.y))
        targets = lesson.blended_regression_targets()
        eval_kwargs = {}
        if held_out is not None:
            eval_kwargs = _held_out_set(
                model,
                _subset(X, held_out),
                lesson.teacher_output[held_out],
                _subset(lesson.sample_weight, held_out),
            )
        model.fit(
            _subset(X, train),
            _subset(targets, train),
            sample_weight=_subset(lesson.sample_weight, train),
            **eval_kwargs,
        )
        return student
