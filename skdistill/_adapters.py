"""Teacher adapters: one small interface over any fitted model a user calls a teacher.

A classification adapter answers ``logits(X)`` of shape ``(n_samples,
n_teacher_classes)`` with ``classes_``; a regression adapter answers
``predictions(X)`` of shape ``(n_samples,)``. Adapters never fit, copy or
modify the model they wrap, and refuse outputs they cannot read rather than
guess. A wrapper (an ensemble, a torch module with named classes, a Dask
stand-in, a saved distiller's stand-in) makes its own adapter through
``__skdistill_adapter__(kind)``; :func:`as_teacher` asks it.
"""

import numbers
import re

import numpy as np
from sklearn.base import is_classifier, is_regressor
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from ._optional import comes_from
from ._soft_targets import PROBA_FLOOR
from ._torch import is_skorch_net, is_torch_module, torch_nets, torch_ready

_CLASSIFICATION_OBJECTIVES = (
    "binary", "cross_entropy", "xentropy", "multiclass", "softmax",
    "multiclassova", "multiclass_ova", "ova", "ovr",
)
# How far a teacher's probabilities may stray from [0, 1] and from summing to
# 1 (float32 rounding) before they are refused as not being probabilities.
_PROBA_TOLERANCE = 1e-4


def is_fitted(teacher):
    """Whether ``teacher`` can answer without being fitted first.

    Raw boosters, torch modules and plain functions are always considered
    fitted; a list of teachers is fitted when every member is.
    """
    if isinstance(teacher, (list, tuple)):
        return all(is_fitted(member) for member in teacher)
    if not hasattr(teacher, "fit") or is_lightgbm_booster(teacher):
        return True
    try:
        check_is_fitted(teacher)
    except NotFittedError:
        return False
    except (TypeError, AttributeError):  # a duck-typed model without scikit-learn's tags
        return _has_fitted_attributes(teacher)
    return True


def _has_fitted_attributes(model):
    return any(name.endswith("_") and not name.startswith("_") for name in vars(model))


def is_lightgbm_booster(obj):
    return comes_from(obj, "lightgbm") and type(obj).__name__ == "Booster"


def _booster_is_classifier(booster):
    objective = str(booster.params.get("objective", "regression")).split()[0]
    return objective in _CLASSIFICATION_OBJECTIVES


def teacher_kind(teacher):
    """``"classifier"``, ``"regressor"`` or ``None`` when it cannot be told."""
    if isinstance(teacher, (list, tuple)):
        kinds = {teacher_kind(member) for member in teacher}
        return kinds.pop() if len(kinds) == 1 else None
    if is_lightgbm_booster(teacher):
        return "classifier" if _booster_is_classifier(teacher) else "regressor"
    if is_torch_module(teacher) or _is_function(teacher):
        return None
    if hasattr(teacher, "classes_") or _declared_type(teacher) == "classifier":
        return "classifier"
    return _declared_type(teacher)


def _declared_type(model):
    """The estimator type a model declares in its tags, if it has any."""
    try:
        return "classifier" if is_classifier(model) else "regressor" if is_regressor(model) else None
    except (AttributeError, TypeError):  # duck-typed models without scikit-learn tags
        return None


def _is_function(teacher):
    """A plain callable (``f(X) -> probabilities or predictions``), not a model."""
    return (callable(teacher) and not is_torch_module(teacher)
            and not any(hasattr(teacher, name) for name in ("predict", "predict_proba")))


def check_teacher_kind(teacher, expected, estimator_name):
    """Raise a clear error when a teacher of the wrong kind is given."""
    kind = teacher_kind(teacher)
    if kind is not None and kind != expected:
        other = "DistilledRegressor" if kind == "regressor" else "DistilledClassifier"
        raise ValueError(
            f"{estimator_name} needs a {expected} as `teacher`, but got the "
            f"{kind} {type(teacher).__name__}. Use {other} to distil a {kind}, "
            f"or pass a {expected}."
        )


def as_teacher(teacher, kind):
    """Wrap a fitted ``teacher`` into the adapter for ``kind``.

    Parameters
    ----------
    teacher : object
        A fitted model: scikit-learn estimator or Pipeline, LightGBM model or
        ``Booster``, XGBoost or CatBoost model, skorch net, torch module, a
        function of X, or a wrapper that makes its own adapter
        (``__skdistill_adapter__``).
    kind : {"classifier", "regressor"}
        What the distiller needs from it.

    Returns
    -------
    adapter : ClassifierTeacher or RegressorTeacher
        ``logits`` and ``classes_``, or ``predictions``.
    """
    # Looked up on the type: a Dask stand-in delegates attribute access to its teacher.
    if hasattr(type(teacher), "__skdistill_adapter__"):
        return teacher.__skdistill_adapter__(kind)
    if isinstance(teacher, (list, tuple)):
        raise TypeError("A list of teachers is a TeacherEnsemble: wrap it before asking it.")
    if kind == "classifier":
        return ClassifierTeacher(teacher)
    return RegressorTeacher(teacher)


