"""Test-session settings and the data sets and teachers that many test files share.

The fixtures are session-scoped: each data set is loaded, and each teacher
fitted, once for the whole run, so a test reads them and never changes them in
place (it changes a copy). A fixture that differs on purpose (string labels, a
larger forest) stays in its own file, under a name that says how it differs.
"""

import importlib.util

import pytest
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_iris,
    make_classification,
)
from sklearn.ensemble import RandomForestClassifier
from sklearn.preprocessing import StandardScaler


def pytest_configure(config):
    # The tiny nets of the tests train faster on one thread, and the test
    # machines are shared: several torch threads spin against each other.
    if importlib.util.find_spec("torch") is not None:
        import torch

        torch.set_num_threads(1)


@pytest.fixture(scope="session")
def iris():
    """``(X, y)`` of iris: 150 rows, 4 features, 3 classes coded 0, 1, 2."""
    return load_iris(return_X_y=True)


@pytest.fixture(scope="session")
def iris_forest(iris):
    """A fitted 20-tree ``RandomForestClassifier(random_state=0)`` on iris."""
    return RandomForestClassifier(n_estimators=20, random_state=0).fit(*iris)


@pytest.fixture(scope="session")
def cancer():
    """``(X, y)`` of breast cancer with standardised columns (linear models and nets converge)."""
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="session")
def cancer_unscaled():
    """``(X, y)`` of breast cancer as it loads: 569 rows, 30 features in their own units."""
    return load_breast_cancer(return_X_y=True)


@pytest.fixture(scope="session")
def cancer_unscaled_forest(cancer_unscaled):
    """A fitted 20-tree ``RandomForestClassifier(random_state=0)`` on unscaled breast cancer."""
    return RandomForestClassifier(n_estimators=20, random_state=0).fit(*cancer_unscaled)


@pytest.fixture(scope="session")
def diabetes():
    """``(X, y)`` of diabetes: 442 rows, 10 features, a continuous target."""
    return load_diabetes(return_X_y=True)


@pytest.fixture(scope="session")
def digits():
    """``(X, y)`` of digits: 1,797 rows of 8x8 pixels, 10 classes."""
    return load_digits(return_X_y=True)


@pytest.fixture(scope="session")
def net_data():
    """``(X, y)``: 300 rows, 6 standardised features, 3 classes: tiny nets learn it fast."""
    X, y = make_classification(300, 6, n_informative=4, n_classes=3, random_state=0)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="session")
def net_forest(net_data):
    """A fitted 10-tree ``RandomForestClassifier(random_state=0)`` on ``net_data``."""
    return RandomForestClassifier(n_estimators=10, random_state=0).fit(*net_data)


@pytest.fixture
def lessons(monkeypatch):
    """The lessons the distillers hand their students, in the order of the fits.

    A spy on ``skdistill._chain._fit_student``: every lesson is recorded, then
    the student is fitted as usual.
    """
    from skdistill import _chain

    captured = []
    fit_student = _chain._fit_student

    def spy(distiller, lesson, *args, **kwargs):
        captured.append(lesson)
        return fit_student(distiller, lesson, *args, **kwargs)

    monkeypatch.setattr(_chain, "_fit_student", spy)
    return captured
