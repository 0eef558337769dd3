"""Sphinx configuration: numpydoc API pages, a sphinx-gallery of examples, pydata theme."""

import os
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from docutils import nodes
from docutils.utils import get_source_line
from sphinx.util import logging

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MPLBACKEND", "Agg")

import skdistill  # noqa: E402

logger = logging.getLogger(__name__)

project = "skdistill"
author = "the skdistill developers"
copyright = "2026, the skdistill developers"
release = skdistill.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    # MathJax copied into the built pages, so formulas render without a network.
    "sphinx-mathjax-offline",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

autosummary_generate = True
templates_path = ["_templates"]
# Every public method, the inherited scikit-learn ones included, as on scikit-learn's pages.
autodoc_default_options = {"members": True, "inherited-members": True}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# Parameter and return types link to their documentation.
numpydoc_xref_param_type = True
# numpydoc's defaults already link ndarray, RandomState, array-like and Python's types.
numpydoc_xref_aliases = {
    "DataFrame": "pandas.DataFrame",
    "sparse matrix": "scipy.sparse.spmatrix",
    "Axes": "matplotlib.axes.Axes",
    "Figure": "matplotlib.figure.Figure",
    "Pipeline": "sklearn.pipeline.Pipeline",
    "estimator": ":term:`sklearn:estimator`",
    "estimators": ":term:`estimators <sklearn:estimator>`",
    "classifier": ":term:`sklearn:classifier`",
    "skorch.NeuralNet": "skorch.net.NeuralNet",
    "DistilledClassifier": "skdistill.DistilledClassifier",
    "DistilledRegressor": "skdistill.DistilledRegressor",
}
# Words of numpydoc's type grammar that name no object.
numpydoc_xref_ignore = {
    "of", "or", "and", "shape", "default", "optional", "sparse", "matrix", "like", "see",
    "n_samples", "n_features", "n_classes", "n_outputs", "n_rows", "n_columns", "n_unlabeled",
    "object", "instance", "keyword", "arguments", "positive", "non-negative", "fitted",
    "distillers", "optimizer", "class", "ignored",
}

sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"demo\.py",
    "download_all_examples": False,
    # "Examples using this" on each API page: which example uses which skdistill name.
    "doc_module": ("skdistill",),
    "backreferences_dir": "generated",
    "abort_on_example_error": True,
}

# The projects whose names the docs and docstrings cite. Each inventory is fetched
# here, before Sphinx starts; one that cannot be reached (no network, as on CI) is
# left out, so its names stay plain text instead of failing a ``-W`` build with
# "failed to reach any of the inventories".
INVENTORIES = {
    "python": "https://docs.python.org/3/",
    "numpy": "https://numpy.org/doc/stable/",
    "scipy": "https://docs.scipy.org/doc/scipy/",
    "sklearn": "https://scikit-learn.org/stable/",
    "pandas": "https://pandas.pydata.org/docs/",
    "joblib": "https://joblib.readthedocs.io/en/stable/",
    "matplotlib": "https://matplotlib.org/stable/",
    "torch": "https://docs.pytorch.org/docs/stable/",
    "skorch": "https://skorch.readthedocs.io/en/stable/",
    "lightgbm": "https://lightgbm.readthedocs.io/en/stable/",
    "dask": "https://docs.dask.org/en/stable/",
    "distributed": "https://distributed.dask.org/en/stable/",
    "onnx": "https://onnx.ai/onnx/",
}
INVENTORY_DIR = Path(__file__).resolve().parent / "_build" / "inventories"


def _fetch_inventory(name, url, timeout=10):
    """The local path of ``name``'s objects.inv, downloaded now; None when unreachable."""
    path = INVENTORY_DIR / f"{name}.inv"
    try:
        with urllib.request.urlopen(url + "objects.inv", timeout=timeout) as response:
            data = response.read()
    except (OSError, ValueError):
        return None
    # Sphinx reads a local copy as given: it cannot fail later for want of network.
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _fetch_inventories(inventories):
    """``{name: local path or None}``, fetched in parallel."""
    with ThreadPoolExecutor(max_workers=len(inventories)) as pool:
        return dict(zip(inventories, pool.map(_fetch_inventory, inventories,
                                              inventories.values())))


_INVENTORY_PATHS = _fetch_inventories(INVENTORIES)
UNREACHABLE = {name for name, path in _INVENTORY_PATHS.items() if path is None}
if UNREACHABLE:
    logger.info("intersphinx: no inventory reached for %s; their names are not linked",
                ", ".join(sorted(UNREACHABLE)))
intersphinx_mapping = {name: (INVENTORIES[name], str(path))
                       for name, path in _INVENTORY_PATHS.items() if path is not None}

source_suffix = {".rst": "restructuredtext"}
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py"]
suppress_warnings = ["config.cache"]
html_theme = "pydata_sphinx_theme"
html_title = "skdistill"
html_theme_options = {"navigation_with_keys": False}


def _unlinked_reference_as_text(app, env, node, contnode):
    """A reference that only an unreachable inventory resolves, shown as text.

    Two kinds exist: a target named with its project (numpydoc's ``bool`` is
    ``python:bltin-boolean-values``), and the labels of scikit-learn's guide cited by
    the docstrings skdistill inherits from it (``score``, ``set_params``,
    ``set_fit_request``...). With network they are links (this runs after
    intersphinx); without it they are text rather than a failed build. Any other
    unresolved reference still warns.
    """
    project = node.get("reftarget", "").partition(":")[0]
    if project in UNREACHABLE:
        return _without_prefix(contnode, f"{project}:")
    if "sklearn" in UNREACHABLE and _from_sklearn(get_source_line(node)[0] or ""):
        return contnode
    return None


def _without_prefix(contnode, prefix):
    """``python:int`` shown as ``int``, as intersphinx shows it when it links."""
    text = contnode.astext()
    if not text.startswith(prefix):
        return contnode
    shown = contnode.deepcopy()
    shown.clear()
    shown += nodes.Text(text.removeprefix(prefix))
    return shown


def _from_sklearn(source):
    return "docstring of sklearn." in source or f"{os.sep}sklearn{os.sep}" in source


def setup(app):
    app.connect("missing-reference", _unlinked_reference_as_text, priority=900)
