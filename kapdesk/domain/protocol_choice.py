"""Which protocol a medication session is offered: the one written for the route the
prescriber ordered. The therapist may run another; the pre-flight then says they disagree."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kapdesk.domain.protocol import ORDER_ROUTE_FITS, ROUTES, Protocol


@dataclass(frozen=True)
class Choice:
    offered: tuple[Protocol, ...]  # the practice's own first, then the templates
    suggested: Protocol
    order_route: str | None


def fits(protocol: Protocol, order_route: str | None) -> bool:
    return order_route is not None and ORDER_ROUTE_FITS.get(order_route) == protocol.route


def choose_protocol(offered: Sequence[Protocol], order_route: str | None) -> Choice:
    """The first protocol written for the order's route (the practice's own before a
    template); with none, the first offered."""
    if not offered:
        raise ValueError("no protocol to offer")
    suggested = next((p for p in offered if fits(p, order_route)), offered[0])
    return Choice(tuple(offered), suggested, order_route)


def disagreement(protocol: Protocol, order_route: str | None) -> str:
    """What the pre-flight says when the protocol is not written for the ordered route;
    "" when it is (or there is no order to compare with)."""
    if order_route is None or fits(protocol, order_route):
        return ""
    if order_route not in ORDER_ROUTE_FITS:
        return (f"The order's route is {order_route}; no protocol is written for it. "
                f"The protocol “{protocol.name}” is for "
                f"{ROUTES[protocol.route].lower()}.")
    return (f"The order's route is {order_route}, but the protocol “{protocol.name}” is for "
            f"{ROUTES[protocol.route].lower()}.")
