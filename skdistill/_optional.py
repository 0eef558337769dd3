"""Lazy imports of the optional extras, with an error that says how to install them."""

import importlib

_EXTRA_OF = {
    "torch": "torch",
    "skorch": "torch",
    "lightgbm": "lightgbm",
    "matplotlib": "plot",
    "matplotlib.pyplot": "plot",
    "onnx": "onnx",
    "distributed": "dask",
    "skl2onnx": "onnx",
    "onnxmltools": "onnx",
}


def import_optional(name):
    """Import the optional module ``name`` or explain which extra provides it.

    Parameters
    ----------
    name : str
        Top-level module name, e.g. ``"lightgbm"``.

    Returns
    -------
    module : module
        The imported module.

    Raises
    ------
    ImportError
        When the module is not installed; the message names the
        ``pip install`` command that fixes it.

    Examples
    --------
    >>> from skdistill._optional import import_optional
    >>> import_optional("numpy").__name__
    'numpy'
    """
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        extra = _EXTRA_OF.get(name, name)
        raise ImportError(
            f"This feature of skdistill needs the optional dependency {name!r}. "
            f"Install it with: pip install 'skdistill[{extra}]'"
        ) from exc


def comes_from(obj, package):
    """Whether ``obj``'s class is defined in ``package``, without importing it."""
    return type(obj).__module__.split(".")[0] == package
