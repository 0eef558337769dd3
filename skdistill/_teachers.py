"""Teachers: one small interface over everything a user may call a teacher.

A classification teacher answers ``logits(X)`` of shape ``(n_samples,
n_teacher_classes)`` with ``classes_``; a regression teacher answers
``predictions(X)`` of shape ``(n_samples,)``. The adapters never fit, copy or
modify the model they wrap.
"""

import numbers
import re

import numpy as np
from scipy.special import log_softmax, softmax
from sklearn.base import BaseEstimator, clone, is_classifier, is_regressor
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import check_cv
from sklearn.utils import _safe_indexing, check_random_state
from sklearn.utils.validation import (
    _check_sample_weight,
    _check_y,
    _num_samples,
    check_consistent_length,
    check_is_fitted,
)

from ._ensemble_weights import learn_weights
from ._fitting import fit_with_weight
from ._mlp_students import torch_nets
from ._optional import comes_from
from ._persistence import DetachedTeacher
from ._specialists import Specialist, combine
from .parallel import ScatteredTeacher
from ._skorch_students import as_float32, is_skorch_net
from ._seeding import seed_unset_random_states

# Probabilities are clipped here before the log so that a teacher that is
# certain (p = 0 or 1) still gives finite logits; exp(-34.5) is far below
# anything a student can resolve.
_PROBA_FLOOR = 1e-15

_CLASSIFICATION_OBJECTIVES = (
    "binary", "cross_entropy", "xentropy", "multiclass", "softmax",
    "multiclassova", "multiclass_ova", "ova", "ovr",
)


def is_fitted(teacher):
    """Whether ``teacher`` can answer without being fitted first.

    Raw boosters and torch modules are always considered fitted; a list of
    teachers is fitted when every member is.
    """
    if isinstance(teacher, (list, tuple)):
        return all(is_fitted(member) for member in teacher)
    if not hasattr(teacher, "fit") or _is_lightgbm_booster(teacher):
        return True
    try:
        check_is_fitted(teacher)
    except NotFittedError:
        return False
    return True


def share_if_fitted(teacher):
    """What ``clone`` should hold in place of ``teacher``.

    A fitted teacher is shared by reference (the way
    :class:`sklearn.frozen.FrozenEstimator` clones to itself); an unfitted one
    is cloned like any other parameter.
    """
    if isinstance(teacher, (list, tuple)):
        return type(teacher)(share_if_fitted(member) for member in teacher)
    if teacher is None or is_fitted(teacher):
        return teacher
    return clone(teacher)


def fitted_teacher(teacher, X, y, sample_weight=None, random_state=None):
    """``teacher`` itself when fitted, else a clone of it fitted on ``(X, y)``.

    ``random_state`` seeds the clone's unset random states (see
    :func:`~skdistill._seeding.seed_unset_random_states`).
    """
    if isinstance(teacher, DetachedTeacher):
        raise teacher.error()
    if isinstance(teacher, (list, tuple)):
        teacher = TeacherEnsemble(list(teacher))
    if is_fitted(teacher):
        return teacher
    if isinstance(teacher, TeacherEnsemble):
        return clone(teacher).fit(X, y, sample_weight, random_state=random_state)
    fitted = seed_unset_random_states(clone(teacher), random_state)
    if is_skorch_net(fitted, "NeuralNet"):
        X, y = _torch_ready(fitted, X), _skorch_targets(fitted, y)
    return fit_with_weight(fitted, X, y, sample_weight, role="teacher")


def _skorch_targets(net, y):
    """skorch regressors learn from float32 columns; classifiers from the labels."""
    if is_skorch_net(net, "NeuralNetRegressor"):
        return np.asarray(y, dtype=np.float32).reshape(-1, 1)
    return y


def _is_lightgbm_booster(obj):
    return comes_from(obj, "lightgbm") and type(obj).__name__ == "Booster"


def _booster_is_classifier(booster):
    objective = str(booster.params.get("objective", "regression")).split()[0]
    return objective in _CLASSIFICATION_OBJECTIVES


