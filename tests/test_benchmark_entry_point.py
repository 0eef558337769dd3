"""The benchmark entry point runs end to end at smoke size, so it never rots."""

import pytest

pytest.importorskip("lightgbm")
pytest.importorskip("tabulate")


def test_smoke_benchmark_writes_results(tmp_path):
    from benchmarks.__main__ import main

    frame = main([
        "--smoke", "--datasets", "breast_cancer,diabetes", "--teachers", "lgbm",
        "--students", "tree4,lgbm50x15", "--results", str(tmp_path),
        "--docs", str(tmp_path / "docs"),
    ])
    assert (tmp_path / "panel_smoke.csv").exists()
    report = (tmp_path / "results_smoke.md").read_text()
    assert "teacher evaluations: **4**" in report
    assert "throughput against a plain torch loop" in report
    distilled = frame[frame["mode"] == "distilled"]
    assert len(distilled) == 4
    assert distilled["fidelity"].between(-1, 1).all()
    assert (distilled["size_ratio"] > 0).all()
    regression = frame[frame["dataset"] == "diabetes"]
    assert set(regression["mode"]) >= {"labels", "distilled", "imodels"}
    assert (tmp_path / "docs" / "fidelity_smoke_diabetes.png").stat().st_size > 0
    include = (tmp_path / "docs" / "panel_smoke.inc").read_text()
    assert ":file: panel_smoke.csv" in include

    # A panel run in parts renders as one: later parts replace the same rows.
    first = tmp_path / "panel_smoke.csv"
    second = tmp_path / "part2.csv"
    rerun = frame[frame["student"] == "tree4"].assign(quality=0.5)
    rerun.to_csv(second, index=False)
    merged = main(["--smoke", "--render", str(first), str(second), "--results",
                   str(tmp_path / "merged"), "--docs", str(tmp_path / "merged_docs")])
    assert len(merged) == len(frame)
    assert (merged.loc[merged["student"] == "tree4", "quality"] == 0.5).all()
    assert (tmp_path / "merged_docs" / "panel_smoke.inc").exists()
