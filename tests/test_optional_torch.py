"""torch as an optional extra: skdistill imports without it, and says what to install."""

import subprocess
import sys

import pytest

from skdistill import DistilledClassifier, MLPStudentClassifier


def test_import_skdistill_does_not_import_torch():
    code = "import sys, skdistill; assert 'torch' not in sys.modules and 'skorch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_missing_torch_names_the_extra(monkeypatch):
    from skdistill._torch import torch_nets

    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ImportError, match=r"pip install 'skdistill\[torch\]'"):
        torch_nets()


def test_cuda_without_a_gpu_says_what_to_install(iris):
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("a CUDA GPU is present: the fallback message does not apply")
    pytest.importorskip("skorch")
    X, y = iris
    with pytest.raises(ValueError, match="device='cuda'.*install a CUDA build of torch"):
        MLPStudentClassifier(device="cuda", max_epochs=1).fit(X, y)


def test_trains_on_a_cuda_gpu(iris):
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("no CUDA GPU on this machine")
    pytest.importorskip("skorch")
    X, y = iris
    student = MLPStudentClassifier(device="cuda", max_epochs=20, random_state=0)
    distilled = DistilledClassifier(student=student, random_state=0).fit(X, y)
    assert distilled.score(X, y) > 0.8