def teacher_kind(teacher):
    """``"classifier"``, ``"regressor"`` or ``None`` when it cannot be told."""
    if isinstance(teacher, ScatteredTeacher):
        return teacher_kind(teacher.teacher)
    if isinstance(teacher, (list, tuple)):
        kinds = {teacher_kind(member) for member in teacher}
        return kinds.pop() if len(kinds) == 1 else None
    if _is_lightgbm_booster(teacher):
        return "classifier" if _booster_is_classifier(teacher) else "regressor"
    if is_torch_module(teacher):
        return None
    if hasattr(teacher, "classes_") or _declared_type(teacher) == "classifier":
        return "classifier"
    return _declared_type(teacher)


def _declared_type(model):
    """The estimator type a model declares in its tags, if it has any."""
    try:
        return "classifier" if is_classifier(model) else "regressor" if is_regressor(model) else None
    except AttributeError:  # duck-typed models without scikit-learn tags
        return None


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
        ``Booster``, XGBoost or CatBoost model, :class:`TeacherEnsemble`, or a
        list of those.
    kind : {"classifier", "regressor"}
        What the distiller needs from it.

    Returns
    -------
    adapter : object
        ``ClassifierTeacher`` (``logits``, ``classes_``) or
        ``RegressorTeacher`` (``predictions``).
    """
    if isinstance(teacher, DetachedTeacher):
        raise teacher.error()
    if isinstance(teacher, ScatteredTeacher):
        teacher = teacher.teacher
    if isinstance(teacher, (list, tuple)):
        teacher = TeacherEnsemble(list(teacher))
    if isinstance(teacher, Specialist):
        raise ValueError(
            "A Specialist teaches alongside a generalist: put it in a list of teachers (or "
            "a TeacherEnsemble) with a model that knows every class."
        )
    if isinstance(teacher, TeacherEnsemble):
        members = [member.ready() if isinstance(member, Specialist) else as_teacher(member, kind)
                   for member in teacher._members()]
        return EnsembleTeacher(teacher, members, _ensemble_weights(teacher, len(members)))
    if isinstance(teacher, TorchTeacher):
        return teacher.adapter(kind)
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


class ClassifierTeacher:
    """Raw margins of a fitted classifier, one column per teacher class."""

    def __init__(self, estimator):
        self.estimator = estimator
        if _is_lightgbm_booster(estimator):
            n_outputs = estimator.num_model_per_iteration()
            self.classes_ = np.arange(max(n_outputs, 2))
            return
        if is_torch_module(estimator):
            self.classes_ = np.arange(max(module_output_width(estimator), 2))
            return
        if not hasattr(estimator, "classes_"):
            raise ValueError(
                f"The `teacher` {type(estimator).__name__} has no `classes_`: "
                "DistilledClassifier needs a fitted classifier as teacher."
            )
        if not any(
            hasattr(estimator, method) for method in ("decision_function", "predict_proba")
        ) and not _has_margin_predict(estimator):
            raise ValueError(
                f"The `teacher` {type(estimator).__name__} has neither "
                "`predict_proba` nor `decision_function`, so it gives no soft "
                "targets. Use a probabilistic classifier, or wrap it in "
                "sklearn.calibration.CalibratedClassifierCV."
            )
        self.classes_ = np.asarray(estimator.classes_)

    def logits(self, X):
        """Raw margins of shape ``(n_samples, n_classes)``, float64."""
        X = _align_columns(self.estimator, X)
        margins = np.asarray(self._raw_margins(X), dtype=np.float64)
        if margins.ndim == 1 or margins.shape[1] == 1:
            # A binary margin m is log(p1 / p0); [-m/2, m/2] has the same softmax.
            half = margins.reshape(-1) / 2.0
            margins = np.column_stack([-half, half])
        if margins.shape[1] != len(self.classes_):
            raise ValueError(
                f"The `teacher` returned {margins.shape[1]} outputs for "
                f"{len(self.classes_)} classes."
            )
        return margins

    def _raw_margins(self, X):
        est = self.estimator
        if _is_lightgbm_booster(est):
            return est.predict(X, raw_score=True)
        if comes_from(est, "xgboost"):
            return est.predict(X, output_margin=True)
        if comes_from(est, "catboost"):
            return est.predict(X, prediction_type="RawFormulaVal")
        if is_torch_module(est):
            return torch_nets().module_outputs(est, X)
        if is_skorch_net(est, "NeuralNet"):
            return skorch_logits(est, X)
        if hasattr(est, "decision_function"):
            return est.decision_function(X)
        return np.log(np.clip(est.predict_proba(X), _PROBA_FLOOR, 1.0))


def is_torch_module(obj):
    """Whether ``obj`` is a ``torch.nn.Module``, without importing torch."""
    return any(
        cls.__name__ == "Module" and cls.__module__ == "torch.nn.modules.module"
        for cls in type(obj).__mro__
    )


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
    output = net.forward(_torch_ready(net, X))
    if isinstance(output, tuple):
        output = output[0]
    output = output.detach().cpu().double().numpy()
    criterion = net.criterion_
    if isinstance(criterion, torch.nn.NLLLoss):
        return np.log(np.clip(output, _PROBA_FLOOR, 1.0))
    if isinstance(criterion, (torch.nn.CrossEntropyLoss, torch.nn.BCEWithLogitsLoss)):
        return output
    return np.log(np.clip(net.predict_proba(_torch_ready(net, X)), _PROBA_FLOOR, 1.0))


def _torch_ready(model, X):
    """float32 input for skorch nets (float64 would not match their weights)."""
    if is_skorch_net(model, "NeuralNet"):
        return as_float32(X)
    return X


def _has_margin_predict(estimator):
    return comes_from(estimator, "xgboost") or comes_from(estimator, "catboost")


class RegressorTeacher:
    """Predictions of a fitted single-output regressor."""

    def __init__(self, estimator):
        if not hasattr(estimator, "predict") and not is_torch_module(estimator):
            raise ValueError(
                f"The `teacher` {type(estimator).__name__} has no `predict`: "
                "DistilledRegressor needs a fitted regressor as teacher."
            )
        self.estimator = estimator

    def predictions(self, X):
        """Predictions of shape ``(n_samples,)``, float64."""
        X = _align_columns(self.estimator, X)
        if is_torch_module(self.estimator):
            predictions = torch_nets().module_outputs(self.estimator, X)
        else:
            predictions = np.asarray(self.estimator.predict(_torch_ready(self.estimator, X)),
                                     dtype=np.float64)
        if predictions.ndim == 2 and predictions.shape[1] == 1:
            predictions = predictions[:, 0]
        if predictions.ndim != 1:
            raise ValueError(
                "DistilledRegressor supports single-output teachers; the "
                f"`teacher` returned predictions of shape {predictions.shape}."
            )
        return predictions


class EnsembleTeacher:
    """Weighted average of member teachers (log-probabilities for classifiers).

    ``weights`` sum to 1; ``None`` means they are still to be learned.
    """

    def __init__(self, ensemble, members, weights):
        self.estimator = ensemble
        self.members = members
        self.weights = weights
        self.specialists = [m for m in members if isinstance(m, Specialist)]
        self.generalists = [m for m in members if not isinstance(m, Specialist)]
        if isinstance(members[0], (ClassifierTeacher, Specialist)):
            self.classes_ = np.unique(np.concatenate([m.classes_ for m in self.generalists]))
            self._check_specialists()

    def _check_specialists(self):
        if self.specialists and not self.generalists:
            raise ValueError("Specialists need at least one generalist teacher beside them.")
        for specialist in self.specialists:
            unknown = np.setdiff1d(specialist.classes_, self.classes_)
            if len(unknown):
                raise ValueError(
                    f"A Specialist's classes {unknown[:5].tolist()} are unknown to the "
                    "generalist teachers: every class needs a generalist that knows it."
                )

    def logits(self, X):
        """Weighted mean of the generalists' log-probabilities over the union of classes,
        reconciled with the specialists' (Hinton et al. 2015) when there are any."""
        total = np.zeros((_num_samples(X), len(self.classes_)))
        weights = [w for m, w in zip(self.members, self._weights())
                   if not isinstance(m, Specialist)]
        if sum(weights) <= 0:
            raise ValueError("The generalist teachers' `weights` sum to 0: give at least one "
                             "generalist a positive weight (specialists' weights are unused).")
        for member, weight in zip(self.generalists, weights):
            total += weight / sum(weights) * self._log_proba(member, X)
        if not self.specialists:
            return total
        views = [(np.searchsorted(self.classes_, s.classes_), s.grouped_log_proba(X))
                 for s in self.specialists]
        return combine(log_softmax(total, axis=1), views)

    def member_outputs(self, X):
        """Each member's log-probabilities (classes aligned) or predictions, stacked."""
        if hasattr(self, "classes_"):
            return np.stack([self._log_proba(member, X) for member in self.members])
        return np.stack([member.predictions(X) for member in self.members])

    def _log_proba(self, member, X):
        columns = np.searchsorted(self.classes_, member.classes_)
        # A class a member never saw gets its floor probability.
        log_proba = np.full((_num_samples(X), len(self.classes_)), np.log(_PROBA_FLOOR))
        log_proba[:, columns] = log_softmax(member.logits(X), axis=1)
        return log_proba

    def predictions(self, X):
        """Weighted mean of the members' predictions."""
        return sum(w * m.predictions(X) for m, w in zip(self.members, self._weights()))

    def _weights(self):
        if self.weights is None:
            raise ValueError(
                "This TeacherEnsemble has weights='learn' but has not learned them: call "
                "its fit(X, y) or fit_weights(X_val, y_val) first."
            )
        return self.weights



