"""Exchange writes: set up this site, pin a peer, export a bundle of the pending items, import a
bundle (all its items in one transaction, or none) and its receipt. Each is one audit event at
least; a refused bundle file is audited too, with the reason."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bvct.access import policy
from bvct.accounts.models import User
from bvct.audit.services import audit_record
from bvct.core.errors import AccessDenied, DomainError
from bvct.exchange import bundle as fmt
from bvct.exchange import items as kinds
from bvct.exchange import keys
from bvct.exchange.models import (
    AppliedItem,
    Bundle,
    CaseTransfer,
    ItemKind,
    LocalSite,
    MirrorReport,
    MirrorRequest,
    OutboundItem,
    Peer,
)
from bvct.orgs.models import OrgUnit
from bvct.reports.models import PeriodicReport
from bvct.verification.models import VerificationRequest
from bvct.vetting.models import Case

_SITE_ID = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,39}$")
IDENTITY_FORMAT = "bvct-site-identity/1"
OUTCOME_APPLIED = "applied"
OUTCOME_DUPLICATE = "duplicate"
OUTCOME_REJECTED = "rejected"
OUTCOME_HELD = "held"
DELIVERED = {OUTCOME_APPLIED, OUTCOME_DUPLICATE}
_CHUNK = 500  # below SQLite's limit of bound parameters


def exchange_dir() -> Path:
    return Path(settings.VAR_DIR) / "exchange"


def max_age() -> dt.timedelta:
    return dt.timedelta(days=int(getattr(settings, "BVCT_BUNDLE_MAX_AGE_DAYS", 30)))


# --- this site and its peers ------------------------------------------------------------------


def local_site() -> LocalSite | None:
    return LocalSite.objects.prefetch_related("served_units").first()


def require_site() -> LocalSite:
    site = local_site()
    if site is None:
        raise DomainError(_("This site is not set up for exchange: run `bvct site init`."))
    return site


def _units(codes: list[str]) -> list[OrgUnit]:
    units = []
    for code in codes:
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None:
            raise DomainError(
                _("Units served: %(code)s is not in the organisation tree.") % {"code": code},
                field="serves",
            )
        units.append(unit)
    if not units:
        raise DomainError(_("Units served: name at least one unit code."), field="serves")
    for a in units:
        if any(a.pk != b.pk and b.contains(a) for b in units):
            raise DomainError(
                _("Units served: %(code)s lies inside another unit listed.") % {"code": a.code},
                field="serves",
            )
    return units


def _check_site_id(site_id: str) -> str:
    clean = site_id.strip().upper()
    if not _SITE_ID.match(clean):
        raise DomainError(
            _("Site id: capital letters, digits and '-', at most 40 (e.g. HN or DN-01)."),
            field="site_id",
        )
    return clean


@transaction.atomic
def site_init(*, actor: User | None, site_id: str, name: str, serves: list[str]) -> LocalSite:
    """Name this site, say which subtrees it serves and generate its two key pairs."""
    if LocalSite.objects.exists():
        raise DomainError(_("This site is already set up (`bvct site identity` shows it)."))
    clean = _check_site_id(site_id)
    units = _units(serves)
    if Peer.objects.filter(site_id=clean).exists():
        raise DomainError(_("Site id: a pinned peer already uses it."), field="site_id")
    site = LocalSite.objects.create(
        site_id=clean, name=name.strip() or clean, created_at=timezone.now()
    )
    site.served_units.set(units)
    keys.generate()  # last: a failure above leaves no key files behind
    audit_record(
        actor=actor,
        action="exchange.site.init",
        target=site,
        data={"site_id": clean, "serves": [u.code for u in units], "fingerprint": fingerprint()},
    )
    return site


def identity() -> dict[str, Any]:
    """Our public identity, to hand to a peer (with the fingerprint read over the phone)."""
    site = require_site()
    signing = keys.raw_b64(keys.signing_key().public_key())
    encryption = keys.raw_b64(keys.encryption_key().public_key())
    return {
        "format": IDENTITY_FORMAT,
        "site_id": site.site_id,
        "name": site.name,
        "serves": [u.code for u in site.served_units.order_by("path")],
        "signing_key": signing,
        "encryption_key": encryption,
        "fingerprint": keys.fingerprint(site.site_id, signing, encryption),
    }


def fingerprint() -> str:
    return str(identity()["fingerprint"])


def _identity_fields(data: Any) -> tuple[str, str, str, str, list[str]]:
    try:
        if data["format"] != IDENTITY_FORMAT:
            raise KeyError("format")
        fields = (data["site_id"], data["name"], data["signing_key"], data["encryption_key"])
        serves = list(data["serves"])
        fmt.public_signing_key(data["signing_key"])
        if not all(isinstance(f, str) for f in (*fields, *serves)):
            raise TypeError
    except (KeyError, TypeError, ValueError) as exc:
        raise DomainError(_("This file is not a BVCT site identity.")) from exc
    return (*fields, serves)


@transaction.atomic
def peer_pin(*, actor: User | None, data: Any, fingerprint: str) -> Peer:
    """Pin a peer's public keys, after the fingerprint read over the phone matches the file."""
    site_id, name, signing, encryption, serves = _identity_fields(data)
    site_id = _check_site_id(site_id)
    computed = keys.fingerprint(site_id, signing, encryption)
    if keys.normalise_fingerprint(fingerprint) != computed:
        raise DomainError(
            _(
                "The fingerprint does not match the identity file of %(site)s: do not pin it; "
                "check the file and the number read over the phone."
            )
            % {"site": site_id},
            field="fingerprint",
        )
    site = local_site()
    if site is not None and site.site_id == site_id:
        raise DomainError(_("This identity is this site's own."))
    existing = Peer.objects.filter(site_id=site_id).first()
    if existing is not None:
        if existing.fingerprint == computed:
            raise DomainError(_("Site %(site)s is already pinned.") % {"site": site_id})
        raise DomainError(
            _(
                "Site %(site)s is already pinned with other keys; a key change is not accepted "
                "from a file."
            )
            % {"site": site_id}
        )
    units = _units(serves)
    account = User.objects.create(
        username=f"site:{site_id}", full_name=f"Trạm {name}", is_active=False
    )
    account.set_unusable_password()
    account.save(update_fields=["password"])
    peer = Peer.objects.create(
        site_id=site_id,
        name=name,
        signing_key=signing,
        encryption_key=encryption,
        fingerprint=computed,
        account=account,
        pinned_by=actor if actor is not None and actor.pk else None,
        pinned_at=timezone.now(),
    )
    peer.served_units.set(units)
    audit_record(
        actor=actor,
        action="exchange.peer.pin",
        target=peer,
        data={"site_id": site_id, "serves": serves, "fingerprint": computed},
    )
    return peer


