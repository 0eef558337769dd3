"""Repeatable randomness: one ``random_state`` seeds every model the distiller fits."""

import numpy as np
from sklearn.utils import check_random_state

# Seeds handed to estimators and torch fit in a signed 32-bit integer, as
# numpy's legacy RandomState and every scikit-learn ``random_state`` take.
MAX_SEED = np.iinfo(np.int32).max


def seed_unset_random_states(estimator, random_state):
    """Give every ``random_state`` left at None a seed drawn from ``random_state``.

    Seeds the user chose are kept: the distiller's ``random_state`` only makes
    otherwise unseeded randomness repeatable. ``estimator`` is modified in
    place, so pass a clone.

    Examples
    --------
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skdistill._seeding import seed_unset_random_states
    >>> tree = seed_unset_random_states(DecisionTreeClassifier(), 0)
    >>> tree.random_state == seed_unset_random_states(DecisionTreeClassifier(), 0).random_state
    True
    """
    if not hasattr(estimator, "get_params"):
        return estimator
    rng = check_random_state(random_state)
    unset = {
        name: rng.randint(MAX_SEED)
        for name, value in sorted(estimator.get_params(deep=True).items())
        if (name == "random_state" or name.endswith("__random_state")) and value is None
    }
    return estimator.set_params(**unset) if unset else estimator


def spawn_seeds(random_state, n_seeds):
    """``n_seeds`` independent int seeds from ``random_state``; all None when it is None.

    None leaves the randomness to each library's global generator, as the
    user asked; an int always gives the same seeds, a ``RandomState`` advances.
    The seeds are children of one :class:`numpy.random.SeedSequence`, so they
    are independent streams, not neighbouring draws of one.

    Examples
    --------
    >>> from skdistill._seeding import spawn_seeds
    >>> spawn_seeds(0, 3) == spawn_seeds(0, 3)
    True
    >>> spawn_seeds(None, 2)
    [None, None]
    """
    if random_state is None:
        return [None] * n_seeds
    entropy = check_random_state(random_state).randint(MAX_SEED)
    children = np.random.SeedSequence(int(entropy)).spawn(n_seeds)
    return [int(child.generate_state(1)[0] % MAX_SEED) for child in children]


def derived_seed(random_state):
    """An int seed drawn from ``random_state``, or None when it is None.

    For randomness outside ``random_state`` parameters (torch nets): None
    leaves it to the library's global generator, as the user asked.
    """
    return spawn_seeds(random_state, 1)[0]
