"""The defaults benchmark's emulation feeds the distiller what it says, and the run resumes."""

import json

import numpy as np
import pandas as pd
import pytest
from scipy.special import softmax
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier

from skdistill import DistilledClassifier
from skdistill._soft_targets import blend
from skdistill._teacher_outputs import teacher_logits

pytest.importorskip("lightgbm")

from benchmarks import bench_defaults, defaults_report  # noqa: E402
from benchmarks.option_emulation import (  # noqa: E402
    known_outputs_teacher,
    leaf_values_at_t1,
    row_tempered,
)


@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    return X, y.to_numpy(), LogisticRegression(max_iter=5000).fit(X, y)


def test_known_rows_get_the_given_outputs_in_any_consecutive_run_and_others_the_teachers(cancer):
    X, _, teacher = cancer
    given = np.random.default_rng(0).normal(size=(len(X), 2))
    known = known_outputs_teacher("binary", teacher, [(X, given)])
    np.testing.assert_array_equal(known.decision_function(X), given)
    # The distiller asks in chunks: each chunk is a run of consecutive known rows.
    np.testing.assert_array_equal(known.decision_function(X.iloc[100:250]), given[100:250])
    shifted = X + 1.0
    np.testing.assert_allclose(known.decision_function(shifted),
                               teacher_logits(teacher, shifted, cache=False))


def test_repeated_rows_are_answered_from_their_own_position():
    X = pd.DataFrame({"a": [1.0, 2.0, 1.0, 2.0, 3.0]})
    given = np.arange(10.0).reshape(5, 2)
    teacher = LogisticRegression().fit(X, [0, 1, 0, 1, 1])
    known = known_outputs_teacher("binary", teacher, [(X, given)])
    np.testing.assert_array_equal(known.decision_function(X.iloc[2:5]), given[2:5])


def test_a_distiller_learns_the_known_outputs_not_the_real_teachers(cancer):
    X, y, teacher = cancer
    flipped = teacher_logits(teacher, X, cache=False)[:, ::-1]
    known = known_outputs_teacher("binary", teacher, [(X, flipped)])
    distilled = DistilledClassifier(known, DecisionTreeClassifier(random_state=0), alpha=1.0,
                                    random_state=0).fit(X, y)
    assert np.mean(distilled.predict(X) == flipped.argmax(axis=1)) > 0.99


def test_row_tempered_logits_give_each_row_its_own_temperature():
    logits = np.random.default_rng(1).normal(scale=3, size=(20, 4))
    tempered = row_tempered(logits, temperature=2.0, base_temperature=2.0)
    from skdistill._row_adaptive import row_temperatures

    per_row = row_temperatures(softmax(logits, axis=1), 2.0)
    np.testing.assert_allclose(softmax(tempered / 2.0, axis=1),
                               softmax(logits / per_row[:, None], axis=1))


@pytest.mark.parametrize("temperature", [1.0, 4.0])
def test_leaf_values_at_t1_are_the_mean_blended_targets_of_each_leafs_rows(cancer, temperature):
    X, y, teacher = cancer
    logits = teacher_logits(teacher, X, cache=False)
    distilled = DistilledClassifier(teacher, DecisionTreeClassifier(max_depth=4, random_state=0),
                                    temperature=temperature, alpha=0.5, augment=None,
                                    random_state=0).fit(X, y)
    table = leaf_values_at_t1(distilled.student_, [(X, logits, y, 0.5, np.ones(len(y)))], 2)
    leaves = distilled.student_.apply(X)
    targets = blend(softmax(logits, axis=1), y, 0.5)
    for leaf in np.unique(leaves):
        np.testing.assert_allclose(table[leaf], targets[leaves == leaf].mean(axis=0))
    if temperature == 1.0:
        # At T = 1 the tree's own leaves hold these means (less the expansion's 1e-3 floor).
        np.testing.assert_allclose(table[leaves], distilled.predict_proba(X), atol=2e-3)


def test_the_benchmark_runs_resumes_and_the_report_chooses_a_table(tmp_path):
    results = tmp_path / "defaults.csv"
    argv = ["--datasets", "breast_cancer,digits", "--seeds", "0", "--teachers", "forest",
            "--students", "tree6", "--options", "old,a1,T4,oob,oof,munge5,active5",
            "--max-train-rows", "200", "--max-test-rows", "200", "--results", str(results)]
    bench_defaults.main(argv)
    frame = pd.read_csv(results)
    # Per dataset: the teacher, the labels and seven options.
    assert len(frame) == 2 * 9
    assert frame[frame.option == "oob"]["honest_seconds"].gt(0).all()
    assert frame[frame.option == "T4"]["log_loss_after"].notna().all()
    bench_defaults.main(argv)
    assert len(pd.read_csv(results)) == len(frame)

    docs = tmp_path / "docs"
    entries = defaults_report.main(["--results", str(results), "--out", str(tmp_path),
                                    "--docs", str(docs)])
    assert set(entries.situation) == set(defaults_report.SITUATIONS)
    assert set(entries.option) <= {"a0", "old", "a1", "T4", "oob", "oof", "munge5"}
    rules = json.loads((tmp_path / "defaults_auto.json").read_text())
    measured = {rule["teacher"] for rule in rules if rule["family"] != "other"}
    assert measured == set(defaults_report.SITUATIONS)
    assert rules[0]["capacity"]["param"] == "max_depth"
    assert (docs / "defaults_calibration.csv").exists()
    active = pd.read_csv(docs / "defaults_active.csv")
    assert active.loc[0, "against"] == "munge5" and active.loc[0, "cells"] == 2