def _subtrees(units: list[OrgUnit], prefix: str) -> Q:
    q = Q(pk__in=[])
    for unit in units:
        q |= OrgUnit.subtree_filter(unit.path, prefix=prefix)
    return q


# --- the outbound queue -----------------------------------------------------------------------


@dataclass(frozen=True)
class Pending:
    kind: str
    object_id: int
    label: str
    classification: int

    def item_id(self, site_id: str) -> str:
        return f"{site_id}/{self.kind}/{self.object_id}"


def _settled(peer: Peer, kind: str) -> QuerySet[OutboundItem, Any]:
    return OutboundItem.objects.filter(
        peer=peer,
        kind=kind,
        status__in=[OutboundItem.Status.DELIVERED, OutboundItem.Status.REJECTED],
    ).values("object_id")


def pending_querysets(site: LocalSite, peer: Peer) -> dict[str, QuerySet[Any]]:
    """What waits for `peer`: our requests to its units, our replies to its requests, transfers
    to its units and reports submitted to them — less what it delivered or rejected. Items sent
    without a receipt yet stay pending: they go again in the next bundle (applying is
    idempotent)."""
    ours, theirs = list(site.served_units.all()), list(peer.served_units.all())
    s = VerificationRequest.Status
    return {
        ItemKind.REQUEST: VerificationRequest.objects.filter(
            _subtrees(theirs, "addressee_unit__"),
            _subtrees(ours, "requesting_unit__"),
            status__in=[s.SENT, s.RECEIVED],
        )
        .exclude(pk__in=MirrorRequest.objects.values("request_id"))
        .exclude(pk__in=_settled(peer, ItemKind.REQUEST)),
        ItemKind.REPLY: MirrorRequest.objects.filter(peer=peer, request__status=s.ANSWERED).exclude(
            request_id__in=_settled(peer, ItemKind.REPLY)
        ),
        ItemKind.TRANSFER: CaseTransfer.objects.filter(
            _subtrees(theirs, "to_unit__"), _subtrees(ours, "case__holding_unit__")
        ).exclude(pk__in=_settled(peer, ItemKind.TRANSFER)),
        ItemKind.REPORT: PeriodicReport.objects.filter(
            _subtrees(theirs, "submitted_to__"), _subtrees(ours, "org_unit__")
        )
        .exclude(pk__in=MirrorReport.objects.values("report_id"))
        .exclude(pk__in=_settled(peer, ItemKind.REPORT)),
    }


