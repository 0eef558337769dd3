"""The "auto" table chosen from ``bench_defaults``' cells, leave one dataset out.

Reads ``benchmarks/results/defaults.csv`` and writes:

- ``benchmarks/results/defaults_table.csv``: per estimator, student family
  and teacher situation, the chosen option, its values and its evidence;
- ``benchmarks/results/defaults_auto.json``: the same as rules (family,
  capacity range, values) for the library's ``"auto"`` parameters;
- ``docs/results/defaults_table.csv``: the table as the docs show it;
- ``docs/results/defaults_gains_<kind>.csv``: gain over the labels per family
  (mean, wins/ties/losses, worst) of the old defaults, the LODO auto choice
  and each option, with fit-time ratios; ``docs/results/defaults_calibration.csv``
  (students at T = 1, 2, 4 against their label-fit twins and the teacher;
  tree students before and after the leaf fix);
  ``docs/results/defaults_active.csv`` (active sampling against MUNGE).

Gains are test points (accuracy x 100, R² x 100) over the same student fit on
the labels, averaged over seeds for each (dataset, teacher) pair. A pair is a
tie when its gain is within ``TIE`` points of zero.

Choosing an entry: on the datasets it may look at, each candidate option's
mean gain over their pairs; among the options within ``TOLERANCE`` points of
the best, the one with the smallest median fit-time ratio to the old
defaults (so where nothing helps, the cheapest setting that does not hurt:
``a0``, alpha = 0, which is the label-fit student and skips the teacher
pass). Leave one dataset out: each dataset's held-out gain is that of the
option chosen on the other datasets; the table's entry is the
option chosen on all of them, unless that procedure's held-out gain is
within a tie of zero or below: the choice then did not hold up out of
sample, and the entry falls back to ``a0``, which cannot hurt.

Teacher situations (which options are candidates, on which pairs):

- ``prefit``: a fitted teacher: alpha, temperature, transfer sets, per-row
  temperature and confidence weights; both teachers;
  out-of-bag outputs are not a default candidate for a fitted teacher: they
  are right only on the rows it was fitted on, which a distiller cannot
  verify (a user asks for them with ``cv="oob"``);
- ``in_fit``: the teacher is fitted inside ``fit``: the above and out-of-fold
  outputs (their cost ratio then counts the teacher's fit on both sides);
  both teachers;
- ``in_fit_bagged``: out-of-bag and out-of-fold outputs both candidates; the
  forest pairs. Its entry stands only where it takes out-of-bag outputs;
  otherwise it is the ``in_fit`` entry, chosen on twice the pairs.

Run from the repository root: ``python -m benchmarks.defaults_report [--results CSV]``.
"""

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

from .bench_defaults import OPTIONS, RESULTS, TREE_DEPTHS

ROOT = Path(__file__).resolve().parent.parent
TIE = 0.1
TOLERANCE = TIE  # options within a tie of the best count as equally good
SITUATIONS = {
    "prefit": ({None}, ["lgbm", "forest"], False),
    "in_fit": ({None, "oof"}, ["lgbm", "forest"], True),
    "in_fit_bagged": ({None, "oob", "oof"}, ["forest"], True),
}
CAPACITY = {
    "tree4": {"param": "max_depth", "min": None, "max": 4, "measured": 4},
    "tree6": {"param": "max_depth", "min": 5, "max": 6, "measured": 6},
    "tree8": {"param": "max_depth", "min": 7, "max": None, "measured": 8},
    "booster": {"param": "n_estimators x num_leaves", "min": None, "max": None,
                "measured": "50 x 15"},
    "linear": {"param": None, "min": None, "max": None,
               "measured": "LogisticRegression / Ridge after one-hot and scaling"},
    "mlp": {"param": "hidden_layer_sizes", "min": None, "max": None,
            "measured": "make_mlp_student defaults (two layers of 64 to 256)"},
}
# Students of other families (forests, other boosters, kNN...) were not measured.
UNMEASURED = {"alpha": 0.5, "temperature": 1.0, "augment": None, "augment_size": None,
              "transfer_weight": 1.0, "cv": None, "oob": False}
