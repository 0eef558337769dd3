"""ONNX export: onnxruntime answers like the distiller."""

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skdistill import DistilledClassifier, DistilledRegressor

onnxruntime = pytest.importorskip("onnxruntime")
pytest.importorskip("skl2onnx")
from skdistill._onnx import to_onnx  # noqa: E402


def run(onnx_model, X):
    session = onnxruntime.InferenceSession(onnx_model.SerializeToString())
    return session.run(None, {session.get_inputs()[0].name: X})


STUDENTS = [
    DecisionTreeClassifier(max_depth=4),
    RandomForestClassifier(n_estimators=5, max_depth=4),
    make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)),
]


@pytest.mark.parametrize("student", STUDENTS, ids=lambda s: type(s).__name__)
@pytest.mark.parametrize("dataset", ["iris", "cancer"])
@pytest.mark.parametrize("temperature", [1.0, 3.0])
def test_onnx_labels_and_probabilities_match(student, dataset, temperature):
    X, y = (load_iris if dataset == "iris" else load_breast_cancer)(return_X_y=True)
    X = X.astype(np.float32)
    labels = np.array(["no", "maybe", "yes"])[y]
    teacher = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, labels)
    distilled = DistilledClassifier(
        teacher, student, temperature=temperature, alpha=1.0, random_state=0
    ).fit(X, labels)
    onnx_labels, onnx_proba = run(to_onnx(distilled, X[:5]), X)
    np.testing.assert_array_equal(onnx_labels, distilled.predict(X))
    np.testing.assert_allclose(onnx_proba, distilled.predict_proba(X), atol=1e-4)


def test_onnx_regression_student():
    X, y = load_diabetes(return_X_y=True)
    X = X.astype(np.float32)
    teacher = RandomForestRegressor(n_estimators=10, random_state=0).fit(X, y)
    for student in (DecisionTreeRegressor(max_depth=5), Ridge()):
        distilled = DistilledRegressor(teacher, student, random_state=0).fit(X, y)
        (predictions,) = run(to_onnx(distilled, X[:5]), X)
        np.testing.assert_allclose(predictions.ravel(), distilled.predict(X), rtol=1e-4, atol=1e-3)


def test_soft_regression_students_are_refused_clearly():
    X, y = load_iris(return_X_y=True)
    distilled = DistilledClassifier(student=DecisionTreeRegressor()).fit(X, y)
    with pytest.raises(ValueError, match="weighted_rows"):
        to_onnx(distilled, X[:5].astype(np.float32))
