"""The rules ``teacher_output_cache`` documents: what is reused, what misses, its bounds."""

import numpy as np
from sklearn.linear_model import LogisticRegression

from skdistill._teacher_cache import TeacherOutputCache


class CountingOutputs:
    """``compute`` for the cache: the teacher's logits, counting the calls."""

    def __init__(self, teacher):
        self.teacher = teacher
        self.calls = 0

    def __call__(self, X):
        self.calls += 1
        return self.teacher.decision_function(X)


def test_copy_of_rows_reuses_the_entry_and_outputs_are_read_only(iris):
    X, y = iris
    teacher = LogisticRegression(max_iter=500).fit(X, y)
    cache, compute = TeacherOutputCache(), CountingOutputs(teacher)
    first = cache.get_or_compute(teacher, X, compute)
    again = cache.get_or_compute(teacher, X.copy(), compute)
    assert compute.calls == 1
    assert again is first
    assert not first.flags.writeable


def test_refitted_teacher_misses_the_cache(iris):
    X, y = iris
    teacher = LogisticRegression(max_iter=500).fit(X, y)
    cache, compute = TeacherOutputCache(), CountingOutputs(teacher)
    before = cache.get_or_compute(teacher, X, compute)
    teacher.fit(X, y == 0)  # in place, same object
    after = cache.get_or_compute(teacher, X, compute)
    assert compute.calls == 2
    assert after.shape != before.shape


def test_an_array_changed_in_place_is_seen(iris):
    X, y = iris
    teacher = LogisticRegression(max_iter=500).fit(X, y)
    cache, compute = TeacherOutputCache(), CountingOutputs(teacher)
    before = cache.get_or_compute(teacher, X, compute)
    teacher.coef_ *= 2
    after = cache.get_or_compute(teacher, X, compute)
    assert compute.calls == 2
    np.testing.assert_allclose(after, teacher.decision_function(X))
    assert not np.allclose(after, before)


def test_a_copy_of_the_teacher_hits_its_entry_and_a_function_never_caches(iris):
    import copy

    X, y = iris
    teacher = LogisticRegression(max_iter=500).fit(X, y)
    cache, compute = TeacherOutputCache(), CountingOutputs(teacher)
    first = cache.get_or_compute(teacher, X, compute)
    assert cache.get_or_compute(copy.deepcopy(teacher), X, compute) is first
    assert compute.calls == 1
    cache.get_or_compute(lambda rows: rows, X, compute)  # cannot be pickled: computed
    cache.get_or_compute(lambda rows: rows, X, compute)
    assert compute.calls == 3 and len(cache) == 1


def test_least_recently_used_entry_goes_first(iris):
    X, y = iris
    teacher = LogisticRegression(max_iter=500).fit(X, y)
    cache, compute = TeacherOutputCache(max_entries=2), CountingOutputs(teacher)
    first, second, third = X[:10], X[10:20], X[20:30]
    cache.get_or_compute(teacher, first, compute)
    cache.get_or_compute(teacher, second, compute)
    cache.get_or_compute(teacher, first, compute)  # first is now the most recent
    cache.get_or_compute(teacher, third, compute)  # evicts second
    assert compute.calls == 3
    cache.get_or_compute(teacher, first, compute)
    assert compute.calls == 3
    cache.get_or_compute(teacher, second, compute)
    assert compute.calls == 4


def test_zero_entries_stores_nothing(iris):
    X, y = iris
    teacher = LogisticRegression(max_iter=500).fit(X, y)
    cache, compute = TeacherOutputCache(max_entries=0), CountingOutputs(teacher)
    cache.get_or_compute(teacher, X, compute)
    cache.get_or_compute(teacher, X, compute)
    assert len(cache) == 0
    assert compute.calls == 2


def test_output_over_the_byte_bound_is_not_stored_and_keeps_the_others(iris):
    X, y = iris
    teacher = LogisticRegression(max_iter=500).fit(X, y)
    small_rows = X[:2]
    bound = teacher.decision_function(small_rows).nbytes
    cache, compute = TeacherOutputCache(max_bytes=bound), CountingOutputs(teacher)
    kept = cache.get_or_compute(teacher, small_rows, compute)
    large = cache.get_or_compute(teacher, X, compute)
    assert large.nbytes > bound
    assert len(cache) == 1
    assert cache.get_or_compute(teacher, small_rows, compute) is kept
