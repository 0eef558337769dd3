"""Peak memory of distilling 2,000,000 rows x 50 features with 10 classes.

Each measurement runs in a fresh process, which builds X (float64, 800 MB) and
a teacher fit on a 50,000-row sample, reads its resident set (``VmRSS``),
resets its peak, runs the step and reads the peak (``VmHWM``): the figure is
the peak memory *added* by the step, as a multiple of ``X.nbytes``. Steps:

- ``teacher``: the teacher's logits on all rows, through the distiller's
  chunked path (what ``fit`` does first);
- ``labels``: the student fit on the labels alone (the baseline any user pays);
- ``tree``: a depth-8 decision tree distilled (row expansion, T = 2);
- ``lightgbm``: a 50-tree x 15-leaf LightGBM student distilled (soft
  cross-entropy objective).

Run from the repository root: ``python -m benchmarks.bench_large_inputs
[n_rows]`` (about 10 minutes on 2 cores at the default 2,000,000 rows). Writes ``benchmarks/results/large_inputs.csv``.
"""

import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

N_ROWS, N_FEATURES, N_CLASSES = 2_000_000, 50, 10
RESULTS = Path(__file__).parent / "results" / "large_inputs.csv"
STEPS = ("teacher", "labels", "tree", "lightgbm")


def make_data(n_rows=N_ROWS, seed=0):
    """Ten Gaussian blobs with 10% label noise, built in place (no second copy of X)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=0.6, size=(N_CLASSES, N_FEATURES))
    y = rng.integers(N_CLASSES, size=n_rows)
    X = rng.standard_normal((n_rows, N_FEATURES))
    for label in range(N_CLASSES):
        X[y == label] += centres[label]
    flipped = rng.random(n_rows) < 0.1
    y[flipped] = rng.integers(N_CLASSES, size=flipped.sum())
    return X, y


def _reset_peak():
    # Linux: writing 5 to clear_refs resets the process's peak resident set (VmHWM).
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")


def _status_bytes(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"{field} not in /proc/self/status")


def measure(step, n_rows=N_ROWS):
    """Run one step in this process; return its added peak memory and seconds."""
    from lightgbm import LGBMClassifier
    from sklearn.tree import DecisionTreeClassifier

    from benchmarks.common import pre_auto
    from skdistill import DistilledClassifier, teacher_output_cache
    from skdistill._teacher_outputs import teacher_logits

    X, y = make_data(n_rows)
    teacher = LGBMClassifier(n_estimators=100, num_leaves=31, verbose=-1, n_jobs=2,
                             random_state=0).fit(X[:50_000], y[:50_000])
    student = (LGBMClassifier(n_estimators=50, num_leaves=15, verbose=-1, n_jobs=2,
                              random_state=0) if step == "lightgbm"
               else DecisionTreeClassifier(max_depth=8, random_state=0))
    distiller = pre_auto(DistilledClassifier)(teacher, student, temperature=2.0, random_state=0)
    if step == "teacher":
        def run():
            return teacher_logits(teacher, X, cache=False)
    elif step == "labels":
        def run():
            return student.fit(X, y)
    else:
        # The teacher's logits are cached first (so they count in the baseline):
        # the step measures what the student's side of fit adds.
        teacher_logits(teacher, X)

        def run():
            return distiller.fit(X, y)
    _reset_peak()
    baseline = _status_bytes("VmRSS:")
    start = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - start
    added = _status_bytes("VmHWM:") - baseline
    row = {"step": step, "X_mb": X.nbytes / 2**20, "added_peak_mb": added / 2**20,
           "added_peak_over_X": added / X.nbytes, "seconds": seconds}
    if step in ("tree", "lightgbm"):
        row["fidelity_train_sample"] = float(np.mean(
            result.predict(X[:100_000]) == teacher.predict(X[:100_000])))
    teacher_output_cache.clear()
    return row


def main(n_rows=N_ROWS):
    rows = []
    for step in STEPS:
        # A fresh process per step: peaks and allocator state do not carry over.
        output = subprocess.run(
            [sys.executable, "-c",
             "from benchmarks.bench_large_inputs import measure; "
             f"print(repr(measure({step!r}, {n_rows})))"],
            check=True, capture_output=True, text=True,
        ).stdout.strip().splitlines()[-1]
        rows.append(eval(output))  # noqa: S307 (our own repr of a dict of numbers)
        print(rows[-1], flush=True)
    frame = pd.DataFrame(rows)
    RESULTS.parent.mkdir(exist_ok=True)
    frame.to_csv(RESULTS, index=False)
    print(frame.round(3).to_markdown(index=False))


if __name__ == "__main__":
    main(*map(int, sys.argv[1:]))