def pending_items(site: LocalSite, peer: Peer) -> list[Pending]:
    """The queue, as metadata only (kind, reference, level): never the content."""
    sets = pending_querysets(site, peer)
    out: list[Pending] = []
    for r in sets[ItemKind.REQUEST].select_related("addressee_unit").order_by("pk"):
        label = f"{r.reference} → {r.addressee_unit.name if r.addressee_unit else ''}"
        out.append(Pending(ItemKind.REQUEST, r.pk, label, r.classification))
    out += [
        Pending(ItemKind.REPLY, m.request_id, m.request.reference, m.request.classification)
        for m in sets[ItemKind.REPLY].select_related("request").order_by("pk")
    ]
    out += [
        Pending(ItemKind.TRANSFER, t.pk, f"#{t.case_id} → {t.to_unit.name}", 0)
        for t in sets[ItemKind.TRANSFER].select_related("to_unit").order_by("pk")
    ]
    out += [
        Pending(ItemKind.REPORT, p.pk, p.reference, p.clearance)
        for p in sets[ItemKind.REPORT].order_by("pk")
    ]
    return out


def _build(kind: str, sets: dict[str, QuerySet[Any]]) -> list[tuple[int, dict[str, Any]]]:
    qs = sets[kind]
    if kind == ItemKind.REQUEST:
        rows = qs.select_related(
            "case__person__org_unit",
            "case__holding_unit",
            "requesting_unit",
            "addressee_unit",
            "letter",
        ).prefetch_related("covers__relative")
        return [(r.pk, kinds.build_request(r)) for r in rows.order_by("pk")]
    if kind == ItemKind.REPLY:
        rows = qs.select_related("request__reply_document")
        return [(m.request_id, kinds.build_reply(m)) for m in rows.order_by("pk")]
    if kind == ItemKind.TRANSFER:
        rows = qs.select_related(
            "case__person__org_unit", "case__holding_unit", "to_unit"
        ).prefetch_related("case__transitions")
        return [(t.pk, kinds.build_transfer(t)) for t in rows.order_by("pk")]
    rows = qs.select_related("org_unit", "submitted_to")
    return [(p.pk, kinds.build_report(p)) for p in rows.order_by("pk")]


# --- export -----------------------------------------------------------------------------------


def _save_file(bundle_id: str, data: bytes) -> str:
    folder = exchange_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{bundle_id}.bvct"
    (folder / name).write_bytes(data)
    return name


def read_bundle_file(bundle: Bundle) -> bytes:
    return (exchange_dir() / bundle.file_name).read_bytes()


