"""Metrics of a distilled student: how closely it imitates its teacher, and
how far its probabilities can be trusted.

Plain functions over predictions, and scorers over fitted distillers that plug
into ``GridSearchCV(scoring=...)`` alone or in a dict of scorers.
"""

from numbers import Integral, Real

import numpy as np
from scipy.special import rel_entr
from sklearn.metrics import accuracy_score, r2_score
from sklearn.utils._param_validation import Interval, StrOptions, validate_params
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_consistent_length, column_or_1d

from ._soft_targets import PROBA_FLOOR
from ._teacher_outputs import teacher_predict


def fidelity_score(teacher_pred, student_pred, *, sample_weight=None):
    """Agreement of the student with the teacher.

    For class labels: the share of rows where both predict the same class.
    For continuous predictions (as :func:`sklearn.utils.multiclass.type_of_target`
    tells them apart): R² of the student's predictions against the teacher's
    (1.0 is a perfect copy).

    Parameters
    ----------
    teacher_pred : array-like of shape (n_samples,)
        The teacher's predictions.
    student_pred : array-like of shape (n_samples,)
        The student's predictions.
    sample_weight : array-like of shape (n_samples,), default=None
        Row weights.

    Returns
    -------
    score : float
        Agreement (classification) or R² to the teacher (regression).

    Examples
    --------
    >>> from skdistill.metrics import fidelity_score
    >>> fidelity_score(["a", "b", "b", "a"], ["a", "b", "a", "a"])
    0.75
    >>> round(fidelity_score([1.5, 2.0, 3.0], [1.6, 2.0, 2.9]), 3)
    0.983
    """
    teacher_pred = np.asarray(teacher_pred)
    student_pred = np.asarray(student_pred)
    check_consistent_length(teacher_pred, student_pred)
    if type_of_target(teacher_pred) == "continuous":
        return float(r2_score(teacher_pred, student_pred, sample_weight=sample_weight))
    return float(accuracy_score(teacher_pred, student_pred, sample_weight=sample_weight))


def teacher_student_kl(teacher_proba, student_proba, *, sample_weight=None):
    """Mean KL divergence ``KL(teacher || student)`` between class distributions.

    Parameters
    ----------
    teacher_proba : array-like of shape (n_samples, n_classes)
        The teacher's probabilities.
    student_proba : array-like of shape (n_samples, n_classes)
        The student's probabilities, same class order.
    sample_weight : array-like of shape (n_samples,), default=None
        Row weights.

    Returns
    -------
    kl : float
        Mean divergence in nats; 0.0 when the student copies the teacher.

    Examples
    --------
    >>> from skdistill.metrics import teacher_student_kl
    >>> teacher_student_kl([[0.5, 0.5]], [[0.5, 0.5]])
    0.0
    >>> round(teacher_student_kl([[0.9, 0.1]], [[0.5, 0.5]]), 3)
    0.368
    """
    teacher_proba = np.asarray(teacher_proba, dtype=np.float64)
    student_proba = np.asarray(student_proba, dtype=np.float64)
    if teacher_proba.shape != student_proba.shape:
        raise ValueError(
            f"teacher_proba has shape {teacher_proba.shape} but student_proba has "
            f"{student_proba.shape}; both need one column per class in the same order."
        )
    teacher_proba = _checked_probabilities(teacher_proba, "teacher_proba")
    student_proba = _checked_probabilities(student_proba, "student_proba")
    per_row = rel_entr(teacher_proba, np.clip(student_proba, PROBA_FLOOR, 1.0)).sum(axis=1)
    return float(np.average(per_row, weights=sample_weight))


def _checked_probabilities(proba, name, tolerance=1e-6):
    """``proba`` as a 2-D float array of distributions, or a ValueError naming ``name``."""
    proba = np.asarray(proba, dtype=np.float64)
    if proba.ndim != 2:
        raise ValueError(f"{name} must be 2-D, one column per class; got shape {proba.shape}.")
    if not np.all(np.isfinite(proba)) or proba.min(initial=0) < -tolerance \
            or np.abs(proba.sum(axis=1) - 1).max(initial=0) > tolerance:
        raise ValueError(
            f"{name} holds rows that are not probability distributions (each row must be "
            "finite, non-negative and sum to 1): pass predict_proba outputs.")
    return proba


