"""MLP students: skorch-trained nets for tabular data, with or without a teacher."""

from numbers import Integral, Real

import numpy as np
from scipy.special import softmax
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from ._columns import _ColumnsOfKind  # noqa: F401  (pickles of make_mlp_student name it here)
from ._torch import torch_nets
from ._transactions import atomic_fit


def auto_hidden_layer_sizes(n_features):
    """Two layers as wide as the input rounded up to a power of two, in [64, 256]."""
    width = int(np.clip(2 ** int(np.ceil(np.log2(max(n_features, 1)))), 64, 256))
    return (width, width)


class _MLPStudent(BaseEstimator):
    """What both MLP students share: parameters, the module, the training."""

    _parameter_constraints = {
        "module": [None, callable],
        "hidden_layer_sizes": [StrOptions({"auto"}), "array-like"],
        "activation": [StrOptions({"relu", "gelu", "tanh", "silu"})],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "batch_norm": ["boolean"],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "optimizer": [StrOptions({"adam", "adamw", "sgd"}), type],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "lr_schedule": [StrOptions({"constant", "cosine"})],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "hint_weight": [Interval(Real, 0, None, closed="left")],
        "rkd_distance_weight": [Interval(Real, 0, None, closed="left")],
        "rkd_angle_weight": [Interval(Real, 0, None, closed="left")],
        "teacher_layer": [None, str],
        "student_layer": [None, str],
        "device": [str, object],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        module=None,
        *,
        hidden_layer_sizes="auto",
        activation="relu",
        dropout=0.0,
        batch_norm=False,
        max_epochs=200,
        batch_size=256,
        lr=1e-3,
        optimizer="adam",
        weight_decay=0.0,
        lr_schedule="constant",
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=10,
        hint_weight=0.0,
        rkd_distance_weight=0.0,
        rkd_angle_weight=0.0,
        teacher_layer=None,
        student_layer=None,
        device="cpu",
        random_state=None,
        verbose=0,
    ):
        self.module = module
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.dropout = dropout
        self.batch_norm = batch_norm
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.weight_decay = weight_decay
        self.lr_schedule = lr_schedule
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.hint_weight = hint_weight
        self.rkd_distance_weight = rkd_distance_weight
        self.rkd_angle_weight = rkd_angle_weight
        self.teacher_layer = teacher_layer
        self.student_layer = student_layer
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    def _validate_X(self, X, reset):
        return validate_data(self, X, reset=reset, dtype=np.float32)

    def _module_and_params(self, n_outputs):
        nets = torch_nets()
        if self.module is None:
            sizes = self.hidden_layer_sizes
            if isinstance(sizes, str):
                sizes = auto_hidden_layer_sizes(self.n_features_in_)
            params = dict(n_inputs=self.n_features_in_, n_outputs=n_outputs,
                          hidden_layer_sizes=tuple(int(s) for s in sizes),
                          activation=self.activation, dropout=self.dropout,
                          batch_norm=self.batch_norm)
            return nets.MLP, params
        if isinstance(self.module, nets.torch.nn.Module):
            # The user's module is the initial state, trained as a copy.
            import copy

            return copy.deepcopy(self.module), {}
        return self.module(self.n_features_in_, n_outputs), {}

    def _learns_features(self):
        return bool(self.hint_weight or self.rkd_distance_weight or self.rkd_angle_weight)

    def _refuse_feature_losses_without_teacher(self):
        if self._learns_features():
            raise ValueError(
                f"{type(self).__name__} has hint_weight={self.hint_weight}, "
                f"rkd_distance_weight={self.rkd_distance_weight} and rkd_angle_weight="
                f"{self.rkd_angle_weight}, but `fit` trains on labels with no teacher whose "
                "layers it could learn from. Set them to 0, or use it as the `student` of a "
                "distiller with a torch teacher."
            )

    def _teacher_features(self, lesson):
        """The teacher layer's activations on the lesson's rows, or None without feature losses."""
        if not self._learns_features():
            return None
        torch_nets()  # says what to install when torch is missing
        from ._feature_distillation import centred_and_scaled, teacher_activations

        # The teacher reads the rows as the distiller got them, before the
        # student's own preprocessing.
        return centred_and_scaled(teacher_activations(lesson.teacher, lesson.X,
                                                      self.teacher_layer))

    def _feature_teaching(self, X, features):
        if features is None:
            return None
        from ._feature_distillation import FeatureTeaching

        return FeatureTeaching(
            teacher_width=features.shape[1], example=X[:2], student_layer=self.student_layer,
            hint_weight=self.hint_weight, rkd_distance_weight=self.rkd_distance_weight,
            rkd_angle_weight=self.rkd_angle_weight,
        )

    def _train(self, X, targets, n_outputs, task, against, temperature=1.0, target_scale=1.0,
               feature_teaching=None):
        """Build the net and fit it on the packed ``targets``; sets ``net_``."""
        nets = torch_nets()

        def build(shuffle_seed, split_seed):
            module, module_params = self._module_and_params(n_outputs)
            return nets.make_distillation_net(
                module,
                module_params=module_params,
                task=task,
                optimizer=self.optimizer,
                optimizer_params=self._optimizer_params(),
                lr=self.lr,
                max_epochs=self.max_epochs,
                batch_size=self.batch_size,
                temperature=temperature,
                validation_fraction=self.validation_fraction,
                early_stopping=self.early_stopping
                and nets.can_hold_out(len(X), self.validation_fraction),
                patience=self.n_iter_no_change,
                against=against,
                target_scale=target_scale,
                lr_schedule=self.lr_schedule,
                shuffle_seed=shuffle_seed,
                split_seed=split_seed,
                device=self.device,
                verbose=self.verbose,
                feature_teaching=feature_teaching,
            )

        self.net_ = nets.for_prediction(nets.fit_seeded(build, X, targets, self.random_state))
        self.n_epochs_ = len(self.net_.history)
        return self

    def _optimizer_params(self):
        params = {"weight_decay": self.weight_decay}
        if self.optimizer == "sgd":
            params["momentum"] = 0.9
        return params

    def _outputs(self, X):
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        return torch_nets().module_outputs(self.net_.module_, X, float64=True)


