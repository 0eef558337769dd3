"""Specialist teachers (Hinton, Vinyals and Dean 2015, section 5).

A specialist knows a subset of the classes and lumps every other class into
one "dustbin" class. Combined with generalist teachers, the full
distribution ``q`` a row gets is the one that minimises

    KL(p_g || q) + sum_m KL(p_m || q_m)

where ``p_g`` is the generalists' pooled distribution, ``p_m`` a
specialist's, and ``q_m`` is ``q`` seen by specialist ``m``: its classes as
they are, all the others summed into its dustbin. It is found for all rows
at once by expectation-maximisation from ``q = p_g``.
"""

import copy
from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, _fit_context, clone
from sklearn.utils import _safe_indexing, check_random_state
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils.validation import check_is_fitted

from ._fitting import fit_with_weight
from ._soft_targets import PROBA_FLOOR
from ._transactions import atomic_fit


class Specialist(BaseEstimator):
    """A teacher for a subset of the classes; every other class is its dustbin.

    Put specialists in a :class:`~skdistill.TeacherEnsemble` (or a list of
    teachers) with at least one generalist, which knows every class: each
    row's distribution is then the one closest, in KL divergence, to the
    generalists' and to every specialist's view of it (Hinton et al. 2015).

    Parameters
    ----------
    estimator : classifier
        Unfitted, it is cloned and fitted by :meth:`fit` on ``classes`` plus
        the dustbin. Fitted, it must have been trained with the label
        ``dustbin`` standing for every class outside ``classes``.
    classes : array-like
        The classes the specialist tells apart.
    dustbin : object, default="dustbin"
        The label of everything else in a fitted ``estimator``'s ``classes_``
        (an estimator fitted here learns codes and needs none).
    dustbin_share : float or None, default=None
        When fitted here, the share of the training rows drawn from the
        dustbin: its rows are subsampled so that the estimator spends its
        capacity on telling ``classes`` apart (Hinton et al. use 0.5). The
        dustbin's probability is then scaled back up by the subsampling
        factor, so the outputs stay calibrated. ``None`` fits on every row.
    random_state : int, RandomState instance or None, default=None
        Seeds the subsampling of the dustbin rows.

    Attributes
    ----------
    estimator_ : classifier
        The fitted estimator.
    classes_ : ndarray
        ``classes``, in the order of the specialist's outputs.
    dustbin_factor_ : float
        How many dustbin rows each one kept stands for (1.0 without
        subsampling); the dustbin's odds are multiplied by it.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from skdistill import Specialist, TeacherEnsemble
    >>> X, y = load_digits(return_X_y=True)
    >>> generalist = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y)
    >>> specialist = Specialist(RandomForestClassifier(n_estimators=20, random_state=0),
    ...                         classes=[3, 5, 8, 9], dustbin_share=0.5, random_state=0)
    >>> ensemble = TeacherEnsemble([generalist, specialist]).fit(X, y)
    >>> ensemble.predict_proba(X[:2]).shape
    (2, 10)
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict_proba"])],
        "classes": ["array-like"],
        "dustbin": "no_validation",
        "dustbin_share": [None, Interval(Real, 0, 1, closed="neither")],
        "random_state": ["random_state"],
    }

    def __init__(self, estimator, classes, dustbin="dustbin", dustbin_share=None,
                 random_state=None):
        self.estimator = estimator
        self.classes = classes
        self.dustbin = dustbin
        self.dustbin_share = dustbin_share
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=False)
    @atomic_fit
    def fit(self, X, y, sample_weight=None):
        """Fit a clone of ``estimator`` on the classes and the dustbin.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training rows (all of them: the dustbin learns from the others).
        y : array-like of shape (n_samples,)
            Labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights.

        Returns
        -------
        self : Specialist
            The fitted specialist.
        """
        classes = self._checked_classes()
        y = np.asarray(y)
        # Codes 0..S-1 for the specialist's classes, S for the dustbin.
        codes = np.full(len(y), len(classes))
        for code, label in enumerate(classes):
            codes[y == label] = code
        rows, self.dustbin_factor_ = self._enriched_rows(codes == len(classes))
        if rows is not None:
            X, codes = _safe_indexing(X, rows), codes[rows]
            sample_weight = None if sample_weight is None else _safe_indexing(sample_weight, rows)
        self.estimator_ = fit_with_weight(clone(self.estimator), X, codes, sample_weight)
        # Output position of each of the estimator's classes (a class, or the dustbin,
        # absent from y gets none, and probability 0).
        self._positions = np.asarray(self.estimator_.classes_, dtype=np.intp)
        self.classes_ = classes
        return self

    def _enriched_rows(self, in_dustbin):
        """The rows to fit on (None: all), and how many dustbin rows each kept one stands for."""
        if self.dustbin_share is None:
            return None, 1.0
        dustbin = np.flatnonzero(in_dustbin)
        wanted = round(self.dustbin_share / (1 - self.dustbin_share) * (~in_dustbin).sum())
        if not 0 < wanted < len(dustbin):
            return None, 1.0  # too few dustbin rows to subsample
        kept = check_random_state(self.random_state).choice(dustbin, wanted, replace=False)
        return np.sort(np.concatenate([np.flatnonzero(~in_dustbin), kept])), len(dustbin) / wanted

    def __sklearn_is_fitted__(self):
        return hasattr(self, "estimator_") or hasattr(self.estimator, "classes_")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type = "classifier"
        return tags

    def ready(self):
        """This specialist with ``classes_`` set: itself when fitted here, else a
        shallow copy that adopts the fitted ``estimator`` as given (the
        specialist passed is left as it is)."""
        if hasattr(self, "estimator_"):
            return self
        adopted = copy.copy(self)
        adopted._adopt_fitted()
        return adopted

    def __skdistill_adapter__(self, kind):
        raise ValueError(
            "A Specialist teaches alongside a generalist: put it in a list of teachers (or "
            "a TeacherEnsemble) with a model that knows every class."
        )

    def _checked_classes(self):
        classes = np.asarray(self.classes)
        if classes.ndim != 1 or len(classes) < 1 or len(np.unique(classes)) != len(classes):
            raise ValueError(f"`classes` must be a list of distinct labels; got {self.classes!r}.")
        return classes

    def grouped_log_proba(self, X):
        """Log-probabilities of ``classes_`` then of the dustbin, shape (n, S + 1)."""
        estimator_proba = self.ready().estimator_.predict_proba(X)
        proba = np.zeros((len(estimator_proba), len(self.classes_) + 1))
        proba[:, self._positions] = estimator_proba
        # Undo the subsampling: the dustbin's odds grow by the factor (Hinton et al. 2015).
        proba[:, -1] *= self.dustbin_factor_
        proba /= proba.sum(axis=1, keepdims=True)
        return np.log(np.clip(proba, PROBA_FLOOR, None))

    def _adopt_fitted(self):
        check_is_fitted(self)
        classes = self._checked_classes()
        known = list(self.estimator.classes_)
        missing = [label for label in [*classes, self.dustbin] if label not in known]
        if missing:
            raise ValueError(
                f"The fitted specialist lacks the labels {missing}: it must have been "
                f"trained on `classes` and the `dustbin` label {self.dustbin!r}."
            )
        self.estimator_ = self.estimator
        self.dustbin_factor_ = 1.0
        position = {label: i for i, label in enumerate([*classes, self.dustbin])}
        self._positions = np.array([position.get(label, -1) for label in known])
        if np.any(self._positions < 0):
            extra = [label for label in known if label not in position]
            raise ValueError(
                f"The fitted specialist knows labels {extra[:5]} that are neither in "
                f"`classes` nor the `dustbin` {self.dustbin!r}."
            )
        self.classes_ = classes


def _group_matrix(columns, n_classes):
    """One-hot (n_classes, S + 1): each class to its column, or to the dustbin (last)."""
    groups = np.zeros((n_classes, len(columns) + 1))
    groups[:, -1] = 1.0
    groups[columns, -1] = 0.0
    groups[columns, np.arange(len(columns))] = 1.0
    return groups


def combine(generalist_log_proba, specialists, tol=1e-9, max_iter=1000):
    """Log of the distribution closest to the generalists' and the specialists'.

    Solved by expectation-maximisation (the specialists see sums of classes,
    so each step shares a specialist's dustbin mass over the classes it holds
    in proportion to ``q``), which increases the objective at every step and
    stops where its gradient vanishes:
    ``(1 + M) q_k = p_g,k + sum_m p_m,g(k) q_k / q_m,g(k)``.

    Parameters
    ----------
    generalist_log_proba : ndarray of shape (n_samples, n_classes)
        The generalists' pooled log-probabilities.
    specialists : list of (columns, grouped_log_proba)
        For each specialist, the ensemble columns of its classes and its
        log-probabilities of those classes then of the dustbin.
    tol : float, default=1e-9
        Largest change of a probability at which to stop.
    max_iter : int, default=1000
        Most steps.

    Returns
    -------
    log_q : ndarray of shape (n_samples, n_classes)
    """
    p_general = np.exp(generalist_log_proba)
    n_classes = p_general.shape[1]
    views = [(_group_matrix(columns, n_classes), np.exp(log_p)) for columns, log_p in specialists]
    q = p_general
    for _ in range(max_iter):
        total = p_general.copy()
        for groups, p_m in views:
            q_m = np.clip(q @ groups, PROBA_FLOOR, None)  # q as the specialist sees it
            total += q * ((p_m / q_m) @ groups.T)
        updated = total / (1 + len(views))
        converged = np.max(np.abs(updated - q)) < tol
        q = updated
        if converged:
            break
    return np.log(np.clip(q, PROBA_FLOOR, None))
