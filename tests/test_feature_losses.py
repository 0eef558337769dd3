"""FitNets hints and relational (RKD) losses: hand computations, wiring, errors."""

import itertools
import pickle

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import RandomForestClassifier
from sklearn.preprocessing import StandardScaler

torch = pytest.importorskip("torch")
pytest.importorskip("skorch")

from skdistill import (  # noqa: E402
    DistilledClassifier,
    DistilledRegressor,
    MLPStudentClassifier,
    MLPStudentRegressor,
    TorchTeacher,
    make_mlp_student,
)
from skdistill._feature_distillation import (  # noqa: E402
    FeatureTeaching,
    LayerTap,
    centred_and_scaled,
    hint_loss,
    rkd_angle_loss,
    rkd_distance_loss,
    teacher_activations,
)
from skdistill._nets import (  # noqa: E402
    MLP,
    DistillationLoss,
    make_distillation_net,
    pack_distillation_targets,
)

TINY = dict(hidden_layer_sizes=(8,), max_epochs=5, batch_size=64, lr=1e-2, random_state=0)


def _huber(x):
    x = abs(x)
    return 0.5 * x**2 if x < 1 else x - 0.5


@pytest.fixture
def embeddings():
    rng = np.random.RandomState(0)
    student, teacher = rng.normal(size=(5, 3)), rng.normal(size=(5, 4)) * 2.0
    weight = rng.uniform(0.5, 2.0, size=5)
    return student, teacher, weight


def _tensors(*arrays):
    return [torch.tensor(a, dtype=torch.float64) for a in arrays]


def test_hint_loss_is_the_weighted_mean_squared_error(embeddings):
    _, teacher, weight = embeddings
    adapted = teacher + np.arange(4) * 0.1 - 0.3
    expected = sum(w * np.mean((a - t) ** 2) for a, t, w in zip(adapted, teacher, weight))
    expected /= weight.sum()
    assert float(hint_loss(*_tensors(adapted, teacher, weight))) == pytest.approx(expected)


def test_rkd_distance_loss_matches_a_hand_computation(embeddings):
    student, teacher, weight = embeddings
    pairs = [(i, j) for i in range(5) for j in range(5) if i != j]

    def normalised(e):
        d = {p: np.linalg.norm(e[p[0]] - e[p[1]]) for p in pairs}
        mean = np.mean(list(d.values()))
        return {p: v / mean for p, v in d.items()}

    s, t = normalised(student), normalised(teacher)
    expected = sum(weight[i] * weight[j] * _huber(s[i, j] - t[i, j]) for i, j in pairs)
    expected /= sum(weight[i] * weight[j] for i, j in pairs)
    got = float(rkd_distance_loss(*_tensors(student, teacher, weight)))
    assert got == pytest.approx(expected, rel=1e-10)
    assert got > 0


def test_rkd_angle_loss_matches_a_hand_computation(embeddings):
    student, teacher, weight = embeddings

    def cosine(e, i, j, k):
        a, b = e[i] - e[j], e[k] - e[j]
        return a @ b / (np.linalg.norm(a) * np.linalg.norm(b))

    triplets = [(i, j, k) for i, j, k in itertools.product(range(5), repeat=3)
                if i != j and k != j]
    terms = [(weight[i] * weight[j] * weight[k],
              _huber(cosine(student, i, j, k) - cosine(teacher, i, j, k)))
             for i, j, k in triplets]
    expected = sum(w * h for w, h in terms) / sum(w for w, _ in terms)
    got = float(rkd_angle_loss(*_tensors(student, teacher, weight)))
    assert got == pytest.approx(expected, rel=1e-10)
    assert got > 0


def test_a_batch_of_zero_weights_adds_nothing(embeddings):
    student, teacher, _ = embeddings
    tensors = _tensors(student, teacher, np.zeros(5))
    assert float(hint_loss(tensors[1] + 1.0, *tensors[1:])) == 0.0
    for loss in (rkd_distance_loss, rkd_angle_loss):
        assert float(loss(*tensors)) == 0.0


def test_relational_losses_ignore_scale_rotation_and_translation(embeddings):
    _, teacher, weight = embeddings
    rotation, _ = np.linalg.qr(np.random.RandomState(1).normal(size=(4, 4)))
    student = 3.0 * teacher @ rotation + 5.0
    for loss in (rkd_distance_loss, rkd_angle_loss):
        assert float(loss(*_tensors(student, teacher, weight))) == pytest.approx(0, abs=1e-12)


