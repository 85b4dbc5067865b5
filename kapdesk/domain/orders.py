"""The prescriber's order: what may be given, and how long after it the client must stay."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kapdesk.domain.dosing import check_mg
from kapdesk.domain.errors import InvalidInput
from kapdesk.domain.timeutil import required_day

FORMS = ("sublingual lozenge/troche", "rapid-dissolve tablet", "intramuscular injection",
         "intravenous infusion", "nasal spray device")
ROUTES = ("sublingual", "buccal", "oral", "intramuscular", "intravenous", "intranasal")


def _mg(field: str, raw: Any, label: str) -> float:
    if isinstance(raw, str):
        raw = raw.strip().replace(",", ".")
        try:
            raw = float(raw) if raw else None
        except ValueError:
            raise InvalidInput(field, f"{label} must be a number of mg, not {raw!r}") from None
    if raw is None:
        raise InvalidInput(field, f"{label} is required")
    return check_mg(field, raw, label)  # an order may ask only for what can be given


def clean_order(values: Mapping[str, Any]) -> dict[str, Any]:
    """Checked order fields; raise InvalidInput naming the first bad one."""
    cleaned: dict[str, Any] = {}
    for key, label in (("medicine", "Medicine"), ("form", "Form"), ("route", "Route")):
        text = str(values.get(key) or "").strip()
        if not text:
            raise InvalidInput(key, f"{label} is required")
        cleaned[key] = text
    cleaned["dose_mg"] = _mg("dose_mg", values.get("dose_mg"), "Dose")
    booster = bool(values.get("booster_allowed"))
    cleaned["booster_allowed"] = booster
    cleaned["booster_mg"] = (_mg("booster_mg", values.get("booster_mg"), "Booster dose")
                             if booster else None)
    minutes = values.get("min_minutes_after_dose")
    if isinstance(minutes, str):
        minutes = minutes.strip()
        if minutes and not minutes.isdecimal():
            raise InvalidInput("min_minutes_after_dose", "must be whole minutes (0-1440)")
        minutes = int(minutes) if minutes else None
    if minutes is not None and (isinstance(minutes, bool) or not isinstance(minutes, int)
                                or not 0 <= minutes <= 1440):
        raise InvalidInput("min_minutes_after_dose", "must be whole minutes (0-1440)")
    cleaned["min_minutes_after_dose"] = minutes
    cleaned["ordered_on"] = required_day("ordered_on", values.get("ordered_on"),
                                         not_future=True).isoformat()
    cleaned["prescriber_id"] = values.get("prescriber_id") or None
    cleaned["prn_medicines"] = "; ".join(prn_list(values.get("prn_medicines"))) or None
    return cleaned


def prn_list(text: Any) -> list[str]:
    """The PRN medicines an order allows, written one per line or separated by ';'."""
    if isinstance(text, Mapping):  # an order row
        text = text.get("prn_medicines")
    parts = str(text or "").replace("\n", ";").split(";")
    return [" ".join(p.split()) for p in parts if p.strip()]


def on_prn_list(medicine: str, allowed: list[str]) -> bool:
    """Whether a medicine as typed is one the order lists ('ondansetron' matches
    'ondansetron 4 mg ODT')."""
    typed = " ".join(medicine.split()).lower()
    return bool(typed) and any(typed in a.lower() or a.lower() in typed for a in allowed)


def prn_detail(medicine: str, dose: str, reason: str, allowed: list[str]) -> str:
    """What a PRN event records: drug, dose and why, and whether the order lists it.
    Raises InvalidInput naming the first missing part."""
    parts = {}
    for key, value, label in (("prn_medicine", medicine, "Medicine given"),
                              ("prn_dose", dose, "Dose given"), ("prn_reason", reason, "Reason")):
        text = " ".join(str(value or "").split())
        if not text:
            raise InvalidInput(key, f"{label} is required")
        parts[key] = text
    listed = on_prn_list(parts["prn_medicine"], allowed)
    note = "" if listed or not allowed else " (not on the order's PRN list)"
    return f"{parts['prn_medicine']} {parts['prn_dose']}, for {parts['prn_reason']}{note}"


def describe_order(order: Mapping[str, Any] | None) -> str:
    """One line a therapist reads at a glance."""
    if not order:
        return "No prescriber's order yet."
    booster = (f"booster {order['booster_mg']:g} mg allowed" if order["booster_allowed"]
               else "no booster")
    stay = (f"; stays at least {order['min_minutes_after_dose']} min after the last dose"
            if order["min_minutes_after_dose"] is not None else "")
    prn = prn_list(order)
    allowed = f" PRN allowed: {'; '.join(prn)}." if prn else ""
    return (f"Order v{order['version']} ({order['ordered_on']}): {order['dose_mg']:g} mg "
            f"{order['medicine']}, {order['form']}, {order['route']}; {booster}{stay}."
            + allowed)
