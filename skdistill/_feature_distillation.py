"""Feature- and relation-based distillation: losses on hidden layers, torch to torch.

FitNets hints (Romero et al. 2015) regress a student layer onto a teacher
layer through a learned linear adapter; relational KD (Park et al. 2019)
matches the distances between rows, and the angles between triplets of rows,
in the two layers' spaces. Both need the teacher's activations, computed once
per fit here (like its logits), and the student's, read by a forward hook
while it trains. Imported lazily: torch is optional.
"""

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.pipeline import Pipeline

from ._nets import evaluating, module_device
from ._torch import as_float32, is_skorch_net


def _last_linear(module):
    linear = [m for m in module.modules() if isinstance(m, torch.nn.Linear)]
    if not linear:
        raise ValueError(
            f"{type(module).__name__} has no torch.nn.Linear layer, so it has no default "
            "layer to distil through; name one with `teacher_layer` / `student_layer`."
        )
    return linear[-1]


class LayerTap:
    """Keeps the activation of one layer of a module from its latest forward pass.

    ``layer=None`` taps the input of the module's last ``Linear`` layer (the
    penultimate representation); a name from ``module.named_modules()`` taps
    that submodule's output.
    """

    def __init__(self, module, layer=None, role="student"):
        self.value = None
        if layer is None:
            self._handle = _last_linear(module).register_forward_pre_hook(self._keep_input)
            return
        submodules = dict(module.named_modules())
        if layer not in submodules or layer == "":
            names = [name for name in submodules if name][:20]
            raise ValueError(
                f"`{role}_layer`={layer!r} is not a layer of the {role}'s module "
                f"{type(module).__name__}; its layers are {names}."
            )
        self._handle = submodules[layer].register_forward_hook(self._keep_output)

    def _keep_input(self, module, inputs):
        self.value = inputs[0]

    def _keep_output(self, module, inputs, output):
        self.value = output[0] if isinstance(output, tuple) else output

    def remove(self):
        """Unhook: a tapped module pickles and runs as if never tapped."""
        self._handle.remove()
        self.value = None


def layer_width(module, layer, example, role="student"):
    """Width of ``layer``'s activation, from a forward pass on ``example`` rows."""
    tap = LayerTap(module, layer, role)
    try:
        with evaluating(module), torch.no_grad():
            module(torch.as_tensor(example).to(module_device(module)))
        return _flat(tap.value).shape[1]
    finally:
        tap.remove()


def _flat(activation):
    return activation.reshape(len(activation), -1)


def teacher_activations(teacher, X, layer=None, batch_size=8192):
    """The activations of ``layer`` of a torch teacher on ``X``, ``(n_samples, width)``.

    ``teacher`` is a ``torch.nn.Module``, a :class:`~skdistill.TorchTeacher`,
    a skorch net, an MLP student, a Pipeline ending in one (its first steps
    transform ``X``) or a fitted distiller whose student is one (a stage of a
    chain). The module runs in eval mode without gradients; its flags are
    restored afterwards.
    """
    module, X = _torch_module_and_input(teacher, X)
    tap = LayerTap(module, layer, role="teacher")
    device = module_device(module)
    X = torch.as_tensor(np.asarray(as_float32(X)))
    parts = []
    try:
        with evaluating(module), torch.inference_mode():
            for start in range(0, len(X), batch_size):
                module(X[start:start + batch_size].to(device))
                parts.append(_flat(tap.value).float().cpu())
    finally:
        tap.remove()
    return torch.cat(parts).numpy()


