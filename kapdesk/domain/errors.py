from __future__ import annotations


class KapdeskError(Exception):
    """An error the therapist can act on; its message is shown as it is, without a traceback."""


class InvalidInput(KapdeskError, ValueError):
    """A value was refused. ``field`` names it, so a form can point at it."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.reason = message


class NotAllowed(KapdeskError):
    """An action the clinical rules do not allow right now; the message says why."""


class GateClosed(InvalidInput):
    """A gated step without a written reason. The message names the gate's reasons and
    gives an example; ``advice`` is only what to do, for a screen that already lists those
    reasons and shows an example in the field itself."""

    def __init__(self, reasons: tuple[str, ...], advice: str, example: str = ""):
        super().__init__("reason", f"the gate is closed ({'; '.join(reasons)}): {advice}"
                                   + (f", e.g. '{example}'" if example else ""))
        self.advice = advice