def _seal_outbound(
    *,
    site: LocalSite,
    peer: Peer,
    actor: User | None,
    items: list[dict[str, Any]],
    answered: Bundle | None = None,
    lines: list[dict[str, Any]] | None = None,  # the bundle page's item lines
) -> Bundle:
    """Pack, sign and encrypt `items` for the peer (a receipt when `answered` is given), keep the
    file and record the outbound bundle."""
    bundle_id = str(uuid.uuid4())
    now = timezone.now()
    data = fmt.pack(
        bundle_id=bundle_id,
        sender=site.site_id,
        recipient=peer.site_id,
        recipient_key_b64=peer.encryption_key,
        kind="items" if answered is None else "receipt",
        created_at=now,
        items=items,
        signer=keys.signing_key(),
        receipt_for=answered.bundle_id if answered is not None else None,
    )
    return Bundle.objects.create(
        bundle_id=bundle_id,
        direction=Bundle.Direction.OUT,
        kind=Bundle.Kind.ITEMS if answered is None else Bundle.Kind.RECEIPT,
        peer=peer,
        status=Bundle.Status.SENT,
        created_at=now,
        recorded_at=now,
        recorded_by=actor if actor is not None and actor.pk else None,
        item_count=len(items),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        file_name=_save_file(bundle_id, data),
        receipt_for=answered,
        items=lines or [],
    )


def _check_operator(actor: User | None) -> None:
    if actor is not None and not policy.can_operate_exchange(actor):
        raise AccessDenied(
            _("Only clerks and officers over every unit this site serves exchange bundles.")
        )


@transaction.atomic
def bundle_export(*, actor: User | None, peer: Peer) -> Bundle:
    """Pack every pending item for `peer` into one bundle (kept under var/exchange/)."""
    _check_operator(actor)
    site = require_site()
    sets = pending_querysets(site, peer)
    labels = {(p.kind, p.object_id): p for p in pending_items(site, peer)}
    built: list[tuple[str, int, dict[str, Any]]] = []
    for kind in ItemKind.values:
        built += [(kind, pk, payload) for pk, payload in _build(kind, sets)]
    if not built:
        raise DomainError(_("Nothing is waiting for %(site)s.") % {"site": peer.site_id})
    items = [
        {"id": f"{site.site_id}/{kind}/{pk}", "kind": kind, "payload": payload}
        for kind, pk, payload in built
    ]
    bundle = _seal_outbound(
        site=site,
        peer=peer,
        actor=actor,
        items=items,
        lines=[
            {
                "id": item["id"],
                "kind": kind,
                "label": labels[(kind, pk)].label if (kind, pk) in labels else "",
                "classification": labels[(kind, pk)].classification if (kind, pk) in labels else 0,
                "outcome": "",
                "reason": "",
            }
            for item, (kind, pk, _payload) in zip(items, built, strict=True)
        ],
    )
    _mark_sent(peer, bundle, built, bundle.created_at)
    audit_record(
        actor=actor,
        action="exchange.bundle.export",
        target=bundle,
        data={"to": peer.site_id, "items": _counts(items), "sha256": bundle.sha256},
    )
    return bundle


def _mark_sent(
    peer: Peer, bundle: Bundle, built: list[tuple[str, int, dict[str, Any]]], now: dt.datetime
) -> None:
    site_id = require_site().site_id
    ids = [f"{site_id}/{kind}/{pk}" for kind, pk, _ in built]
    existing = set(OutboundItem.objects.filter(peer=peer).values_list("item_id", flat=True))
    again = [item_id for item_id in ids if item_id in existing]
    for start in range(0, len(again), _CHUNK):
        OutboundItem.objects.filter(peer=peer, item_id__in=again[start : start + _CHUNK]).update(
            last_bundle=bundle, updated_at=now
        )
    OutboundItem.objects.bulk_create(
        [
            OutboundItem(
                peer=peer,
                item_id=item_id,
                kind=kind,
                object_id=pk,
                status=OutboundItem.Status.SENT,
                last_bundle=bundle,
                updated_at=now,
            )
            for item_id, (kind, pk, _) in zip(ids, built, strict=True)
            if item_id not in existing
        ],
        batch_size=_CHUNK,
    )


def _counts(items: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item["kind"]] = counts.get(item["kind"], 0) + 1
    return counts


# --- import -----------------------------------------------------------------------------------


def _refuse(
    actor: User | None, error: fmt.BundleError, data: bytes, sender: str = ""
) -> fmt.BundleError:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="exchange.bundle.refuse",
            data={
                "code": error.code,
                "sender": sender,
                "sha256": hashlib.sha256(data).hexdigest(),
                "size": len(data),
            },
        )
    return error


