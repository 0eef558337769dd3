"""Test-session settings."""

import importlib.util


def pytest_configure(config):
    # The tiny nets of the tests train faster on one thread, and the test
    # machines are shared: several torch threads spin against each other.
    if importlib.util.find_spec("torch") is not None:
        import torch

        torch.set_num_threads(1)
