"""Data the test files share at import time, where a fixture cannot serve (parametrize tables).

Imported as ``from _helpers import ...``: pytest puts ``tests/`` on the path
of the test modules (``tests`` itself would name another installed package).
"""

from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import RandomForestClassifier

# Small enough to fit a distiller in every row of a table.
SMALL_CLASSIFICATION = make_classification(n_samples=120, n_features=5, n_informative=3,
                                           n_classes=3, random_state=0)
SMALL_REGRESSION = make_regression(n_samples=120, n_features=5, random_state=0)


def small_forest(X=SMALL_CLASSIFICATION[0], y=SMALL_CLASSIFICATION[1]):
    """A fitted 10-tree forest, on ``SMALL_CLASSIFICATION`` unless given other rows or labels."""
    return RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)


# The settings the tests of a mechanism pin (what the distillers had before the
# "auto" defaults): they check how a chain, a transfer set or a teacher pass
# works, not which settings a student family is given (tests/test_defaults.py).
FIXED = {"alpha": 0.5, "augment": None, "cv": None}
