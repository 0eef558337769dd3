"""TeacherEnsemble: several teachers acting as one, with given or learned weights.

Classifiers are pooled in log-probability space, regressors averaged; the
ensemble makes its own adapter (``__skdistill_adapter__``) over its members'.
"""

import numpy as np
from scipy.special import log_softmax, softmax
from sklearn.base import BaseEstimator, _fit_context, clone
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import check_cv
from sklearn.utils import ClassifierTags, RegressorTags, _safe_indexing, get_tags
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_sample_weight,
    _check_y,
    _num_samples,
    check_consistent_length,
    check_is_fitted,
)

from ._adapters import as_teacher, is_fitted, teacher_kind
from ._ensemble_weights import learn_weights
from ._fitting import fitted_teacher, share_if_fitted
from ._seeding import spawn_seeds
from ._soft_targets import PROBA_FLOOR
from ._specialists import Specialist, combine
from ._transactions import atomic_fit
from ._validation import validate_rows


def ensemble_of(teacher):
    """A list of teachers as a :class:`TeacherEnsemble`; anything else as it is."""
    if isinstance(teacher, (list, tuple)):
        return TeacherEnsemble(list(teacher))
    return teacher


class EnsembleTeacher:
    """Weighted average of member teachers (log-probabilities for classifiers).

    ``weights`` sum to 1; ``None`` means they are still to be learned.
    """

    def __init__(self, ensemble, members, weights):
        self.estimator = ensemble
        self.members = members
        self.weights = weights
        if not members:
            raise ValueError("A TeacherEnsemble needs at least one teacher in `teachers`.")
        self.specialists = [m for m in members if isinstance(m, Specialist)]
        self.generalists = [m for m in members if not isinstance(m, Specialist)]
        self.cacheable = all(getattr(m, "cacheable", True) for m in members)
        if hasattr(members[0], "classes_"):
            if any(m.classes_ is None for m in self.generalists):
                raise ValueError("Every classifier in a TeacherEnsemble must name its classes "
                                 "(`classes_`); a function cannot be a member.")
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
        log_proba = np.full((_num_samples(X), len(self.classes_)), np.log(PROBA_FLOOR))
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


def _of_classifiers(ensemble):
    """``available_if`` check: the members are classifiers."""
    members = ensemble.teachers if isinstance(ensemble.teachers, (list, tuple)) else []
    return teacher_kind(list(members)) == "classifier"


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
    random_state : int, RandomState instance or None, default=None
        Seeds the unset random states of the members fitted here (the same
        seed for a member in every fold). A distiller seeds it from its own
        ``random_state`` when it is left at None.

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

    _parameter_constraints = {
        "teachers": [list, tuple],
        "weights": [None, StrOptions({"learn"}), "array-like"],
        "cv": ["cv_object"],
        "random_state": ["random_state"],
    }

    def __init__(self, teachers, weights=None, cv=5, random_state=None):
        self.teachers = teachers
        self.weights = weights
        self.cv = cv
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=False)
    @atomic_fit
    def fit(self, X, y, sample_weight=None):
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

        Returns
        -------
        self : TeacherEnsemble
            With ``teachers_`` (and ``weights_``) set.
        """
        members = self._checked_teachers()
        X = validate_rows(self, X, reset=True)
        y = _check_y(y, y_numeric=teacher_kind(members) == "regressor")
        check_consistent_length(X, y)
        if teacher_kind(members) == "classifier":
            check_classification_targets(y)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, ensure_non_negative=True)
        seeds = spawn_seeds(self.random_state, len(members))
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
        adapter = TeacherEnsemble(self.teachers_).__skdistill_adapter__(kind)
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
        adapter = TeacherEnsemble(self._members()).__skdistill_adapter__(kind)
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

    def __skdistill_adapter__(self, kind):
        """The ensemble's adapter over its fitted members' adapters."""
        members = [member.ready() if isinstance(member, Specialist) else as_teacher(member, kind)
                   for member in self._members()]
        return EnsembleTeacher(self, members, _ensemble_weights(self, len(members)))

    def __sklearn_clone__(self):
        clone_ = type(self)(share_if_fitted(list(self.teachers)), weights=self.weights,
                            cv=clone(self.cv, safe=False),
                            random_state=clone(self.random_state, safe=False))
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
        members = list(self.teachers) if isinstance(self.teachers, (list, tuple)) else []
        kind = teacher_kind(members) if members else None
        tags.estimator_type = kind
        if kind == "classifier":
            tags.classifier_tags = ClassifierTags()
        elif kind == "regressor":
            tags.regressor_tags = RegressorTags()
        member_tags = [get_tags(member) for member in members if hasattr(member, "get_params")]
        tags.input_tags.allow_nan = bool(member_tags) and all(
            t.input_tags.allow_nan for t in member_tags)
        tags.input_tags.sparse = bool(member_tags) and all(
            t.input_tags.sparse for t in member_tags)
        return tags

    def score(self, X, y, sample_weight=None):
        """Accuracy (classification) or R² (regression) of the ensemble on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows.
        y : array-like of shape (n_samples,)
            Labels or targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights.

        Returns
        -------
        score : float
        """
        if hasattr(self._adapter(), "classes_"):
            return float(accuracy_score(y, self.predict(X), sample_weight=sample_weight))
        return float(r2_score(y, self.predict(X), sample_weight=sample_weight))

    @property
    def classes_(self):
        return self._adapter().classes_

    def _adapter(self):
        check_is_fitted(self)
        return self.__skdistill_adapter__(teacher_kind(self._members()) or "regressor")

    @available_if(_of_classifiers)
    def predict_proba(self, X):
        """Class probabilities of the log-space average (classification).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``.
        """
        return softmax(self._adapter().logits(validate_rows(self, X, reset=False)), axis=1)

    def predict(self, X):
        """Averaged prediction (regression) or most probable class.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels or values.
        """
        adapter = self._adapter()
        X = validate_rows(self, X, reset=False)
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
    kind = "classifier" if hasattr(adapter, "classes_") else "regressor"
    fold = TeacherEnsemble(members).__skdistill_adapter__(kind)
    outputs = fold.member_outputs(X)
    if not hasattr(adapter, "classes_"):
        return outputs
    # A class absent from a fold's training rows gets the floor probability.
    aligned = np.full(outputs.shape[:2] + (len(adapter.classes_),), np.log(PROBA_FLOOR))
    aligned[:, :, np.searchsorted(adapter.classes_, fold.classes_)] = outputs
    return aligned
