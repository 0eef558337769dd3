"""Transfer-set generators, and the distillers' augment / X_unlabeled path."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.neighbors import NearestNeighbors
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from sklearn.utils._param_validation import InvalidParameterError

from skdistill import (
    ColumnResample,
    DistilledClassifier,
    DistilledRegressor,
    GaussianNoise,
    Munge,
    teacher_output_cache,
)
from skdistill import _transfer
from skdistill._soft_targets import blend, tempered_softmax
from skdistill._teacher_outputs import teacher_adapter as as_teacher
from _helpers import FIXED

AUGMENTERS = [Munge(), Munge(p=1.0, s=0.5), ColumnResample(), GaussianNoise(scale=0.5)]


def mixed_frame(n=120, seed=0):
    """A DataFrame as users have it: categoricals, strings, bools, ints, NaN."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "income": rng.lognormal(3, 1, n),
        "age": rng.integers(18, 90, n),
        "city": pd.Categorical(rng.choice(["ams", "ber", "cph"], n),
                               categories=["ams", "ber", "cph", "never_seen"]),
        "plan": rng.choice(["basic", "pro"], n).astype(object),
        "active": rng.random(n) > 0.5,
        "score": np.where(rng.random(n) < 0.3, np.nan, rng.normal(size=n)),
        "children": pd.array(np.where(rng.random(n) < 0.2, None, rng.integers(0, 4, n)),
                             dtype="Int64"),
        "rooms": np.where(rng.random(n) < 0.2, np.nan, rng.integers(1, 6, n).astype(float)),
    })
    frame.loc[[3, 7], "city"] = np.nan
    return frame


@pytest.mark.parametrize("augmenter", AUGMENTERS, ids=repr)
def test_rows_keep_dtypes_categories_order_and_ranges(augmenter):
    X = mixed_frame()
    X_new = augmenter.sample(X, 300, random_state=0)
    assert list(X_new.columns) == list(X.columns)
    assert X_new.dtypes.equals(X.dtypes)
    assert X_new["city"].cat.categories.equals(X["city"].cat.categories)
    assert len(X_new) == 300
    for name in ["income", "age", "score", "children", "rooms"]:
        low, high = X[name].min(), X[name].max()
        assert X_new[name].dropna().between(low, high).all(), name
    for name in ["age", "children", "rooms"]:
        values = X_new[name].dropna().astype(float)
        assert (values == values.round()).all(), name


@pytest.mark.parametrize("augmenter", AUGMENTERS, ids=repr)
def test_categoricals_only_take_observed_values(augmenter):
    X = mixed_frame()
    X_new = augmenter.sample(X, 500, random_state=1)
    assert "never_seen" not in set(X_new["city"].dropna())
    assert set(X_new["city"].dropna()) <= set(X["city"].dropna())
    assert set(X_new["plan"]) <= set(X["plan"])


@pytest.mark.parametrize("augmenter", AUGMENTERS, ids=repr)
def test_missing_values_stay_where_they_can_occur(augmenter):
    X = mixed_frame()
    X_new = augmenter.sample(X, 600, random_state=0)
    for name in ["income", "age", "plan", "active"]:
        assert not X_new[name].isna().any(), name
    assert X_new["score"].isna().mean() == pytest.approx(X["score"].isna().mean(), abs=0.1)
    assert np.isfinite(X_new["score"].dropna()).all()


@pytest.mark.parametrize("augmenter", AUGMENTERS, ids=repr)
def test_same_random_state_same_rows(augmenter):
    X = mixed_frame()
    first = augmenter.sample(X, 200, random_state=3)
    pd.testing.assert_frame_equal(first, augmenter.sample(X, 200, random_state=3))
    assert not first.equals(augmenter.sample(X, 200, random_state=4))


@pytest.mark.parametrize("augmenter", AUGMENTERS, ids=repr)
def test_input_is_left_unchanged(augmenter):
    X = mixed_frame()
    before = X.copy()
    augmenter.sample(X, 100, random_state=0)
    pd.testing.assert_frame_equal(X, before)