def _open(actor: User | None, data: bytes) -> tuple[LocalSite, Peer, fmt.Opened]:
    site = require_site()
    try:
        header, _line, _cipher = fmt.read_header(data)
    except fmt.BundleError as exc:
        raise _refuse(actor, exc, data) from exc
    sender = header["sender"]
    if header["recipient"] != site.site_id:
        raise _refuse(
            actor,
            fmt.BundleError(
                _(
                    "This bundle is addressed to site %(to)s, not to this site (%(us)s): hand it "
                    "to %(to)s."
                )
                % {"to": header["recipient"], "us": site.site_id},
                code="wrong_recipient",
            ),
            data,
            sender,
        )
    peer = Peer.objects.filter(site_id=sender).prefetch_related("served_units").first()
    if peer is None:
        raise _refuse(
            actor,
            fmt.BundleError(
                _(
                    "The bundle comes from site %(site)s, whose keys are not pinned here: pin its "
                    "identity first (`bvct site pin`), after comparing the fingerprint by phone."
                )
                % {"site": sender},
                code="unknown_sender",
            ),
            data,
            sender,
        )
    try:
        opened = fmt.open_bundle(
            data,
            decryption_key=keys.encryption_key(),
            signing_key_of=lambda _site: fmt.public_signing_key(peer.signing_key),
        )
    except fmt.BundleError as exc:
        raise _refuse(actor, exc, data, sender) from exc
    now = timezone.now()
    if opened.created_at < now - max_age() or opened.created_at > now + dt.timedelta(days=1):
        raise _refuse(
            actor,
            fmt.BundleError(
                _(
                    "The bundle was made on %(date)s, outside the accepted %(days)s days: it is "
                    "stale; ask %(site)s for a new one."
                )
                % {
                    "date": f"{timezone.localtime(opened.created_at):%d/%m/%Y}",
                    "days": max_age().days,
                    "site": sender,
                },
                code="stale",
            ),
            data,
            sender,
        )
    earlier = Bundle.objects.filter(bundle_id=opened.bundle_id).first()
    if earlier is not None:
        raise _refuse(
            actor,
            fmt.BundleError(
                _(
                    "This bundle was already imported on %(date)s; importing it again changes "
                    "nothing."
                )
                % {"date": f"{timezone.localtime(earlier.recorded_at):%d/%m/%Y %H:%M}"},
                code="replayed",
            ),
            data,
            sender,
        )
    return site, peer, opened


def bundle_import(*, actor: User | None, data: bytes) -> Bundle:
    """Verify and apply a bundle file: items (then write our receipt) or a receipt."""
    _check_operator(actor)
    site, peer, opened = _open(actor, data)
    if opened.kind == Bundle.Kind.RECEIPT:
        return _receipt_import(actor, peer, opened)
    if opened.kind != Bundle.Kind.ITEMS:
        raise _refuse(
            actor, fmt.BundleError(_("This file is not a BVCT bundle."), code="not_a_bundle"), data
        )
    return _items_import(actor, site, peer, opened)


class _RollBack(Exception):  # noqa: N818
    pass


def _received(
    actor: User | None, peer: Peer, opened: fmt.Opened, status: str, outcomes: list[dict[str, Any]]
) -> Bundle:
    return Bundle.objects.create(
        bundle_id=opened.bundle_id,
        direction=Bundle.Direction.IN,
        kind=Bundle.Kind.ITEMS,
        peer=peer,
        status=status,
        created_at=opened.created_at,
        recorded_at=timezone.now(),
        recorded_by=actor if actor is not None and actor.pk else None,
        item_count=len(opened.items),
        size=opened.size,
        sha256=opened.sha256,
        items=outcomes,
    )


