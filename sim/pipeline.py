"""Regeneration as a training pipeline: intake, courses in parallel up to capacity, graduates.

Each month (every 365/12 days, from day 0) an intake of the required
``trainees_per_month`` joins the queue. Courses last ``course_days``; the
trainers in place hold ``seats = capacity_per_month x course_days / (365/12)``
trainees at once, so a full pipeline graduates exactly its monthly capacity
(Little's law). Each day, waiting trainees start as seats free up, and a
course started on day ``d`` graduates on day ``d + course_days``. Courses
already running finish even if trainers leave. The recurrence runs over days
but is vectorised over replications, so its cost does not grow with them.
"""

from __future__ import annotations

import math

import numpy as np

MONTH_DAYS = 365.0 / 12.0


def trained(capacity: np.ndarray, intake_per_month: float, course_days: float) -> np.ndarray:
    """Cumulative graduates per day, shape like ``capacity`` (R, H) in trainees per month.

    The recurrence runs day by day on one row of replications at a time (days on the first axis,
    so each day's row is contiguous), writing into arrays made once; the course started on day
    ``d`` graduates on day ``d + course``, read off the starts when the days are done.
    """
    R, H = capacity.shape
    seats = np.ascontiguousarray((capacity * (course_days / MONTH_DAYS)).T)  # (H, R)
    course = max(1, int(math.ceil(course_days)))
    intake_days = np.zeros(H, dtype=bool)
    intake_days[np.unique(np.ceil(np.arange(0, H, MONTH_DAYS)).astype(int).clip(max=H - 1))] = True
    queue = np.zeros(R)
    training = np.zeros(R)
    starts = np.zeros((H, R))
    room = np.empty(R)
    for d, intake in enumerate(intake_days.tolist()):
        if d >= course:
            training -= starts[d - course]
        if intake:
            queue += intake_per_month
        start = starts[d]
        np.subtract(seats[d], training, out=room)
        np.maximum(room, 0.0, out=room)
        np.minimum(queue, room, out=start)
        queue -= start
        training += start
    graduates = np.zeros((R, H))
    graduates[:, course:] = starts[: max(0, H - course)].T
    return np.cumsum(graduates, axis=1)