def test_teacher_activations_are_the_input_of_its_last_linear_layer():
    module = MLP(4, 3, hidden_layer_sizes=(6, 5))
    X = np.random.RandomState(0).normal(size=(10, 4)).astype(np.float32)
    module.train()
    activations = teacher_activations(module, X, batch_size=3)
    with torch.no_grad():
        expected = module.layers[:-1](torch.tensor(X)).numpy()
    # float32 products round differently in batches of 3 than all at once
    np.testing.assert_allclose(activations, expected, rtol=1e-5, atol=1e-6)
    named = teacher_activations(module, X, layer="layers.0")
    with torch.no_grad():
        np.testing.assert_allclose(named, module.layers[0](torch.tensor(X)).numpy(),
                                   rtol=1e-5, atol=1e-6)
    # The teacher is left as it was: in train mode, without hooks.
    assert module.training
    assert not any(m._forward_hooks or m._forward_pre_hooks for m in module.modules())


def test_an_unknown_layer_is_refused_with_the_layers_there_are():
    module = MLP(4, 3, hidden_layer_sizes=(6,))
    with pytest.raises(ValueError, match=r"`teacher_layer`='layers\.9'.*'layers\.0'"):
        LayerTap(module, "layers.9", role="teacher")


def test_centred_and_scaled_keeps_the_geometry():
    activations = np.random.RandomState(0).normal(3.0, 7.0, size=(50, 4)).astype(np.float32)
    scaled = centred_and_scaled(activations)
    np.testing.assert_allclose(scaled.mean(axis=0), 0, atol=1e-5)
    assert np.mean(scaled.astype(np.float64) ** 2) == pytest.approx(1, rel=1e-5)
    ratio = np.linalg.norm(scaled[0] - scaled[1]) / np.linalg.norm(activations[0] - activations[1])
    ratio_other = (np.linalg.norm(scaled[2] - scaled[3])
                   / np.linalg.norm(activations[2] - activations[3]))
    assert ratio == pytest.approx(ratio_other, rel=1e-5)


def test_the_training_loss_adds_the_feature_terms_to_the_kd_loss():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 4)).astype(np.float32)
    labels = rng.randint(3, size=40)
    teacher_logits, features = rng.normal(size=(40, 3)), rng.normal(size=(40, 5))
    targets = pack_distillation_targets(labels, None, 0.5, teacher_logits, 2.0, features)
    teaching = FeatureTeaching(teacher_width=5, example=X[:2], hint_weight=0.7,
                               rkd_distance_weight=2.0, rkd_angle_weight=3.0)
    net = make_distillation_net(MLP, module_params=dict(n_inputs=4, n_outputs=3,
                                                        hidden_layer_sizes=(6,)),
                                task="classification", optimizer="adam", lr=1e-3,
                                max_epochs=1, batch_size=40, temperature=2.0,
                                early_stopping=False, feature_teaching=teaching).initialize()
    y_pred = net.infer(torch.tensor(X))
    y_true = torch.tensor(targets)
    hidden = net.module_.layers[:-1](torch.tensor(X))
    adapter = net.criterion_.feature_losses.adapter
    assert (adapter.in_features, adapter.out_features) == (6, 5)
    weight, teacher = y_true[:, 1], torch.tensor(features, dtype=torch.float32)
    expected = (DistillationLoss(temperature=2.0)(y_pred, y_true)
                + 0.7 * hint_loss(adapter(hidden), teacher, weight)
                + 2.0 * rkd_distance_loss(hidden, teacher, weight)
                + 3.0 * rkd_angle_loss(hidden, teacher, weight))
    got = net.get_loss(y_pred, y_true, training=True)
    assert got.item() == pytest.approx(expected.item(), rel=1e-5)
    # Validation scores the KD loss alone; the adapter is trained with the module.
    assert net.get_loss(y_pred, y_true).item() == pytest.approx(
        DistillationLoss(temperature=2.0)(y_pred, y_true).item(), rel=1e-6)
    trained = {id(p) for group in net.optimizer_.param_groups for p in group["params"]}
    assert {id(p) for p in adapter.parameters()} <= trained
    net.remove_layer_tap()
    assert not any(m._forward_pre_hooks for m in net.module_.modules())


@pytest.fixture(scope="module")
def classification():
    X, y = make_classification(400, 8, n_informative=5, n_classes=3, random_state=0)
    X = StandardScaler().fit_transform(X).astype(np.float32)
    teacher = MLPStudentClassifier(hidden_layer_sizes=(32, 16), max_epochs=15, lr=1e-2,
                                   random_state=0).fit(X, y)
    return X, y, teacher


def _skorch_teacher(module, classes):
    from skorch import NeuralNetClassifier

    # The trained module as a skorch net (initialising keeps a module instance as it is).
    net = NeuralNetClassifier(module, criterion=torch.nn.CrossEntropyLoss, classes=classes)
    return net.initialize()


