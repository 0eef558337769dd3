"""Fitting a model, or a Pipeline's last step, with sample weights."""

from sklearn.utils.validation import has_fit_parameter


def final_step(model):
    """The model that does the learning: a Pipeline's last step, or ``model``."""
    steps = getattr(model, "steps", None)
    return steps[-1][1] if steps else model


def accepts_sample_weight(model):
    """Whether ``model`` (or a Pipeline's last step) takes ``sample_weight`` in fit."""
    try:
        return has_fit_parameter(final_step(model), "sample_weight")
    except (TypeError, ValueError):
        return False


def fit_with_weight(model, X, y, sample_weight=None, role="student"):
    """``model.fit(X, y)`` with ``sample_weight`` routed to where it applies.

    A Pipeline receives it as ``<last step>__sample_weight``. A model that
    cannot take weights raises rather than silently ignoring them.
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
    key = f"{steps[-1][0]}__sample_weight" if steps else "sample_weight"
    return model.fit(X, y, **{key: sample_weight})
