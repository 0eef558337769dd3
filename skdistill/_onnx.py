"""ONNX export of a fitted distiller's student.

The exported graph answers like the distiller: its first output is the
predicted label (the distiller's own labels, not the class codes the student
was trained on) and, for classifiers, its second output the probabilities at
T = 1 (the softening used in training is undone inside the graph).

Three routes, by how the student was trained: scikit-learn students through
``skl2onnx``; LightGBM students through ``onnxmltools``' converters registered
with ``skl2onnx`` (so a Pipeline ending in one converts as a whole); neural
students through ``torch.onnx``, with a Pipeline's preprocessing converted by
``skl2onnx`` and joined in front of the net.
"""

import copy
import warnings

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._fitting import final_step
from ._optional import import_optional
from ._soft_targets import PROBA_FLOOR
from ._strategy import temperature_to_undo
from ._torch import output_kind

# The opset both converters write when the caller does not choose one: the
# joined graphs of a neural Pipeline must agree on it, and torch's exporter
# starts at 18.
DEFAULT_OPSET = 18


def to_onnx(distiller, X_sample, *, target_opset=None):
    """Convert a fitted distiller's student to an ONNX model.

    Supported students: scikit-learn trees, forests, extra trees, gradient
    boosting and linear models trained by the ``weighted_rows`` strategy and
    regression students (through ``skl2onnx``); LightGBM students (through
    ``onnxmltools``); neural students, :class:`~skdistill.MLPStudentClassifier`,
    :class:`~skdistill.MLPStudentRegressor` or skorch nets (through
    ``torch.onnx``, which needs ``onnxscript``). Each may end a Pipeline
    whose other steps ``skl2onnx`` converts.

    Parameters
    ----------
    distiller : DistilledClassifier or DistilledRegressor
        A fitted distiller.
    X_sample : array-like of shape (n_samples, n_features)
        A few rows like those the model will see, to type the ONNX inputs:
        a float32 or float64 array gives one input ``X``. A DataFrame gives one
        input per column when the student is a Pipeline, and is read as one
        float32 array by a bare student.
    target_opset : int, default=None
        ONNX opset of the main domain; ``None`` uses 18.

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
    opset = DEFAULT_OPSET if target_opset is None else target_opset
    is_classifier = hasattr(distiller, "classes_")
    if distiller.strategy_ == "kd_loss":
        onnx_model, output = _neural_graph(distiller.student_, X_sample, opset, is_classifier)
    elif not is_classifier:
        return _sklearn_graph(distiller.student_, X_sample, opset,
                              lightgbm=distiller.strategy_ == "lightgbm")
    elif distiller.strategy_ in ("weighted_rows", "lightgbm"):
        onnx_model = _sklearn_graph(distiller.student_, X_sample, opset,
                                    lightgbm=distiller.strategy_ == "lightgbm", zipmap=False)
        output = _untempered_probabilities(onnx_model, temperature_to_undo(distiller))
    else:
        raise ValueError(
            f"to_onnx exports students trained by the 'weighted_rows', 'lightgbm' or "
            f"'kd_loss' strategies; this one was trained by {distiller.strategy_!r}. Use a "
            "classifier student (a tree, forest, logistic regression, LightGBM or neural net)."
        )
    if is_classifier:
        return _labelled(onnx_model, output, distiller.classes_)
    return _only_output(onnx_model, output)


def _sklearn_graph(student, X_sample, opset, lightgbm=False, zipmap=None):
    """``skl2onnx`` on the student; LightGBM's converters registered first if asked."""
    skl2onnx = import_optional("skl2onnx")
    if lightgbm:
        _register_lightgbm_converters(skl2onnx)
    options = None if zipmap is None else {id(final_step(student)): {"zipmap": zipmap}}
    if hasattr(X_sample, "columns") and not hasattr(student, "steps"):
        # A bare model reads one matrix: one input per column would not convert.
        X_sample = np.asarray(X_sample, dtype=np.float32)
    # ai.onnx.ml 3: the newest version both skl2onnx's and onnxmltools' tree converters write.
    target_opset = {"": opset, "ai.onnx.ml": 3}
    return skl2onnx.to_onnx(student, X_sample, options=options, target_opset=target_opset)


