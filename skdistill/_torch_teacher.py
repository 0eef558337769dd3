"""TorchTeacher: a trained torch module as a teacher, with named classes."""

import numpy as np
from scipy.special import softmax
from sklearn.base import BaseEstimator

from ._adapters import ClassifierTeacher, RegressorTeacher
from ._torch import torch_nets


class TorchTeacher(BaseEstimator):
    """A trained :class:`torch.nn.Module` as a teacher.

    The module is used as given: evaluated in eval mode without gradients
    (its train/eval flags restored afterwards), never trained, copied or
    moved. For classification it must return logits, one per class; for
    regression, one prediction per row. A bare module passed as ``teacher``
    is treated the same way with classes ``0 .. K-1``; this wrapper lets you
    name the classes. Needs ``pip install 'skdistill[torch]'``.

    Parameters
    ----------
    module : torch.nn.Module
        The trained network.
    classes : array-like of shape (n_classes,) or None, default=None
        The label of each output column (classification); ``None`` numbers
        them ``0 .. K-1``, or means regression.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        ``classes`` as an array, when given.

    Examples
    --------
    >>> import torch
    >>> from skdistill import TorchTeacher
    >>> module = torch.nn.Linear(4, 3)
    >>> teacher = TorchTeacher(module, classes=["a", "b", "c"])
    >>> teacher.predict(torch.zeros(2, 4).numpy()).shape
    (2,)
    """

    _parameter_constraints = {"module": "no_validation", "classes": [None, "array-like"]}

    def __init__(self, module, classes=None):
        self.module = module
        self.classes = classes

    @property
    def classes_(self):
        if self.classes is None:
            raise AttributeError("TorchTeacher has no `classes_` when `classes` is None.")
        return np.asarray(self.classes)

    def __sklearn_is_fitted__(self):
        return True  # the module is trained: TorchTeacher never fits it

    def __skdistill_adapter__(self, kind):
        """The teacher adapter of ``kind`` over the module, with these classes."""
        if kind == "regressor":
            return RegressorTeacher(self.module)
        adapter = ClassifierTeacher(self.module)
        if self.classes is not None:
            if len(self.classes) != len(adapter.classes_):
                raise ValueError(
                    f"TorchTeacher has {len(self.classes)} `classes` but its module "
                    f"outputs {len(adapter.classes_)} logits."
                )
            adapter.classes_ = self.classes_
        return adapter

    def _outputs(self, X):
        return torch_nets().module_outputs(self.module, X)

    def predict_proba(self, X):
        """Softmax of the module's logits."""
        return softmax(self._outputs(X), axis=1)

    def predict(self, X):
        """The most probable class, or the module's prediction when ``classes`` is None."""
        outputs = self._outputs(X)
        if self.classes is None:
            return outputs[:, 0] if outputs.shape[1] == 1 else outputs
        return self.classes_[np.argmax(outputs, axis=1)]
