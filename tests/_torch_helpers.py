"""Small torch modules and skorch nets that the neural test files share.

Import it after ``pytest.importorskip("torch")`` and ``pytest.importorskip("skorch")``:
it imports both.
"""

import skorch
import torch

# Nets this small train in a blink: the tests check what is wired, not how well it learns.
TINY = dict(hidden_layer_sizes=(8,), max_epochs=4, batch_size=64)


class ProbabilityModule(torch.nn.Module):
    """A linear layer then a softmax: a module that outputs probabilities (for NLLLoss)."""

    def __init__(self, n_features=6, n_classes=3):
        super().__init__()
        self.linear = torch.nn.Linear(n_features, n_classes)

    def forward(self, X):
        return torch.softmax(self.linear(X), dim=-1)


def logit_module(n_features=6, n_classes=3):
    """A hidden layer of 8: a module that outputs logits (for CrossEntropyLoss)."""
    return torch.nn.Sequential(torch.nn.Linear(n_features, 8), torch.nn.ReLU(),
                               torch.nn.Linear(8, n_classes))


def skorch_classifier(module, criterion, **params):
    """A skorch classifier of three silent epochs on every row, unless ``params`` say otherwise."""
    params = {"max_epochs": 3, "lr": 0.1, "train_split": None, "verbose": 0, **params}
    return skorch.NeuralNetClassifier(module, criterion=criterion, **params)
