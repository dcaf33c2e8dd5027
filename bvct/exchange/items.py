"""The four kinds of item: what each carries (`build_*`, on the sending site) and what it does
here (`apply_*`, on the receiving site, inside the import's transaction). An item that no longer
applies raises `Rejected` with the reason the receipt gives back; nothing is silently dropped.

Items name units by their code in the official tree (the same on every site) and records by
their id on the sending site. The records an item creates are authored by the peer's own
inactive account (`Peer.account`)."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from bvct.exchange.models import (
    CaseTransfer,
    ItemKind,
    MirrorCase,
    MirrorReport,
    MirrorRequest,
    Peer,
    ReceivedTransfer,
)
from bvct.orgs.models import OrgUnit
from bvct.people.models import Person, Relative
from bvct.people.names import split_name
from bvct.reports.models import PeriodicReport
from bvct.verification.models import AddresseeKind, CoveredPerson, VerificationRequest
from bvct.vetting import storage
from bvct.vetting.models import Case, CaseDocument, Status
from bvct.vetting.scope import case_scope_fill

RS = VerificationRequest.Status


class Rejected(Exception):  # noqa: N818 (an outcome, not a failure of the program)
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _parse_day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _file(document: CaseDocument | None) -> dict[str, str] | None:
    if document is None:
        return None
    return {
        "name": document.original_name,
        "content_type": document.content_type,
        "title": document.title,
        "data": base64.b64encode(storage.read_file(document)).decode("ascii"),
    }


def _subject(person: Person) -> dict[str, Any]:
    return {
        "full_name": person.full_name,
        "birth_date": _day(person.birth_date),
        "birth_precision": person.birth_precision,
        "birth_year": person.birth_year,
        "sex": person.sex,
        "unit": person.org_unit.code,
    }


def _relative(relative: Relative) -> dict[str, Any]:
    return {
        "id": relative.pk,
        "relationship": relative.relationship,
        "full_name": relative.full_name,
        "birth_date": _day(relative.birth_date),
        "birth_year": relative.birth_year,
        "sex": relative.sex,
        "address_text": relative.address_text,
    }


class Context:
    """What every item of one import shares: the sender, our served units, the units looked up."""

    def __init__(self, peer: Peer, served: list[OrgUnit]) -> None:
        self.peer = peer
        self.served = served
        self._units: dict[str, OrgUnit | None] = {}

    def known(self, code: str) -> OrgUnit | None:
        if code not in self._units:
            self._units[code] = OrgUnit.objects.filter(code=code).first()
        return self._units[code]

    def unit(self, code: str, *, served: bool = False) -> OrgUnit:
        return _unit(code, self.known(code), served=self.served if served else None)


def _unit(code: str, unit: OrgUnit | None, *, served: list[OrgUnit] | None = None) -> OrgUnit:
    if unit is None:
        raise Rejected(_("Unit %(code)s is not in this site's tree.") % {"code": code})
    if served is not None:
        if not any(root.contains(unit) for root in served):
            raise Rejected(
                _("Unit %(name)s (%(code)s) is not served by this site.")
                % {"name": unit.name, "code": code}
            )
        if not unit.is_active:
            raise Rejected(
                _("Unit %(name)s (%(code)s) no longer exists (ended or merged).")
                % {"name": unit.name, "code": code}
            )
    return unit


# --- building (sending site) ------------------------------------------------------------------


def build_request(request: VerificationRequest) -> dict[str, Any]:
    case = request.case
    covers = list(request.covers.select_related("relative").order_by("pk"))
    return {
        "origin_id": request.pk,
        "case": {
            "id": case.pk,
            "type": case.case_type,
            "purpose": case.purpose,
            "holding_unit": case.holding_unit.code,
            "subject": _subject(case.person),
        },
        "requesting_unit": request.requesting_unit.code,
        "addressee_unit": request.addressee_unit.code if request.addressee_unit else "",
        "legal_basis": request.legal_basis,
        "purpose": request.purpose,
        "questions": request.questions,
        "classification": request.classification,
        "reference": request.reference,
        "sent_on": _day(request.sent_on),
        "due_on": _day(request.due_on),
        "covers": [
            {"relative": _relative(c.relative) if c.relative else None, "in_scope": c.in_scope}
            for c in covers
        ],
        "letter": _file(request.letter),
    }


def build_reply(mirror: MirrorRequest) -> dict[str, Any]:
    request = mirror.request
    return {
        "origin_id": mirror.origin_id,
        "outcome": request.reply_outcome,
        "text": request.reply_text,
        "reference": request.reply_reference,
        "replied_on": _day(request.replied_on),
        "document": _file(request.reply_document),
    }


def build_transfer(transfer: CaseTransfer) -> dict[str, Any]:
    case = transfer.case
    return {
        "origin_id": transfer.pk,
        "case": {
            "id": case.pk,
            "type": case.case_type,
            "purpose": case.purpose,
            "status": case.status,
            "closed": case.closed_at is not None,
            "opened_at": case.opened_at.isoformat(),
            "holding_unit": case.holding_unit.code,
            "subject": _subject(case.person),
            "history": [
                {"from": t.from_status, "to": t.to_status, "at": t.occurred_at.isoformat()}
                for t in case.transitions.all()
            ],
        },
        "to_unit": transfer.to_unit.code,
        "reason": transfer.reason,
        "created_at": transfer.created_at.isoformat(),
    }


def build_report(report: PeriodicReport) -> dict[str, Any]:
    return {
        "origin_id": report.pk,
        "org_unit": report.org_unit.code,
        "submitted_to": report.submitted_to.code if report.submitted_to else "",
        "period": report.period,
        "year": report.year,
        "part": report.part,
        "starts_on": _day(report.starts_on),
        "ends_on": _day(report.ends_on),
        "version": report.version,
        "reference": report.reference,
        "data": report.data,
        "clearance": report.clearance,
        "submitted_at": report.submitted_at.isoformat(),
    }


# --- applying (receiving site) ----------------------------------------------------------------


def _store(case: Case, peer: Peer, kind: str, file: dict[str, str] | None, level: int) -> Any:
    if not file:
        return None
    return storage.store_file(
        case=case,
        actor=peer.account,
        kind=kind,
        title=file["title"],
        original_name=file["name"],
        content_type=file["content_type"],
        data=base64.b64decode(file["data"]),
        classification=level,
    )


def _mirror_case(ctx: Context, data: dict[str, Any]) -> MirrorCase:
    peer = ctx.peer
    mirror = MirrorCase.objects.filter(peer=peer, origin_id=data["id"]).first()
    if mirror is not None:
        return mirror
    subject = data["subject"]
    parts = split_name(subject["full_name"])
    holding = ctx.unit(data["holding_unit"])
    # the subject's own unit may be a chi bộ of the sending site's that the official tree here
    # does not hold: the mirror then sits at the unit holding the file (out of our jurisdiction
    # either way)
    known = ctx.known(subject["unit"])
    person = Person.objects.create(
        full_name=parts.full_name,
        surname=parts.surname,
        middle_name=parts.middle_name,
        given_name=parts.given_name,
        name_key=parts.name_key,
        birth_date=_parse_day(subject["birth_date"]),
        birth_precision=subject["birth_precision"],
        birth_year=subject["birth_year"],
        sex=subject["sex"],
        org_unit=known or holding,
        created_by=peer.account,
    )
    case = Case(
        case_type=data["type"],
        purpose=data["purpose"],
        person=person,
        status=Status.VERIFYING,
        holding_unit=holding,
        opened_by=peer.account,
        opened_at=timezone.now(),
    )
    case_scope_fill(case)
    case.save()
    return MirrorCase.objects.create(case=case, peer=peer, origin_id=data["id"])


def _mirror_relative(mirror: MirrorCase, data: dict[str, Any]) -> Relative:
    local = mirror.relatives.get(str(data["id"]))
    if local is not None:
        return Relative.objects.get(pk=local)
    relative = Relative.objects.create(
        person=mirror.case.person,
        relationship=data["relationship"],
        full_name=data["full_name"],
        name_key=split_name(data["full_name"]).name_key,
        birth_date=_parse_day(data["birth_date"]),
        birth_year=data["birth_year"],
        sex=data["sex"],
        address_text=data["address_text"],
    )
    mirror.relatives[str(data["id"])] = relative.pk
    mirror.save(update_fields=["relatives"])
    return relative


def apply_request(ctx: Context, data: dict[str, Any]) -> VerificationRequest:
    peer = ctx.peer
    addressee = ctx.unit(data["addressee_unit"], served=True)
    requesting = ctx.unit(data["requesting_unit"])
    if MirrorRequest.objects.filter(peer=peer, origin_id=data["origin_id"]).exists():
        raise Rejected(_("This request was already received in an earlier bundle."))
    mirror = _mirror_case(ctx, data["case"])
    request = VerificationRequest.objects.create(
        case=mirror.case,
        requesting_unit=requesting,
        addressee_kind=AddresseeKind.PARTY,
        addressee_unit=addressee,
        legal_basis=data["legal_basis"],
        purpose=data["purpose"],
        questions=data["questions"],
        classification=data["classification"],
        status=RS.SENT,
        reference=data["reference"],
        sent_on=_parse_day(data["sent_on"]),
        due_on=_parse_day(data["due_on"]),
        created_by=peer.account,
        created_at=timezone.now(),
    )
    for cover in data["covers"]:
        relative = _mirror_relative(mirror, cover["relative"]) if cover["relative"] else None
        CoveredPerson.objects.create(request=request, relative=relative, in_scope=cover["in_scope"])
    letter = _store(
        mirror.case, peer, CaseDocument.Kind.LETTER, data["letter"], data["classification"]
    )
    if letter is not None:
        request.letter = letter
        request.save(update_fields=["letter"])
    MirrorRequest.objects.create(
        request=request, peer=peer, origin_id=data["origin_id"], origin_case_id=data["case"]["id"]
    )
    return request


def apply_reply(ctx: Context, data: dict[str, Any]) -> VerificationRequest:
    peer, served = ctx.peer, ctx.served
    request = (
        VerificationRequest.objects.select_for_update(of=("self",))
        .select_related("case", "requesting_unit", "addressee_unit")
        .filter(pk=data["origin_id"])
        .first()
    )
    peer_units = list(peer.served_units.all())
    if (
        request is None
        or request.addressee_unit is None
        or not any(root.contains(request.addressee_unit) for root in peer_units)
        or not any(root.contains(request.requesting_unit) for root in served)
    ):
        raise Rejected(_("No request of this site was sent to that unit under this number."))
    if request.status == RS.WITHDRAWN:
        raise Rejected(
            _(
                "Request %(reference)s was withdrawn meanwhile (%(reason)s); the reply no longer "
                "applies."
            )
            % {"reference": request.reference, "reason": request.withdrawn_reason}
        )
    if request.status == RS.ANSWERED:
        raise Rejected(
            _("Request %(reference)s already has a reply.") % {"reference": request.reference}
        )
    request.reply_outcome = data["outcome"]
    request.reply_text = data["text"]
    request.reply_reference = data["reference"]
    request.replied_on = _parse_day(data["replied_on"])
    request.replied_by = peer.account
    request.status = RS.ANSWERED
    request.reply_document = _store(
        request.case, peer, CaseDocument.Kind.REPLY, data["document"], request.classification
    )
    request.save(
        update_fields=[
            "reply_outcome",
            "reply_text",
            "reply_reference",
            "replied_on",
            "replied_by",
            "status",
            "reply_document",
        ]
    )
    return request


def apply_transfer(ctx: Context, data: dict[str, Any]) -> ReceivedTransfer:
    peer = ctx.peer
    to_unit = ctx.unit(data["to_unit"], served=True)
    if data["case"]["closed"]:
        raise Rejected(
            _(
                "Case #%(id)s was closed at the sending site before the transfer left; a closed "
                "case is not transferred."
            )
            % {"id": data["case"]["id"]}
        )
    return ReceivedTransfer.objects.create(
        peer=peer,
        origin_id=data["origin_id"],
        origin_case_id=data["case"]["id"],
        to_unit=to_unit,
        data=data,
        received_at=timezone.now(),
    )


def apply_report(ctx: Context, data: dict[str, Any]) -> PeriodicReport:
    peer = ctx.peer
    to_unit = ctx.unit(data["submitted_to"], served=True)
    unit = ctx.unit(data["org_unit"])
    if PeriodicReport.objects.filter(
        org_unit=unit,
        period=data["period"],
        year=data["year"],
        part=data["part"],
        version=data["version"],
    ).exists():
        raise Rejected(
            _("Report %(reference)s (version %(version)s) is already here.")
            % {"reference": data["reference"], "version": data["version"]}
        )
    report = PeriodicReport.objects.create(
        org_unit=unit,
        period=data["period"],
        year=data["year"],
        part=data["part"],
        starts_on=dt.date.fromisoformat(data["starts_on"]),
        ends_on=dt.date.fromisoformat(data["ends_on"]),
        version=data["version"],
        reference=data["reference"],
        data=data["data"],
        clearance=data["clearance"],
        submitted_by=peer.account,
        submitted_at=dt.datetime.fromisoformat(data["submitted_at"]),
        submitted_to=to_unit,
    )
    MirrorReport.objects.create(report=report, peer=peer, origin_id=data["origin_id"])
    return report


APPLIERS = {
    ItemKind.REQUEST: apply_request,
    ItemKind.REPLY: apply_reply,
    ItemKind.TRANSFER: apply_transfer,
    ItemKind.REPORT: apply_report,
}