def _ensemble_weights(ensemble, n_members):
    """The learned weights, else the given ones normalised; None when still to learn."""
    if hasattr(ensemble, "weights_"):
        return ensemble.weights_
    if ensemble._learns_weights():
        return None
    return _normalised_weights(ensemble.weights, n_members)


def _normalised_weights(weights, n_members):
    if weights is None:
        return np.full(n_members, 1.0 / n_members)
    if isinstance(weights, str):
        raise ValueError(f"`weights` must be numbers, 'learn' or None; got {weights!r}.")
    weights = np.asarray(weights, dtype=np.float64)
    if weights.shape != (n_members,) or not np.all(np.isfinite(weights)):
        raise ValueError(
            f"`weights` must hold one finite number per teacher ({n_members}), "
            f"got {weights!r}."
        )
    if np.any(weights < 0) or weights.sum() <= 0:
        raise ValueError(f"`weights` must be non-negative with a positive sum, got {weights!r}.")
    return weights / weights.sum()


class TeacherEnsemble(BaseEstimator):
    """Several teachers acting as one.

    Classifiers are averaged in log-probability space (a weighted geometric
    mean of their probabilities, the product-of-experts reading of an
    ensemble); regressors are averaged. Fitted members are used as given and
    shared by :func:`~sklearn.base.clone`; unfitted members are cloned and
    fitted by ``fit``.
    Passing a plain list as ``teacher`` to a distiller is shorthand for this.
    :class:`~skdistill.Specialist` members, which know a subset of the
    classes, are reconciled with the others as in Hinton et al. (2015).

    Parameters
    ----------
    teachers : list of estimators
        Fitted or unfitted models, all classifiers or all regressors. The
        list and its models are never modified: ``fit`` stores what it
        fitted in ``teachers_``.
    weights : array-like of shape (n_teachers,), "learn" or None, default=None
        Non-negative weights; ``None`` weighs every teacher equally.
        ``"learn"``: ``fit`` learns the simplex weights that maximise the
        ensemble's log-likelihood of held-out labels (least squared error for
        regressors) from the members' out-of-fold outputs over ``cv``, then
        fits the unfitted members on all the rows. Members fitted already are
        not refit in the folds, so their outputs there are not held out:
        learn their weights on rows they did not see with :meth:`fit_weights`.
    cv : int, cross-validation generator or iterable, default=5
        The folds whose held-out rows learn the weights (``weights="learn"``
        only), as in :func:`sklearn.model_selection.check_cv`: an int is
        the number of (stratified, for classifiers) folds. Each unfitted
        member is fitted once per fold and once on all rows.

    Attributes
    ----------
    teachers_ : list of estimators
        The fitted members, in the order of ``teachers``: the fitted ones as
        given, the others as fitted clones (set by ``fit``).
    classes_ : ndarray of shape (n_classes,)
        The union of the members' classes (classification only).
    weights_ : ndarray of shape (n_teachers,)
        The learned weights, summing to 1 (after ``fit`` with
        ``weights="learn"``, or :meth:`fit_weights`).

    See Also
    --------
    Specialist : A teacher of a subset of the classes, for this ensemble.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import train_test_split
    >>> from skdistill import TeacherEnsemble
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> X_fit, X_val, y_fit, y_val = train_test_split(X, y, random_state=0)
    >>> forest = RandomForestClassifier(n_estimators=20, random_state=0).fit(X_fit, y_fit)
    >>> ensemble = TeacherEnsemble([forest, LogisticRegression(max_iter=5000)])
    >>> ensemble.fit(X_fit, y_fit).predict_proba(X_val[:2]).shape
    (2, 2)
    >>> round(float(ensemble.fit_weights(X_val, y_val).weights_.sum()), 6)
    1.0
    """

    def __init__(self, teachers, weights=None, cv=5):
        self.teachers = teachers
        self.weights = weights
        self.cv = cv

    def fit(self, X, y, sample_weight=None, random_state=None):
        """Fit clones of the unfitted members; fitted ones are kept as given.

        With ``weights="learn"`` the weights are learned first, on the
        members' out-of-fold outputs over ``cv``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training rows.
        y : array-like of shape (n_samples,)
            Labels or targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights of the members' fit and of the weights' loss.
        random_state : int, RandomState instance or None, default=None
            Seeds the members' unset random states (the same seed for a
            member in every fold).

        Returns
        -------
        self : TeacherEnsemble
            With ``teachers_`` (and ``weights_``) set.
        """
        members = self._checked_teachers()
        rng = check_random_state(random_state)
        seeds = rng.randint(np.iinfo(np.int32).max, size=len(members))
        self.teachers_ = [fitted_teacher(member, X, y, sample_weight, seed)
                          for member, seed in zip(members, seeds)]
        if self._learns_weights():
            self._learn_cross_fitted_weights(X, y, sample_weight, seeds)
        return self

    def _checked_teachers(self):
        if not isinstance(self.teachers, (list, tuple)) or not self.teachers:
            raise ValueError(
                f"`teachers` must be a non-empty list of estimators; got {self.teachers!r}.")
        if self._learns_weights():
            _refuse_specialists("weights='learn'", self.teachers)
        return list(self.teachers)

    def _learn_cross_fitted_weights(self, X, y, sample_weight, seeds):
        """``weights_`` from each member's outputs on the rows of folds it was not fitted on."""
        kind = teacher_kind(self.teachers_) or "regressor"
        adapter = as_teacher(TeacherEnsemble(self.teachers_), kind)
        y_codes = self._codes(y, adapter, kind)
        outputs, held_out = [], []
        for train, test in check_cv(self.cv, y, classifier=kind == "classifier").split(X, y):
            fold_members = [fitted_teacher(member, *_rows(train, X, y, sample_weight), seed)
                            for member, seed in zip(self.teachers, seeds)]
            outputs.append(_member_outputs_like(adapter, fold_members, _safe_indexing(X, test)))
            held_out.append(test)
        held_out = np.concatenate(held_out)
        weight = None if sample_weight is None else np.asarray(sample_weight)[held_out]
        self.weights_ = learn_weights(np.concatenate(outputs, axis=1), y_codes[held_out],
                                      weight, kind)

    def fit_weights(self, X, y, sample_weight=None):
        """Learn the weights of the fitted members on held-out rows.

        Classifiers: the simplex weights that maximise the log-likelihood of
        ``y`` under the log-space pool; regressors: those that minimise the
        squared error of the weighted average. Use rows the members were not
        fitted on, or the weights favour whichever memorised them best. The
        members are only evaluated, never refit.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Held-out rows.
        y : array-like of shape (n_samples,)
            Their labels or targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights of the log-likelihood or squared error.

        Returns
        -------
        self : TeacherEnsemble
            With ``weights_`` set.
        """
        if not hasattr(self, "teachers_") and not is_fitted(list(self.teachers)):
            raise ValueError("fit_weights needs fitted `teachers`: call fit(X, y) first, or "
                             "pass fitted models.")
        _refuse_specialists("fit_weights", self._members())
        kind = teacher_kind(self._members()) or "regressor"
        adapter = as_teacher(TeacherEnsemble(self._members()), kind)
        check_consistent_length(X, y)
        y_codes = self._codes(y, adapter, kind)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, y_codes, ensure_non_negative=True)
        self.weights_ = learn_weights(adapter.member_outputs(X), y_codes, sample_weight, kind)
        return self

    @staticmethod
    def _codes(y, adapter, kind):
        """``y`` as column indices of the members' classes (classification)."""
        y = _check_y(y, y_numeric=kind == "regressor")
        if kind == "regressor":
            return y
        unknown = np.setdiff1d(y, adapter.classes_)
        if len(unknown):
            raise ValueError(f"`y` holds labels no teacher knows: {unknown[:5].tolist()}. "
                             "Pass the labels the teachers were fitted on.")
        return np.searchsorted(adapter.classes_, y)

    def _members(self):
        """The fitted members: ``teachers_`` after fit, else the (fitted) ``teachers``."""
        return self.teachers_ if hasattr(self, "teachers_") else list(self.teachers)

    def _learns_weights(self):
        return isinstance(self.weights, str) and self.weights == "learn"

    def __sklearn_clone__(self):
        clone_ = type(self)(share_if_fitted(list(self.teachers)), weights=self.weights,
                            cv=clone(self.cv, safe=False))
        if hasattr(self, "weights_") and is_fitted(clone_.teachers):
            # The members were fitted before they were given, so they are shared and the
            # weights learned on them still hold.
            clone_.weights_ = self.weights_
        return clone_

    def __sklearn_is_fitted__(self):
        if hasattr(self, "teachers_"):
            return True
        prefit = isinstance(self.teachers, (list, tuple)) and is_fitted(list(self.teachers))
        return prefit and (not self._learns_weights() or hasattr(self, "weights_"))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        kind = teacher_kind(self.teachers) if isinstance(self.teachers, list) else None
        tags.estimator_type = kind
        return tags

    @property
    def classes_(self):
        return self._adapter().classes_

    def _adapter(self):
        check_is_fitted(self)
        return as_teacher(self, teacher_kind(self._members()) or "regressor")

    def predict_proba(self, X):
        """Class probabilities of the log-space average (classification)."""
        return softmax(self._adapter().logits(X), axis=1)

    def predict(self, X):
        """Averaged prediction (regression) or most probable class."""
        adapter = self._adapter()
        if hasattr(adapter, "classes_"):
            return adapter.classes_[np.argmax(adapter.logits(X), axis=1)]
        return adapter.predictions(X)


