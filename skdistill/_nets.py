"""The torch side of neural students: MLP module, KD loss, fast batches, training net.

Imported lazily (torch and skorch are optional). A net learns from one
float32 target array per row, ``[label, weight, alpha, reference...,
features...]``: ``label`` is the class code (or the regression target),
``weight`` the row's weight, ``alpha`` the row's share of the teacher term,
``reference`` the teacher's log-probabilities at temperature T (or its
prediction), absent when there is no teacher, and ``features`` the teacher's
hidden activations when the loss has feature terms. The teacher's side is
computed once, not every batch.
"""

from contextlib import contextmanager

import numpy as np
import torch
import torch.nn.functional as F
from scipy.special import log_softmax
from skorch import NeuralNet
from skorch.callbacks import Callback, EarlyStopping, LRScheduler, PrintLog
from skorch.utils import to_tensor

from ._seeding import spawn_seeds

LABEL, WEIGHT, ALPHA, REFERENCE = 0, 1, 2, 3

_ACTIVATIONS = {"relu": torch.nn.ReLU, "gelu": torch.nn.GELU, "tanh": torch.nn.Tanh,
                "silu": torch.nn.SiLU}
OPTIMIZERS = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW, "sgd": torch.optim.SGD}


class MLP(torch.nn.Module):
    """``Linear [-> BatchNorm] -> activation [-> Dropout]`` per hidden layer, then ``Linear``."""

    def __init__(self, n_inputs, n_outputs, hidden_layer_sizes=(128, 128), activation="relu",
                 dropout=0.0, batch_norm=False):
        super().__init__()
        layers, width = [], n_inputs
        for size in hidden_layer_sizes:
            layers.append(torch.nn.Linear(width, size))
            if batch_norm:
                layers.append(torch.nn.BatchNorm1d(size))
            layers.append(_ACTIVATIONS[activation]())
            if dropout > 0:
                layers.append(torch.nn.Dropout(dropout))
            width = size
        layers.append(torch.nn.Linear(width, n_outputs))
        self.layers = torch.nn.Sequential(*layers)

    def forward(self, X):
        return self.layers(X)


def pack_targets(labels, sample_weight=None, alpha=0.0, reference=None, features=None):
    """The ``[label, weight, alpha, reference..., features...]`` float32 array a net learns from.

    Weights are rescaled to mean 1, so that they change which rows matter and
    not the effective learning rate.
    """
    n_rows = len(labels)
    weight = np.ones(n_rows) if sample_weight is None else np.asarray(sample_weight, float)
    if weight.sum() > 0:
        weight = weight * (n_rows / weight.sum())
    columns = [np.asarray(labels, float), weight, np.broadcast_to(alpha, (n_rows,))]
    if reference is not None:
        columns.append(np.asarray(reference, float).reshape(n_rows, -1))
    if features is not None:
        columns.append(features)
    return np.column_stack(columns).astype(np.float32)


def pack_distillation_targets(labels, sample_weight, alpha, teacher_logits, temperature,
                              features=None):
    """:func:`pack_targets` with the teacher's tempered log-probabilities as reference."""
    reference = log_softmax(np.asarray(teacher_logits, float) / temperature, axis=1)
    return pack_targets(labels, sample_weight, alpha, reference, features)


def reference_columns(targets, n_outputs):
    """The teacher's reference in packed ``targets``, for a module of ``n_outputs``."""
    return targets[:, REFERENCE:REFERENCE + n_outputs]


def feature_columns(targets, n_outputs):
    """The teacher's hidden activations in packed ``targets``."""
    return targets[:, REFERENCE + n_outputs:]


def _n_outputs(output):
    return output.shape[1] if output.ndim > 1 else 1


def student_logits(output, output_kind):
    """Logits from a module's output: as is, or the log of probabilities."""
    if output_kind == "probabilities":
        return torch.log(output + torch.finfo(output.dtype).eps)
    return output


