"""Torch without importing it: telling torch modules and skorch nets apart, loading our torch code.

torch and skorch are optional extras. Everything here works without them
installed, and no other module of ours is imported at load time, so any
module may use these helpers without creating an import cycle.
"""

import numpy as np

from ._optional import import_optional


def torch_nets():
    """``skdistill._nets``, importing torch and skorch on first use."""
    import_optional("torch")
    import_optional("skorch")
    from . import _nets

    return _nets


def is_torch_module(obj):
    """Whether ``obj`` is a ``torch.nn.Module``, without importing torch."""
    return any(
        cls.__name__ == "Module" and cls.__module__ == "torch.nn.modules.module"
        for cls in type(obj).__mro__
    )


def is_skorch_net(obj, class_name="NeuralNet"):
    """Whether ``obj`` is (a subclass of) skorch's ``class_name``, without importing skorch."""
    return any(
        cls.__name__ == class_name and cls.__module__.split(".")[0] == "skorch"
        for cls in type(obj).__mro__
    )


def as_float32(X):
    """Float arrays as float32, the dtype of torch modules' weights."""
    if hasattr(X, "dtype") and X.dtype.kind == "f" and X.dtype != np.float32:
        return X.astype(np.float32)
    return X


def torch_ready(model, X):
    """float32 input for skorch nets (float64 would not match their weights)."""
    return as_float32(X) if is_skorch_net(model) else X


def skorch_targets(net, y):
    """skorch regressors learn from float32 columns; classifiers from the labels."""
    if is_skorch_net(net, "NeuralNetRegressor"):
        return np.asarray(y, dtype=np.float32).reshape(-1, 1)
    return y


def output_kind(net):
    """``"probabilities"`` for an NLLLoss skorch classifier, ``"logits"`` for CrossEntropyLoss."""
    torch = torch_nets().torch
    criterion = net.criterion if isinstance(net.criterion, type) else type(net.criterion)
    if issubclass(criterion, torch.nn.NLLLoss):
        return "probabilities"
    if issubclass(criterion, torch.nn.CrossEntropyLoss):
        return "logits"
    raise ValueError(
        f"The skorch `student` has criterion {criterion.__name__}; a classifier student "
        "must use NLLLoss (module returns probabilities) or CrossEntropyLoss (module "
        "returns logits) so that its logits are known."
    )