def _apply_all(
    peer: Peer, served: list[OrgUnit], bundle: Bundle, opened: fmt.Opened
) -> list[dict[str, Any]]:
    outcomes: list[dict[str, Any]] = []
    seen = set(AppliedItem.objects.filter(peer=peer).values_list("item_id", flat=True))
    now = timezone.now()
    ctx = kinds.Context(peer, served)
    applied: list[AppliedItem] = []
    for item in opened.items:
        entry = {
            "id": item["id"],
            "kind": item["kind"],
            "label": "",
            "classification": 0,
            "outcome": OUTCOME_APPLIED,
            "reason": "",
        }
        outcomes.append(entry)
        if item["id"] in seen:
            entry["outcome"] = OUTCOME_DUPLICATE
            entry["reason"] = _("Already applied from an earlier bundle; nothing changed.")
            continue
        applier = kinds.APPLIERS.get(item["kind"])
        try:
            if applier is None:
                raise kinds.Rejected(_("Unknown kind of item: %(kind)s.") % {"kind": item["kind"]})
            # no savepoint per item: any rejection rolls the whole import back
            obj = applier(ctx, item["payload"])
        except kinds.Rejected as exc:
            entry["outcome"], entry["reason"] = OUTCOME_REJECTED, exc.reason
            continue
        except (KeyError, TypeError, ValueError) as exc:
            entry["outcome"] = OUTCOME_REJECTED
            entry["reason"] = _("The item is malformed (%(error)s).") % {
                "error": type(exc).__name__
            }
            continue
        entry["label"] = str(obj)
        entry["classification"] = int(item["payload"].get("classification", 0) or 0)
        seen.add(item["id"])
        applied.append(
            AppliedItem(
                peer=peer, item_id=item["id"], kind=item["kind"], bundle=bundle, applied_at=now
            )
        )
    AppliedItem.objects.bulk_create(applied, batch_size=500)
    return outcomes


def _items_import(actor: User | None, site: LocalSite, peer: Peer, opened: fmt.Opened) -> Bundle:
    served = list(site.served_units.all())
    outcomes: list[dict[str, Any]] = []
    try:
        with transaction.atomic():
            bundle = _received(actor, peer, opened, Bundle.Status.APPLIED, [])
            outcomes = _apply_all(peer, served, bundle, opened)
            if any(o["outcome"] == OUTCOME_REJECTED for o in outcomes):
                raise _RollBack
            bundle.items = outcomes
            bundle.save(update_fields=["items"])
            audit_record(
                actor=actor,
                action="exchange.bundle.import",
                target=bundle,
                data={
                    "from": peer.site_id,
                    "items": _counts(opened.items),
                    "status": bundle.status,
                },
            )
            _receipt_create(actor, site, peer, bundle, outcomes)
            return bundle
    except _RollBack:
        pass
    held = _("Not applied because another item of this bundle was rejected; it will come again.")
    for entry in outcomes:
        if entry["outcome"] in DELIVERED:
            entry["outcome"], entry["reason"], entry["label"] = OUTCOME_HELD, held, ""
    with transaction.atomic():
        bundle = _received(actor, peer, opened, Bundle.Status.REFUSED, outcomes)
        audit_record(
            actor=actor,
            action="exchange.bundle.import",
            target=bundle,
            data={"from": peer.site_id, "items": _counts(opened.items), "status": bundle.status},
        )
        for entry in outcomes:
            if entry["outcome"] == OUTCOME_REJECTED:
                audit_record(
                    actor=actor,
                    action="exchange.item.reject",
                    target=bundle,
                    data={"item": entry["id"], "reason": entry["reason"]},
                )
        _receipt_create(actor, site, peer, bundle, outcomes)
    return bundle


def _receipt_create(
    actor: User | None,
    site: LocalSite,
    peer: Peer,
    answered: Bundle,
    outcomes: list[dict[str, Any]],
) -> Bundle:
    items = [
        {
            "id": o["id"],
            "kind": "outcome",
            "payload": {"outcome": o["outcome"], "reason": o["reason"]},
        }
        for o in outcomes
    ]
    receipt = _seal_outbound(site=site, peer=peer, actor=actor, items=items, answered=answered)
    audit_record(
        actor=actor,
        action="exchange.receipt.create",
        target=receipt,
        data={"for": answered.bundle_id, "to": peer.site_id, "outcomes": _outcome_counts(outcomes)},
    )
    return receipt


def _outcome_counts(outcomes: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o["outcome"]] = counts.get(o["outcome"], 0) + 1
    return counts


