"""A LightGBM student's trees as rules over X's columns, from ``booster_.dump_model()``.

Each tree becomes a tree of ``_rules`` conditions: numeric splits with
LightGBM's missing-value handling (``missing_type`` NaN: the default
direction; None: NaN counts as 0), categorical splits with the category names
of the pandas columns the booster was fitted on (codes otherwise). Leaves
carry their additive margin.
"""

import math

from ._conditions import Categories
from ._rules import Node, _Codes, _Value


def booster_trees(model, meanings, margin_scale=1.0):
    """``(tree_index, class_index, root)`` per tree of a fitted LightGBM model.

    Leaves carry ``output``, their margin times ``margin_scale``, and
    ``share``, their share of the training rows.
    """
    dump = model.booster_.dump_model()
    meanings = _with_pandas_categories(dump, meanings)
    per_iteration = dump["num_tree_per_iteration"]
    average = len(dump["tree_info"]) // per_iteration if dump.get("average_output") else 1
    trees = []
    for info in dump["tree_info"]:
        structure = info["tree_structure"]
        total = structure.get("internal_count", structure.get("leaf_count"))
        root = _node(structure, meanings, total, margin_scale / average)
        trees.append((info["tree_index"], info["tree_index"] % per_iteration, root))
    return trees


def _with_pandas_categories(dump, meanings):
    """Columns LightGBM took as pandas categoricals read as codes of their categories."""
    infos = dump.get("feature_infos") or {}
    # Numeric features list no values; categorical ones list their codes.
    categorical = [i for i, name in enumerate(dump["feature_names"])
                   if infos.get(name, {}).get("values")]
    categories = dump.get("pandas_categorical") or []
    if len(categories) != len(categorical):
        return meanings  # integer categorical columns: their codes are the values
    meanings = list(meanings)
    for i, names in zip(categorical, categories):
        if isinstance(meanings[i], _Value):
            names = tuple(names)
            meanings[i] = _Codes(meanings[i].column, names, tuple(map(float, range(len(names)))),
                                 math.nan, math.nan)
    return meanings


def _node(structure, meanings, total, scale):
    if "split_index" not in structure:
        if "leaf_coeff" in structure:
            raise ValueError(
                "The LightGBM student has linear models in its leaves (linear_tree=True), "
                "which rules with one value per leaf cannot write. Fit it with "
                "linear_tree=False to read it as rules."
            )
        leaf = Node(int(structure.get("leaf_index", 0)))
        leaf.output = scale * float(structure["leaf_value"])
        leaf.share = structure.get("leaf_count", total) / total
        return leaf
    meaning = meanings[structure["split_feature"]]
    if structure["decision_type"] == "==":
        codes = {int(code) for code in str(structure["threshold"]).split("||")}
        conditions = _category_sides(meaning, codes)
    else:
        conditions = meaning.sides(float(structure["threshold"]), _missing_left(structure))
    return Node(-1 - int(structure["split_index"]), *conditions,
                _node(structure["left_child"], meanings, total, scale),
                _node(structure["right_child"], meanings, total, scale))


def _missing_left(structure):
    missing_type = structure.get("missing_type", "None")
    if missing_type == "NaN":
        return bool(structure["default_left"])
    if missing_type == "None":  # LightGBM reads NaN as 0 here
        return 0.0 <= float(structure["threshold"])
    raise ValueError(
        "The LightGBM student treats zeros as missing (zero_as_missing=True): a split then "
        "sends 0 and NaN one way and other values by the threshold, which the rules do not "
        "write. Fit the student with zero_as_missing=False to read it as rules."
    )


def _category_sides(meaning, codes):
    """A categorical split: the codes in ``codes`` go left; NaN and the rest go right."""
    if isinstance(meaning, _Codes):
        left = tuple(c for c, code in zip(meaning.categories, meaning.codes)
                     if not math.isnan(code) and int(code) in codes)
        right = tuple(c for c in meaning.categories if c not in left)
        missing_left = _code_in(meaning.missing_code, codes)
        unseen_left = _code_in(meaning.unseen_code, codes)
        return (Categories(meaning.column, left, right, missing_left, unseen_left),
                Categories(meaning.column, right, left, not missing_left, not unseen_left))
    # An integer column taken as categorical: its values are the codes.
    values = tuple(sorted(codes))
    return (Categories(meaning.column, values, ()),
            Categories(meaning.column, (), values, missing=True, unseen=True))


def _code_in(code, codes):
    return code is not None and not math.isnan(code) and int(code) in codes