def _refuse_specialists(where, members=None):
    """Weights are learned for generalists only: a specialist has no pooled output."""
    if members is not None and any(isinstance(member, Specialist) for member in members):
        raise ValueError(
            f"{where} learns the weights of generalists only, but the `teachers` hold a "
            "Specialist: learn the generalists' weights in an ensemble of their own, or "
            "pass numeric `weights`.")


def _rows(rows, X, y, sample_weight):
    """``(X, y, sample_weight)`` restricted to ``rows``."""
    weight = None if sample_weight is None else _safe_indexing(sample_weight, rows)
    return _safe_indexing(X, rows), _safe_indexing(y, rows), weight


def _member_outputs_like(adapter, members, X):
    """``members``' stacked outputs on X, in the columns of ``adapter`` (all the classes)."""
    fold = as_teacher(TeacherEnsemble(members), "classifier" if hasattr(adapter, "classes_")
                      else "regressor")
    outputs = fold.member_outputs(X)
    if not hasattr(adapter, "classes_"):
        return outputs
    # A class absent from a fold's training rows gets the floor probability.
    aligned = np.full(outputs.shape[:2] + (len(adapter.classes_),), np.log(_PROBA_FLOOR))
    aligned[:, :, np.searchsorted(adapter.classes_, fold.classes_)] = outputs
    return aligned


