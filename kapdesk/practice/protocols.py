"""The practice's session protocols: templates shipped per route, copied on request and then
the therapist's own, edited as new versions, and the one a session starts with."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache

from sqlite_utils import Database

from kapdesk.domain.errors import InvalidInput
from kapdesk.domain.protocol import ROUTES, Protocol, protocol_from_json
from kapdesk.domain.protocol_choice import Choice, choose_protocol
from kapdesk.domain.protocol_rules import validate_protocol
from kapdesk.resources import asset_path
from kapdesk.storage import protocols as store
from kapdesk.storage.prescriptions import current_order

PROTOCOL_FORMAT = "kapdesk.protocol/1"


@cache
def templates() -> tuple[Protocol, ...]:
    """The shipped templates, one per route, in the order of :data:`ROUTES`."""
    found = []
    for route in ROUTES:
        document = json.loads(asset_path(f"protocols/{route}.json").read_text("utf-8"))
        if document.get("format") != PROTOCOL_FORMAT:
            raise ValueError(f"protocols/{route}.json is not a {PROTOCOL_FORMAT} file")
        found.append(validate_protocol(protocol_from_json(document["protocol"])))
    return tuple(found)


def template(route: str) -> Protocol:
    return next(t for t in templates() if t.route == route)


def own_protocols(db: Database) -> list[Protocol]:
    return store.current_protocols(db)


def available_protocols(db: Database) -> list[Protocol]:
    """What a session can run: the practice's own protocols, then the templates."""
    return [*own_protocols(db), *templates()]


def add_from_template(db: Database, route: str) -> Protocol:
    """Copy the route's template into the practice, as version 1 of its own protocol."""
    if route not in ROUTES:
        raise InvalidInput("route", f"there is no template for {route!r}")
    shipped = template(route)
    name = _free_name(db, shipped.name)
    with db.atomic():
        return store.insert_version(db, replace(shipped, name=name, family="", version=0))


def save_protocol(db: Database, protocol: Protocol) -> Protocol:
    """Store an edit as the next version (a new protocol when it has no family yet);
    sessions already started keep the copy they ran with. An unchanged protocol stays at
    its version."""
    validate_protocol(protocol, where="")
    with db.atomic():
        current = {p.family: p for p in own_protocols(db)}
        same_name = [p for p in current.values() if p.family != protocol.family
                     and p.name.strip().casefold() == protocol.name.strip().casefold()]
        if same_name:
            raise InvalidInput("name", f"the practice already has a protocol named "
                                       f"{same_name[0].name!r}")
        previous = current.get(protocol.family)
        if protocol.family and previous is None:
            raise InvalidInput("protocol", "this protocol is not one of the practice's own")
        if previous is not None and replace(previous, version=0) == replace(protocol,
                                                                            version=0):
            return previous
        return store.insert_version(db, replace(protocol, name=protocol.name.strip()))


def protocol_versions(db: Database, family: str) -> list[dict]:
    return store.protocol_versions(db, family)


def protocol_for_client(db: Database, client_id: int) -> Choice:
    """The protocol the pre-flight offers: the one written for the route of the
    prescriber's current order, and what to say when none fits."""
    order = current_order(db, client_id)
    return choose_protocol(available_protocols(db), order["route"] if order else None)


def _free_name(db: Database, name: str) -> str:
    taken = {p.name.casefold() for p in own_protocols(db)}
    candidate, number = name, 2
    while candidate.casefold() in taken:
        candidate, number = f"{name} {number}", number + 1
    return candidate
