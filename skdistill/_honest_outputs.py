"""Honest teacher outputs: a teacher's outputs on its training rows from models not fit on them.

A teacher scores the rows it was fitted on almost as their labels say, so its
soft targets there carry little beyond the labels. Two ways to get outputs on
those rows from models that did not see them:

- :func:`out_of_bag_outputs`: a bagged teacher (a forest with
  ``bootstrap=True``, a bagging model) already holds them: each member
  predicts the rows outside its sample. Free: nothing is refit.
- :func:`out_of_fold_outputs`: clones of the teacher's configuration are
  refit on the folds of a ``cv``, each predicting the fold it did not see.
  Costs about one teacher fit per fold; the teacher itself is never touched.

Classifier outputs are logits (the log of the probabilities, floored at
``PROBA_FLOOR``) with columns in the teacher's class order; regressor outputs
are predictions.
"""

import warnings

import numpy as np
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import check_cv, cross_val_predict
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import _num_samples, check_is_fitted, validate_data

from ._fitting import accepts_sample_weight, final_step
from ._seeding import seed_unset_random_states
from ._soft_targets import PROBA_FLOOR
from ._teacher_outputs import class_columns


def out_of_bag_outputs(teacher, X):
    """A bagged teacher's outputs on its training rows, each from the members that left it out.

    Each member predicts only the rows outside its sample
    (``estimators_samples_``); a row's output averages the probabilities
    (classifiers) or predictions (regressors) of those members, as
    scikit-learn's own out-of-bag score does. A row that no member left out
    gets the teacher's in-sample output; such rows are counted in a warning
    and marked in ``in_sample``.

    Parameters
    ----------
    teacher : estimator
        A fitted bagged model: a random forest or extra-trees model with
        ``bootstrap=True``, a ``BaggingClassifier`` or ``BaggingRegressor``,
        or a Pipeline ending in one (its leading steps transform ``X``).
        Nothing is refit or modified.
    X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
        The rows the teacher was fitted on, in the same order.

    Returns
    -------
    outputs : ndarray of shape (n_samples, n_classes) or (n_samples,)
        Logits (log of the out-of-bag probabilities, floored at
        ``PROBA_FLOOR``), columns in the teacher's ``classes_`` order; or
        out-of-bag predictions for a regressor.
    in_sample : ndarray of bool, shape (n_samples,)
        Rows no member left out, whose output is the teacher's in-sample one.

    Raises
    ------
    ValueError
        When the teacher does not bag (another model, ``bootstrap=False``, a
        sample that holds every row), has several outputs, or ``X`` does not
        hold as many rows as the teacher was fitted on.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from skdistill._honest_outputs import out_of_bag_outputs
    >>> X, y = load_iris(return_X_y=True)
    >>> forest = RandomForestClassifier(n_estimators=50, random_state=0).fit(X, y)
    >>> logits, in_sample = out_of_bag_outputs(forest, X)
    >>> logits.shape, int(in_sample.sum())
    ((150, 3), 0)
    >>> honest = np.exp(logits).argmax(axis=1) == y
    >>> in_bag = forest.predict(X) == y
    >>> bool(honest.mean() < in_bag.mean())  # out of bag, the forest errs as on new rows
    True
    """
    check_is_fitted(teacher)
    bagger, X_bagger = _bagging_step(teacher, X)
    n_samples = _num_samples(X_bagger)
    fitted_on = getattr(bagger, "_n_samples", n_samples)
    if n_samples != fitted_on:
        raise ValueError(
            f"X has {n_samples} rows but the `teacher` was fitted on {fitted_on}: out-of-bag "
            "outputs are for the rows the teacher was fitted on, in the same order."
        )
    # The members were fit on the array the bagger made of X: they take no feature names.
    X_members = validate_data(bagger, X_bagger, accept_sparse=["csr", "csc"], dtype=None,
                              ensure_all_finite=False, reset=False)
    total, n_out = _out_of_bag_sums(bagger, X_members)
    if not n_out.any():
        raise ValueError(
            f"No member of the `teacher` {type(bagger).__name__} left any row out (bootstrap="
            f"{bagger.bootstrap!r}, max_samples={bagger.max_samples!r}), so there are no "
            "out-of-bag outputs. Fit it with bootstrap=True, or use out-of-fold outputs."
        )
    in_sample = n_out == 0
    if in_sample.any():
        warnings.warn(
            f"{in_sample.sum()} of {n_samples} rows were in every member's sample and get the "
            "teacher's in-sample output: too few members for out-of-bag outputs on every row.",
            UserWarning,
        )
        rows = np.flatnonzero(in_sample)
        total[rows] = _in_sample_outputs(bagger, _safe_indexing(X_bagger, rows))
        n_out[in_sample] = 1
    outputs = total / n_out[:, None]
    if is_classifier(bagger):
        return np.log(np.clip(outputs, PROBA_FLOOR, 1.0)), in_sample
    return outputs[:, 0], in_sample


