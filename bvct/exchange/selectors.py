"""Exchange reads, scoped through `access.policy` (operators of this site only)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from bvct.access import policy
from bvct.accounts.models import User
from bvct.exchange import services
from bvct.exchange.models import Bundle, OutboundItem, Peer


def peer_get_for_actor(*, actor: User, pk: int) -> Peer:
    return get_object_or_404(policy.peers_visible_to(actor).prefetch_related("served_units"), pk=pk)


def bundle_get_for_actor(*, actor: User, pk: int) -> Bundle:
    return get_object_or_404(
        policy.bundles_visible_to(actor).select_related("peer", "receipt_for", "recorded_by"), pk=pk
    )


def peers_with_queues(*, actor: User) -> list[dict[str, Any]]:
    site = services.local_site()
    if site is None:
        return []
    peers = (
        policy.peers_visible_to(actor)
        .prefetch_related("served_units")
        .annotate(
            awaiting=Count("outbound", filter=Q(outbound__status=OutboundItem.Status.SENT)),
            rejected=Count("outbound", filter=Q(outbound__status=OutboundItem.Status.REJECTED)),
        )
    )
    return [
        {
            "peer": p,
            "pending": len(services.pending_items(site, p)),
            "awaiting": p.awaiting,
            "rejected": p.rejected,
        }
        for p in peers
    ]


def bundles_for(*, actor: User, peer: Peer | None = None, limit: int = 50) -> list[Bundle]:
    qs = policy.bundles_visible_to(actor).select_related("peer", "receipt_for")
    if peer is not None:
        qs = qs.filter(peer=peer)
    return list(qs[:limit])


def visible_lines(*, actor: User, lines: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """The lines the actor's clearance covers, and how many others there are."""
    shown = [line for line in lines if int(line.get("classification", 0)) <= actor.clearance]
    return shown, len(lines) - len(shown)
