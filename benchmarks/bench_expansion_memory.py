"""Peak memory of distilling a 26-class problem into a tree, against the size of X.

Row expansion repeats each row once per plausible class; this measures that
the expansion stays bounded (``_ROWS_PER_ROW``) when the teacher spreads its
probability over many classes (high temperature). Peak memory is traced with
``tracemalloc`` over ``fit``, once the teacher's outputs are cached, and
reported as a multiple of ``X.nbytes``; fitting the same tree on the labels
is the baseline.

Run from the repository root: ``python -m benchmarks.bench_expansion_memory``.
"""

import tracemalloc

import numpy as np
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.tree import DecisionTreeClassifier

from benchmarks.common import pre_auto
from skdistill import DistilledClassifier


def peak_over_X(fit, X):
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    fit()
    peak = tracemalloc.get_traced_memory()[1] - before
    tracemalloc.stop()
    return peak / X.nbytes


def main():
    X, y = make_classification(20_000, 16, n_informative=12, n_classes=26,
                               n_clusters_per_class=1, random_state=0)
    teacher = HistGradientBoostingClassifier(max_iter=100, random_state=0).fit(X, y)
    tree = DecisionTreeClassifier(max_depth=8, random_state=0)
    print("| fit | peak memory / X.nbytes | fidelity (train) |\n|---|---|---|")
    direct = peak_over_X(lambda: tree.fit(X, y), X)
    print(f"| tree on labels | {direct:.2f} | {np.mean(tree.predict(X) == teacher.predict(X)):.3f} |")
    for temperature in (1.0, 2.0, 5.0):
        distilled = pre_auto(DistilledClassifier)(teacher, tree, temperature=temperature,
                                                  random_state=0)
        distilled.fit(X, y)  # caches the teacher's outputs
        ratio = peak_over_X(lambda: distilled.fit(X, y), X)
        fidelity = np.mean(distilled.predict(X) == teacher.predict(X))
        print(f"| distilled, T = {temperature:g} | {ratio:.2f} | {fidelity:.3f} |")


if __name__ == "__main__":
    main()
