"""A fitted tree as rules over the columns of X, the way a reviewer reads them.

A tree splits on the columns its Pipeline hands it: ordinal codes, one-hot
indicators, scaled values. Each of those columns is traced back through the
steps before the tree (ColumnTransformer, OrdinalEncoder, OneHotEncoder,
scalers, SimpleImputer, MissingIndicator) to the column of X it comes from, so
that a split reads as a condition on the data as the user has it — category
names instead of codes, thresholds in the original units — and says where
missing (and, for categories, unseen) values go. Every condition renders as
text and as SQL.
"""

import math
from dataclasses import dataclass, field, replace

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.impute import MissingIndicator, SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    MaxAbsScaler,
    MinMaxScaler,
    OneHotEncoder,
    OrdinalEncoder,
    RobustScaler,
    StandardScaler,
)

from ._conditions import Categories, Missing, Untraced, threshold_sides

# A value no fitted category equals, to ask an encoder where unseen values go.
_UNSEEN = "\x00skdistill-unseen\x00"


# ----------------------------------------------------------------------------
# What each column the tree sees holds, traced back through the Pipeline.


@dataclass(frozen=True)
class _Traced:
    """What one column the tree sees holds: ``(h - offset) / scale`` of a function ``h`` of X."""

    offset: float = field(default=0.0, kw_only=True)
    scale: float = field(default=1.0, kw_only=True)

    def rescaled(self, offset, scale):
        """The same column after a scaler's ``(x - offset) / scale``."""
        return replace(self, offset=self.offset + offset * self.scale, scale=self.scale * scale)


@dataclass(frozen=True)
class _Value(_Traced):
    """``(x - offset) / scale`` of the column; NaN replaced by ``fill`` (current units)."""

    column: str
    fill: object = None

    def rescaled(self, offset, scale):
        fill = None if self.fill is None else (self.fill - offset) / scale
        return replace(super().rescaled(offset, scale), fill=fill)

    def sides(self, threshold, missing_left):
        if self.fill is not None:
            missing_left = bool(self.fill <= threshold)
        return threshold_sides(self.column, threshold * self.scale + self.offset, missing_left)


@dataclass(frozen=True)
class _Codes(_Traced):
    """OrdinalEncoder codes of the column; None for a value the encoder refuses."""

    column: str
    categories: tuple
    codes: tuple
    missing_code: object
    unseen_code: object

    def sides(self, threshold, missing_left):
        threshold = threshold * self.scale + self.offset

        def goes_left(code):
            if code is None:
                return None
            return missing_left if np.isnan(code) else bool(code <= threshold)

        left = tuple(c for c, code in zip(self.categories, self.codes) if goes_left(code))
        right = tuple(c for c in self.categories if c not in left)
        missing, unseen = goes_left(self.missing_code), goes_left(self.unseen_code)
        return (Categories(self.column, left, right, missing is True, unseen is True),
                Categories(self.column, right, left, missing is False, unseen is False))


@dataclass(frozen=True)
class _Indicator(_Traced):
    """1 where the column holds one of ``lit`` (a one-hot column), else 0.

    ``missing`` / ``unseen``: whether NaN / a value unseen at fit lights it
    (None: the encoder refuses it).
    """

    column: str
    lit: tuple
    others: tuple
    missing: object
    unseen: object

    def sides(self, threshold, missing_left):
        # Any split of a (rescaled) 0/1 column separates the 0s from the 1s.
        return (Categories(self.column, self.others, self.lit, self.missing is False,
                           self.unseen is False),
                Categories(self.column, self.lit, self.others, self.missing is True,
                           self.unseen is True))


@dataclass(frozen=True)
class _IsMissing(_Traced):
    """1 where the column is missing (MissingIndicator, ``add_indicator``)."""

    column: str

    def sides(self, threshold, missing_left):
        return Missing(self.column, False), Missing(self.column, True)


@dataclass(frozen=True)
class _Opaque(_Traced):
    """A column made by a step the rules do not read (PCA, splines...)."""

    column: str
    step: str

    def sides(self, threshold, missing_left):
        threshold = threshold * self.scale + self.offset
        return (Untraced(self.column, threshold, False, missing_left, self.step),
                Untraced(self.column, threshold, True, not missing_left, self.step))


def column_meanings(student, names):
    """What each column the last step of ``student`` sees holds, in terms of ``names``."""
    meanings = [_Value(str(name)) for name in names]
    for _, step in getattr(student, "steps", [])[:-1]:
        meanings = _trace(step, meanings)
    return meanings


