"""Asking a teacher: the one way to get a fitted teacher's outputs on rows.

Adapter, cache, chunked inference, the finite check and the class order are
put together here, and nowhere else: the distillers, the metrics, the
displays, the inspection tools and the scale-out helpers all call this module.
"""

import numpy as np
from scipy.special import softmax
from sklearn.utils.validation import check_is_fitted

from ._adapters import as_teacher
from ._ensemble import ensemble_of
from ._teacher_cache import teacher_output_cache
from ._transfer import finite_outputs, in_chunks


def teacher_logits(teacher, X, classes=None, *, n_jobs=None, verbose=0, cache=True):
    """A fitted classifier teacher's raw margins on ``X``.

    Parameters
    ----------
    teacher : object
        A fitted teacher (anything the distillers take).
    X : array-like, sparse matrix or DataFrame
        Rows, with the teacher's columns.
    classes : array-like or None, default=None
        Labels whose columns to return, in this order, matched by value to the
        teacher's classes; ``None`` keeps the teacher's own order.
    n_jobs, verbose : int or None
        Parallel chunks of rows and their progress (see ``in_chunks``).
    cache : bool, default=True
        Reuse outputs computed for the same teacher state and rows.

    Returns
    -------
    logits : ndarray of shape (n_samples, n_classes)
        Read-only when it comes from the cache.
    """
    adapter = teacher_adapter(teacher, "classifier")
    logits = _outputs(adapter, X, "logits", n_jobs, verbose, cache)
    if classes is None:
        return logits
    if adapter.classes_ is None:  # a function: one column per class, in sorted order
        _check_width(logits, classes, adapter.estimator)
        return logits
    columns = class_columns(adapter.classes_, classes)
    if np.array_equal(columns, np.arange(logits.shape[1])):
        return logits  # no copy: with many classes it is as large as X
    return logits[:, columns]


def teacher_predictions(teacher, X, *, n_jobs=None, verbose=0, cache=True):
    """A fitted regression teacher's predictions on ``X``, shape ``(n_samples,)``."""
    adapter = teacher_adapter(teacher, "regressor")
    return _outputs(adapter, X, "predictions", n_jobs, verbose, cache)


def teacher_adapter(teacher, kind):
    """The adapter of ``kind`` over a fitted teacher (a list is a TeacherEnsemble)."""
    return as_teacher(ensemble_of(teacher), kind)


def teacher_classes(teacher, classes=None):
    """The labels of a fitted classifier teacher's output columns.

    ``classes`` are those of the distiller, the columns of a teacher that
    does not name its own.
    """
    own = teacher_adapter(teacher, "classifier").classes_
    return np.asarray(classes) if own is None else own


def _check_width(logits, classes, teacher):
    if logits.shape[1] != len(classes):
        raise ValueError(
            f"The `teacher` {getattr(teacher, '__name__', type(teacher).__name__)} does not "
            f"name its classes and returned {logits.shape[1]} columns for the "
            f"{len(classes)} classes of y: it must return one column per class of y, "
            "in sorted order.")


def class_columns(teacher_classes, classes):
    """Column of each of ``classes`` in the teacher's outputs, matched by value."""
    position = {label: i for i, label in enumerate(np.asarray(teacher_classes).tolist())}
    unknown = [label for label in np.asarray(classes).tolist() if label not in position]
    if unknown:
        raise ValueError(
            f"y holds labels the `teacher` does not know: {unknown[:5]}. The "
            f"teacher's classes are {np.asarray(teacher_classes).tolist()[:10]}. Use a "
            "teacher fitted on these labels, or relabel y to match it."
        )
    return np.array([position[label] for label in np.asarray(classes).tolist()], dtype=np.intp)


def _outputs(adapter, X, method, n_jobs, verbose, cache):
    def compute(rows):
        return in_chunks(getattr(adapter, method), rows, n_jobs, verbose)

    if cache and adapter.cacheable:
        output = teacher_output_cache.get_or_compute(adapter.estimator, X, compute, method)
    else:
        output = compute(X)
    return finite_outputs(output, adapter.estimator)


def teacher_proba(distiller, X):
    """A fitted :class:`~skdistill.DistilledClassifier`'s teacher probabilities at T = 1.

    Columns in the order of the distiller's ``classes_``.
    """
    check_is_fitted(distiller, "teacher_")
    logits = teacher_logits(distiller.teacher_, X, distiller.classes_,
                            n_jobs=distiller.n_jobs, verbose=distiller.verbose)
    return softmax(logits, axis=1)


def teacher_predict(distiller, X):
    """What a fitted distiller's teacher predicts on ``X``: labels, or values."""
    check_is_fitted(distiller, "teacher_")
    if hasattr(distiller, "classes_"):
        # The teacher's own prediction: the most probable of all its classes.
        logits = teacher_logits(distiller.teacher_, X, n_jobs=distiller.n_jobs,
                                verbose=distiller.verbose)
        classes = teacher_classes(distiller.teacher_, distiller.classes_)
        return classes[np.argmax(logits, axis=1)]
    return teacher_predictions(distiller.teacher_, X, n_jobs=distiller.n_jobs,
                               verbose=distiller.verbose)
