"""One side of a tree's split, on a column of X: its text and its SQL.

Intervals of a numeric column, sets of categories (with where NaN and unseen
values go), missing or not, and splits the rules could not trace back to X.
A path's conditions on the same column combine into one (``simplified``).
"""

import math
from dataclasses import dataclass, replace

import numpy as np

def quote_identifier(name):
    """A column name as a quoted SQL identifier (standard SQL: ``"`` doubled)."""
    return '"' + str(name).replace('"', '""') + '"'


def sql_literal(value):
    """A category or number as an SQL literal (strings quoted, ``'`` doubled)."""
    if isinstance(value, (bool, np.bool_)):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    return "'" + str(value).replace("'", "''") + "'"


def _category_text(values):
    return "{" + ", ".join(repr(v) if isinstance(v, str) else str(v) for v in values) + "}"


def _either(parts):
    if not parts:
        return "1 = 0"
    return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


@dataclass(frozen=True)
class Interval:
    """``low < column <= high`` (either bound may be infinite), or missing if ``missing``."""

    column: str
    low: float = -math.inf
    high: float = math.inf
    missing: bool = False

    def text(self, decimals=3):
        low, high = f"{self.low:.{decimals}f}", f"{self.high:.{decimals}f}"
        if self.low == -math.inf and self.high == math.inf:
            return f"{self.column} is not missing" if not self.missing else "any value"
        if self.low == -math.inf:
            text = f"{self.column} <= {high}"
        elif self.high == math.inf:
            text = f"{self.column} > {low}"
        else:
            text = f"{low} < {self.column} <= {high}"
        return text + (" or missing" if self.missing else "")

    def sql(self):
        name = quote_identifier(self.column)
        bounds = []
        if self.low > -math.inf:
            bounds.append(f"{name} > {sql_literal(self.low)}")
        if self.high < math.inf:
            bounds.append(f"{name} <= {sql_literal(self.high)}")
        values = " AND ".join(bounds) if bounds else f"{name} IS NOT NULL"
        if len(bounds) > 1 and self.missing:
            values = f"({values})"
        return _either([values, f"{name} IS NULL"] if self.missing else [values])

    def merged(self, other):
        return Interval(self.column, max(self.low, other.low), min(self.high, other.high),
                        self.missing and other.missing)


@dataclass(frozen=True)
class Categories:
    """The column holds one of ``categories``; ``others`` are the other known ones.

    ``unseen``: values the encoder never saw take this side too; ``missing``:
    so does NaN.
    """

    column: str
    categories: tuple
    others: tuple
    missing: bool = False
    unseen: bool = False

    def text(self, decimals=3):
        parts = []
        # "not in" reads better for a long list, and is exact when unseen
        # values take this side.
        if self.unseen and (not self.categories or len(self.others) < len(self.categories)):
            parts.append(f"{self.column} not in {_category_text(self.others)}"
                         if self.others else f"{self.column} is not missing")
        else:
            if self.categories:
                parts.append(f"{self.column} in {_category_text(self.categories)}")
            if self.unseen:
                parts.append("unseen" if parts else f"{self.column} is unseen")
        if self.missing:
            parts.append("missing" if parts else f"{self.column} is missing")
        return " or ".join(parts) if parts else f"{self.column} is never here"

    def sql(self):
        name = quote_identifier(self.column)
        parts = []
        if self.unseen:
            literals = ", ".join(sql_literal(v) for v in self.others)
            parts.append(f"{name} NOT IN ({literals})" if self.others else f"{name} IS NOT NULL")
        elif self.categories:
            parts.append(f"{name} IN ({', '.join(sql_literal(v) for v in self.categories)})")
        if self.missing:
            parts.append(f"{name} IS NULL")
        return _either(parts)

    def merged(self, other):
        known = _ordered_union(self.categories + self.others, other.categories + other.others)
        categories = tuple(v for v in known if self._holds(v) and other._holds(v))
        return Categories(self.column, categories, tuple(v for v in known if v not in categories),
                          self.missing and other.missing, self.unseen and other.unseen)

    def _holds(self, value):
        if value in self.categories:
            return True
        return self.unseen and value not in self.others


def _ordered_union(first, second):
    seen = list(first)
    return tuple(seen + [v for v in second if v not in seen])


@dataclass(frozen=True)
class Missing:
    """The column is missing (``is_missing``) or not."""

    column: str
    is_missing: bool

    def text(self, decimals=3):
        return f"{self.column} is {'' if self.is_missing else 'not '}missing"

    def merged(self, other):
        return other  # both hold on a reachable path, so they agree

    def sql(self):
        return f"{quote_identifier(self.column)} IS {'' if self.is_missing else 'NOT '}NULL"


@dataclass(frozen=True)
class Untraced:
    """A split on a column the rules could not trace back to X (``step`` made it)."""

    column: str
    threshold: float
    above: bool
    missing: bool
    step: str

    def text(self, decimals=3):
        sign = ">  " if self.above else "<= "
        return f"{self.column} {sign}{self.threshold:.{decimals}f}" + (
            " or missing" if self.missing else "")

    def sql(self):
        raise ValueError(
            f"The student splits on {self.column!r}, made by the step {self.step}, which the "
            "rules cannot write in terms of X's columns. SQL is written for trees after "
            "ColumnTransformer, OrdinalEncoder, OneHotEncoder, SimpleImputer, MissingIndicator "
            "and scalers; use make_tree_student, or encode X before the distiller."
        )


def simplified(conditions):
    """One condition per column where they combine (nested thresholds become an interval)."""
    merged = {}  # (column, kind) -> condition, in order of first appearance
    for condition in conditions:
        key = (condition.column, type(condition))
        if isinstance(condition, Untraced):
            key += (len(merged),)  # kept one by one: nothing to combine them with
        previous = merged.get(key)
        merged[key] = condition if previous is None else previous.merged(condition)
    valued = {key[0] for key in merged if key[1] is not Missing}
    kept = []
    for (column, kind, *_), condition in merged.items():
        flag = merged.get((column, Missing))
        if kind is Missing:
            if column not in valued or condition.is_missing:
                kept.append(condition)
        elif flag is None:
            kept.append(condition)
        elif not flag.is_missing:
            kept.append(replace(condition, missing=False))
        # else the column is missing on this path: the flag alone says so.
    return kept


def threshold_sides(column, threshold, missing_left):
    """The two sides of ``column <= threshold``, NaN going left if ``missing_left``."""
    if threshold == math.inf:  # sklearn's split of the known values from the missing ones
        return Missing(column, False), Missing(column, True)
    return (Interval(column, high=threshold, missing=missing_left),
            Interval(column, low=threshold, missing=not missing_left))


def rule_text(conditions, decimals=3):
    """The conditions of a path, simplified, joined by ``and``."""
    texts = [c.text(decimals) for c in simplified(conditions)]
    if len(texts) > 1:
        texts = [f"({text})" if " or " in text else text for text in texts]
    return " and ".join(texts) or "all rows"


def rule_sql(conditions):
    """The conditions of a path as one SQL boolean expression."""
    return " AND ".join(c.sql() for c in simplified(conditions)) or "1 = 1"