FAMILY = {"tree4": "tree", "tree6": "tree", "tree8": "tree", "booster": "lightgbm",
          "linear": "linear", "mlp": "mlp"}


def cells(path):
    """Distilled cells with their gain over labels and fit-time ratios to the old defaults."""
    frame = pd.read_csv(path)
    frame["kind"] = np.where(frame["task"] == "regression", "regression", "classification")
    frame["cost"] = frame[["fit_seconds", "teacher_seconds", "honest_seconds",
                           "draw_seconds"]].fillna(0).sum(axis=1)
    pair = ["dataset", "seed", "teacher", "student"]
    labels = frame[frame.option == "labels"].set_index(pair)
    old = frame[frame.option == "old"].set_index(pair)
    # alpha = 0 distils into the label-fit student and skips the teacher pass:
    # its cells are the labels' cells, costing the student's fit alone.
    zero = frame[frame.option == "labels"].assign(option="a0", teacher_seconds=0.0,
                                                   honest_seconds=0.0, draw_seconds=0.0)
    zero["teacher_fit_seconds"] = old.loc[pd.MultiIndex.from_frame(zero[pair]),
                                          "teacher_fit_seconds"].to_numpy()
    zero["cost"] = zero["fit_seconds"].fillna(0)
    distilled = pd.concat([frame[~frame.option.isin(["labels", "teacher"])], zero],
                          ignore_index=True)
    keys = pd.MultiIndex.from_frame(distilled[pair])
    distilled["gain"] = distilled["points"].to_numpy() - labels.loc[keys, "points"].to_numpy()
    old_cost = old.loc[keys, "cost"].to_numpy()
    distilled["ratio"] = distilled["cost"].to_numpy() / old_cost
    fit = distilled["teacher_fit_seconds"].to_numpy()
    distilled["ratio_in_fit"] = (distilled["cost"].to_numpy() + fit) / (old_cost + fit)
    return distilled


def pair_gains(distilled):
    """Gain per (kind, student, option, dataset, teacher), averaged over seeds."""
    return (distilled.groupby(["kind", "student", "option", "dataset", "teacher"])
            [["gain", "ratio", "ratio_in_fit"]].mean().reset_index())


def summary(gains):
    """Mean, wins/ties/losses and worst gain over pairs, with the median fit-time ratio."""
    return {
        "mean": gains["gain"].mean(),
        "wins": int((gains["gain"] > TIE).sum()),
        "ties": int((gains["gain"].abs() <= TIE).sum()),
        "losses": int((gains["gain"] < -TIE).sum()),
        "worst": gains["gain"].min(),
        "pairs": len(gains),
        "ratio": gains["ratio"].median(),
        "ratio_in_fit": gains["ratio_in_fit"].median(),
    }


def candidates(pairs, situation):
    honest, teacher_names, _ = SITUATIONS[situation]
    allowed = [name for name, option in OPTIONS.items()
               if option.honest in honest and not option.active]
    return pairs[pairs.option.isin(allowed) & pairs.teacher.isin(teacher_names)]


def choose(pool, in_fit):
    """The option to default to on ``pool``'s pairs (see the module docstring)."""
    ratio = "ratio_in_fit" if in_fit else "ratio"
    # Only options measured on every pair of the pool compete.
    counts = pool.groupby("option").size()
    complete = pool[pool.option.isin(counts[counts == counts.max()].index)]
    scores = complete.groupby("option").agg(mean=("gain", "mean"), ratio=(ratio, "median"))
    near_best = scores[scores["mean"] >= scores["mean"].max() - TOLERANCE]
    order = {name: i for i, name in enumerate(OPTIONS)}
    return min(near_best.index, key=lambda name: (near_best.loc[name, "ratio"], order[name]))


def leave_one_dataset_out(pool, in_fit):
    """Per held-out dataset: the option chosen on the others and its gain on each pair."""
    held_out = []
    for dataset in sorted(pool.dataset.unique()):
        chosen = choose(pool[pool.dataset != dataset], in_fit)
        rows = pool[(pool.dataset == dataset) & (pool.option == chosen)]
        held_out.append(rows.assign(chosen=chosen))
    return pd.concat(held_out, ignore_index=True)


