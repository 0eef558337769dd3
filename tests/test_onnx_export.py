"""ONNX export: onnxruntime answers like the distiller."""

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.impute import SimpleImputer
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


# The data sets of the parametrized tests, by the conftest fixture that holds them.
FIXTURE_OF = {"iris": "iris", "cancer": "cancer_unscaled"}

STUDENTS = [
    DecisionTreeClassifier(max_depth=4),
    RandomForestClassifier(n_estimators=5, max_depth=4),
    make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)),
]


@pytest.mark.parametrize("student", STUDENTS, ids=lambda s: type(s).__name__)
@pytest.mark.parametrize("dataset", ["iris", "cancer"])
@pytest.mark.parametrize("temperature", [1.0, 3.0])
def test_onnx_labels_and_probabilities_match(student, dataset, temperature, request):
    X, y = request.getfixturevalue(FIXTURE_OF[dataset])
    X = X.astype(np.float32)
    labels = np.array(["no", "maybe", "yes"])[y]
    teacher = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, labels)
    distilled = DistilledClassifier(
        teacher, student, temperature=temperature, alpha=1.0, random_state=0
    ).fit(X, labels)
    onnx_labels, onnx_proba = run(to_onnx(distilled, X[:5]), X)
    np.testing.assert_array_equal(onnx_labels, distilled.predict(X))
    np.testing.assert_allclose(onnx_proba, distilled.predict_proba(X), atol=1e-4)


def test_onnx_regression_student(diabetes):
    X, y = diabetes
    X = X.astype(np.float32)
    teacher = RandomForestRegressor(n_estimators=10, random_state=0).fit(X, y)
    for student in (DecisionTreeRegressor(max_depth=5), Ridge()):
        distilled = DistilledRegressor(teacher, student, random_state=0).fit(X, y)
        (predictions,) = run(to_onnx(distilled, X[:5]), X)
        np.testing.assert_allclose(predictions.ravel(), distilled.predict(X), rtol=1e-4, atol=1e-3)


def test_soft_regression_students_are_refused_clearly(iris):
    X, y = iris
    distilled = DistilledClassifier(student=DecisionTreeRegressor()).fit(X, y)
    with pytest.raises(ValueError, match="weighted_rows"):
        to_onnx(distilled, X[:5].astype(np.float32))


def _lightgbm_students():
    lightgbm = pytest.importorskip("lightgbm")
    return [lightgbm.LGBMClassifier(n_estimators=20, num_leaves=7, verbose=-1, random_state=0),
            make_pipeline(StandardScaler(), lightgbm.LGBMClassifier(
                n_estimators=20, num_leaves=7, verbose=-1, random_state=0))]


@pytest.mark.parametrize("dataset", ["iris", "cancer"])
@pytest.mark.parametrize("temperature", [1.0, 3.0])
def test_onnx_lightgbm_student_matches(dataset, temperature, request):
    pytest.importorskip("onnxmltools")
    X, y = request.getfixturevalue(FIXTURE_OF[dataset])
    X = X.astype(np.float32)
    labels = np.array(["no", "maybe", "yes"])[y]
    teacher = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, labels)
    for student in _lightgbm_students():
        distilled = DistilledClassifier(teacher, student, temperature=temperature,
                                        random_state=0).fit(X, labels)
        assert distilled.strategy_ == "lightgbm"
        onnx_labels, onnx_proba = run(to_onnx(distilled, X[:5]), X)
        np.testing.assert_array_equal(onnx_labels, distilled.predict(X))
        np.testing.assert_allclose(onnx_proba, distilled.predict_proba(X), atol=1e-4)


def test_onnx_lightgbm_regression_student(diabetes):
    lightgbm = pytest.importorskip("lightgbm")
    pytest.importorskip("onnxmltools")
    X, y = diabetes
    X = X.astype(np.float32)
    teacher = RandomForestRegressor(n_estimators=10, random_state=0).fit(X, y)
    student = lightgbm.LGBMRegressor(n_estimators=30, num_leaves=7, verbose=-1, random_state=0)
    distilled = DistilledRegressor(teacher, student, random_state=0).fit(X, y)
    (predictions,) = run(to_onnx(distilled, X[:5]), X)
    np.testing.assert_allclose(predictions.ravel(), distilled.predict(X), rtol=1e-4, atol=1e-3)