@validate_params(
    {
        "y_true": ["array-like"],
        "y_prob": ["array-like"],
        "n_bins": [Interval(Integral, 1, None, closed="left")],
        "strategy": [StrOptions({"uniform", "quantile"})],
        "pos_label": [Real, str, "boolean", None],
        "labels": [None, "array-like"],
        "sample_weight": [None, "array-like"],
    },
    prefer_skip_nested_validation=True,
)
def expected_calibration_error(y_true, y_prob, *, n_bins=10, strategy="uniform", pos_label=None,
                               labels=None, sample_weight=None):
    """Expected calibration error: the gap between predicted probability and frequency.

    Rows are put in ``n_bins`` bins by predicted probability; the error is the
    mean, over bins weighted by their share of the rows, of the gap between
    the share of rows where the event happens and the mean predicted
    probability (Naeini, Cooper and Hauskrecht 2015; Guo et al. 2017). With a
    1-D ``y_prob`` the event is the positive class (binary problems, as in
    :func:`sklearn.calibration.calibration_curve`); with one column per class
    it is the *top-label* error: the probability of the most probable class
    against whether that class is right.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_prob : array-like of shape (n_samples,) or (n_samples, n_classes)
        Probability of the positive class, or of each class (columns in the
        order of ``labels``).
    n_bins : int, default=10
        Number of bins.
    strategy : {"uniform", "quantile"}, default="uniform"
        ``"uniform"``: bins of equal width on [0, 1], the usual definition;
        ``"quantile"``: bins holding the same number of rows.
    pos_label : int, float, bool or str, default=None
        The positive class for a 1-D ``y_prob``; ``None`` takes the greater
        of the labels in ``y_true``.
    labels : array-like of shape (n_classes,), default=None
        The classes of ``y_prob``'s columns; ``None`` takes the sorted labels
        of ``y_true``.
    sample_weight : array-like of shape (n_samples,), default=None
        Row weights.

    Returns
    -------
    ece : float
        In [0, 1]; 0 for perfectly calibrated probabilities.

    Examples
    --------
    >>> from skdistill.metrics import expected_calibration_error
    >>> round(expected_calibration_error([0, 1, 1, 0], [0.2, 0.8, 0.6, 0.4], n_bins=2), 3)
    0.3
    >>> expected_calibration_error([0, 1, 1, 0], [0.0, 1.0, 1.0, 0.0])
    0.0
    """
    y_true = column_or_1d(y_true)
    y_prob = np.asarray(y_prob, dtype=np.float64)
    check_consistent_length(y_true, y_prob, sample_weight)
    if y_prob.min() < 0 or y_prob.max() > 1:
        raise ValueError("y_prob holds values outside [0, 1]; pass probabilities.")
    if y_prob.ndim == 1:
        classes = np.unique(y_true)
        if pos_label is None and len(classes) > 2:
            raise ValueError(
                f"y_true has {len(classes)} classes but y_prob has one column: pass one column "
                "per class for the top-label error, or pos_label for one class against the rest."
            )
        positive = classes[-1] if pos_label is None else pos_label
        confidence, event = y_prob, y_true == positive
    else:
        labels = np.unique(y_true) if labels is None else np.asarray(labels)
        if y_prob.shape[1] != len(labels):
            raise ValueError(
                f"y_prob has {y_prob.shape[1]} columns but there are {len(labels)} labels; "
                "pass one column per class, in the order of `labels`."
            )
        confidence, event = y_prob.max(axis=1), labels[y_prob.argmax(axis=1)] == y_true
    if strategy == "uniform":
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    else:
        edges = np.quantile(confidence, np.linspace(0.0, 1.0, n_bins + 1))
    bins = np.searchsorted(edges[1:-1], confidence)  # calibration_curve's binning
    weight = np.ones(len(y_true)) if sample_weight is None else np.asarray(sample_weight, float)
    gaps = np.bincount(bins, weight * (event - confidence), minlength=n_bins)
    return float(np.abs(gaps).sum() / weight.sum())


def fidelity_scorer(distiller, X, y=None, sample_weight=None):
    """Scorer: fidelity of a fitted distiller's student to its own teacher.

    Use it as ``GridSearchCV(..., scoring=fidelity_scorer)``
    (:class:`~sklearn.model_selection.GridSearchCV`) or inside a dict of
    scorers, to tune ``temperature`` and ``alpha`` for faithfulness. ``y``
    is ignored: the reference is the teacher's prediction on ``X``.

    Parameters
    ----------
    distiller : DistilledClassifier or DistilledRegressor
        A fitted distiller.
    X : array-like of shape (n_samples, n_features)
        Rows to compare on.
    y : ignored
        Present for the scorer signature.
    sample_weight : array-like of shape (n_samples,), default=None
        Row weights.

    Returns
    -------
    score : float
        Agreement (classification) or R² to the teacher (regression).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from sklearn.model_selection import GridSearchCV
    >>> from skdistill import DistilledClassifier
    >>> from skdistill.metrics import fidelity_scorer
    >>> X, y = load_iris(return_X_y=True)
    >>> teacher = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y)
    >>> search = GridSearchCV(
    ...     DistilledClassifier(teacher, random_state=0),
    ...     {"alpha": [0.5, 1.0]},
    ...     scoring={"fidelity": fidelity_scorer, "accuracy": "accuracy"},
    ...     refit="fidelity",
    ... ).fit(X, y)
    >>> bool(search.best_score_ > 0.9)
    True
    """
    teacher_pred = teacher_predict(distiller, X)
    if hasattr(distiller, "classes_"):
        return accuracy_score(teacher_pred, distiller.predict(X), sample_weight=sample_weight)
    return r2_score(teacher_pred, distiller.predict(X), sample_weight=sample_weight)