def _torch_module_and_input(teacher, X):
    if isinstance(teacher, torch.nn.Module):
        return teacher, X
    if type(teacher).__name__ == "TorchTeacher":
        return teacher.module, X
    if is_skorch_net(teacher, "NeuralNet"):
        return teacher.module_, X
    if hasattr(teacher, "net_") and type(teacher).__name__.startswith("MLPStudent"):
        return teacher.net_.module_, teacher._validate_X(X, reset=False)
    if isinstance(teacher, Pipeline):
        return _torch_module_and_input(teacher[-1], teacher[:-1].transform(X))
    if hasattr(teacher, "student_") and hasattr(teacher, "teacher_"):  # a fitted distiller
        return _torch_module_and_input(teacher.student_, X)
    raise ValueError(
        "`hint_weight`, `rkd_distance_weight` and `rkd_angle_weight` learn from the "
        "teacher's hidden layers, so they need a torch teacher: a torch.nn.Module, a "
        "TorchTeacher, a skorch net, an MLP student, or a Pipeline ending in one. The "
        f"teacher here is {type(teacher).__name__}; set those weights to 0 for it."
    )


def centred_and_scaled(activations):
    """Activations minus their column means, over their overall standard deviation.

    One scale for all units keeps the geometry relational losses compare
    (distances and angles are unchanged up to a common factor), and makes a
    hint's squared error independent of the teacher's units.
    """
    centred = activations - activations.mean(axis=0, keepdims=True)
    scale = float(np.sqrt(np.mean(centred.astype(np.float64) ** 2)))
    return (centred / (scale if scale > 0 else 1.0)).astype(np.float32)


def hint_loss(adapted, teacher, weight):
    """FitNets hint: the weighted mean over rows of ``mean_units (adapted - teacher)^2``."""
    per_row = ((adapted - teacher) ** 2).mean(dim=1)
    return (weight * per_row).sum() / _total(weight)


def rkd_distance_loss(student, teacher, weight):
    """RKD distance loss: Huber loss between the rows' normalised pairwise distances.

    Distances are divided by their mean over the batch's pairs ``i != j``
    (Park et al. 2019, eq. 5-6); each pair counts ``w_i * w_j``.
    """
    pairs = ~torch.eye(len(student), dtype=torch.bool, device=student.device)
    pair_weight = (weight[:, None] * weight[None, :])[pairs]

    def normalised(embedding):
        distance = torch.cdist(embedding, embedding)[pairs]
        return distance / distance.mean().clamp_min(torch.finfo(distance.dtype).eps)

    with torch.no_grad():
        target = normalised(teacher)
    huber = F.smooth_l1_loss(normalised(student), target, reduction="none")
    return (pair_weight * huber).sum() / _total(pair_weight)


# Triplet cosines are computed for this many (anchor, row, row) at a time: the
# n^3 tensors of a whole batch (67 MB each at 256 rows) would be allocated
# afresh, page by page, at every step, which made a step ten times slower.
_TRIPLETS_PER_BLOCK = 2**20