@pytest.mark.parametrize("teacher_form", ["mlp", "module", "torch_teacher", "skorch"])
def test_a_student_learns_hints_from_any_torch_teacher(classification, teacher_form):
    X, y, mlp = classification
    teacher = {"mlp": lambda: mlp, "module": lambda: mlp.net_.module_,
               "torch_teacher": lambda: TorchTeacher(mlp.net_.module_, classes=mlp.classes_),
               "skorch": lambda: _skorch_teacher(mlp.net_.module_, mlp.classes_)}
    teacher = teacher[teacher_form]()
    before = {k: v.clone() for k, v in mlp.net_.module_.state_dict().items()}
    student = MLPStudentClassifier(hint_weight=1.0, rkd_distance_weight=1.0, **TINY)
    model = DistilledClassifier(teacher, student, random_state=0).fit(X, y)
    losses = model.student_.net_.criterion_.feature_losses
    assert (losses.adapter.in_features, losses.adapter.out_features) == (8, 16)
    assert np.mean(model.predict(X) == mlp.predict(X)) > 0.7
    for name, value in mlp.net_.module_.state_dict().items():
        assert torch.equal(value, before[name])
    module = model.student_.net_.module_
    assert not any(m._forward_hooks or m._forward_pre_hooks for m in module.modules())
    assert student.get_params()["hint_weight"] == 1.0 and not hasattr(student, "net_")


def test_feature_losses_change_the_student_and_are_deterministic(classification):
    X, y, teacher = classification

    def fitted(**params):
        student = MLPStudentClassifier(**TINY, **params)
        return DistilledClassifier(teacher, student, random_state=0).fit(X, y)

    plain, hinted = fitted(), fitted(hint_weight=5.0)
    again = fitted(hint_weight=5.0)
    np.testing.assert_array_equal(hinted.predict_proba(X), again.predict_proba(X))
    assert not np.allclose(plain.predict_proba(X), hinted.predict_proba(X))
    assert (hinted.student_.net_.history[0, "train_loss"]
            > plain.student_.net_.history[0, "train_loss"])


def test_hints_pull_the_student_layer_towards_the_teacher_layer(classification):
    X, y, teacher = classification
    target = centred_and_scaled(teacher_activations(teacher, X))

    def hint_error(weight):
        student = MLPStudentClassifier(hint_weight=weight, **{**TINY, "max_epochs": 30})
        model = DistilledClassifier(teacher, student, random_state=0).fit(X, y)
        net = model.student_.net_
        hidden = torch.tensor(teacher_activations(model.student_, X))
        with torch.no_grad():
            adapted = net.criterion_.feature_losses.adapter(hidden).numpy()
        return np.mean((adapted - target) ** 2)

    assert hint_error(10.0) < hint_error(0.1)


def test_named_layers_pipelines_and_persistence(classification):
    X, y, teacher = classification
    student = make_mlp_student(hint_weight=1.0, teacher_layer="layers.0",
                               student_layer="layers.0", **TINY)
    model = DistilledClassifier(teacher, student, random_state=0).fit(X, y)
    adapter = model.student_[-1].net_.criterion_.feature_losses.adapter
    assert (adapter.in_features, adapter.out_features) == (8, 32)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict_proba(X), model.predict_proba(X))


def test_regression_and_chains_read_the_previous_stage():
    X, y = make_regression(300, 6, noise=5.0, random_state=0)
    X = StandardScaler().fit_transform(X).astype(np.float32)
    teacher = MLPStudentRegressor(hidden_layer_sizes=(16,), max_epochs=10,
                                  random_state=0).fit(X, y)
    student = MLPStudentRegressor(rkd_angle_weight=1.0, hint_weight=1.0, **TINY)
    model = DistilledRegressor(teacher, student, n_generations=2, random_state=0).fit(X, y)
    assert len(model.stages_) == 1
    assert model.student_.net_.criterion_.feature_losses.adapter.out_features == 8
    assert model.score(X, y) > 0


def test_feature_losses_need_a_torch_teacher(classification):
    X, y, _ = classification
    forest = RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
    student = MLPStudentClassifier(hint_weight=1.0, **TINY)
    with pytest.raises(ValueError, match="hint_weight.*torch teacher.*RandomForestClassifier"):
        DistilledClassifier(forest, student).fit(X, y)


def test_feature_losses_without_a_teacher_are_refused(classification):
    X, y, _ = classification
    with pytest.raises(ValueError, match="rkd_angle_weight=2.0.*no teacher"):
        MLPStudentClassifier(rkd_angle_weight=2.0, **TINY).fit(X, y)


def test_an_unknown_student_layer_is_refused(classification):
    X, y, teacher = classification
    student = MLPStudentClassifier(hint_weight=1.0, student_layer="encoder", **TINY)
    with pytest.raises(ValueError, match="`student_layer`='encoder'"):
        DistilledClassifier(teacher, student).fit(X, y)