def _align_columns(teacher, X):
    """Reorder DataFrame columns to the order the teacher was fitted on."""
    names = getattr(teacher, "feature_names_in_", None)
    if names is None or not hasattr(X, "columns"):
        return X
    order = teacher_column_order(names, X.columns)
    return X if order == list(X.columns) else X[order]


def _comparable(name):
    # LightGBM stores feature names with whitespace replaced by underscores.
    return re.sub(r"\s", "_", str(name))


def teacher_column_order(teacher_names, columns):
    """X's columns in the order of the teacher's feature names, matched by name.

    Raises a ValueError naming the missing and unexpected columns when the
    two sets differ.
    """
    by_name = {_comparable(column): column for column in columns}
    wanted = [_comparable(name) for name in teacher_names]
    missing = [name for name in wanted if name not in by_name]
    extra = sorted(set(by_name) - set(wanted))
    if missing or extra:
        raise ValueError(
            "X's columns differ from those the `teacher` was fitted on "
            f"(missing: {missing[:5]}, unexpected: {extra[:5]}). Pass X with "
            "the teacher's feature names."
        )
    return [by_name[name] for name in wanted]


def check_teacher_features(teacher, n_features, feature_names):
    """Raise when the teacher was fitted on other features than ``X`` has."""
    expected = getattr(teacher, "n_features_in_", None)
    if is_lightgbm_booster(teacher):
        expected = teacher.num_feature()
    names = getattr(teacher, "feature_names_in_", None)
    if names is not None and feature_names is not None:
        teacher_column_order(names, feature_names)
        return
    if isinstance(expected, numbers.Integral) and expected != n_features:
        raise ValueError(
            f"X has {n_features} features but the `teacher` was fitted on "
            f"{expected}. Pass X with the columns the teacher was fitted on."
        )


class ClassifierTeacher:
    """Raw margins of a fitted classifier, one column per teacher class.

    ``classes_`` is None for a teacher that does not name its classes (a
    function, a model with ``predict_proba`` and no ``classes_``): its columns
    are then taken to be the distiller's classes, in sorted order.
    """

    cacheable = True

    def __init__(self, estimator):
        self.estimator = estimator
        if is_lightgbm_booster(estimator):
            self.classes_ = np.arange(max(estimator.num_model_per_iteration(), 2))
        elif is_torch_module(estimator):
            self.classes_ = np.arange(max(module_output_width(estimator), 2))
        elif _is_function(estimator):
            # Its outputs depend on whatever it reads: they are never cached.
            self.classes_, self.cacheable = None, False
        elif not any(hasattr(estimator, m) for m in ("decision_function", "predict_proba")) \
                and not _has_margin_predict(estimator):
            raise ValueError(
                f"The `teacher` {type(estimator).__name__} has neither "
                "`predict_proba` nor `decision_function`, so it gives no soft "
                "targets. Use a probabilistic classifier, or wrap it in "
                "sklearn.calibration.CalibratedClassifierCV."
            )
        else:
            classes = getattr(estimator, "classes_", None)
            self.classes_ = None if classes is None else np.asarray(classes)

    def logits(self, X):
        """Raw margins of shape ``(n_samples, n_classes)``, float64."""
        X = _align_columns(self.estimator, X)
        margins = self._raw_margins(X)
        if margins.ndim == 1 or margins.shape[1] == 1:
            # A binary margin m is log(p1 / p0); [-m/2, m/2] has the same softmax.
            half = margins.reshape(-1) / 2.0
            margins = np.column_stack([-half, half])
        if self.classes_ is not None and margins.shape[1] != len(self.classes_):
            raise ValueError(
                f"The `teacher` {type(self.estimator).__name__} returned "
                f"{margins.shape[1]} outputs for {len(self.classes_)} classes."
            )
        return margins

    def _raw_margins(self, X):
        est = self.estimator
        if is_lightgbm_booster(est):
            return _floats(est.predict(X, raw_score=True))
        if comes_from(est, "xgboost"):
            return _floats(est.predict(X, output_margin=True))
        if comes_from(est, "catboost"):
            return _floats(est.predict(X, prediction_type="RawFormulaVal"))
        if is_torch_module(est):
            return torch_nets().module_outputs(est, X)
        if is_skorch_net(est):
            return skorch_logits(est, X)
        if hasattr(est, "decision_function"):
            return _floats(est.decision_function(X))
        predict_proba = est if _is_function(est) else est.predict_proba
        return log_probabilities(predict_proba(X), est, self.classes_)