def _register_lightgbm_converters(skl2onnx):
    lightgbm = import_optional("lightgbm")
    import_optional("onnxmltools")
    from onnxmltools.convert.lightgbm.operator_converters.LightGbm import convert_lightgbm
    from skl2onnx.common.shape_calculator import (
        calculate_linear_classifier_output_shapes,
        calculate_linear_regressor_output_shapes,
    )

    skl2onnx.update_registered_converter(
        lightgbm.LGBMClassifier, "LightGbmLGBMClassifier",
        calculate_linear_classifier_output_shapes, convert_lightgbm,
        options={"nocl": [True, False], "zipmap": [True, False, "columns"]},
    )
    skl2onnx.update_registered_converter(
        lightgbm.LGBMRegressor, "LightGbmLGBMRegressor",
        calculate_linear_regressor_output_shapes, convert_lightgbm,
        options={"split": None},
    )


def _untempered_probabilities(onnx_model, temperature):
    """Name of the probabilities at T = 1: ``softmax(T * log(p))`` of the student's."""
    proba = onnx_model.graph.output[1].name
    if temperature == 1.0:
        return proba
    onnx = import_optional("onnx")
    helper, graph = onnx.helper, onnx_model.graph
    graph.initializer.extend([_scalar(onnx, "skdistill_floor", PROBA_FLOOR),
                              _scalar(onnx, "skdistill_temperature", temperature)])
    graph.node.extend([
        helper.make_node("Max", [proba, "skdistill_floor"], ["skdistill_clipped"]),
        helper.make_node("Log", ["skdistill_clipped"], ["skdistill_log"]),
        helper.make_node("Mul", ["skdistill_log", "skdistill_temperature"], ["skdistill_scaled"]),
        helper.make_node("Softmax", ["skdistill_scaled"], ["skdistill_probabilities"], axis=1),
    ])
    return "skdistill_probabilities"


def _labelled(onnx_model, probabilities, classes):
    """Replace the outputs by (label, probabilities): the labels are ``classes[argmax]``."""
    onnx = import_optional("onnx")
    helper, graph = onnx.helper, onnx_model.graph
    for name in ("label", "probabilities"):
        probabilities = _renamed(graph, name, f"student_{name}", probabilities)
    classes = np.asarray(classes)
    if classes.dtype.kind in "iub":
        classes_tensor = onnx.numpy_helper.from_array(classes.astype(np.int64), "skdistill_classes")
        label_type = onnx.TensorProto.INT64
    else:
        classes_tensor = helper.make_tensor("skdistill_classes", onnx.TensorProto.STRING,
                                            [len(classes)], [str(c).encode() for c in classes])
        label_type = onnx.TensorProto.STRING
    graph.initializer.append(classes_tensor)
    graph.node.extend([
        helper.make_node("ArgMax", [probabilities], ["skdistill_codes"], axis=1, keepdims=0),
        helper.make_node("Gather", ["skdistill_classes", "skdistill_codes"], ["label"]),
        helper.make_node("Identity", [probabilities], ["probabilities"]),
    ])
    del graph.output[:]
    graph.output.extend([
        helper.make_tensor_value_info("label", label_type, [None]),
        helper.make_tensor_value_info("probabilities", onnx.TensorProto.FLOAT,
                                      [None, len(classes)]),
    ])
    return onnx_model


def _renamed(graph, old, new, tracked):
    """Rename tensor ``old`` to ``new`` throughout ``graph``; ``tracked`` under its new name."""
    for node in graph.node:
        for names in (node.input, node.output):
            for i, name in enumerate(names):
                if name == old:
                    names[i] = new
    for output in graph.output:
        if output.name == old:
            output.name = new
    return new if tracked == old else tracked


def _neural_graph(student, X_sample, opset, is_classifier):
    """The net through ``torch.onnx`` behind its inputs' conversion; name of its output.

    A classifier's graph ends in its probabilities at T = 1 (the net's own
    logits are at T = 1); a regressor's in its predictions, shape (n, 1).
    """
    onnx = import_optional("onnx")
    steps = getattr(student, "steps", None)
    if steps and len(steps) > 1:
        features = _preprocessing_graph(student[:-1], X_sample, opset)
    else:
        features = _input_graph(onnx, X_sample, opset)
    _cast_output_to_float(onnx, features)
    net = final_step(student)
    n_features = _output_width(features)
    graph = _torch_graph(_module(net), n_features, opset)
    if is_classifier:
        output = _probabilities_from(onnx, graph, net)
    else:
        output = _rescaled_prediction(onnx, graph, net)
    for model in (features, graph):
        model.ir_version = max(features.ir_version, graph.ir_version)
    joined = onnx.compose.merge_models(
        features, graph, io_map=[(features.graph.output[0].name, graph.graph.input[0].name)],
        prefix2="net_",
    )
    return joined, f"net_{output}"


