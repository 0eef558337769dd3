"""Fitting models the distiller is handed: teachers fitted only when unfitted, students with weights.

A fitted teacher is used as given and shared by ``clone``; an unfitted one
is cloned, seeded and fitted. Students (or a Pipeline's last step) receive
the sample weights the strategies compute.
"""

from sklearn import get_config
from sklearn.base import clone
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import _num_samples, has_fit_parameter

from ._adapters import is_fitted
from ._seeding import seed_unset_random_states
from ._torch import is_skorch_net, skorch_targets, torch_ready
from ._transfer import chunks, stack_rows


def final_step(model):
    """The model that does the learning: a Pipeline's last step, or ``model``."""
    steps = getattr(model, "steps", None)
    return steps[-1][1] if steps else model


def leading_steps(model):
    """A Pipeline's steps before the last, as a Pipeline; None for a bare model."""
    steps = getattr(model, "steps", None)
    return model[:-1] if steps and len(steps) > 1 else None


def fit_leading_steps(model, lesson):
    """Fit a Pipeline's steps before the last; the lesson's rows as its last step sees them.

    The steps are fitted on the training rows with their labels, as the
    Pipeline's own ``fit`` would (``fit_transform``, so cross-fitted encoders
    stay cross-fitted), then transform the transfer rows, which have no
    label, in chunks, so memory stays near the size of the output.
    """
    preprocessing = leading_steps(model)
    if preprocessing is None:
        return lesson.X
    if lesson.labelled is None:
        return preprocessing.fit_transform(lesson.X, lesson.y)
    n_real = int(lesson.labelled.sum())  # the training rows come first
    training = preprocessing.fit_transform(_safe_indexing(lesson.X, slice(0, n_real)),
                                           lesson.y[:n_real])
    transfer = _safe_indexing(lesson.X, slice(n_real, None))
    return stack_rows([training, *(preprocessing.transform(_safe_indexing(transfer, rows))
                                   for rows in chunks(_num_samples(transfer)))])


def last_step_input(model, X):
    """``X`` through a fitted Pipeline's steps before the last (``X`` for a bare model)."""
    preprocessing = leading_steps(model)
    return X if preprocessing is None else preprocessing.transform(X)


def accepts_sample_weight(model):
    """Whether ``model`` (or a Pipeline's last step) takes ``sample_weight`` in fit."""
    try:
        return has_fit_parameter(final_step(model), "sample_weight")
    except (TypeError, ValueError):
        return False


def fit_with_weight(model, X, y, sample_weight=None, role="student"):
    """``model.fit(X, y)`` with ``sample_weight`` sent to the step that learns.

    ``model`` is always the distiller's own clone. The weights are those the
    distiller computes for it (the user's, expanded per class, with the
    transfer set's), so a Pipeline's last step always receives them: as
    ``<last step>__sample_weight``, or, under scikit-learn's metadata routing,
    by requesting ``sample_weight`` on that step. A model that cannot take
    weights raises rather than silently ignoring them.
    """
    if sample_weight is None:
        return model.fit(X, y)
    if not accepts_sample_weight(model):
        raise ValueError(
            f"sample_weight was given but the `{role}` {type(final_step(model)).__name__} "
            "does not accept sample_weight in fit. Drop sample_weight or use a "
            f"{role} that supports it."
        )
    steps = getattr(model, "steps", None)
    if not steps:
        return model.fit(X, y, sample_weight=sample_weight)
    if get_config()["enable_metadata_routing"]:
        _request_weights_for_the_learner(steps)
        return model.fit(X, y, sample_weight=sample_weight)
    return model.fit(X, y, **{f"{steps[-1][0]}__sample_weight": sample_weight})


def _request_weights_for_the_learner(steps):
    """Metadata requests on the distiller's clone of a Pipeline: the last step takes the weights.

    Leading steps keep any request the user made; one left unset would make
    the Pipeline raise, and is set to not requested.
    """
    for _, step in steps[:-1]:
        requests = step.get_metadata_routing().fit.requests if hasattr(
            step, "set_fit_request") else {}
        if "sample_weight" in requests and requests["sample_weight"] is None:
            step.set_fit_request(sample_weight=False)
    steps[-1][1].set_fit_request(sample_weight=True)


def share_if_fitted(teacher):
    """What ``clone`` should hold in place of ``teacher``.

    A fitted teacher is shared by reference (the way
    :class:`sklearn.frozen.FrozenEstimator` clones to itself); an unfitted one
    is cloned like any other parameter.
    """
    if isinstance(teacher, (list, tuple)):
        return type(teacher)(share_if_fitted(member) for member in teacher)
    if teacher is None or isinstance(teacher, str) or is_fitted(teacher):
        return teacher
    return clone(teacher)


def fitted_teacher(teacher, X, y, sample_weight=None, random_state=None):
    """``teacher`` itself when fitted, else a clone of it fitted on ``(X, y)``.

    ``random_state`` seeds the clone's unset random states (see
    :func:`~skdistill._seeding.seed_unset_random_states`).
    """
    if is_fitted(teacher):
        return teacher
    if not hasattr(teacher, "get_params"):
        raise TypeError(
            f"The `teacher` {type(teacher).__name__} is not fitted (it has no attribute "
            "ending in '_') and cannot be cloned to be fitted here (it has no get_params). "
            "Pass a fitted model, or an unfitted scikit-learn compatible estimator.")
    fitted = seed_unset_random_states(clone(teacher), random_state)
    if is_skorch_net(fitted):
        X, y = torch_ready(fitted, X), skorch_targets(fitted, y)
    return fit_with_weight(fitted, X, y, sample_weight, role="teacher")