@pytest.mark.parametrize("augmenter", [Munge(p=0.0), ColumnResample(fraction=0.2),
                                       GaussianNoise(scale=0.0)], ids=repr)
def test_no_change_returns_copies(augmenter):
    X = mixed_frame()
    if isinstance(augmenter, ColumnResample):
        X = X[["income"]].assign(income=1.0)  # resampling a constant changes nothing
    X_new = augmenter.sample(X, 2 * len(X), random_state=0)
    pd.testing.assert_frame_equal(X_new, pd.concat([X, X], ignore_index=True))


def test_munge_with_p_one_and_large_s_copies_the_nearest_neighbour():
    X = np.random.default_rng(0).normal(size=(60, 3)) * [1.0, 10.0, 100.0]
    X_new = Munge(p=1.0, s=1e9).sample(X, len(X), random_state=0)
    scaled = X / X.std(axis=0)
    _, found = NearestNeighbors(n_neighbors=2).fit(scaled).kneighbors(scaled)
    np.testing.assert_allclose(X_new, X[found[:, 1]], atol=1e-6)


def test_munge_numeric_draws_spread_by_distance_over_s():
    X = np.array([[0.5], [1.5], [10.5], [11.5]])
    X_new = Munge(p=1.0, s=4.0).sample(X, 40_000, random_state=0)
    # Rows 0 and 1 are each other's neighbours: draws from row 0 are centred
    # on row 1's value with sd |0.5 - 1.5| / 4.
    from_row_0 = X_new[0::4, 0]
    assert from_row_0.mean() == pytest.approx(1.5, abs=0.01)
    assert from_row_0.std() == pytest.approx(0.25, abs=0.01)


def test_munge_search_blocks_still_find_close_neighbours():
    X = np.repeat(np.arange(50.0), 2)[:, None]  # every value twice
    X_new = Munge(p=1.0, s=1e9, search_rows=100).sample(X, len(X), random_state=0)
    np.testing.assert_array_equal(X_new, X)
    blocked = Munge(p=1.0, s=1e9, search_rows=10).sample(X, len(X), random_state=0)
    assert np.abs(blocked - X).max() <= 50
    assert set(np.unique(blocked)) <= set(np.unique(X))


def test_column_resample_redraws_a_fixed_number_of_columns_per_row():
    X = np.arange(200.0).reshape(20, 10)  # every cell distinct
    X_new = ColumnResample(fraction=0.3).sample(X, len(X), random_state=0)
    changed = (X_new != X).sum(axis=1)
    assert changed.max() <= 3
    assert changed.mean() > 2.5
    for column in range(10):
        assert np.isin(X_new[:, column], X[:, column]).all()


def test_gaussian_noise_leaves_non_numeric_columns_alone():
    X = mixed_frame()
    X_new = GaussianNoise(scale=0.3).sample(X, len(X), random_state=0)
    for name in ["city", "plan", "active"]:
        pd.testing.assert_series_equal(X_new[name], X[name])
    assert not np.allclose(X_new["income"], X["income"])


@pytest.mark.parametrize("augmenter", AUGMENTERS, ids=repr)
def test_numpy_arrays_come_back_as_arrays(augmenter):
    X = np.random.default_rng(0).integers(0, 5, size=(30, 4))
    X_new = augmenter.sample(X, 45, random_state=0)
    assert isinstance(X_new, np.ndarray)
    assert X_new.dtype == X.dtype and X_new.shape == (45, 4)
    assert X_new.min() >= 0 and X_new.max() <= 4


def test_sparse_input_is_refused_naming_what_works():
    with pytest.raises(TypeError, match="dense numpy arrays and pandas DataFrames"):
        Munge().sample(sp.random(10, 3, format="csr"), 5)