def _preprocessing_graph(preprocessing, X_sample, opset):
    try:
        return _sklearn_graph(preprocessing, X_sample, opset)
    except (RuntimeError, NotImplementedError, TypeError, ValueError) as error:
        raise ValueError(
            f"skl2onnx cannot convert the preprocessing steps of the neural student "
            f"({error}). Use steps it converts (StandardScaler, OneHotEncoder on string "
            "columns, SimpleImputer without add_indicator), or apply the preprocessing "
            "before the distiller and export a bare net."
        ) from error


def _input_graph(onnx, X_sample, opset):
    """A graph from the raw array input to float32 features (a cast for float64)."""
    X_sample = np.asarray(X_sample)
    if X_sample.ndim != 2 or X_sample.dtype.kind != "f":
        raise ValueError(
            "`X_sample` of a neural student without preprocessing must be a 2-D float32 or "
            f"float64 array; got dtype {X_sample.dtype} and {X_sample.ndim} dimension(s)."
        )
    helper = onnx.helper
    elem_type = onnx.helper.np_dtype_to_tensor_dtype(X_sample.dtype)
    graph = helper.make_graph(
        [helper.make_node("Identity", ["X"], ["features"])],
        "skdistill_input",
        [helper.make_tensor_value_info("X", elem_type, [None, X_sample.shape[1]])],
        [helper.make_tensor_value_info("features", elem_type, [None, X_sample.shape[1]])],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def _cast_output_to_float(onnx, model):
    """Make the single output of ``model`` float32 (the net's input type)."""
    graph = model.graph
    output = graph.output[0]
    graph.node.append(onnx.helper.make_node("Cast", [output.name], ["skdistill_features"],
                                            to=onnx.TensorProto.FLOAT))
    cast = onnx.helper.make_tensor_value_info("skdistill_features", onnx.TensorProto.FLOAT,
                                              _dims(output))
    graph.output.remove(output)
    graph.output.append(cast)


def _dims(value_info):
    return [d.dim_value or None for d in value_info.type.tensor_type.shape.dim]


def _output_width(model):
    width = _dims(model.graph.output[0])[-1]
    if width is None:
        raise ValueError("The student's preprocessing does not give a fixed number of "
                         "columns to its net; ONNX export needs one.")
    return width


def _module(net):
    """The fitted torch module of an MLP student or a skorch net."""
    return getattr(net, "net_", net).module_


def _torch_graph(module, n_features, opset):
    """``module`` exported by ``torch.onnx`` (a copy in eval mode; the original untouched)."""
    torch = import_optional("torch")
    import_optional("onnxscript")
    module = copy.deepcopy(module).cpu().eval()
    example = torch.zeros(2, n_features, dtype=next(module.parameters()).dtype)
    with warnings.catch_warnings():
        # torch.export's internals warn about their own deprecations; nothing the user can act on.
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        program = torch.onnx.export(
            module, (example,), input_names=["X"], output_names=["outputs"],
            dynamic_shapes=({0: torch.export.Dim("batch")},), opset_version=opset,
            dynamo=True, verbose=False,
        )
    return program.model_proto


def _probabilities_from(onnx, model, net):
    """Append the softmax a logit-returning classifier net needs; name of the probabilities."""
    if getattr(net, "net_", None) is None and output_kind(net) == "probabilities":
        return "outputs"
    model.graph.node.append(onnx.helper.make_node("Softmax", ["outputs"], ["probabilities"],
                                                  axis=1))
    model.graph.output.append(onnx.helper.make_tensor_value_info(
        "probabilities", onnx.TensorProto.FLOAT, _dims(model.graph.output[0])))
    return "probabilities"


def _rescaled_prediction(onnx, model, net):
    """An MLP regressor's outputs mapped back from standardised targets."""
    if getattr(net, "net_", None) is None:
        return "outputs"
    model.graph.initializer.extend([_scalar(onnx, "y_scale", net.y_scale_),
                                    _scalar(onnx, "y_mean", net.y_mean_)])
    model.graph.node.extend([
        onnx.helper.make_node("Mul", ["outputs", "y_scale"], ["scaled"]),
        onnx.helper.make_node("Add", ["scaled", "y_mean"], ["variable"]),
    ])
    model.graph.output.append(onnx.helper.make_tensor_value_info(
        "variable", onnx.TensorProto.FLOAT, _dims(model.graph.output[0])))
    return "variable"


def _only_output(onnx_model, name):
    outputs = onnx_model.graph.output
    kept = [output for output in outputs if output.name == name]
    del outputs[:]
    outputs.extend(kept)
    return onnx_model


def _scalar(onnx, name, value):
    return onnx.helper.make_tensor(name, onnx.TensorProto.FLOAT, [], [float(value)])
