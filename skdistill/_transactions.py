"""Fits as transactions: a fit that raises leaves the estimator exactly as it was.

The fit runs on a scratch instance that holds the estimator's attributes
but its fitted ones (public names ending in ``_``); only when it returns does
the scratch's fitted state replace the estimator's. A refit that raises — a label the teacher does not
know, a teacher failing midway, a KeyboardInterrupt — keeps the model fitted
before it; a first fit that raises leaves it unfitted, so ``predict`` says
``NotFittedError`` rather than failing on half of a state.
"""

import functools


_MISSING = object()


def _is_fitted_attribute(name):
    # scikit-learn's convention: fitted state is public and ends with "_".
    return name.endswith("_") and not name.startswith("_")


def atomic_fit(fit):
    """Decorate a ``fit`` method so that it changes the estimator only when it succeeds.

    Examples
    --------
    >>> from sklearn.base import BaseEstimator
    >>> from skdistill._transactions import atomic_fit
    >>> class Model(BaseEstimator):
    ...     def __init__(self, fail=False):
    ...         self.fail = fail
    ...     @atomic_fit
    ...     def fit(self, X):
    ...         self.n_ = len(X)
    ...         if self.fail:
    ...             raise ValueError("midway")
    ...         return self
    >>> model = Model().fit([1, 2])
    >>> try:
    ...     model.set_params(fail=True).fit([1, 2, 3])
    ... except ValueError:
    ...     pass
    >>> model.n_
    2
    """

    @functools.wraps(fit)
    def transactional_fit(self, *args, **kwargs):
        before = dict(vars(self))
        scratch = object.__new__(type(self))
        scratch.__dict__.update(
            (name, value) for name, value in before.items() if not _is_fitted_attribute(name)
        )
        result = fit(scratch, *args, **kwargs)
        for name in [name for name in before if _is_fitted_attribute(name)]:
            delattr(self, name)
        # The fitted attributes, and private state the fit set (what scikit-learn's
        # callbacks attach to the estimator around fit stays where it is).
        self.__dict__.update(
            (name, value) for name, value in vars(scratch).items()
            if _is_fitted_attribute(name) or before.get(name, _MISSING) is not value
        )
        return self if result is scratch else result

    return transactional_fit