def _bagging_step(teacher, X):
    """The bagged model that does the predicting, and ``X`` as it reaches it."""
    if isinstance(teacher, FrozenEstimator):
        teacher = teacher.estimator
    bagger = final_step(teacher)
    if getattr(teacher, "steps", None) and len(teacher.steps) > 1:
        X = teacher[:-1].transform(X)
    bags = hasattr(type(bagger), "estimators_samples_") and (
        is_classifier(bagger) or is_regressor(bagger))
    if not bags:
        raise ValueError(
            "Out-of-bag outputs need a `teacher` that bags: a random forest or extra-trees "
            "model with bootstrap=True, a BaggingClassifier or BaggingRegressor, or a "
            f"Pipeline ending in one; got {type(bagger).__name__}. Use out-of-fold outputs "
            "(cv=) for other teachers."
        )
    # A bagging model without bootstrap still leaves rows out when max_samples < 1 (checked
    # once the samples are known); a forest without bootstrap fits every tree on every row.
    is_forest = not hasattr(bagger, "estimators_features_")
    if is_forest and not bagger.bootstrap:
        raise ValueError(
            f"The `teacher` {type(bagger).__name__} has bootstrap=False: every tree was fit "
            "on every row, so no row is out of bag. Fit it with bootstrap=True, or use "
            "out-of-fold outputs (cv=)."
        )
    if getattr(bagger, "n_outputs_", 1) != 1:
        raise ValueError(
            f"The `teacher` has {bagger.n_outputs_} outputs; out-of-bag outputs are for "
            "single-output teachers."
        )
    return bagger, X


def _out_of_bag_sums(bagger, X):
    """Per row: the sum of the members' outputs where it was out of bag, and their count."""
    n_samples = _num_samples(X)
    width = len(bagger.classes_) if is_classifier(bagger) else 1
    total = np.zeros((n_samples, width))
    n_out = np.zeros(n_samples, dtype=np.intp)
    features = getattr(bagger, "estimators_features_", None)
    for position, (member, sample) in enumerate(zip(bagger.estimators_,
                                                    bagger.estimators_samples_)):
        out_of_bag = np.ones(n_samples, dtype=bool)
        out_of_bag[sample] = False
        rows = np.flatnonzero(out_of_bag)
        if not len(rows):
            continue
        X_rows = _safe_indexing(X, rows)
        if features is not None:
            X_rows = X_rows[:, features[position]]
        total[rows] += _member_outputs(member, X_rows, width)
        n_out[rows] += 1
    return total, n_out


def _member_outputs(member, X, width):
    """One member's probabilities over all the bagger's classes, or its predictions."""
    if not is_classifier(member):
        return np.asarray(member.predict(X), dtype=np.float64).reshape(-1, 1)
    # Members learn class codes; one fit on a sample missing a class lacks its column.
    columns = np.asarray(member.classes_, dtype=np.intp)
    outputs = np.zeros((_num_samples(X), width))
    if hasattr(member, "predict_proba"):
        outputs[:, columns] = member.predict_proba(X)
    else:  # a member without probabilities votes, as in BaggingClassifier
        outputs[np.arange(len(outputs)), np.asarray(member.predict(X), dtype=np.intp)] = 1.0
    return outputs


def _in_sample_outputs(bagger, X):
    if is_classifier(bagger):
        return bagger.predict_proba(X)
    return np.asarray(bagger.predict(X), dtype=np.float64).reshape(-1, 1)


