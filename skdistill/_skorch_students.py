"""A user's own skorch net as a student: trained with the KD loss, never mutated.

The distiller hands over a clone. Its module is built from the user's
parameters, then trained by a :class:`~skdistill._nets.DistillationNet` that
shares the module but has its own criterion (the KD loss), data path,
held-out split and callbacks; the clone keeps its own criterion, so its
``predict_proba`` behaves as the user configured it.
"""

import numpy as np
from sklearn.utils import check_random_state

from ._mlp_students import torch_nets

_MAX_SEED = np.iinfo(np.int32).max

# Share of rows skorch's default ValidSplit(5) holds out.
_DEFAULT_VALIDATION_FRACTION = 0.2
_PATIENCE = 10


def is_skorch_net(obj, class_name):
    """Whether ``obj`` is (a subclass of) skorch's ``class_name``, without importing skorch."""
    return any(
        cls.__name__ == class_name and cls.__module__.split(".")[0] == "skorch"
        for cls in type(obj).__mro__
    )


def output_kind(net):
    """``"probabilities"`` for an NLLLoss classifier, ``"logits"`` for CrossEntropyLoss."""
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


def validation_fraction(train_split):
    """The share of rows the user's ``train_split`` would hold out (0 for none)."""
    if not train_split:
        return 0.0
    cv = getattr(train_split, "cv", None)
    if isinstance(cv, float):
        return cv
    if isinstance(cv, int) and cv > 1:
        return 1.0 / cv
    return _DEFAULT_VALIDATION_FRACTION


def fit_skorch_student(net, X, targets, task, temperature, random_state):
    """Train the (cloned) skorch ``net`` on packed ``targets`` with the KD loss."""
    nets = torch_nets()
    seeds = [None] * 3
    if random_state is not None:
        seeds = check_random_state(random_state).randint(_MAX_SEED, size=3).tolist()
    kind = output_kind(net) if task == "classification" else "logits"
    fraction = validation_fraction(net.train_split)
    with nets.seeded_torch(seeds[0]):
        net.initialize()
        trainer = nets.make_distillation_net(
            net.module_,
            task=task,
            optimizer=net.optimizer,
            optimizer_params=net.get_params_for("optimizer"),
            lr=net.lr,
            max_epochs=net.max_epochs,
            batch_size=net.batch_size,
            temperature=temperature,
            output_kind=kind,
            validation_fraction=fraction or _DEFAULT_VALIDATION_FRACTION,
            early_stopping=fraction > 0 and nets.can_hold_out(len(X), fraction),
            patience=_PATIENCE,
            shuffle_seed=seeds[1],
            split_seed=seeds[2],
            device=net.device,
            verbose=net.verbose,
        )
        trainer.fit(X, targets)
    net.history = trainer.history
    if task == "classification" and getattr(net, "classes", None) is None:
        net.classes_inferred_ = np.arange(targets.shape[1] - nets.REFERENCE)
    return net


def as_float32(X):
    """Float arrays as float32, the dtype of torch modules' weights."""
    if hasattr(X, "dtype") and X.dtype.kind == "f" and X.dtype != np.float32:
        return X.astype(np.float32)
    return X