def _agreement(a, b):
    return np.mean(np.asarray(a) == np.asarray(b))


@pytest.mark.parametrize("dataset", ["iris", "cancer"])
def test_onnx_mlp_student_matches(dataset, request):
    pytest.importorskip("onnxscript")
    from skdistill import MLPStudentClassifier

    X, y = request.getfixturevalue(FIXTURE_OF[dataset])
    labels = np.array(["no", "maybe", "yes"])[y]
    teacher = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, labels)
    student = make_pipeline(StandardScaler(), MLPStudentClassifier(max_epochs=5, random_state=0))
    distilled = DistilledClassifier(teacher, student, temperature=2.0, random_state=0)
    distilled.fit(X, labels)
    # float64 rows in: the graph's preprocessing casts them for the float32 net.
    onnx_labels, onnx_proba = run(to_onnx(distilled, X[:5]), X)
    np.testing.assert_allclose(onnx_proba, distilled.predict_proba(X), atol=1e-4)
    # The net runs in float32 in ONNX, in float64 in predict: only exact ties may differ.
    assert _agreement(onnx_labels, distilled.predict(X)) == 1.0


def test_onnx_bare_mlp_and_skorch_students(iris):
    pytest.importorskip("onnxscript")
    torch = pytest.importorskip("torch")
    skorch = pytest.importorskip("skorch")
    from skdistill import MLPStudentClassifier

    X, y = iris
    X = StandardScaler().fit_transform(X).astype(np.float32)
    teacher = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y)
    module = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 3))
    skorch_net = skorch.NeuralNetClassifier(module, criterion=torch.nn.CrossEntropyLoss,
                                            max_epochs=5, train_split=None, verbose=0)
    for student in (MLPStudentClassifier(max_epochs=5, random_state=0), skorch_net):
        distilled = DistilledClassifier(teacher, student, random_state=0).fit(X, y)
        onnx_labels, onnx_proba = run(to_onnx(distilled, X[:5]), X)
        np.testing.assert_allclose(onnx_proba, distilled.predict_proba(X), atol=1e-4)
        assert _agreement(onnx_labels, distilled.predict(X)) == 1.0


def test_onnx_mlp_regression_student(diabetes):
    pytest.importorskip("onnxscript")
    from skdistill import MLPStudentRegressor

    X, y = diabetes
    X = X.astype(np.float32)
    teacher = RandomForestRegressor(n_estimators=10, random_state=0).fit(X, y)
    distilled = DistilledRegressor(
        teacher, MLPStudentRegressor(max_epochs=5, random_state=0), random_state=0
    ).fit(X, y)
    (predictions,) = run(to_onnx(distilled, X[:5]), X)
    np.testing.assert_allclose(predictions.ravel(), distilled.predict(X), rtol=1e-4, atol=1e-2)


def test_onnx_mlp_student_on_a_dataframe():
    pytest.importorskip("onnxscript")
    pytest.importorskip("pandas")
    from skdistill import MLPStudentClassifier, make_mlp_student

    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    X = X.iloc[:, :6].copy()
    X.iloc[::7, 0] = np.nan
    teacher = make_pipeline(SimpleImputer(), RandomForestClassifier(n_estimators=10, random_state=0))
    teacher.fit(X, y)
    student = make_pipeline(SimpleImputer(), StandardScaler(),
                            MLPStudentClassifier(max_epochs=5, random_state=0))
    distilled = DistilledClassifier(teacher, student, random_state=0).fit(X, y)
    # onnxruntime's Imputer takes float32 only: type the inputs with float32 columns.
    X32 = X.astype(np.float32)
    session = onnxruntime.InferenceSession(to_onnx(distilled, X32[:5]).SerializeToString())
    # One input per column, in column order (skl2onnx makes the names identifiers).
    feeds = {i.name: X32[[column]].to_numpy()
             for i, column in zip(session.get_inputs(), X32.columns, strict=True)}
    onnx_labels, onnx_proba = session.run(None, feeds)
    np.testing.assert_allclose(onnx_proba, distilled.predict_proba(X), atol=1e-4)

    # make_mlp_student's imputer adds missing-value indicators, which skl2onnx cannot convert.
    distilled = DistilledClassifier(teacher, make_mlp_student(max_epochs=5, random_state=0),
                                    random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="preprocessing"):
        to_onnx(distilled, X[:5])