def _floats(values):
    return np.asarray(values, dtype=np.float64)


def log_probabilities(proba, teacher, classes=None):
    """The log of a teacher's probabilities, after checking that they are probabilities.

    A 1-D output is read as the probability of the second of two classes, as
    scikit-learn's binary conventions have it; anything else that is not a
    distribution per row is refused, naming the teacher.
    """
    proba = _floats(proba)
    name = getattr(teacher, "__name__", type(teacher).__name__)
    if proba.ndim == 1 or proba.shape[1] == 1:
        if classes is not None and len(classes) != 2:
            raise ValueError(
                f"The `teacher` {name} returned one probability per row for "
                f"{len(classes)} classes; return one column per class.")
        positive = proba.reshape(-1)
        proba = np.column_stack([1.0 - positive, positive])
    finite = proba[np.isfinite(proba).all(axis=1)]  # NaN and inf are reported later
    low, high = finite.min(initial=0.0), finite.max(initial=1.0)
    deviation = np.abs(finite.sum(axis=1) - 1.0).max(initial=0.0)
    if low < -_PROBA_TOLERANCE or high > 1 + _PROBA_TOLERANCE or deviation > _PROBA_TOLERANCE:
        raise ValueError(
            f"The `teacher` {name} returned values that are not probabilities "
            f"(range [{low:.4g}, {high:.4g}], rows summing up to {deviation:.3g} away from 1). "
            "A teacher's predict_proba must give, per row, non-negative values summing to 1; "
            "pass a calibrated or normalised model, or one with decision_function.")
    return np.log(np.clip(proba, PROBA_FLOOR, 1.0))


def module_output_width(module):
    """Outputs of a classifier module: those of its last ``Linear`` layer."""
    linear = [m for m in module.modules() if type(m).__name__ in ("Linear", "LazyLinear")]
    if not linear or not isinstance(getattr(linear[-1], "out_features", None), int):
        raise ValueError(
            f"Cannot tell how many classes the torch `teacher` {type(module).__name__} "
            "outputs. Wrap it as TorchTeacher(module, classes=[...])."
        )
    return linear[-1].out_features


def skorch_logits(net, X):
    """Logits of a skorch classifier, whatever its module returns.

    With ``NLLLoss`` the module returns probabilities (their log is taken);
    with ``CrossEntropyLoss`` or ``BCEWithLogitsLoss`` it returns logits,
    used as they are so that no precision is lost to a softmax.
    """
    torch = torch_nets().torch
    X = torch_ready(net, X)
    output = net.forward(X)
    if isinstance(output, tuple):
        output = output[0]
    output = output.detach().cpu().double().numpy()
    criterion = net.criterion_
    if isinstance(criterion, torch.nn.NLLLoss):
        return log_probabilities(output, net)
    if isinstance(criterion, (torch.nn.CrossEntropyLoss, torch.nn.BCEWithLogitsLoss)):
        return output
    return log_probabilities(net.predict_proba(X), net)


def _has_margin_predict(estimator):
    return comes_from(estimator, "xgboost") or comes_from(estimator, "catboost")


class RegressorTeacher:
    """Predictions of a fitted single-output regressor (or a function of X)."""

    def __init__(self, estimator):
        if not (hasattr(estimator, "predict") or is_torch_module(estimator)
                or _is_function(estimator)):
            raise ValueError(
                f"The `teacher` {type(estimator).__name__} has no `predict`: "
                "DistilledRegressor needs a fitted regressor as teacher."
            )
        self.estimator = estimator
        self.cacheable = not _is_function(estimator)

    def predictions(self, X):
        """Predictions of shape ``(n_samples,)``, float64."""
        X = _align_columns(self.estimator, X)
        est = self.estimator
        if is_torch_module(est):
            predictions = torch_nets().module_outputs(est, X)
        elif _is_function(est):
            predictions = _floats(est(X))
        else:
            predictions = _floats(est.predict(torch_ready(est, X)))
        if predictions.ndim == 2 and predictions.shape[1] == 1:
            predictions = predictions[:, 0]
        if predictions.ndim != 1:
            raise ValueError(
                "DistilledRegressor supports single-output teachers; the "
                f"`teacher` returned predictions of shape {predictions.shape}."
            )
        return predictions