def out_of_fold_outputs(teacher, X, y, *, cv=5, sample_weight=None, random_state=None,
                        n_jobs=None):
    """Outputs on ``X`` of clones of the teacher's configuration, each refit without the row.

    The rows are split by ``cv``; a clone of the teacher's configuration
    (its parameters, never its fitted state) is fitted on all folds but one
    and predicts the one it did not see, through
    :func:`sklearn.model_selection.cross_val_predict`. The teacher itself is
    neither fitted nor modified.

    Parameters
    ----------
    teacher : estimator
        A scikit-learn classifier or regressor, a Pipeline ending in one, or a
        :class:`~sklearn.frozen.FrozenEstimator` (the estimator it wraps gives
        the configuration), fitted or not. Its ``random_state`` parameters
        left at None are seeded from ``random_state``, the same seed in every
        fold.
    X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
        Training rows.
    y : array-like of shape (n_samples,)
        Labels or targets.
    cv : int, cross-validation generator or iterable, default=5
        As in :func:`sklearn.model_selection.check_cv`: an int is the number
        of folds of ``StratifiedKFold`` (classifiers) or ``KFold``, without
        shuffling, so the rows' order matters; pass a shuffled splitter for
        sorted rows. The folds must hold out every row exactly once.
    sample_weight : array-like of shape (n_samples,), default=None
        Routed to each clone's ``fit`` (to the last step of a Pipeline).
    random_state : int, RandomState instance or None, default=None
        Seeds the clones' unset random states.
    n_jobs : int or None, default=None
        Folds fitted in parallel (``cross_val_predict``'s ``n_jobs``).

    Returns
    -------
    outputs : ndarray of shape (n_samples, n_classes) or (n_samples,)
        For a classifier, logits: the log of the held-out probabilities
        (floored at ``PROBA_FLOOR``, so a class absent from a fold's training
        rows gets the floor), or the held-out margins of a classifier without
        ``predict_proba``; columns in the teacher's ``classes_`` order when it
        is fitted, else in sorted label order. For a regressor, predictions.

    Raises
    ------
    ValueError
        When the teacher is not a scikit-learn estimator that ``clone`` turns
        into an unfitted copy, when ``cv`` does not hold out every row exactly
        once, or when ``sample_weight`` is given to a teacher that cannot take
        it.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.ensemble import HistGradientBoostingClassifier
    >>> from skdistill._honest_outputs import out_of_fold_outputs
    >>> X, y = load_iris(return_X_y=True)
    >>> teacher = HistGradientBoostingClassifier(max_iter=20).fit(X, y)
    >>> logits = out_of_fold_outputs(teacher, X, y, cv=3, random_state=0)
    >>> logits.shape
    (150, 3)
    >>> bool((logits.argmax(axis=1) == y).mean() < (teacher.predict(X) == y).mean())
    True
    """
    configuration = seed_unset_random_states(_unfitted_configuration(teacher), random_state)
    classification = is_classifier(configuration)
    folds = _partition(check_cv(cv, y, classifier=classification), X, y)
    if not classification:
        outputs = cross_val_predict(configuration, X, y, cv=folds, n_jobs=n_jobs,
                                    params=_fit_params(configuration, sample_weight))
        return np.asarray(outputs, dtype=np.float64)
    method = "predict_proba" if hasattr(configuration, "predict_proba") else "decision_function"
    outputs = cross_val_predict(configuration, X, y, cv=folds, n_jobs=n_jobs, method=method,
                                params=_fit_params(configuration, sample_weight))
    logits = _as_logits(np.asarray(outputs, dtype=np.float64), method)
    return _in_teacher_order(logits, np.unique(y), teacher)


def _unfitted_configuration(teacher):
    """An unfitted clone of the teacher's configuration, or a clear error."""
    if isinstance(teacher, FrozenEstimator):
        teacher = teacher.estimator
    if not (hasattr(teacher, "get_params") and hasattr(teacher, "fit")):
        raise ValueError(
            "Out-of-fold outputs refit clones of the `teacher`, which must then be a "
            f"scikit-learn estimator; got {type(teacher).__name__}. Pass the estimator that "
            "built it, or use the teacher's outputs as they are."
        )
    configuration = clone(teacher)
    try:
        check_is_fitted(configuration)
    except NotFittedError:
        return configuration
    raise ValueError(
        f"clone() of the `teacher` {type(teacher).__name__} is already fitted (it shares "
        "fitted models, as a TeacherEnsemble of fitted members does), so refitting it on "
        "folds would not hide any row from it. Pass unfitted members, or a teacher whose "
        "clone is unfitted."
    )


def _partition(cv, X, y):
    """The folds of ``cv``, checked to hold out every row exactly once."""
    folds = list(cv.split(X, y))
    held_out = np.concatenate([test for _, test in folds])
    counts = np.bincount(held_out, minlength=_num_samples(X))
    if not np.all(counts == 1):
        raise ValueError(
            f"`cv` ({cv!r}) must hold out every row exactly once, as KFold, "
            "StratifiedKFold or GroupKFold do, for every row to get an out-of-fold output."
        )
    return folds


def _fit_params(model, sample_weight):
    if sample_weight is None:
        return None
    if not accepts_sample_weight(model):
        raise ValueError(
            f"sample_weight was given but the `teacher` {type(final_step(model)).__name__} "
            "does not accept sample_weight in fit. Drop sample_weight or use a teacher that "
            "supports it."
        )
    steps = getattr(model, "steps", None)
    key = f"{steps[-1][0]}__sample_weight" if steps else "sample_weight"
    return {key: np.asarray(sample_weight, dtype=np.float64)}


def _as_logits(outputs, method):
    if method == "predict_proba":
        return np.log(np.clip(outputs, PROBA_FLOOR, 1.0))
    if outputs.ndim == 1:
        # A binary margin m is log(p1 / p0); [-m/2, m/2] has the same softmax.
        return np.column_stack([-outputs / 2.0, outputs / 2.0])
    # cross_val_predict marks a class a fold never saw with the lowest float:
    # give it the floor's margin below the row's best class instead.
    missing = outputs == np.finfo(outputs.dtype).min
    best = np.where(missing, -np.inf, outputs).max(axis=1, keepdims=True)
    return np.where(missing, best + np.log(PROBA_FLOOR), outputs)


def _in_teacher_order(logits, labels, teacher):
    """Columns of ``logits`` (one per sorted label of y) in the teacher's class order."""
    try:
        check_is_fitted(teacher)
    except NotFittedError:
        return logits
    teacher_classes = getattr(teacher, "classes_", None)
    if teacher_classes is None or np.array_equal(teacher_classes, labels):
        return logits
    ordered = np.full((len(logits), len(teacher_classes)), np.log(PROBA_FLOOR))
    ordered[:, class_columns(teacher_classes, labels)] = logits
    return ordered
