"""One place that turns an exception into a calm, specific sentence for the therapist."""

from __future__ import annotations

from kapdesk.domain.errors import InvalidInput, KapdeskError


def message(exc: BaseException, labels: dict[str, str] | None = None) -> str:
    """``Ride home phone: must be a phone number…``; field codes become their labels."""
    if isinstance(exc, InvalidInput):
        label = (labels or {}).get(exc.field)
        if label is None:
            return str(exc) if exc.field and not exc.reason.startswith(exc.field) else exc.reason
        bare = label.split(" (")[0].lower()  # "Dose (mg)" is named by "Dose ..."
        if exc.reason.lower().startswith(bare):
            return exc.reason
        return f"{label}: {exc.reason}"
    if isinstance(exc, KapdeskError):
        return str(exc)
    return f"Unexpected problem: {exc}"