_SHARED_PARAMETERS = """
    module : torch.nn.Module, callable or None, default=None
        The network. ``None`` builds an MLP from the parameters below; a
        callable is called as ``module(n_features, n_outputs)``; a module
        instance is trained as a copy (it must output {outputs}).
    hidden_layer_sizes : "auto" or tuple of int, default="auto"
        Widths of the hidden layers. ``"auto"`` gives two layers as wide as
        the number of features rounded up to a power of two, between 64 and
        256: wide enough not to bottleneck the inputs, small enough to serve
        in microseconds.
    activation : {{"relu", "gelu", "tanh", "silu"}}, default="relu"
        Activation of the hidden layers.
    dropout : float, default=0.0
        Dropout after each hidden layer.
    batch_norm : bool, default=False
        Batch normalisation before each activation.
    max_epochs : int, default=200
        Most passes over the training rows. Early stopping usually ends far
        sooner; a small set (a few steps an epoch) may use them all.
    batch_size : int, default=256
        Rows per gradient step.
    lr : float, default=1e-3
        Learning rate.
    optimizer : {{"adam", "adamw", "sgd"}} or torch optimizer class, default="adam"
        ``"sgd"`` uses momentum 0.9.
    weight_decay : float, default=0.0
        L2 penalty of the optimizer.
    lr_schedule : {{"constant", "cosine"}}, default="constant"
        ``"cosine"`` anneals the learning rate to 0 over ``max_epochs``.
    early_stopping : bool, default=True
        Hold out ``validation_fraction`` of the rows, stop when their score
        has not improved for ``n_iter_no_change`` epochs and restore the
        weights of the best epoch. The score is {score}.
    validation_fraction : float, default=0.1
        Share of the rows held out for early stopping.
    n_iter_no_change : int, default=10
        Patience of early stopping, in epochs.
    hint_weight : float, default=0.0
        Weight of the FitNets hint (Romero et al. 2015): the mean squared error
        between ``student_layer``, mapped by a learned linear adapter, and
        ``teacher_layer``. Needs a torch teacher (a module, ``TorchTeacher``,
        skorch net or MLP student); its activations are centred and divided by
        their overall standard deviation, so the weight does not depend on
        their units. Each row's term carries its sample weight.
    rkd_distance_weight : float, default=0.0
        Weight of the relational distance loss (Park et al. 2019): the Huber
        loss between the batch's pairwise distances in the two layers, each
        divided by its mean. The paper used 25 with ``rkd_angle_weight=50``.
    rkd_angle_weight : float, default=0.0
        Weight of the relational angle loss: the Huber loss between the
        cosines of the angles of every triplet of batch rows in the two
        layers. Costs ``batch_size**3`` products per step.
    teacher_layer : str or None, default=None
        The teacher's layer these losses read: a name from the teacher
        module's ``named_modules()`` (its output), or ``None`` for the input of
        its last ``Linear`` layer (the penultimate representation).
    student_layer : str or None, default=None
        The student's layer, named the same way; ``None`` is the input of its
        last ``Linear`` layer (the last hidden layer of the MLP).
    device : str, default="cpu"
        Torch device to train and predict on.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, dropout, shuffling and the held-out rows,
        inside :func:`torch.random.fork_rng`: the same value gives the same
        weights bit for bit on CPU, and torch's global generator is left as
        it was.
    verbose : int, default=0
        Print one line per epoch (loss, validation score) when positive."""

