"""Training throughput of the MLP student against a plain torch loop.

A 2x128 MLP on 100k x 50 synthetic rows, batch sizes 256 and 1024: rows per
second of ``MLPStudentClassifier.fit`` (labels alone, and the KD loss with a
teacher's logits) and of skorch's default data path, as ratios to a plain
torch loop over tensor slices with the same module, optimizer, loss (plain
cross-entropy, or the same KD loss), batch size and epochs. Every timing is
taken after a warm-up; the trainers run in turn, round after round, and each
keeps its best round, so that load from other processes on a shared machine
hits all of them alike. The model's GFLOP/s is
set against a float32 2048x2048 matmul.

Run: ``python -m benchmarks.bench_neural_throughput [--threads N]`` (writes
``benchmarks/results/neural_throughput_<N>threads.csv``).
"""

import argparse
import os

import numpy as np
import pandas as pd
import skorch
import torch

from benchmarks.common import best_seconds, pin_threads
from skdistill import MLPStudentClassifier
from skdistill._nets import MLP, DistillationLoss, pack_distillation_targets
from skdistill._strategy import Lesson

N_ROWS, N_FEATURES, N_CLASSES, HIDDEN = 100_000, 50, 2, (128, 128)
EPOCHS, ROUNDS = 1, 5
RESULTS = os.path.join(os.path.dirname(__file__), "results")


def make_data(n_rows=N_ROWS, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_rows, N_FEATURES)).astype(np.float32)
    w = rng.normal(size=N_FEATURES)
    logits = np.column_stack([np.zeros(n_rows), X @ w / 4])
    y = (logits[:, 1] + rng.logistic(size=n_rows) > 0).astype(np.int64)
    return X, y, logits


def plain_loop(X, y, batch_size, epochs, loss=None):
    """The reference: shuffle once per epoch, slice, step.

    ``loss`` (a criterion on packed targets ``y``) replaces the cross-entropy
    for the like-for-like comparison of the KD path.
    """
    torch.manual_seed(0)
    module = MLP(N_FEATURES, N_CLASSES, HIDDEN)
    optimizer = torch.optim.Adam(module.parameters(), lr=1e-3)
    loss = loss or torch.nn.functional.cross_entropy
    X, y = torch.from_numpy(X), torch.from_numpy(y)
    module.train()
    for _ in range(epochs):
        order = torch.randperm(len(X))
        Xs, ys = X[order], y[order]
        for start in range(0, len(X), batch_size):
            optimizer.zero_grad()
            loss(module(Xs[start:start + batch_size]), ys[start:start + batch_size]).backward()
            optimizer.step()


def plain_loop_kd(X, y, batch_size, epochs, logits):
    targets = pack_distillation_targets(y, None, 0.5, logits, 2.0)
    plain_loop(X, targets, batch_size, epochs, DistillationLoss(temperature=2.0))


def student(batch_size, epochs):
    return MLPStudentClassifier(hidden_layer_sizes=HIDDEN, max_epochs=epochs,
                                batch_size=batch_size, early_stopping=False, random_state=0)


def student_labels(X, y, batch_size, epochs):
    student(batch_size, epochs).fit(X, y)


def student_kd(X, y, batch_size, epochs, logits):
    lesson = Lesson(X=X, y=y, teacher_output=logits, alpha=0.5, temperature=2.0)
    student(batch_size, epochs).fit_lesson(lesson)


def skorch_default(X, y, batch_size, epochs):
    torch.manual_seed(0)
    skorch.NeuralNetClassifier(
        MLP, module__n_inputs=N_FEATURES, module__n_outputs=N_CLASSES,
        module__hidden_layer_sizes=HIDDEN, criterion=torch.nn.CrossEntropyLoss,
        optimizer=torch.optim.Adam, lr=1e-3, batch_size=batch_size, max_epochs=epochs,
        iterator_train__shuffle=True, train_split=None, verbose=0,
    ).fit(X, y)


def best_times_in_turn(runs, rounds=ROUNDS):
    """Each run's best time over ``rounds`` rounds in which all take turns."""
    best = {name: np.inf for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            best[name] = min(best[name], best_seconds(run, 1))
    return best


def matmul_gflops(size=2048, repeats=5):
    a, b = torch.randn(size, size), torch.randn(size, size)
    a @ b
    seconds = best_seconds(lambda: a @ b, repeats)
    return 2 * size**3 / seconds / 1e9


def training_flops_per_row():
    """Forward multiply-adds x 2 flops, backward about twice the forward."""
    widths = [N_FEATURES, *HIDDEN, N_CLASSES]
    macs = sum(a * b for a, b in zip(widths[:-1], widths[1:]))
    return 3 * 2 * macs


def throughput_ratios(smoke=False):
    """Rows per second of each trainer and its ratio to the plain loop, as a DataFrame.

    ``smoke`` runs 5,000 rows for one round: it checks the code, not the speed.
    """
    n_rows, rounds = (5_000, 1) if smoke else (N_ROWS, ROUNDS)
    X, y, logits = make_data(n_rows)
    small = slice(0, 5000)
    # Warm-up: torch's first fit in a process pays its start-up costs.
    for run in (plain_loop, student_labels, skorch_default):
        run(X[small], y[small], 256, 1)
    for run in (plain_loop_kd, student_kd):
        run(X[small], y[small], 256, 1, logits[small])

    rows = []
    for batch_size in (256, 1024):
        timings = best_times_in_turn({
            "plain torch loop": lambda: plain_loop(X, y, batch_size, EPOCHS),
            "plain torch loop (KD loss)": lambda: plain_loop_kd(X, y, batch_size, EPOCHS,
                                                                logits),
            "MLPStudentClassifier (labels)": lambda: student_labels(X, y, batch_size, EPOCHS),
            "MLPStudentClassifier (KD loss)": lambda: student_kd(X, y, batch_size, EPOCHS,
                                                                 logits),
            "skorch defaults": lambda: skorch_default(X, y, batch_size, EPOCHS),
        }, rounds)
        for name, seconds in timings.items():
            plain = timings["plain torch loop" + (" (KD loss)" if "KD" in name else "")]
            rows_per_second = n_rows * EPOCHS / seconds
            rows.append({
                "batch_size": batch_size,
                "trainer": name,
                "seconds_per_epoch": seconds / EPOCHS,
                "rows_per_second": rows_per_second,
                "ratio_to_plain_loop": plain / seconds,
                "model_gflops": rows_per_second * training_flops_per_row() / 1e9,
            })
    table = pd.DataFrame(rows)
    table["matmul_gflops"] = matmul_gflops()
    table["torch_threads"] = torch.get_num_threads()
    return table


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=None, help="torch threads")
    threads = parser.parse_args().threads
    if threads:
        pin_threads(threads)
    table = throughput_ratios()
    os.makedirs(RESULTS, exist_ok=True)
    name = f"neural_throughput_{torch.get_num_threads()}threads.csv"
    table.to_csv(os.path.join(RESULTS, name), index=False)
    print(f"torch threads: {torch.get_num_threads()}; float32 2048x2048 matmul: "
          f"{table['matmul_gflops'].iloc[0]:.1f} GFLOP/s\n")
    print(table.drop(columns=["matmul_gflops", "torch_threads"]).to_markdown(
        index=False, floatfmt=".3g"))


if __name__ == "__main__":
    main()
