"""Soft targets: tempered teacher distributions blended with the true labels."""

import numpy as np
from scipy.special import softmax

# Below this a soft probability is treated as zero where a strategy needs
# sparsity; log() of a student's probability is floored the same way.
PROBA_FLOOR = 1e-12


def tempered_softmax(logits, temperature):
    """``softmax(logits / temperature)`` row-wise, stable for T in [1e-3, 1e3].

    Examples
    --------
    >>> import numpy as np
    >>> from skdistill._soft_targets import tempered_softmax
    >>> tempered_softmax(np.array([[0.0, np.log(3.0)]]), 1.0).round(3)
    array([[0.25, 0.75]])
    """
    # One (n, K) array, worked in place: with many classes it is as large as X.
    # Subtracting the row maximum keeps 1e6 logits and T=1e-3 finite.
    proba = np.asarray(logits, dtype=np.float64) / temperature
    proba -= proba.max(axis=1, keepdims=True)
    np.exp(proba, out=proba)
    proba /= proba.sum(axis=1, keepdims=True)
    return proba


def one_hot(y_encoded, n_classes):
    """Rows of the identity matrix for integer-coded labels."""
    return np.eye(n_classes)[y_encoded]


def blend(teacher_proba, y_encoded, alpha, overwrite=False):
    """``alpha * teacher_proba + (1 - alpha) * one_hot(y)``; ``alpha`` may be per row.

    Built without the one-hot matrix, which would be as large as the targets;
    ``overwrite=True`` reuses ``teacher_proba``'s memory for the result.

    Examples
    --------
    >>> import numpy as np
    >>> from skdistill._soft_targets import blend
    >>> blend(np.array([[0.5, 0.5]]), np.array([1]), 0.5).tolist()
    [[0.25, 0.75]]
    """
    if np.all(alpha == 1.0):
        return teacher_proba
    label_weight = 1.0 - np.broadcast_to(alpha, (len(y_encoded), 1))[:, 0]
    blended = np.multiply(teacher_proba, alpha, out=teacher_proba if overwrite else None)
    blended[np.arange(len(y_encoded)), y_encoded] += label_weight
    return blended


def sharpen(proba, temperature):
    """Undo a temperature: ``softmax(temperature * log(proba))`` row-wise.

    A student that learned the distribution at temperature ``T`` predicts
    ``softmax(z / T)``; this returns ``softmax(z)``.

    Examples
    --------
    >>> import numpy as np
    >>> from skdistill._soft_targets import sharpen, tempered_softmax
    >>> logits = np.array([[1.0, 2.0, 4.0]])
    >>> np.allclose(sharpen(tempered_softmax(logits, 4.0), 4.0), tempered_softmax(logits, 1.0))
    True
    """
    proba = np.asarray(proba, dtype=np.float64)
    if temperature == 1.0:
        return proba
    return softmax(temperature * np.log(np.clip(proba, PROBA_FLOOR, 1.0)), axis=1)