class TorchTeacher(BaseEstimator):
    """A trained :class:`torch.nn.Module` as a teacher.

    The module is used as given: evaluated in eval mode without gradients
    (its train/eval flags restored afterwards), never trained, copied or
    moved. For classification it must return logits, one per class; for
    regression, one prediction per row. A bare module passed as ``teacher``
    is treated the same way with classes ``0 .. K-1``; this wrapper lets you
    name the classes. Needs ``pip install 'skdistill[torch]'``.

    Parameters
    ----------
    module : torch.nn.Module
        The trained network.
    classes : array-like of shape (n_classes,) or None, default=None
        The label of each output column (classification); ``None`` numbers
        them ``0 .. K-1``, or means regression.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        ``classes`` as an array, when given.

    Examples
    --------
    >>> import torch
    >>> from skdistill import TorchTeacher
    >>> module = torch.nn.Linear(4, 3)
    >>> teacher = TorchTeacher(module, classes=["a", "b", "c"])
    >>> teacher.predict(torch.zeros(2, 4).numpy()).shape
    (2,)
    """

    def __init__(self, module, classes=None):
        self.module = module
        self.classes = classes

    @property
    def classes_(self):
        if self.classes is None:
            raise AttributeError("TorchTeacher has no `classes_` when `classes` is None.")
        return np.asarray(self.classes)

    def adapter(self, kind):
        """The teacher adapter of ``kind`` over the module, with these classes."""
        if kind == "regressor":
            return RegressorTeacher(self.module)
        adapter = ClassifierTeacher(self.module)
        if self.classes is not None:
            if len(self.classes) != len(adapter.classes_):
                raise ValueError(
                    f"TorchTeacher has {len(self.classes)} `classes` but its module "
                    f"outputs {len(adapter.classes_)} logits."
                )
            adapter.classes_ = self.classes_
        return adapter

    def _outputs(self, X):
        return torch_nets().module_outputs(self.module, X)

    def predict_proba(self, X):
        """Softmax of the module's logits."""
        return softmax(self._outputs(X), axis=1)

    def predict(self, X):
        """The most probable class, or the module's prediction when ``classes`` is None."""
        outputs = self._outputs(X)
        if self.classes is None:
            return outputs[:, 0] if outputs.shape[1] == 1 else outputs
        return self.classes_[np.argmax(outputs, axis=1)]


def check_teacher_features(teacher, n_features, feature_names):
    """Raise when the teacher was fitted on other features than ``X`` has."""
    if isinstance(teacher, ScatteredTeacher):
        teacher = teacher.teacher
    if isinstance(teacher, (list, tuple, TeacherEnsemble)):
        members = teacher._members() if isinstance(teacher, TeacherEnsemble) else teacher
        for member in members:
            check_teacher_features(member, n_features, feature_names)
        return
    expected = getattr(teacher, "n_features_in_", None)
    if _is_lightgbm_booster(teacher):
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