class DistillationLoss(torch.nn.Module):
    """Per-row weighted KD loss, averaged over the batch.

    Classification: ``alpha * T^2 * KL(softmax(z_t / T) || softmax(z_s / T))
    + (1 - alpha) * CE(y, softmax(z_s))``. Regression:
    ``alpha * (f - teacher)^2 + (1 - alpha) * (f - y)^2``, which has the
    gradients of the squared error to the blended target. Given the student
    layer's activations, ``feature_losses`` (hints, relations) are added.

    Parameters
    ----------
    task : {"classification", "regression"}
    temperature : float
        T of the teacher term.
    output_kind : {"logits", "probabilities"}
        What the student's module returns (classification).
    """

    def __init__(self, task="classification", temperature=1.0, output_kind="logits"):
        super().__init__()
        self.task = task
        self.temperature = temperature
        self.output_kind = output_kind
        self.feature_losses = None

    def forward(self, output, targets, student_features=None):
        if self.task == "regression":
            per_row = self._regression(output.reshape(-1), targets)
        else:
            per_row = self._classification(student_logits(output, self.output_kind), targets)
        loss = (targets[:, WEIGHT] * per_row).mean()
        if student_features is None or self.feature_losses is None:
            return loss
        teacher_features = feature_columns(targets, _n_outputs(output))
        return loss + self.feature_losses(student_features, teacher_features, targets[:, WEIGHT])

    def _classification(self, logits, targets):
        alpha = targets[:, ALPHA]
        # Rows with alpha = 1 carry no label (their code is a placeholder).
        cross_entropy = F.cross_entropy(logits, targets[:, LABEL].long(), reduction="none")
        if targets.shape[1] == REFERENCE:
            return cross_entropy
        temperature = self.temperature
        student = F.log_softmax(logits / temperature, dim=1)
        teacher = reference_columns(targets, logits.shape[1])
        kl = F.kl_div(student, teacher, reduction="none", log_target=True)
        return alpha * temperature**2 * kl.sum(dim=1) + (1.0 - alpha) * cross_entropy

    @staticmethod
    def _regression(prediction, targets):
        to_label = (prediction - targets[:, LABEL]) ** 2
        if targets.shape[1] == REFERENCE:
            return to_label
        alpha = targets[:, ALPHA]
        to_teacher = (prediction - targets[:, REFERENCE]) ** 2
        return alpha * to_teacher + (1.0 - alpha) * to_label


class TensorRows(torch.utils.data.Dataset):
    """Whole-array tensors; batches are slices of them, not collated rows."""

    def __init__(self, X, y=None):
        self.X = _as_tensor(X)
        self.y = None if y is None else _as_tensor(y)

    def __len__(self):
        return len(self.X)

    def __getitem__(self, index):
        return self.X[index], (self.y[index] if self.y is not None else torch.empty(0))

    def subset(self, index):
        return TensorRows(self.X[index], None if self.y is None else self.y[index])


def _as_tensor(data):
    if isinstance(data, torch.Tensor):
        return data
    array = np.asarray(data)
    if array.dtype.kind == "f" and array.dtype != np.float32:
        array = array.astype(np.float32)
    # A copy: the caller's (possibly read-only) array is never shared with torch.
    return torch.tensor(array)


