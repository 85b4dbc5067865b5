"""The clinical core: plain dataclasses and pure functions, no Qt and no storage."""