def _trace(step, meanings):
    if step is None or (isinstance(step, str) and step == "passthrough"):
        return meanings
    if isinstance(step, Pipeline):
        for _, inner in step.steps:
            meanings = _trace(inner, meanings)
        return meanings
    if isinstance(step, ColumnTransformer):
        return _trace_column_transformer(step, meanings)
    if isinstance(step, FunctionTransformer) and step.func is None:
        return meanings
    if isinstance(step, (StandardScaler, MinMaxScaler, MaxAbsScaler, RobustScaler)):
        offsets, scales = _affine(step, len(meanings))
        return [m.rescaled(o, s) for m, o, s in zip(meanings, offsets, scales)]
    if isinstance(step, SimpleImputer) and _reads_nan(step, meanings):
        return _trace_imputer(step, meanings)
    if isinstance(step, MissingIndicator) and _reads_nan(step, meanings):
        return [_IsMissing(meanings[i].column) for i in step.features_]
    if isinstance(step, (OrdinalEncoder, OneHotEncoder)) and all(_is_raw(m) for m in meanings):
        return _trace_encoder(step, meanings)
    return _opaque(step, meanings)


def _reads_nan(step, meanings):
    """An imputer or indicator of NaN over plain columns: what the rules can follow."""
    return _is_nan(step.missing_values) and all(isinstance(m, _Value) for m in meanings)


def _is_raw(meaning):
    return isinstance(meaning, _Value) and meaning.offset == 0.0 and meaning.scale == 1.0


def _affine(scaler, n_columns):
    """Per column ``(offset, scale)`` with ``output = (input - offset) / scale``."""
    ones, zeros = np.ones(n_columns), np.zeros(n_columns)
    if isinstance(scaler, StandardScaler):
        mean = zeros if scaler.mean_ is None else scaler.mean_
        return mean, ones if scaler.scale_ is None else scaler.scale_
    if isinstance(scaler, MinMaxScaler):  # output = input * scale_ + min_
        return -scaler.min_ / scaler.scale_, 1.0 / scaler.scale_
    if isinstance(scaler, MaxAbsScaler):
        return zeros, scaler.scale_
    center = zeros if scaler.center_ is None else scaler.center_
    return center, ones if scaler.scale_ is None else scaler.scale_


def _trace_imputer(imputer, meanings):
    statistics = np.asarray(imputer.statistics_, dtype=object)
    kept = [
        i for i, value in enumerate(statistics)
        if imputer.keep_empty_features or imputer.strategy == "constant" or not _is_nan(value)
    ]
    traced = [
        meanings[i] if meanings[i].fill is not None
        else replace(meanings[i], fill=_plain(statistics[i]))
        for i in kept
    ]
    if imputer.add_indicator:
        traced += [_IsMissing(meanings[i].column) for i in imputer.indicator_.features_]
    return traced


def _trace_column_transformer(transformer, meanings):
    positions = {str(name): i for i, name in enumerate(
        getattr(transformer, "feature_names_in_", range(len(meanings))))}
    traced = [None] * sum(
        s.stop - s.start for s in transformer.output_indices_.values())
    for name, step, columns in transformer.transformers_:
        out = transformer.output_indices_[name]
        if out.stop == out.start:
            continue
        selected = [meanings[i] for i in _column_positions(columns, positions, len(meanings))]
        inner = _trace(step, selected)
        if len(inner) != out.stop - out.start:
            inner = _opaque(step, selected, out.stop - out.start)
        traced[out] = inner
    return traced


def _column_positions(columns, positions, n_columns):
    if isinstance(columns, slice):
        return list(range(n_columns))[columns]
    columns = [columns] if np.isscalar(columns) else list(columns)
    if columns and isinstance(columns[0], (bool, np.bool_)):
        return [i for i, keep in enumerate(columns) if keep]
    return [int(c) if isinstance(c, (int, np.integer)) else positions[str(c)] for c in columns]


def _opaque(step, meanings, n_outputs=None):
    try:
        names = [str(n) for n in step.get_feature_names_out()]
    except (AttributeError, ValueError, TypeError):
        names = [f"{type(step).__name__}_{i}" for i in range(n_outputs or len(meanings))]
    return [_Opaque(name, type(step).__name__) for name in names]


def _trace_encoder(encoder, meanings):
    traced = []
    for i, meaning in enumerate(meanings):
        probe = _Probe(encoder, i, meaning.fill)
        if isinstance(encoder, OrdinalEncoder):
            traced.append(_Codes(meaning.column, probe.categories,
                                 tuple(float(c[0]) for c in probe.known),
                                 _first(probe.missing), _first(probe.unseen)))
        else:
            traced.extend(_indicators(meaning.column, probe))
    return traced


def _first(row):
    return None if row is None else float(row[0])