class TensorBatches:
    """Mini-batches as slices of the whole tensors: one gather per epoch.

    skorch's default (a ``Dataset`` indexed row by row, then collated) makes
    small tabular nets 3-5x slower than a plain torch loop.

    Parameters
    ----------
    dataset : TensorRows
    batch_size : int
    shuffle : bool, default=False
        A new order every epoch.
    seed : int or None, default=None
        Seed of the shuffling; None draws from torch's global generator.
    """

    def __init__(self, dataset, batch_size, shuffle=False, seed=None):
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.generator = None
        if seed is not None:
            self.generator = torch.Generator().manual_seed(int(seed))

    def __len__(self):
        return -(-len(self.dataset) // self.batch_size)

    def __iter__(self):
        X, y = self.dataset.X, self.dataset.y
        n_rows = len(X)
        if self.shuffle:
            order = torch.randperm(n_rows, generator=self.generator)
            X, y = X[order], (None if y is None else y[order])
        for start in range(0, n_rows, self.batch_size):
            stop = start + self.batch_size
            # A training batch of one row would break batch norm; it is
            # reshuffled into the next epoch.
            if self.shuffle and stop - start > 1 and n_rows - start == 1:
                return
            yield X[start:stop], (None if y is None else y[start:stop])


def _n_held_out(n_rows, fraction):
    return int(round(fraction * n_rows))


def can_hold_out(n_rows, fraction):
    """Whether ``fraction`` of ``n_rows`` leaves rows both to train and to validate."""
    n_valid = _n_held_out(n_rows, fraction)
    return 1 <= n_valid < n_rows


class HoldOut:
    """Split off a random ``fraction`` of the rows for validation."""

    def __init__(self, fraction, seed=None):
        self.fraction = fraction
        self.seed = seed

    def __call__(self, dataset, y=None, **_):
        n_valid = _n_held_out(len(dataset), self.fraction)
        generator = None if self.seed is None else torch.Generator().manual_seed(self.seed)
        order = torch.randperm(len(dataset), generator=generator)
        return dataset.subset(order[n_valid:]), dataset.subset(order[:n_valid])


class ValidationScores(Callback):
    """Agreement with the teacher (or the labels) on the held-out rows, each epoch.

    Classification records the weighted share of rows whose class matches
    the teacher's (``valid_fidelity``) or the label (``valid_acc``), and the
    divergence early stopping watches: KL from the teacher's distribution at
    T = 1 (``valid_teacher_kl``) or the log-loss (``valid_log_loss``). A
    continuous measure, because the share of agreeing rows can sit at the
    majority class's level for many epochs while the net is still learning.
    Regression records the mean squared error to the teacher
    (``valid_teacher_mse``) or to y (``valid_mse``), in the target's units.
    """

    SCORES = ("valid_fidelity", "valid_acc", "valid_teacher_kl", "valid_log_loss",
              "valid_teacher_mse", "valid_mse")

    def __init__(self, task, against, output_kind="logits", temperature=1.0, target_scale=1.0):
        self.task = task
        self.against = against
        self.output_kind = output_kind
        self.temperature = temperature
        self.target_scale = target_scale

    @property
    def monitor(self):
        """The name of the score early stopping watches (lower is better)."""
        teacher = self.against == "teacher"
        if self.task == "regression":
            return "valid_teacher_mse" if teacher else "valid_mse"
        return "valid_teacher_kl" if teacher else "valid_log_loss"

    def on_epoch_begin(self, net, **kwargs):
        self.outputs_, self.targets_ = [], []

    def on_batch_end(self, net, batch=None, training=False, y_pred=None, **kwargs):
        if not training:
            self.outputs_.append(y_pred.detach())
            self.targets_.append(batch[1])

    def on_epoch_end(self, net, **kwargs):
        if not self.outputs_:
            return
        output, targets = torch.cat(self.outputs_), torch.cat(self.targets_)
        weight = targets[:, WEIGHT] / targets[:, WEIGHT].sum()
        scores = (self._regression if self.task == "regression" else self._classification)(
            output, targets
        )
        for name, per_row in scores.items():
            net.history.record(name, float((weight * per_row).sum()))
        self.outputs_, self.targets_ = [], []

    def _regression(self, output, targets):
        reference = targets[:, REFERENCE if self.against == "teacher" else LABEL]
        return {self.monitor: (output.reshape(-1) - reference) ** 2 * self.target_scale**2}

    def _classification(self, output, targets):
        student = F.log_softmax(student_logits(output, self.output_kind), dim=1)
        if self.against == "teacher":
            # The reference holds log-probabilities at T; T times them are logits.
            reference = reference_columns(targets, student.shape[1])
            teacher = F.log_softmax(self.temperature * reference, dim=1)
            kl = F.kl_div(student, teacher, reduction="none", log_target=True).sum(dim=1)
            agree = student.argmax(dim=1) == teacher.argmax(dim=1)
            return {"valid_fidelity": agree.to(kl.dtype), self.monitor: kl}
        labels = targets[:, LABEL].long()
        log_loss = F.nll_loss(student, labels, reduction="none")
        agree = student.argmax(dim=1) == labels
        return {"valid_acc": agree.to(log_loss.dtype), self.monitor: log_loss}


class EpochProgress(PrintLog):
    """One plain line per epoch, instead of skorch's coloured table.

    The line says the epoch out of ``max_epochs``, the training loss, the
    held-out scores, the epoch's seconds and the time left at most (early
    stopping usually ends sooner). A ``PrintLog``, so that skorch runs it
    after every callback that records a score.
    """

    def on_epoch_end(self, net, **kwargs):
        if not net.verbose:
            return
        epoch, history = len(net.history), net.history
        durations = [row["dur"] for row in history]
        left = (net.max_epochs - epoch) * float(np.mean(durations))
        scores = ", ".join(f"{name} {history[-1, name]:.4g}" for name in history[-1]
                           if name in ("train_loss", "valid_loss")
                           or name in ValidationScores.SCORES)
        print(f"[skdistill] epoch {epoch}/{net.max_epochs}: {scores}; "
              f"{durations[-1]:.2f} s, at most {left:.0f} s left", flush=True)


class DistillationNet(NeuralNet):
    """A skorch net that learns from packed targets through tensor slices.

    With ``feature_teaching`` set, a hook keeps the student layer's
    activations during training and the criterion adds the feature terms;
    :meth:`remove_layer_tap` unhooks the module once trained.
    """

    feature_teaching = None
    layer_tap_ = None

    @property
    def _default_callbacks(self):
        defaults = [(name, callback) for name, callback in super()._default_callbacks
                    if name != "print_log"]
        return defaults + [("epoch_progress", EpochProgress())]

    def initialize_criterion(self):
        super().initialize_criterion()
        if self.feature_teaching is not None:
            # On the criterion, the hint's adapter is trained with the module
            # (skorch optimises the criterion's parameters too) and kept out of it.
            losses = self.feature_teaching.losses(self.module_).to(self.device)
            self.criterion_.feature_losses = losses
            self.layer_tap_ = self.feature_teaching.tap(self.module_)
        return self

    def get_loss(self, y_pred, y_true, X=None, training=False):
        y_true = to_tensor(y_true, device=self.device)
        if training and self.layer_tap_ is not None:
            return self.criterion_(y_pred, y_true, self.layer_tap_.value)
        return self.criterion_(y_pred, y_true)

    def remove_layer_tap(self):
        """Unhook the student layer: the trained module pickles and runs untouched."""
        if self.layer_tap_ is not None:
            self.layer_tap_.remove()
            self.layer_tap_ = None

    def _set_training(self, training=True):
        # skorch sets the mode before every batch; walking the module tree
        # each time costs a few percent of a small net's step.
        if self.module_.training != training:
            super()._set_training(training)

    def get_dataset(self, X, y=None):
        if isinstance(X, torch.utils.data.Dataset):
            return X
        return TensorRows(X, y)


def check_device(device):
    """Fail before training, saying what to install, when CUDA is asked for but absent."""
    if str(device).startswith("cuda") and not torch.cuda.is_available():
        build = f"a CUDA {torch.version.cuda} build" if torch.version.cuda else "a CPU-only build"
        raise ValueError(
            f"device={device!r} was asked for, but torch {torch.__version__} ({build}) sees no "
            "CUDA GPU here. Use device='cpu', or install a CUDA build of torch matching "
            "your NVIDIA driver on a machine with a GPU."
        )


def make_distillation_net(module, *, task, optimizer, lr, max_epochs, batch_size,
                          optimizer_params=None, temperature=1.0, output_kind="logits",
                          validation_fraction=0.1, early_stopping=True, patience=10,
                          against="teacher", target_scale=1.0, lr_schedule="constant",
                          shuffle_seed=None, split_seed=None, device="cpu", verbose=0,
                          module_params=None, feature_teaching=None):
    """A :class:`DistillationNet` configured for one fit.

    ``module`` is a module class (built with ``module_params``) or instance;
    ``feature_teaching`` (a :class:`FeatureTeaching`) adds feature terms.
    """
    check_device(device)
    if isinstance(optimizer, str):
        optimizer = OPTIMIZERS[optimizer]
    routed = {f"optimizer__{k}": v for k, v in (optimizer_params or {}).items()}
    routed.update({f"module__{k}": v for k, v in (module_params or {}).items()})
    net = DistillationNet(
        module,
        criterion=DistillationLoss,
        criterion__task=task,
        criterion__temperature=temperature,
        criterion__output_kind=output_kind,
        optimizer=optimizer,
        lr=lr,
        max_epochs=max_epochs,
        batch_size=batch_size,
        iterator_train=TensorBatches,
        iterator_train__shuffle=True,
        iterator_train__seed=shuffle_seed,
        iterator_valid=TensorBatches,
        train_split=HoldOut(validation_fraction, split_seed) if early_stopping else None,
        callbacks=training_callbacks(task, against, early_stopping, patience, output_kind,
                                     temperature, target_scale, lr_schedule, max_epochs),
        device=device,
        verbose=verbose,
        **routed,
    )
    net.feature_teaching = feature_teaching
    return net


def training_callbacks(task, against, early_stopping, patience, output_kind="logits",
                       temperature=1.0, target_scale=1.0, lr_schedule="constant",
                       max_epochs=1):
    """Scores on the held-out rows, early stopping on them, and the LR schedule."""
    callbacks = []
    if early_stopping:
        scores = ValidationScores(task, against, output_kind, temperature, target_scale)
        callbacks.append(("validation_scores", scores))
        callbacks.append(("early_stopping", EarlyStopping(
            monitor=scores.monitor, patience=patience, load_best=True,
        )))
    if lr_schedule == "cosine":
        callbacks.append(("lr_schedule", LRScheduler(
            policy=torch.optim.lr_scheduler.CosineAnnealingLR, T_max=max_epochs
        )))
    return callbacks


def for_prediction(net):
    """A trained net without what only training needs: the optimiser's state, the batch records.

    Adam's moments are twice the size of the weights and the per-batch
    records grow with the data; prediction reads neither. The per-epoch
    history (losses, held-out scores, durations) is kept.
    """
    net.optimizer_ = None
    for epoch in net.history:
        epoch.pop("batches", None)
    return net


def fit_seeded(build_net, X, targets, random_state):
    """Build a net and train it, every torch draw seeded from ``random_state``.

    ``build_net(shuffle_seed=..., split_seed=...)`` builds the net inside the
    seeded context, so the initial weights are drawn from it too; batch order
    and the held-out rows get seeds of their own. Feature hooks are removed
    after training, whatever happens.
    """
    init_seed, shuffle_seed, split_seed = spawn_seeds(random_state, 3)
    with seeded_torch(init_seed):
        net = build_net(shuffle_seed=shuffle_seed, split_seed=split_seed)
        try:
            return net.fit(X, targets)
        finally:
            net.remove_layer_tap()


@contextmanager
def seeded_torch(seed):
    """A context in which torch's global generators start from ``seed``.

    None leaves torch's generators alone (the usual torch behaviour).
    """
    if seed is None:
        yield
        return
    devices = list(range(torch.cuda.device_count())) if torch.cuda.is_available() else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(int(seed))
        yield


def module_outputs(module, X, batch_size=8192, float64=False):
    """``module(X)`` in eval mode without gradients, batch by batch, as float64 numpy.

    The module's train/eval flags are restored afterwards: a teacher passed
    by the user is left exactly as it was. ``float64=True`` evaluates with
    float64 copies of the weights, so that a row's output does not depend on
    the other rows of its batch (float32 matrix products round differently
    for different batch sizes).
    """
    device = module_device(module)
    X = _as_tensor(X)
    state = None
    if float64:
        state = {name: value.double() if value.is_floating_point() else value
                 for name, value in module.state_dict().items()}
        X = X.double()
    with evaluating(module), torch.inference_mode():
        outputs = [_forward(module, state, X[i:i + batch_size].to(device)).cpu()
                   for i in range(0, len(X), batch_size)]
    return torch.cat(outputs).double().numpy()


@contextmanager
def evaluating(module):
    """``module`` in eval mode, its submodules' train/eval flags restored afterwards."""
    flags = [(m, m.training) for m in module.modules()]
    try:
        module.eval()
        yield module
    finally:
        for submodule, training in flags:
            submodule.training = training


def module_device(module):
    """The device of a module's parameters (CPU when it has none)."""
    return next((p.device for p in module.parameters()), torch.device("cpu"))


def _forward(module, state, X):
    if state is None:
        return module(X)
    return torch.func.functional_call(module, state, (X,))