def test_single_row_is_copied():
    X = np.array([[1.0, 2.0]])
    np.testing.assert_array_equal(Munge(p=1.0).sample(X, 3, random_state=0), np.repeat(X, 3, 0))


def test_augmenters_are_searchable_hyperparameters():
    distiller = DistilledClassifier(augment=Munge(p=0.3))
    assert distiller.get_params()["augment__p"] == 0.3
    tuned = clone(distiller).set_params(augment__s=4.0)
    assert tuned.augment.s == 4.0 and distiller.augment.s == 1.0
    with pytest.raises(InvalidParameterError, match="'p' parameter of Munge"):
        Munge(p=2.0).sample(np.ones((3, 1)), 2)


# --- the distillers ------------------------------------------------------


@pytest.fixture
def classification():
    X, y = make_classification(n_samples=150, n_features=5, n_informative=3, n_classes=3,
                               random_state=0)
    teacher = RandomForestClassifier(n_estimators=15, random_state=0).fit(X, y)
    return X, y, teacher


def test_augmented_rows_learn_teacher_targets_and_real_rows_blended(lessons, classification):
    X, y, teacher = classification
    DistilledClassifier(teacher, DecisionTreeClassifier(), alpha=0.3, temperature=2.0,
                        augment="munge", augment_size=2.0, transfer_weight=0.5,
                        random_state=0).fit(X, y)
    lesson = lessons[0]
    n = len(X)
    assert lesson.X.shape == (3 * n, X.shape[1])
    np.testing.assert_array_equal(lesson.X[:n], X)
    assert lesson.labelled.tolist() == [True] * n + [False] * 2 * n
    teacher_proba = tempered_softmax(as_teacher(teacher, "classifier").logits(lesson.X), 2.0)
    targets = lesson.soft_targets()
    np.testing.assert_allclose(targets[n:], teacher_proba[n:])
    np.testing.assert_allclose(targets[:n], blend(teacher_proba[:n], y, 0.3))
    np.testing.assert_allclose(lesson.sample_weight[:n], 1.0)
    assert lesson.sample_weight[n:].sum() == pytest.approx(0.5 * n)


class SpyRegressor(DecisionTreeRegressor):
    """A tree that remembers what it was fit on."""

    def fit(self, X, y, sample_weight=None):
        self.seen_ = (np.asarray(X), np.asarray(y), sample_weight)
        return super().fit(X, y, sample_weight=sample_weight)


def test_regression_student_sees_teacher_targets_on_unlabelled_rows():
    X, y = make_regression(n_samples=100, n_features=4, noise=5.0, random_state=0)
    teacher = RandomForestRegressor(n_estimators=10, random_state=0).fit(X, y)
    X_unlabeled = X[:30] + 0.1
    distilled = DistilledRegressor(teacher, SpyRegressor(), alpha=0.5, random_state=0, augment=None, cv=None).fit(
        X, y, X_unlabeled=X_unlabeled)
    seen_X, seen_y, weight = distilled.student_.seen_
    np.testing.assert_array_equal(seen_X, np.vstack([X, X_unlabeled]))
    np.testing.assert_allclose(seen_y[100:], teacher.predict(X_unlabeled))
    np.testing.assert_allclose(seen_y[:100], 0.5 * teacher.predict(X) + 0.5 * y)
    assert weight[100:].sum() == pytest.approx(100.0)  # transfer_weight=1.0


def test_unlabelled_dataframe_rows_join_the_transfer_set(lessons):
    X = mixed_frame()[["income", "age", "score"]]
    y = (X["income"] > X["income"].median()).to_numpy().astype(int)
    teacher = RandomForestClassifier(n_estimators=5, random_state=0)
    DistilledClassifier(teacher, DecisionTreeClassifier(), augment="resample", augment_size=10,
                        random_state=0).fit(X, y, X_unlabeled=X.iloc[:15])
    lesson = lessons[0]
    assert len(lesson.X) == len(X) + 10 + 15
    assert lesson.X.dtypes.equals(X.dtypes)
    pd.testing.assert_frame_equal(lesson.X.iloc[-15:].reset_index(drop=True),
                                  X.iloc[:15].reset_index(drop=True))


