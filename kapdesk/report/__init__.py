"""Printed reports (PDF). Qt's PDF writer is loaded only when a report is made."""