def _indicators(column, probe):
    """One ``_Indicator`` per one-hot column of the probed feature."""
    indicators = []
    for j in range(probe.known.shape[1]):
        lit = tuple(c for c, row in zip(probe.categories, probe.known) if row[j] == 1)
        others = tuple(c for c in probe.categories if c not in lit)
        indicators.append(_Indicator(
            column, lit, others,
            None if probe.missing is None else bool(probe.missing[j] == 1),
            None if probe.unseen is None else bool(probe.unseen[j] == 1),
        ))
    return indicators


class _Probe:
    """What a fitted encoder outputs for each category of feature ``i``, NaN and unseen.

    Asking the encoder itself covers every option it has (infrequent
    categories, ``drop``, ``handle_unknown``, encoded values for missing and
    unknown) without reading its private state. ``known`` holds the output
    block of feature ``i`` for each known category; ``missing`` / ``unseen``
    the block for NaN (or the imputer's ``fill``) and for an unseen value, or
    None where the encoder refuses them.
    """

    def __init__(self, encoder, i, fill):
        self.encoder, self.i = encoder, i
        categories = [_plain(c) for c in encoder.categories_[i]]
        self.categories = tuple(c for c in categories if not _is_nan(c) and c != fill)
        self.block = self._block()
        self.known = self._outputs(list(self.categories))
        self.missing = self._single(np.nan if fill is None else fill)
        self.unseen = self._single(self._unseen_value())

    def _block(self):
        if isinstance(self.encoder, OrdinalEncoder):
            return slice(self.i, self.i + 1)
        sizes = [_one_hot_width(self.encoder, k) for k in range(len(self.encoder.categories_))]
        start = sum(sizes[: self.i])
        return slice(start, start + sizes[self.i])

    def _outputs(self, values):
        n_features = len(self.encoder.categories_)
        rows = np.empty((len(values), n_features), dtype=object)
        for k in range(n_features):
            rows[:, k] = _plain(self.encoder.categories_[k][0])
        rows[:, self.i] = values
        names = getattr(self.encoder, "feature_names_in_", None)
        if names is not None:
            import pandas as pd  # the encoder was fitted on a DataFrame

            rows = pd.DataFrame(rows, columns=names)
        out = self.encoder.transform(rows)
        out = out.toarray() if hasattr(out, "toarray") else np.asarray(out)
        return out[:, self.block].astype(np.float64)

    def _single(self, value):
        try:
            return self._outputs([value])[0]
        except ValueError:  # handle_unknown="error", or NaN unseen at fit
            return None

    def _unseen_value(self):
        if all(isinstance(c, str) for c in self.categories):
            return _UNSEEN
        numbers = [c for c in self.categories if isinstance(c, (int, float))]
        return max(numbers, default=0) + 1


def _one_hot_width(encoder, k):
    """How many columns the OneHotEncoder writes for feature ``k``."""
    width = len(encoder.categories_[k])
    infrequent = getattr(encoder, "infrequent_categories_", None)
    if infrequent is not None and infrequent[k] is not None:
        width -= len(infrequent[k]) - 1
    if encoder.drop_idx_ is not None and encoder.drop_idx_[k] is not None:
        width -= 1
    return width


def _plain(value):
    """numpy scalars as Python values, so categories print and compare plainly."""
    return value.item() if isinstance(value, np.generic) else value


def _is_nan(value):
    return value is None or (isinstance(value, float) and math.isnan(value))


# ----------------------------------------------------------------------------
# Trees of conditions.


@dataclass
class Node:
    """A node of a tree of conditions: a leaf when ``left`` is None."""

    node: int
    left_condition: object = None
    right_condition: object = None
    left: "Node" = None
    right: "Node" = None
    # A leaf's prediction (probabilities at T = 1, a value or a margin) and
    # its share of the training rows, set by the reader of the model.
    output: object = field(default=None, repr=False)
    share: float = None

    @property
    def is_leaf(self):
        return self.left is None


def sklearn_tree(tree, meanings):
    """The root ``Node`` of a fitted sklearn ``tree_``, its splits in the data's terms."""

    def build(node):
        left, right = tree.children_left[node], tree.children_right[node]
        if left == right:
            return Node(int(node))
        meaning = meanings[tree.feature[node]]
        conditions = meaning.sides(float(tree.threshold[node]),
                                   bool(tree.missing_go_to_left[node]))
        return Node(int(node), *conditions, build(left), build(right))

    return build(0)


def leaf_paths(root):
    """``(leaf, conditions on the way to it)`` for every leaf, left first."""
    paths = []

    def visit(node, conditions):
        if node.is_leaf:
            paths.append((node, conditions))
            return
        visit(node.left, conditions + [node.left_condition])
        visit(node.right, conditions + [node.right_condition])

    visit(root, [])
    return paths
