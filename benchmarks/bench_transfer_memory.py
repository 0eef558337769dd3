"""Peak memory of a large transfer set for a deep tree: 50x against 5x the training rows.

Deep trees keep gaining fidelity at 20-50x transfer sets; this measures what
such a set costs. Each size runs in a fresh process, which loads 8,000 rows
of the panel's adult data (categoricals and NaN), fits a 300-tree LightGBM
teacher, reads its resident set, resets its peak (Linux ``clear_refs``),
distils a depth-8 tree (``make_tree_student``) with MUNGE at the given size
and reads the peak: ``peak_mb`` is the whole process's peak during the fit,
``added_mb`` what the fit added to the resident set before it. Fidelity is
measured on 4,000 held-out rows.

    python -m benchmarks.bench_transfer_memory [--sizes 5,50]
"""

import argparse
import os
import subprocess
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import pandas as pd  # noqa: E402

from benchmarks.bench_large_inputs import _reset_peak, _status_bytes  # noqa: E402

RESULTS = "benchmarks/results/transfer_memory.csv"


def measure(size, n_rows=8000):
    """Fit the distiller at ``size`` in this process; its peak memory and fidelity."""
    from lightgbm import LGBMClassifier

    from benchmarks.datasets import adult
    from skdistill import DistilledClassifier, make_tree_student

    X, y, _ = adult()
    X_train, y_train = X.iloc[:n_rows], y[:n_rows]
    X_test = X.iloc[n_rows:n_rows + 4000]
    teacher = LGBMClassifier(n_estimators=300, n_jobs=1, verbose=-1, random_state=0)
    teacher.fit(X_train, y_train)
    distiller = DistilledClassifier(teacher, make_tree_student(max_depth=8, random_state=0),
                                    alpha=1.0, augment="munge", augment_size=float(size),
                                    random_state=0)
    _reset_peak()
    baseline = _status_bytes("VmRSS:")
    start = time.perf_counter()
    distiller.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    peak = _status_bytes("VmHWM:")
    fidelity = float((distiller.predict(X_test) == teacher.predict(X_test)).mean())
    return {"size": size, "transfer_rows": size * n_rows, "baseline_mb": baseline / 2**20,
            "peak_mb": peak / 2**20, "added_mb": (peak - baseline) / 2**20,
            "seconds": seconds, "fidelity": fidelity}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5,50")
    parser.add_argument("--out", default=RESULTS)
    args = parser.parse_args()
    rows = []
    for size in map(int, args.sizes.split(",")):
        output = subprocess.run(
            [sys.executable, "-c", "from benchmarks.bench_transfer_memory import measure; "
             f"print(repr(measure({size})))"],
            check=True, capture_output=True, text=True,
        ).stdout.strip().splitlines()[-1]
        rows.append(eval(output))  # noqa: S307 (our own repr of a dict of numbers)
        print(rows[-1], flush=True)
    frame = pd.DataFrame(rows)
    frame["peak_over_smallest"] = frame["peak_mb"] / frame["peak_mb"].iloc[0]
    frame["added_over_smallest"] = frame["added_mb"] / frame["added_mb"].iloc[0]
    frame.to_csv(args.out, index=False, float_format="%.4g")
    print(frame.round(3).to_string(index=False))


if __name__ == "__main__":
    main()
