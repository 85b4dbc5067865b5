"""When the practice locks itself, and how long a wrong passphrase makes the next try wait.

Idle time is measured on a monotonic clock from the therapist's last key or click, so a
changed wall clock or a suspended laptop never unlocks early or locks late by mistake.
"""

from __future__ import annotations

from kapdesk.domain.errors import InvalidInput

LOCK_AFTER_DEFAULT_MIN = 10
LOCK_AFTER_RANGE_MIN = (1, 120)  # automatic logoff is never switched off altogether
MAX_WAIT_S = 30


def check_lock_after(minutes: int) -> int:
    low, high = LOCK_AFTER_RANGE_MIN
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not low <= minutes <= high:
        raise InvalidInput("lock_after_min", f"lock after between {low} and {high} minutes "
                                             "without use")
    return minutes


def idle_due(last_input_s: float, now_s: float, lock_after_min: int) -> bool:
    """True once ``lock_after_min`` minutes have passed since the last input (monotonic
    seconds)."""
    return now_s - last_input_s >= lock_after_min * 60


def retry_wait_s(failures: int) -> int:
    """Seconds before the next try after ``failures`` wrong passphrases in a row: 1, 2, 4
    ... up to 30, calm for a typo, slow for guessing."""
    return 0 if failures <= 0 else min(2 ** (failures - 1), MAX_WAIT_S)
