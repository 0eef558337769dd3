"""ONNX export of a fitted distiller's student.

The exported graph answers like the distiller: its first output is the
predicted label (the distiller's own labels, not the class codes the student
was trained on) and, for classifiers, its second output the probabilities at
T = 1 (the softening used in training is undone inside the graph).
"""

import copy

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._fitting import final_step
from ._optional import import_optional
from ._soft_targets import PROBA_FLOOR


def _relabelled_student(distiller):
    """A copy of the student whose classes are the distiller's labels."""
    student = copy.deepcopy(distiller.student_)
    model = final_step(student)
    model.classes_ = distiller.classes_[np.asarray(model.classes_, dtype=np.intp)]
    return student


def _undo_temperature(onnx_model, temperature):
    """Append ``softmax(T * log(p))`` to the probability output of ``onnx_model``."""
    onnx = import_optional("onnx")
    helper, graph = onnx.helper, onnx_model.graph
    proba = graph.output[1]
    tensor = lambda name, value: helper.make_tensor(  # noqa: E731
        name, onnx.TensorProto.FLOAT, [], [value]
    )
    graph.initializer.extend([tensor("skdistill_floor", PROBA_FLOOR),
                              tensor("skdistill_temperature", float(temperature))])
    sharpened = f"{proba.name}_at_T1"
    graph.node.extend([
        helper.make_node("Max", [proba.name, "skdistill_floor"], ["skdistill_clipped"]),
        helper.make_node("Log", ["skdistill_clipped"], ["skdistill_log"]),
        helper.make_node("Mul", ["skdistill_log", "skdistill_temperature"], ["skdistill_scaled"]),
        helper.make_node("Softmax", ["skdistill_scaled"], [sharpened], axis=1),
    ])
    new_output = copy.deepcopy(proba)
    new_output.name = sharpened
    graph.output.remove(proba)
    graph.output.insert(1, new_output)
    return onnx_model


def to_onnx(distiller, X_sample, *, target_opset=None):
    """Convert a fitted distiller's student to an ONNX model.

    Supported students: scikit-learn trees, forests, extra trees, gradient
    boosting and linear models (and Pipelines of convertible steps) trained by
    the ``weighted_rows`` strategy, and regression students, through
    ``skl2onnx``.

    Parameters
    ----------
    distiller : DistilledClassifier or DistilledRegressor
        A fitted distiller.
    X_sample : array-like of shape (n_samples, n_features)
        A few rows like those the model will see, to type the ONNX inputs.
    target_opset : int, default=None
        ONNX opset; ``None`` lets the converter choose.

    Returns
    -------
    onnx_model : onnx.ModelProto
        First output: predicted labels; second (classifiers): probabilities
        at T = 1, as a float tensor with one column per ``classes_``.

    Examples
    --------
    >>> import numpy as np
    >>> import onnxruntime
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from skdistill import DistilledClassifier
    >>> from skdistill.export import to_onnx
    >>> X, y = load_iris(return_X_y=True)
    >>> X = X.astype(np.float32)
    >>> teacher = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    >>> distilled = DistilledClassifier(teacher, random_state=0).fit(X, y)
    >>> session = onnxruntime.InferenceSession(to_onnx(distilled, X[:5]).SerializeToString())
    >>> labels, proba = session.run(None, {session.get_inputs()[0].name: X[:3]})
    >>> bool((labels == distilled.predict(X[:3])).all())
    True
    """
    check_is_fitted(distiller, "student_")
    skl2onnx = import_optional("skl2onnx")
    if not hasattr(distiller, "classes_"):
        return skl2onnx.to_onnx(distiller.student_, X_sample, target_opset=target_opset)
    if distiller.strategy_ != "weighted_rows":
        raise ValueError(
            f"to_onnx exports students trained by the 'weighted_rows' strategy; this one "
            f"was trained by {distiller.strategy_!r}. Use a classifier student that takes "
            "sample_weight (trees, forests, logistic regression)."
        )
    student = _relabelled_student(distiller)
    options = {id(final_step(student)): {"zipmap": False}}
    onnx_model = skl2onnx.to_onnx(student, X_sample, options=options, target_opset=target_opset)
    if distiller.temperature != 1.0:
        onnx_model = _undo_temperature(onnx_model, distiller.temperature)
    return onnx_model