@transaction.atomic
def _receipt_import(actor: User | None, peer: Peer, opened: fmt.Opened) -> Bundle:
    sent = (
        Bundle.objects.select_for_update()
        .filter(
            bundle_id=opened.receipt_for,
            direction=Bundle.Direction.OUT,
            kind=Bundle.Kind.ITEMS,
            peer=peer,
        )
        .first()
    )
    if sent is None:
        raise fmt.BundleError(
            _("This receipt answers bundle %(id)s, which this site never sent to %(site)s.")
            % {"id": opened.receipt_for, "site": peer.site_id},
            code="unknown_bundle",
        )
    if hasattr(sent, "receipt"):
        raise fmt.BundleError(_("A receipt for this bundle was already recorded."), code="replayed")
    results = {i["id"]: i["payload"] for i in opened.items}
    now = timezone.now()
    by_status: dict[tuple[str, str], list[str]] = {}
    for entry in sent.items:
        result = results.get(entry["id"])
        if result is None:
            continue
        entry["outcome"], entry["reason"] = result["outcome"], result["reason"]
        if result["outcome"] in DELIVERED:
            key = (OutboundItem.Status.DELIVERED, "")
        elif result["outcome"] == OUTCOME_REJECTED:
            key = (OutboundItem.Status.REJECTED, result["reason"])
        else:
            continue  # held: still sent, goes again in the next bundle
        by_status.setdefault(key, []).append(entry["id"])
    for (status, reason), ids in by_status.items():
        for start in range(0, len(ids), 500):
            OutboundItem.objects.filter(peer=peer, item_id__in=ids[start : start + 500]).update(
                status=status, reason=reason, updated_at=now
            )
    sent.status = Bundle.Status.RECEIPTED
    sent.save(update_fields=["status", "items"])
    receipt = Bundle.objects.create(
        bundle_id=opened.bundle_id,
        direction=Bundle.Direction.IN,
        kind=Bundle.Kind.RECEIPT,
        peer=peer,
        status=Bundle.Status.RECORDED,
        created_at=opened.created_at,
        recorded_at=now,
        recorded_by=actor if actor is not None and actor.pk else None,
        item_count=len(opened.items),
        size=opened.size,
        sha256=opened.sha256,
        receipt_for=sent,
    )
    outcomes = [i["payload"] for i in opened.items]
    audit_record(
        actor=actor,
        action="exchange.receipt.import",
        target=receipt,
        data={"for": sent.bundle_id, "from": peer.site_id, "outcomes": _outcome_counts(outcomes)},
    )
    for entry in sent.items:
        if entry["outcome"] == OUTCOME_REJECTED:
            audit_record(
                actor=actor,
                action="exchange.item.reject",
                target=receipt,
                data={"item": entry["id"], "reason": entry["reason"]},
            )
    return receipt


# --- case transfers ---------------------------------------------------------------------------


@transaction.atomic
def transfer_create(*, actor: User, case: Case, to_unit: OrgUnit, reason: str) -> CaseTransfer:
    """Hand a case's file to a unit served by a peer (its subject moved there)."""
    if not policy.can_transfer_case(actor, case):
        raise AccessDenied(_("Only officers and approvers who work the case transfer it."))
    if not case.is_open:
        raise DomainError(_("This case is closed."))
    if not reason.strip():
        raise DomainError(_("Reason: say why the file is transferred."), field="reason")
    site = require_site()
    if any(u.contains(to_unit) for u in site.served_units.all()):
        raise DomainError(
            _("To: this unit is served by this site; no transfer is needed."), field="to_unit"
        )
    if peer_for(to_unit) is None:
        raise DomainError(_("To: no pinned site serves this unit."), field="to_unit")
    transfer = CaseTransfer.objects.create(
        case=case,
        to_unit=to_unit,
        reason=reason.strip(),
        created_by=actor,
        created_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="exchange.transfer.create",
        target=transfer,
        org_unit=case.holding_unit,
        data={"case": case.pk, "to_unit": to_unit.code},
    )
    return transfer


def peer_for(unit: OrgUnit) -> Peer | None:
    """The pinned site that serves `unit` (the deepest served unit wins)."""
    best: tuple[int, Peer] | None = None
    for peer in Peer.objects.prefetch_related("served_units"):
        for root in peer.served_units.all():
            if root.contains(unit) and (best is None or root.depth > best[0]):
                best = (root.depth, peer)
    return best[1] if best else None