def test_unlabelled_rows_with_unknown_categories_are_refused():
    X = mixed_frame()[["income", "city"]]
    y = np.arange(len(X)) % 2
    X_unlabeled = X.iloc[:5].assign(city=pd.Categorical(["oslo"] * 5))
    with pytest.raises(ValueError, match="categories absent from X.*oslo"):
        DistilledClassifier(random_state=0).fit(X, y, X_unlabeled=X_unlabeled)
    with pytest.raises(TypeError, match="same kind as X"):
        DistilledClassifier(random_state=0).fit(X, y, X_unlabeled=X.iloc[:5].to_numpy())


def test_augmented_fit_is_repeatable_and_reuses_cached_teacher_outputs(classification):
    X, y, teacher = classification
    model = DistilledClassifier(teacher, augment="munge", augment_size=3.0, random_state=0)
    first = model.fit(X, y).predict_proba(X)
    entries = len(teacher_output_cache)
    np.testing.assert_array_equal(clone(model).fit(X, y).predict_proba(X), first)
    assert len(teacher_output_cache) == entries


def test_chunked_parallel_teacher_inference_matches_one_call(monkeypatch, classification):
    X, y, teacher = classification
    logits = as_teacher(teacher, "classifier").logits
    np.testing.assert_allclose(_transfer.in_chunks(logits, X, n_jobs=2, chunk_rows=16),
                               logits(X))
    expected = DistilledClassifier(teacher, augment="gaussian", random_state=0).fit(X, y)
    teacher_output_cache.clear()
    monkeypatch.setattr(_transfer, "CHUNK_ROWS", 37)
    chunked = DistilledClassifier(teacher, augment="gaussian", n_jobs=2, random_state=0)
    np.testing.assert_array_equal(chunked.fit(X, y).predict_proba(X), expected.predict_proba(X))


def test_verbose_reports_the_augmentation(capsys, classification):
    X, y, teacher = classification
    DistilledClassifier(teacher, augment="munge", augment_size=1.0, verbose=1,
                        random_state=0).fit(X, y)
    assert "150 rows drawn by Munge" in capsys.readouterr().out


def test_augment_size_is_capped_with_a_warning(monkeypatch, lessons, classification):
    X, y, teacher = classification
    monkeypatch.setattr(_transfer, "MAX_AUGMENTED_ROWS", 40)
    with pytest.warns(UserWarning, match="capped at 40"):
        DistilledClassifier(teacher, augment="resample", augment_size=10.0,
                            random_state=0).fit(X, y)
    assert len(lessons[0].X) == len(X) + 40


@pytest.mark.parametrize(
    "params, match",
    [
        ({"augment": "smote"}, "'augment' parameter"),
        ({"augment": object()}, "'augment' parameter"),
        ({"augment": "munge", "augment_size": 0}, "'augment_size' parameter"),
        ({"augment": "munge", "augment_size": -1.0}, "'augment_size' parameter"),
        ({"augment": "munge", "augment_size": 500.0}, "'augment_size' parameter"),
        ({"augment": "munge", "transfer_weight": 0.0}, "'transfer_weight' parameter"),
    ],
)
def test_bad_augment_parameters_name_the_parameter(params, match, classification):
    X, y, teacher = classification
    with pytest.raises(InvalidParameterError, match=match):
        DistilledClassifier(teacher, **params).fit(X, y)


def test_sparse_input_with_augment_is_refused(classification):
    X, y, teacher = classification
    model = DistilledClassifier(RandomForestClassifier(n_estimators=5), augment="munge")
    with pytest.raises(TypeError, match="[Ss]parse"):
        model.fit(sp.csr_matrix(X), y)