_SHARED_ATTRIBUTES = """
    net_ : skorch.NeuralNet
        The trained skorch net; ``net_.history`` holds the per-epoch losses,
        validation scores and durations, ``net_.module_`` the torch module.
        What only training needs is dropped, so a pickled student is mostly
        its weights: the optimiser's state (``net_.optimizer_`` is None) and
        the per-batch records. To train further, fit again.
    n_epochs_ : int
        Epochs run (early stopping may end before ``max_epochs``).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names."""


class MLPStudentClassifier(ClassifierMixin, _MLPStudent):
    __doc__ = f"""A multi-layer perceptron classifier trained by skorch, a student or alone.

    Standalone, it learns the labels with the cross-entropy. As the student
    of :class:`~skdistill.DistilledClassifier` it learns with the
    knowledge-distillation loss ``alpha * T^2 * KL(teacher_T || student_T) +
    (1 - alpha) * CE(y, student)`` and predicts at T = 1. Batches are slices
    of whole tensors, so training runs at the speed of a plain torch loop.
    Needs ``pip install 'skdistill[torch]'``.

    Parameters
    ----------{_SHARED_PARAMETERS.format(
        outputs="one logit per class",
        score="the accuracy, or the fidelity to the teacher when distilled")}

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.{_SHARED_ATTRIBUTES}

    See Also
    --------
    MLPStudentRegressor : The same for regression.
    skdistill.make_mlp_student : A Pipeline with preprocessing for DataFrames.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skdistill import MLPStudentClassifier
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> mlp = make_pipeline(StandardScaler(), MLPStudentClassifier(max_epochs=5, random_state=0))
    >>> mlp.fit(X, y).predict_proba(X[:2]).shape
    (2, 2)
    """

    @_fit_context(prefer_skip_nested_validation=True)
    @atomic_fit
    def fit(self, X, y, sample_weight=None):
        """Train on the labels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric features (see :func:`make_mlp_student` for DataFrames).
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights of the loss.

        Returns
        -------
        self : MLPStudentClassifier
            The fitted student.
        """
        self._refuse_feature_losses_without_teacher()
        X, y = validate_data(self, X, y, dtype=np.float32)
        check_classification_targets(y)
        sample_weight = _check_sample_weight(sample_weight, X, ensure_non_negative=True)
        self.classes_, codes = np.unique(y, return_inverse=True)
        targets = torch_nets().pack_targets(codes, sample_weight)
        return self._train(X, targets, len(self.classes_), "classification", "labels")

    @_fit_context(prefer_skip_nested_validation=True)
    @atomic_fit
    def fit_lesson(self, lesson):
        """Learn from a distiller's lesson with the knowledge-distillation loss.

        The student protocol the distillers use (the ``"kd_loss"`` strategy):
        ``lesson`` holds the rows (already through a Pipeline's leading
        steps), the class codes, the teacher's logits, ``alpha``, the
        temperature and the row weights. The student learns class codes
        ``0 .. K-1``; the distiller maps them to its ``classes_``.

        Parameters
        ----------
        lesson : skdistill._strategy.Lesson
            What to learn from.

        Returns
        -------
        self : MLPStudentClassifier
            The fitted student.
        """
        X = self._validate_X(lesson.X, reset=True)
        alpha = lesson.alpha_per_row()
        self.classes_ = np.arange(lesson.n_classes)
        labels = np.where(alpha < 1.0, lesson.y, 0)
        features = self._teacher_features(lesson)
        targets = torch_nets().pack_distillation_targets(
            labels, lesson.sample_weight, alpha, lesson.teacher_output, lesson.temperature,
            features,
        )
        return self._train(X, targets, lesson.n_classes, "classification", "teacher",
                           temperature=lesson.temperature,
                           feature_teaching=self._feature_teaching(X, features))

    def decision_function(self, X):
        """The logits; for two classes the margin of the second over the first.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Margins.
        """
        logits = self._outputs(X)
        if logits.shape[1] == 2:
            return logits[:, 1] - logits[:, 0]
        return logits

    def predict_proba(self, X):
        """Class probabilities, ``softmax`` of the logits.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities, columns in the order of ``classes_``.
        """
        return softmax(self._outputs(X), axis=1)

    def predict(self, X):
        """Most probable class.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        codes = np.argmax(self._outputs(X), axis=1)
        return self.classes_[codes]


class MLPStudentRegressor(RegressorMixin, _MLPStudent):
    __doc__ = f"""A multi-layer perceptron regressor trained by skorch, a student or alone.

    Standalone, it minimises the squared error to y. As the student of
    :class:`~skdistill.DistilledRegressor` it minimises
    ``alpha * (f - teacher)^2 + (1 - alpha) * (f - y)^2``, the squared error to
    the blended target. Targets are standardised for training and predictions
    mapped back. Needs ``pip install 'skdistill[torch]'``.

    Parameters
    ----------{_SHARED_PARAMETERS.format(
        outputs="one prediction",
        score="the squared error to y, or to the teacher when distilled")}

    Attributes
    ----------{_SHARED_ATTRIBUTES}

    See Also
    --------
    MLPStudentClassifier : The same for classification.
    skdistill.make_mlp_student : A Pipeline with preprocessing for DataFrames.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skdistill import MLPStudentRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> mlp = make_pipeline(StandardScaler(), MLPStudentRegressor(max_epochs=5, random_state=0))
    >>> mlp.fit(X, y).predict(X[:3]).shape
    (3,)
    """

    @_fit_context(prefer_skip_nested_validation=True)
    @atomic_fit
    def fit(self, X, y, sample_weight=None):
        """Train on the targets.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric features (see :func:`make_mlp_student` for DataFrames).
        y : array-like of shape (n_samples,)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights of the loss.

        Returns
        -------
        self : MLPStudentRegressor
            The fitted student.
        """
        self._refuse_feature_losses_without_teacher()
        X, y = validate_data(self, X, y, dtype=np.float32, y_numeric=True)
        sample_weight = _check_sample_weight(sample_weight, X, ensure_non_negative=True)
        self._set_target_scale(y)
        targets = torch_nets().pack_targets(self._scaled(y), sample_weight)
        return self._train(X, targets, 1, "regression", "labels", target_scale=self.y_scale_)

    @_fit_context(prefer_skip_nested_validation=True)
    @atomic_fit
    def fit_lesson(self, lesson):
        """Learn from a distiller's lesson: the squared error to the blended target.

        The student protocol the distillers use (the ``"kd_loss"`` strategy):
        ``lesson`` holds the rows (already through a Pipeline's leading
        steps), the targets, the teacher's predictions, ``alpha`` and the row
        weights.

        Parameters
        ----------
        lesson : skdistill._strategy.Lesson
            What to learn from.

        Returns
        -------
        self : MLPStudentRegressor
            The fitted student.
        """
        X = self._validate_X(lesson.X, reset=True)
        alpha = lesson.alpha_per_row()
        teacher = np.asarray(lesson.teacher_output, dtype=np.float64)
        y = np.where(alpha < 1.0, lesson.y, teacher)
        self._set_target_scale(alpha * teacher + (1.0 - alpha) * y)
        features = self._teacher_features(lesson)
        targets = torch_nets().pack_targets(
            self._scaled(y), lesson.sample_weight, alpha, self._scaled(teacher), features
        )
        return self._train(X, targets, 1, "regression", "teacher", target_scale=self.y_scale_,
                           feature_teaching=self._feature_teaching(X, features))

    def _set_target_scale(self, target):
        self.y_mean_ = float(np.mean(target))
        std = float(np.std(target))
        self.y_scale_ = std if std > 0 else 1.0

    def _scaled(self, target):
        return (np.asarray(target, dtype=np.float64) - self.y_mean_) / self.y_scale_

    def predict(self, X):
        """Predicted values.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predictions.
        """
        return self._outputs(X)[:, 0] * self.y_scale_ + self.y_mean_
