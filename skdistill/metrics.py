"""Fidelity: how closely a student imitates its teacher.

Plain functions over predictions, and scorers over fitted distillers that plug
into ``GridSearchCV(scoring=...)`` alone or in a dict of scorers.
"""

import numpy as np
from scipy.special import rel_entr
from sklearn.metrics import accuracy_score, r2_score
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_consistent_length

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
    student_proba = np.clip(np.asarray(student_proba, dtype=np.float64), PROBA_FLOOR, 1.0)
    if teacher_proba.shape != student_proba.shape:
        raise ValueError(
            f"teacher_proba has shape {teacher_proba.shape} but student_proba has "
            f"{student_proba.shape}; both need one column per class in the same order."
        )
    per_row = rel_entr(teacher_proba, student_proba).sum(axis=1)
    return float(np.average(per_row, weights=sample_weight))


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
