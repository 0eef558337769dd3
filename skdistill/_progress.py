"""Reporting a fit: one line per stage at ``verbose >= 1``, and the seconds each cost.

The stages of a distiller's fit are the teacher's own fit (when it is fitted
there), the transfer set, the teacher's outputs and the students; their
seconds, and the whole fit's, end up in the fitted distiller's
``fit_times_``. Long passes over rows show a progress bar with the time left
when tqdm is installed (it comes with skorch).
"""

import time
from contextlib import contextmanager

STAGES = ("teacher_fit", "transfer_set", "teacher_outputs", "student")


class FitClock:
    """Times the stages of one fit and, when ``verbose``, prints a line as each ends.

    Parameters
    ----------
    verbose : int
        0 prints nothing; 1 a line per stage; 2 also a line as each starts.
    """

    def __init__(self, verbose=0):
        self.verbose = verbose
        self.times = dict.fromkeys(STAGES, 0.0)
        self._start = time.perf_counter()

    @contextmanager
    def stage(self, key, description):
        """Time the block as part of ``key``; ``description`` says what it does."""
        if self.verbose >= 2:
            report(f"{description} ...")
        start = time.perf_counter()
        yield
        seconds = time.perf_counter() - start
        self.times[key] += seconds
        if self.verbose:
            report(f"{description} in {seconds:.2f} s")

    def finish(self):
        """The seconds of every stage and of the whole fit (``"total"``)."""
        total = time.perf_counter() - self._start
        times = {**self.times, "total": total}
        if self.verbose:
            teacher = self.times["teacher_fit"] + self.times["teacher_outputs"]
            share = teacher / total if total > 0 else 0.0
            report(f"fit in {total:.2f} s, {share:.0%} of it for the teacher (fit "
                   f"{self.times['teacher_fit']:.2f} s, outputs {self.times['teacher_outputs']:.2f} s)")
        return times


def report(message):
    print(f"[skdistill] {message}", flush=True)


def progress(iterable, total, description):
    """``iterable`` with a progress bar and time left, or as it is without tqdm."""
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return iterable
    return tqdm(iterable, total=total, desc=f"[skdistill] {description}", leave=False)


def rows(n_rows):
    """``n_rows`` written for a reader: ``"12,345 rows"``."""
    return f"{n_rows:,} row{'s' if n_rows != 1 else ''}"