def table(pairs):
    """One entry per (kind, student, situation): the choice, its values and its evidence."""
    entries = []
    for (kind, student), part in pairs.groupby(["kind", "student"]):
        for situation, (_, _, in_fit) in SITUATIONS.items():
            pool = candidates(part, situation)
            if pool.empty or pool.dataset.nunique() < 2:
                continue
            chosen = choose(pool, in_fit)
            lodo = leave_one_dataset_out(pool, in_fit)
            held = summary(lodo)
            procedure = held["mean"]
            if procedure <= TIE:
                chosen = "a0"
            if chosen == "a0":  # the label-fit student: its gain is 0 on every held-out pair
                lodo = pool[pool.option == "a0"].assign(chosen="a0")
                held = summary(lodo)
            old = summary(pool[pool.option == "old"])
            full = summary(pool[pool.option == chosen])
            entries.append({
                "kind": kind, "student": student, "situation": situation, "option": chosen,
                **option_values(chosen),
                "lodo_mean": held["mean"], "lodo_wins": held["wins"],
                "lodo_ties": held["ties"], "lodo_losses": held["losses"],
                "lodo_worst": held["worst"],
                "lodo_choices": "/".join(sorted(set(lodo.chosen))),
                "procedure_lodo_mean": procedure,
                "chosen_mean": full["mean"], "old_mean": old["mean"], "pairs": held["pairs"],
                "fit_ratio": full["ratio_in_fit" if in_fit else "ratio"],
            })
    return _bagged_only_where_out_of_bag(pd.DataFrame(entries))


def _bagged_only_where_out_of_bag(entries):
    """``in_fit_bagged`` entries that take no out-of-bag outputs become the ``in_fit`` ones."""
    rows = []
    for entry in entries.to_dict("records"):
        if entry["situation"] == "in_fit_bagged" and entry["honest"] != "oob":
            general = entries[(entries.kind == entry["kind"])
                              & (entries.student == entry["student"])
                              & (entries.situation == "in_fit")]
            entry = {**general.iloc[0].to_dict(), "situation": "in_fit_bagged"}
        rows.append(entry)
    return pd.DataFrame(rows)


def option_values(name):
    """The distiller parameters an option stands for."""
    option = OPTIONS[name]
    return {
        "alpha": option.alpha, "temperature": option.temperature,
        "augment": option.transfer, "augment_size": float(option.size) if option.size else None,
        "transfer_weight": option.transfer_weight, "honest": option.honest,
        "cv": 5 if option.honest == "oof" else None,
        "row_temperature": option.row_temperature, "confidence_weights": option.confidence,
    }


def rules(entries):
    """The table as rules the library's ``"auto"`` resolution can be written from."""
    out = []
    for entry in entries.to_dict("records"):
        values = {key: _plain(entry[key]) for key in (
            "alpha", "temperature", "augment", "augment_size", "transfer_weight", "cv",
            "row_temperature", "confidence_weights")}
        values["oob"] = entry["honest"] == "oob"
        if entry["kind"] == "regression":
            values.pop("temperature")
            values.pop("row_temperature")
            values.pop("confidence_weights")
        out.append({
            "estimator": ("DistilledRegressor" if entry["kind"] == "regression"
                          else "DistilledClassifier"),
            "family": FAMILY[entry["student"]], "capacity": CAPACITY[entry["student"]],
            "teacher": entry["situation"], "values": values,
            "evidence": {"option": entry["option"],
                         "lodo_mean_gain_points": round(entry["lodo_mean"], 3),
                         "selection_lodo_gain_points": round(entry["procedure_lodo_mean"], 3),
                         "lodo_wins_ties_losses": [entry["lodo_wins"], entry["lodo_ties"],
                                                   entry["lodo_losses"]],
                         "old_defaults_gain_points": round(entry["old_mean"], 3),
                         "fit_time_ratio": round(entry["fit_ratio"], 2),
                         "pairs": int(entry["pairs"]),
                         "cells": "benchmarks/results/defaults.csv"},
        })
    for estimator in ("DistilledClassifier", "DistilledRegressor"):
        out.append({"estimator": estimator, "family": "other",
                    "capacity": {"param": None, "min": None, "max": None, "measured": None},
                    "teacher": "any", "values": UNMEASURED,
                    "evidence": {"option": None, "note": "not measured: the old defaults"}})
    return out


