"""Which columns of a DataFrame are categorical: the selector the student factories share."""


class _ColumnsOfKind:
    """ColumnTransformer selector: the categorical or the numeric columns.

    Arrays have no categorical columns; DataFrame columns of object, string,
    category or bool dtype are categorical.
    """

    def __init__(self, categorical):
        self.categorical = categorical

    def __call__(self, X):
        if not hasattr(X, "dtypes"):
            return [] if self.categorical else list(range(X.shape[1]))
        return [
            name for name, dtype in X.dtypes.items()
            if _is_categorical_dtype(dtype) == self.categorical
        ]


def _is_categorical_dtype(dtype):
    return dtype.kind in "OSUb" or str(dtype) in ("category", "str", "string")