def rkd_angle_loss(student, teacher, weight):
    """RKD angle loss: Huber loss between the cosines of the angles of row triplets.

    For rows ``i, j, k`` the cosine of the angle at ``j`` between ``e_i - e_j``
    and ``e_k - e_j`` (Park et al. 2019, eq. 7-8), over triplets with ``i != j``
    and ``k != j``; each triplet counts ``w_i * w_j * w_k``.
    """
    n_rows = len(weight)
    student_gram, teacher_gram = _centred_gram(student), _centred_gram(teacher).detach()
    block = max(1, _TRIPLETS_PER_BLOCK // n_rows**2)
    total = student.new_zeros(())
    for start in range(0, n_rows, block):
        anchors = torch.arange(start, min(start + block, n_rows), device=student.device)
        huber = F.smooth_l1_loss(_angle_cosines(student_gram, anchors),
                                 _angle_cosines(teacher_gram, anchors), reduction="none")
        # sum over (j, i, k) of w_j * w_i * w_k * huber, as matrix-vector products
        per_pair = (huber.reshape(-1, n_rows) @ weight).reshape(len(anchors), n_rows)
        total = total + weight[anchors] @ (per_pair @ weight)
    valid_weight = weight * (weight.sum() - weight) ** 2
    return total / _total(valid_weight)


def _total(weight):
    # A batch whose rows all weigh 0 adds nothing (0 / tiny), rather than NaN.
    return weight.sum().clamp_min(torch.finfo(weight.dtype).tiny)


def _centred_gram(embedding):
    # Centring first keeps the differences of dot products in _angle_cosines accurate.
    centred = embedding - embedding.mean(dim=0, keepdim=True)
    return centred @ centred.T


def _angle_cosines(gram, anchors):
    """``cos[a, i, k]``: the cosine of the angle at anchor ``j = anchors[a]`` between rows i, k.

    From the Gram matrix: ``<e_i - e_j, e_k - e_j> = G_ik - G_ij - G_jk + G_jj``,
    so the cost is ``n^3`` rather than ``n^3 d``. Angles with ``i = j`` or
    ``k = j`` are undefined and set to 0 (in both spaces, so they add nothing).
    """
    diagonal = torch.diagonal(gram)
    at_anchor = gram[anchors]  # G_jk, one row per anchor
    inner = (gram[None, :, :] - at_anchor[:, :, None] - at_anchor[:, None, :]
             + diagonal[anchors][:, None, None])
    # |e_i - e_j|, floored so that the square root keeps a finite gradient.
    distance = (diagonal[anchors][:, None] + diagonal[None, :] - 2 * at_anchor)
    distance = distance.clamp_min(1e-12).sqrt()
    cosine = inner / (distance[:, :, None] * distance[:, None, :])
    defined = torch.ones_like(distance, dtype=torch.bool)
    defined[torch.arange(len(anchors), device=gram.device), anchors] = False
    defined = defined[:, :, None] & defined[:, None, :]
    # Rounding can push near-duplicate rows a little outside [-1, 1].
    return torch.where(defined, cosine.clamp(-1.0, 1.0), 0.0)


@dataclass
class FeatureTeaching:
    """What a student learns from the teacher's hidden layer, besides its outputs.

    The teacher's activations travel in the packed targets (``teacher_width``
    columns after the reference); ``example`` rows of X let the student
    layer's width be found before the optimizer is built.
    """

    teacher_width: int
    example: np.ndarray
    student_layer: str = None
    hint_weight: float = 0.0
    rkd_distance_weight: float = 0.0
    rkd_angle_weight: float = 0.0

    def losses(self, module):
        """The :class:`FeatureLosses` for ``module`` (its adapter freshly initialised)."""
        width = layer_width(module, self.student_layer, self.example)
        return FeatureLosses(width, self.teacher_width, self.hint_weight,
                             self.rkd_distance_weight, self.rkd_angle_weight)

    def tap(self, module):
        """A :class:`LayerTap` on the student layer of ``module``."""
        return LayerTap(module, self.student_layer)


class FeatureLosses(torch.nn.Module):
    """The weighted sum of the hint and relational losses for one batch.

    Holds the hint's adapter (a ``Linear`` from the student layer's width to
    the teacher layer's), trained with the student.
    """

    def __init__(self, student_width, teacher_width, hint_weight=0.0,
                 rkd_distance_weight=0.0, rkd_angle_weight=0.0):
        super().__init__()
        self.hint_weight = hint_weight
        self.rkd_distance_weight = rkd_distance_weight
        self.rkd_angle_weight = rkd_angle_weight
        self.adapter = torch.nn.Linear(student_width, teacher_width) if hint_weight else None

    def forward(self, student, teacher, weight):
        student = _flat(student)
        loss = student.new_zeros(())
        if self.hint_weight:
            loss = loss + self.hint_weight * hint_loss(self.adapter(student), teacher, weight)
        if len(student) < 3:
            return loss  # relations need pairs (distances) and triplets (angles)
        if self.rkd_distance_weight:
            loss = loss + self.rkd_distance_weight * rkd_distance_loss(student, teacher, weight)
        if self.rkd_angle_weight:
            loss = loss + self.rkd_angle_weight * rkd_angle_loss(student, teacher, weight)
        return loss