def docs_table(entries):
    """The table as the docs show it: one line per entry, values and evidence as text."""
    rows = []
    for entry in entries.to_dict("records"):
        option = OPTIONS[entry["option"]]
        values = [f"alpha {option.alpha:g}"]
        if entry["kind"] == "classification":
            values.append(f"T {option.temperature:g}")
        if option.transfer:
            values.append(f"{option.transfer} x{option.size}")
            if option.transfer_weight != 1.0:
                values.append(f"transfer_weight {option.transfer_weight:g}")
        if option.honest:
            values.append("out-of-bag" if option.honest == "oob" else "cv=5")
        if option.row_temperature:
            values.append(f"per-row T around {option.row_temperature:g}")
        if option.confidence:
            values.append("confidence weights")
        rows.append({
            "estimator": entry["kind"], "student": entry["student"],
            "teacher": entry["situation"], "option": entry["option"],
            "values": ", ".join(values),
            "held-out gain (W/T/L, worst)": (
                f"{entry['lodo_mean']:+.2f} ({entry['lodo_wins']:.0f}/{entry['lodo_ties']:.0f}/"
                f"{entry['lodo_losses']:.0f}, {entry['lodo_worst']:+.1f})"),
            "old defaults": f"{entry['old_mean']:+.2f}",
            "fit time": f"x{entry['fit_ratio']:.1f}",
        })
    return pd.DataFrame(rows)


def _plain(value):
    if isinstance(value, float) and np.isnan(value):
        return None
    return value.item() if hasattr(value, "item") else value


def gains_table(pairs, entries, kind):
    """Options x families: "mean (W/T/L)" of each option, the LODO auto rows first."""
    part = pairs[pairs.kind == kind]
    columns = {}
    for student, family_pairs in part.groupby("student", sort=False):
        column = {}
        for situation, (_, _, in_fit) in SITUATIONS.items():
            pool = candidates(family_pairs, situation)
            if pool.empty or pool.dataset.nunique() < 2:
                continue
            entry = entries[(entries.kind == kind) & (entries.student == student)
                            & (entries.situation == situation)].iloc[0]
            column[f"auto ({situation})"] = (
                f"{entry['option']}: {entry['lodo_mean']:+.2f} ({entry['lodo_wins']:.0f}/"
                f"{entry['lodo_ties']:.0f}/{entry['lodo_losses']:.0f}, worst "
                f"{entry['lodo_worst']:+.1f})")
            column[f"selection ({situation}, LODO)"] = _cell(summary(
                leave_one_dataset_out(pool, in_fit)))
        for option, gains in family_pairs.groupby("option", sort=False):
            column[option] = _cell(summary(gains), with_ratio=True)
        columns[student] = column
    frame = pd.DataFrame(columns)
    order = [row for row in frame.index if row.startswith(("auto", "selection"))] + [
        name for name in OPTIONS if name in frame.index]
    return frame.loc[order, [name for name in [*TREE_DEPTHS, "booster", "linear", "mlp"]
                             if name in frame.columns]].fillna("")


def _cell(stats, with_ratio=False):
    text = (f"{stats['mean']:+.2f} ({stats['wins']}/{stats['ties']}/{stats['losses']}, "
            f"worst {stats['worst']:+.1f})")
    return f"{text} x{stats['ratio']:.1f}" if with_ratio else text


def calibration(distilled, frame):
    """Classification students at T = 1, 2, 4: log loss and ECE against labels and teacher.

    Log losses are compared cell by cell as ratios to the label-fit student's
    (datasets differ in scale); tree students also show their leaves at the
    T = 1 targets (``after``).
    """
    cells_ = distilled[distilled.option.isin(["old", "T2", "T4"])
                       & (distilled.kind == "classification")].copy()
    pair = ["dataset", "seed", "teacher", "student"]
    labels = frame[frame.option == "labels"].set_index(pair)
    teacher = frame[frame.option == "teacher"].set_index(["dataset", "seed", "teacher"])
    keys = pd.MultiIndex.from_frame(cells_[pair])
    teacher_keys = pd.MultiIndex.from_frame(cells_[["dataset", "seed", "teacher"]])
    labels_loss = labels.loc[keys, "log_loss"].to_numpy()
    cells_["ratio_before"] = cells_["log_loss"] / labels_loss
    cells_["ratio_after"] = cells_["log_loss_after"] / labels_loss
    cells_["ratio_teacher"] = teacher.loc[teacher_keys, "log_loss"].to_numpy() / labels_loss
    cells_["labels_ece"] = labels.loc[keys, "ece"].to_numpy()
    cells_["teacher_ece"] = teacher.loc[teacher_keys, "ece"].to_numpy()
    cells_["before_no_worse"] = cells_["ratio_before"] <= 1
    cells_["after_no_worse"] = cells_["ratio_after"] <= 1
    cells_["accuracy_change_after"] = 100 * (cells_["accuracy_after"] - cells_["accuracy"])
    out = cells_.groupby(["student", "option"], sort=False).agg(
        cells=("log_loss", "size"),
        log_loss_ratio_before=("ratio_before", "median"),
        log_loss_ratio_after=("ratio_after", "median"),
        log_loss_ratio_teacher=("ratio_teacher", "median"),
        no_worse_before=("before_no_worse", "sum"),
        no_worse_after=("after_no_worse", "sum"),
        ece_labels=("labels_ece", "median"), ece_before=("ece", "median"),
        ece_after=("ece_after", "median"), ece_teacher=("teacher_ece", "median"),
        accuracy_points_after=("accuracy_change_after", "mean"))
    has_after = cells_.groupby(["student", "option"], sort=False)["log_loss_after"].count()
    out.loc[has_after == 0, "no_worse_after"] = np.nan
    out = out.reset_index().rename(columns={"option": "temperature"})
    return out.replace({"temperature": {"old": "1", "T2": "2", "T4": "4"}})


def active_against_munge(distilled):
    """Active sampling against a MUNGE transfer set of the same size, per tree depth."""
    pair = ["dataset", "seed", "teacher", "student"]
    rows = []
    for active, plain in (("active5", "munge5"), ("active20", "munge20")):
        both = distilled[distilled.option == active].merge(
            distilled[distilled.option == plain][[*pair, "points", "fidelity", "cost"]],
            on=pair, suffixes=("", "_plain"))
        for (kind, student), part in both.groupby(["kind", "student"]):
            gain = part["points"] - part["points_plain"]
            rows.append({"kind": kind, "student": student, "active": active,
                         "against": plain, "cells": len(part), "points_mean": gain.mean(),
                         "wins": int((gain > TIE).sum()), "losses": int((gain < -TIE).sum()),
                         "fidelity_points_mean": 100 * (part["fidelity"]
                                                        - part["fidelity_plain"]).mean(),
                         "fit_ratio": (part["cost"] / part["cost_plain"]).median()})
    return pd.DataFrame(rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--out", type=Path, default=RESULTS.parent)
    parser.add_argument("--docs", type=Path, default=ROOT / "docs" / "results")
    args = parser.parse_args(argv)
    frame = pd.read_csv(args.results)
    distilled = cells(args.results)
    frame["kind"] = np.where(frame["task"] == "regression", "regression", "classification")
    pairs = pair_gains(distilled)
    entries = table(pairs)
    entries.round(4).to_csv(args.out / "defaults_table.csv", index=False)
    (args.out / "defaults_auto.json").write_text(json.dumps(rules(entries), indent=1) + "\n")
    args.docs.mkdir(parents=True, exist_ok=True)
    docs_table(entries).to_csv(args.docs / "defaults_table.csv", index=False)
    for kind in ("classification", "regression"):
        gains_table(pairs, entries, kind).to_csv(args.docs / f"defaults_gains_{kind}.csv",
                                                 index_label="option")
    calibration(distilled, frame).round(3).to_csv(args.docs / "defaults_calibration.csv",
                                                  index=False)
    active_against_munge(distilled).round(3).to_csv(args.docs / "defaults_active.csv",
                                                    index=False)
    print(entries.round(2).to_string(index=False))
    return entries


if __name__ == "__main__":
    main()
