"""Writes to the classified-document registers. Every function takes `actor=`, checks it through
`bvct.access.policy`, runs in one transaction and appends an audit event; none of them stores
the content of a document.

Numbers: `_take_number` locks the register row (SELECT … FOR UPDATE; on SQLite the write
transaction itself serialises) and increments `last_number` in the transaction that writes the
entry, so numbers are unique and gap-free however many registrars register at once, and a
cancelled number stays in the register, cancelled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from bvct.access import policy
from bvct.accounts.models import User
from bvct.audit.services import audit_record
from bvct.core.errors import AccessDenied, DomainError
from bvct.core.text import fold, nfc
from bvct.orgs.models import OrgUnit
from bvct.registers.models import (
    Addressee,
    CopyAuthorisation,
    Entry,
    EntryEvent,
    Level,
    ProtectionPeriod,
    Register,
)

K = Register.Kind
S = Entry.Status
E = EntryEvent.Kind


# --- protection periods ------------------------------------------------------------------------


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February → 28 February
        return day.replace(year=day.year + years, day=28)


def period_years(level: int, classified_on: dt.date) -> int:
    """Years in force on the date of classification (else the earliest configured)."""
    rows = ProtectionPeriod.objects.filter(level=level)
    row = rows.filter(valid_from__lte=classified_on).order_by("-valid_from").first()
    row = row or rows.order_by("valid_from").first()
    if row is None:
        raise DomainError(_("No protection period is configured for this level."), field="level")
    return row.years


def protection_end(
    level: int, classified_on: dt.date, marked_until: dt.date | None = None
) -> dt.date:
    """The end of protection: the years for the level from the date of classification, or the
    shorter period marked on the document."""
    default = add_years(classified_on, period_years(level, classified_on))
    return min(default, marked_until) if marked_until else default


# --- registers and numbers -----------------------------------------------------------------------


def register_for(*, org_unit: OrgUnit, year: int, kind: str) -> Register:
    key = {"org_unit": org_unit, "year": year, "kind": kind}
    register = Register.objects.filter(**key).first()
    if register is not None:
        return register
    try:
        with transaction.atomic():  # a savepoint: a concurrent creator wins, we reuse its row
            return Register.objects.create(**key)
    except IntegrityError:
        return Register.objects.get(**key)


def _take_number(register: Register) -> tuple[Register, int]:
    locked = Register.objects.select_for_update().get(pk=register.pk)
    if locked.is_locked:
        raise DomainError(
            _("This register was locked at the end of %(year)s: nothing can be added to it.")
            % {"year": locked.year}
        )
    locked.last_number += 1
    locked.save(update_fields=["last_number"])
    return locked, locked.last_number


def _check_writable(actor: User, register: Register) -> None:
    if not policy.can_keep_registers_of(actor, register.org_unit):
        raise AccessDenied(_("Only a registrar of this unit may write in its registers."))


def _open_entry(actor: User, entry: Entry) -> Entry:
    if not policy.can_write_entry(actor, entry):
        raise AccessDenied(_("Only a cleared registrar of this unit may change this entry."))
    return Entry.objects.select_for_update(of=("self",)).select_related("register").get(pk=entry.pk)


def _audit(actor: User, action: str, entry: Entry, **data: object) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=entry,
        org_unit=entry.register.org_unit,
        data={
            "register": entry.register.kind,
            "year": entry.register.year,
            "number": entry.number,
            "level": entry.level,
            **data,
        },
    )


def _clean(text: str) -> str:
    return " ".join(nfc(text).split())


def _keys(entry: Entry, values: dict[str, Any], addressees: list[str]) -> None:
    parts = [
        str(entry.number),
        values["doc_number"],
        values["signer"],
        values["sender"],
        values["storage"],
        values["notes"],
        *addressees,
    ]
    entry.search_text = fold(" ".join(p for p in parts if p))
    entry.summary_key = fold(values["summary"] or "")


@dataclass(frozen=True)
class EntryInput:
    doc_number: str
    doc_date: dt.date
    level: int
    copies: int
    summary: str = ""
    mark: str = ""
    signer: str = ""
    sender: str = ""
    received_on: dt.date | None = None
    storage: str = ""
    notes: str = ""
    marked_until: dt.date | None = None
    addressees: list[tuple[str, int]] = field(default_factory=list)
    registered_on: dt.date | None = None  # today unless transcribing an older paper register


def _check_input(kind: str, data: EntryInput, registered_on: dt.date, today: dt.date) -> None:
    if data.level not in Level.values:
        raise DomainError(_("Level: choose Mật, Tối mật or Tuyệt mật."), field="level")
    if not _clean(data.doc_number):
        raise DomainError(_("Number and symbol: required."), field="doc_number")
    if data.level == Level.TUYET_MAT and data.summary.strip():
        raise DomainError(
            _("Summary: no summary is recorded for a Tuyệt mật document; leave it empty."),
            field="summary",
        )
    if data.mark and data.mark not in Entry.Mark.values:
        raise DomainError(_("A/B/C mark: choose A, B or C, or leave it empty."), field="mark")
    if data.copies < 1:
        raise DomainError(_("Copies: at least 1."), field="copies")
    if registered_on > today:
        raise DomainError(_("Registered on: not in the future."), field="registered_on")
    if data.doc_date > registered_on:
        raise DomainError(_("Document date: not after the date of registration."), field="doc_date")
    if data.marked_until and data.marked_until <= data.doc_date:
        raise DomainError(
            _("Shorter protection: must end after the document date."), field="marked_until"
        )
    _check_kind(kind, data, registered_on)


def _check_kind(kind: str, data: EntryInput, registered_on: dt.date) -> None:
    if kind == K.INCOMING:
        if not _clean(data.sender):
            raise DomainError(_("Sent by: name the body that sent it."), field="sender")
        if data.received_on is None:
            raise DomainError(
                _("Received on: required for an incoming document."), field="received_on"
            )
        if data.received_on > registered_on:
            raise DomainError(
                _("Received on: an incoming document is registered after it is received."),
                field="received_on",
            )
    if kind == K.OUTGOING:
        if not data.addressees:
            raise DomainError(_("Addressees: name at least one."), field="addressees")
        if sum(copies for _name, copies in data.addressees) > data.copies:
            raise DomainError(
                _("Addressees: they receive more copies than were made."), field="addressees"
            )


def _create(
    *,
    actor: User,
    register: Register,
    data: EntryInput,
    today: dt.date,
    copy_of: Entry | None = None,
    authorisation: CopyAuthorisation | None = None,
    copy_form: str = "",
) -> Entry:
    registered_on = data.registered_on or today
    if registered_on.year != register.year:
        raise DomainError(
            _("Registered on: this is the register of %(year)s.") % {"year": register.year},
            field="registered_on",
        )
    register, number = _take_number(register)
    last = register.entries.order_by("-number").values_list("registered_on", flat=True).first()
    if last is not None and registered_on < last:
        raise DomainError(
            _("Registered on: the previous entry is dated %(date)s; a register runs in date order.")
            % {"date": last.strftime("%d/%m/%Y")},
            field="registered_on",
        )
    entry = Entry(
        register=register,
        number=number,
        registered_on=registered_on,
        registered_by=actor,
        registered_at=timezone.now(),
        doc_number=_clean(data.doc_number),
        doc_date=data.doc_date,
        summary=nfc(data.summary.strip()),
        registered_level=data.level,
        mark=data.mark,
        copies=data.copies,
        signer=_clean(data.signer),
        sender=_clean(data.sender),
        received_on=data.received_on,
        storage=_clean(data.storage),
        notes=nfc(data.notes.strip()),
        marked_until=data.marked_until,
        copy_of=copy_of,
        authorisation=authorisation,
        copy_form=copy_form,
        level=data.level,
        protected_until=protection_end(data.level, data.doc_date, data.marked_until),
    )
    names = [_clean(name) for name, _copies in data.addressees]
    values = {name: getattr(entry, name) for name in Entry.AMENDABLE}
    _keys(entry, values, names)
    entry.full_clean(exclude=["register", "registered_by", "copy_of", "authorisation"])
    entry.save()
    Addressee.objects.bulk_create(
        Addressee(entry=entry, name=name, copies=copies)
        for name, (_raw, copies) in zip(names, data.addressees, strict=True)
    )
    return entry


@transaction.atomic
def entry_register(*, actor: User, org_unit: OrgUnit, kind: str, data: EntryInput) -> Entry:
    """Register an outgoing document before dispatch, or an incoming one after receipt."""
    if kind not in {K.OUTGOING, K.INCOMING}:
        raise DomainError(
            _("Copies and handovers are recorded from the document's own entry."), field="kind"
        )
    if not policy.can_keep_registers_of(actor, org_unit):
        raise AccessDenied(_("Only a registrar of this unit may write in its registers."))
    if not policy.has_clearance(actor, data.level):
        raise DomainError(
            _("Level: your clearance does not reach this level."), field="level", code="forbidden"
        )
    today = timezone.localdate()
    _check_input(kind, data, data.registered_on or today, today)
    year = (data.registered_on or today).year
    entry = _create(
        actor=actor,
        register=register_for(org_unit=org_unit, year=year, kind=kind),
        data=data,
        today=today,
    )
    _audit(actor, "registers.entry.register", entry, addressees=len(data.addressees))
    return entry


# --- copies and handovers ----------------------------------------------------------------------


def _source_usable(entry: Entry) -> None:
    if entry.status != S.ACTIVE:
        raise DomainError(_("This document is no longer under protection in the register."))
    if entry.register.kind not in {K.OUTGOING, K.INCOMING}:
        raise DomainError(_("Copy or hand over the document from its outgoing or incoming entry."))


def _derived_entry(
    *,
    actor: User,
    source: Entry,
    kind: str,
    copies: int,
    addressees: list[tuple[str, int]],
    notes: str,
    registered_on: dt.date | None,
    authorisation: CopyAuthorisation | None = None,
    copy_form: str = "",
) -> Entry:
    """A copy or a handover of `source`, in the unit's register of that kind for its year: the
    document's current description, protected as long as the original (extensions included)."""
    today = timezone.localdate()
    values = source.current()
    day = _when(registered_on, source, today)
    data = EntryInput(
        doc_number=values["doc_number"],
        doc_date=values["doc_date"],
        level=source.level,
        copies=copies,
        summary=values["summary"] if source.level != Level.TUYET_MAT else "",
        mark=values["mark"],
        signer=values["signer"],
        notes=notes,
        addressees=addressees,
        registered_on=day,
    )
    register = register_for(org_unit=source.register.org_unit, year=day.year, kind=kind)
    entry = _create(
        actor=actor,
        register=register,
        data=data,
        today=today,
        copy_of=source,
        authorisation=authorisation,
        copy_form=copy_form,
    )
    Entry.objects.filter(pk=entry.pk).update(protected_until=source.protected_until)
    entry.protected_until = source.protected_until
    return entry


def _when(day: dt.date | None, source: Entry, today: dt.date) -> dt.date:
    """The date of a copy or a handover: today, or an earlier day when transcribing paper, never
    before the document was registered."""
    day = day or today
    if day > today or day < source.registered_on:
        raise DomainError(
            _("Date: between the registration of the document and today."), field="registered_on"
        )
    return day


@transaction.atomic
def copy_authorise(
    *,
    actor: User,
    entry: Entry,
    copies: int,
    authorised_by: str,
    reference: str,
    authorised_on: dt.date,
) -> CopyAuthorisation:
    """Record the leave to copy a document (who authorised how many copies, on what paper)."""
    entry = _open_entry(actor, entry)
    _source_usable(entry)
    if copies < 1:
        raise DomainError(_("Copies authorised: at least 1."), field="copies")
    if not _clean(authorised_by):
        raise DomainError(
            _("Authorised by: name and position of who authorised it."), field="authorised_by"
        )
    if not _clean(reference):
        raise DomainError(
            _("Authorisation reference: the approval slip or document."), field="reference"
        )
    if authorised_on > timezone.localdate() or authorised_on < entry.doc_date:
        raise DomainError(
            _("Authorised on: between the document date and today."), field="authorised_on"
        )
    authorisation = CopyAuthorisation.objects.create(
        entry=entry,
        copies=copies,
        authorised_by=_clean(authorised_by),
        reference=_clean(reference),
        authorised_on=authorised_on,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    _audit(
        actor, "registers.copy.authorise", entry, copies=copies, reference=authorisation.reference
    )
    return authorisation


def copies_left(authorisation: CopyAuthorisation) -> int:
    made = (
        authorisation.copies_made.exclude(status=S.CANCELLED).aggregate(n=Sum("copies"))["n"] or 0
    )
    return authorisation.copies - made


@transaction.atomic
def copy_record(
    *,
    actor: User,
    authorisation: CopyAuthorisation,
    copies: int,
    copy_form: str,
    recipients: list[tuple[str, int]],
    notes: str = "",
    registered_on: dt.date | None = None,
) -> Entry:
    """Enter copies made under an authorisation in this year's copy register; never more copies
    than were authorised (the authorisation row is locked while counting)."""
    source = _open_entry(actor, authorisation.entry)
    _source_usable(source)
    authorisation = CopyAuthorisation.objects.select_for_update().get(pk=authorisation.pk)
    if copy_form not in Entry.CopyForm.values:
        raise DomainError(_("Form of copy: choose one."), field="copy_form")
    if copies < 1:
        raise DomainError(_("Copies: at least 1."), field="copies")
    left = copies_left(authorisation)
    if copies > left:
        raise DomainError(
            _("Copies: %(asked)s asked, but only %(left)s of the %(authorised)s authorised remain.")
            % {"asked": copies, "left": left, "authorised": authorisation.copies},
            field="copies",
        )
    if sum(n for _name, n in recipients) > copies:
        raise DomainError(
            _("Recipients: they receive more copies than were made."), field="recipients"
        )
    entry = _derived_entry(
        actor=actor,
        source=source,
        kind=K.COPY,
        copies=copies,
        addressees=recipients,
        notes=notes,
        registered_on=registered_on,
        authorisation=authorisation,
        copy_form=copy_form,
    )
    _audit(actor, "registers.copy.record", entry, copies=copies, source=source.pk)
    return entry


@transaction.atomic
def handover_record(
    *,
    actor: User,
    entry: Entry,
    recipient: str,
    copies: int,
    notes: str = "",
    registered_on: dt.date | None = None,
) -> Entry:
    """Enter a handover of a registered document in this year's handover register; the
    recipient's signature is confirmed with `receipt_confirm`."""
    source = _open_entry(actor, entry)
    _source_usable(source)
    if not _clean(recipient):
        raise DomainError(_("Recipient: name who receives it."), field="recipient")
    if copies < 1 or copies > source.copies:
        raise DomainError(
            _("Copies: between 1 and the %(n)s copies registered.") % {"n": source.copies},
            field="copies",
        )
    handed = _derived_entry(
        actor=actor,
        source=source,
        kind=K.HANDOVER,
        copies=copies,
        addressees=[(recipient, copies)],
        notes=notes,
        registered_on=registered_on,
    )
    _audit(actor, "registers.handover.record", handed, source=source.pk)
    return handed


@transaction.atomic
def receipt_confirm(
    *, actor: User, addressee: Addressee, received_on: dt.date, signed_by: str
) -> Addressee:
    """The addressee's receipt (the signature in the register's receipt column)."""
    entry = _open_entry(actor, addressee.entry)
    addressee = Addressee.objects.select_for_update().get(pk=addressee.pk)
    if addressee.received_on is not None:
        raise DomainError(_("This receipt was already confirmed."))
    if entry.status == S.CANCELLED:
        raise DomainError(_("This number was cancelled."))
    if received_on < entry.registered_on or received_on > timezone.localdate():
        raise DomainError(
            _("Received on: between the date of registration and today."), field="received_on"
        )
    if not _clean(signed_by):
        raise DomainError(_("Signed by: who signed for it."), field="signed_by")
    addressee.received_on = received_on
    addressee.received_by_name = _clean(signed_by)
    addressee.confirmed_by = actor
    addressee.save(update_fields=["received_on", "received_by_name", "confirmed_by"])
    EntryEvent.objects.create(
        entry=entry,
        kind=E.RECEIPT,
        day=received_on,
        changes={"addressee": addressee.name, "signed_by": addressee.received_by_name},
        by=actor,
        at=timezone.now(),
    )
    _audit(actor, "registers.receipt.confirm", entry, addressee=addressee.pk)
    return addressee


# --- amendments and cancellation (while the register is open) ----------------------------------


def _check_open(entry: Entry) -> None:
    if entry.register.is_locked:
        raise DomainError(_("The register is locked: its entries can no longer be amended."))
    if entry.status == S.CANCELLED:
        raise DomainError(_("This number was cancelled."))


@transaction.atomic
def entry_amend(*, actor: User, entry: Entry, changes: dict[str, Any], reason: str) -> EntryEvent:
    """Append an amendment: the registered values stay as they were, the amendment says what
    is read instead, who amended it and why."""
    entry = _open_entry(actor, entry)
    _check_open(entry)
    if not _clean(reason):
        raise DomainError(_("Reason: say why the entry is amended."), field="reason")
    unknown = set(changes) - set(Entry.AMENDABLE)
    if unknown:
        raise DomainError(
            _("These fields cannot be amended: %(f)s.") % {"f": ", ".join(sorted(unknown))}
        )
    current = entry.current()
    diff: dict[str, list[Any]] = {}
    for name, raw in changes.items():
        new: Any = raw
        if isinstance(raw, str):
            new = nfc(raw.strip()) if name in {"summary", "notes"} else _clean(raw)
        if name == "summary" and new and entry.registered_level == Level.TUYET_MAT:
            raise DomainError(
                _("Summary: no summary is recorded for a Tuyệt mật document; leave it empty."),
                field="summary",
            )
        if name == "doc_number" and not new:
            raise DomainError(_("Number and symbol: required."), field="doc_number")
        if name == "mark" and new not in {"", *Entry.Mark.values}:
            raise DomainError(_("A/B/C mark: choose A, B or C, or leave it empty."), field="mark")
        if name == "doc_date" and (not isinstance(new, dt.date) or new > entry.registered_on):
            raise DomainError(
                _("Document date: not after the date of registration."), field="doc_date"
            )
        old = current[name]
        if new != old:
            diff[name] = [_json(old), _json(new)]
    if not diff:
        raise DomainError(_("Nothing changed."))
    event = EntryEvent.objects.create(
        entry=entry,
        kind=E.AMEND,
        day=timezone.localdate(),
        changes=diff,
        reason=_clean(reason),
        by=actor,
        at=timezone.now(),
    )
    current.update({k: _value(k, v[1]) for k, v in diff.items()})
    names = list(entry.addressees.values_list("name", flat=True))
    _keys(entry, current, names)
    update = ["search_text", "summary_key"]
    if "doc_date" in diff and not entry.events.filter(kind__in=[E.EXTEND, E.DOWNGRADE]).exists():
        entry.protected_until = protection_end(entry.level, current["doc_date"], entry.marked_until)
        update.append("protected_until")
    entry.save(update_fields=update)
    _audit(actor, "registers.entry.amend", entry, fields=sorted(diff))
    return event


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _value(name: str, value: Any) -> Any:
    return dt.date.fromisoformat(value) if name == "doc_date" and value else value


@transaction.atomic
def entry_cancel(*, actor: User, entry: Entry, reason: str) -> Entry:
    """Cancel a number: the number stays in the register, marked cancelled, never reused."""
    entry = _open_entry(actor, entry)
    _check_open(entry)
    if not _clean(reason):
        raise DomainError(_("Reason: say why the number is cancelled."), field="reason")
    if entry.derived.exclude(status=S.CANCELLED).exists():
        raise DomainError(
            _("Copies or handovers of this document are registered; cancel them first.")
        )
    entry.status = S.CANCELLED
    entry.save(update_fields=["status"])
    EntryEvent.objects.create(
        entry=entry,
        kind=E.CANCEL,
        day=timezone.localdate(),
        reason=_clean(reason),
        by=actor,
        at=timezone.now(),
    )
    _audit(actor, "registers.entry.cancel", entry)
    return entry


# --- protection: extension, lower level, declassification, destruction -------------------------
# These acts come years after registration, so they are allowed in a locked register too.


def _protection_event(
    *, actor: User, entry: Entry, kind: str, day: dt.date, decision: str, **fields: Any
) -> tuple[Entry, EntryEvent]:
    entry = _open_entry(actor, entry)
    if entry.status != S.ACTIVE:
        raise DomainError(_("This document is no longer under protection in the register."))
    if day > timezone.localdate() or day < entry.doc_date:
        raise DomainError(_("Date: between the document date and today."), field="day")
    if not _clean(decision):
        raise DomainError(_("Decision: the number of the decision is required."), field="decision")
    event = EntryEvent(
        entry=entry,
        kind=kind,
        day=day,
        decision=_clean(decision),
        by=actor,
        at=timezone.now(),
        **fields,
    )
    return entry, event


@transaction.atomic
def protection_extend(
    *, actor: User, entry: Entry, until: dt.date, day: dt.date, decision: str
) -> EntryEvent:
    entry, event = _protection_event(
        actor=actor, entry=entry, kind=E.EXTEND, day=day, decision=decision, new_until=until
    )
    if until <= entry.protected_until:
        raise DomainError(
            _("Extended until: after the current end of protection (%(date)s).")
            % {"date": entry.protected_until.strftime("%d/%m/%Y")},
            field="until",
        )
    event.changes = {"protected_until": [entry.protected_until.isoformat(), until.isoformat()]}
    event.save()
    entry.protected_until = until
    entry.save(update_fields=["protected_until"])
    _sync_derived(entry)
    _audit(actor, "registers.protection.extend", entry, until=until.isoformat())
    return event


@transaction.atomic
def level_lower(
    *,
    actor: User,
    entry: Entry,
    new_level: int,
    day: dt.date,
    decision: str,
    until: dt.date | None = None,
) -> EntryEvent:
    """Lower the level; protection then runs for the new level from the date of classification
    unless the decision sets another end."""
    entry, event = _protection_event(
        actor=actor, entry=entry, kind=E.DOWNGRADE, day=day, decision=decision
    )
    if new_level not in Level.values or new_level >= entry.level:
        raise DomainError(_("New level: lower than the current one."), field="new_level")
    end = until or protection_end(new_level, entry.doc_date, entry.marked_until)
    event.new_level, event.new_until = new_level, end
    event.changes = {
        "level": [entry.level, new_level],
        "protected_until": [entry.protected_until.isoformat(), end.isoformat()],
    }
    event.save()
    old = entry.level
    entry.level, entry.protected_until = new_level, end
    entry.save(update_fields=["level", "protected_until"])
    _sync_derived(entry)
    _audit(actor, "registers.protection.downgrade", entry, old_level=old)
    return event


@transaction.atomic
def declassify(
    *, actor: User, entry: Entry, day: dt.date, decision: str, reason: str = ""
) -> EntryEvent:
    entry, event = _protection_event(
        actor=actor,
        entry=entry,
        kind=E.DECLASSIFY,
        day=day,
        decision=decision,
        reason=_clean(reason),
    )
    event.save()
    entry.status = S.DECLASSIFIED
    entry.save(update_fields=["status"])
    _sync_derived(entry)
    _audit(actor, "registers.protection.declassify", entry)
    return event


@transaction.atomic
def destroy(
    *, actor: User, entry: Entry, day: dt.date, decision: str, council: str, minutes: str
) -> EntryEvent:
    """Destruction needs the decision, the council that destroyed it and the minutes."""
    if not _clean(council):
        raise DomainError(
            _("Council: name the members of the destruction council."), field="council"
        )
    if not _clean(minutes):
        raise DomainError(_("Minutes: the reference of the destruction minutes."), field="minutes")
    entry, event = _protection_event(
        actor=actor,
        entry=entry,
        kind=E.DESTROY,
        day=day,
        decision=decision,
        council=nfc(council.strip()),
        minutes=_clean(minutes),
    )
    event.save()
    entry.status = S.DESTROYED
    entry.save(update_fields=["status"])
    _audit(actor, "registers.protection.destroy", entry)
    return event


def _sync_derived(entry: Entry) -> None:
    """Copies and handovers follow their original's level, end of protection and status."""
    fields: dict[str, Any] = {"level": entry.level, "protected_until": entry.protected_until}
    if entry.status == S.DECLASSIFIED:
        fields["status"] = S.DECLASSIFIED
    entry.derived.filter(status=S.ACTIVE).update(**fields)


# --- locking ------------------------------------------------------------------------------------


@transaction.atomic
def register_lock(*, actor: User, register: Register) -> Register:
    """Lock a register once its year is over: no new entry, amendment or cancellation."""
    _check_writable(actor, register)
    register = Register.objects.select_for_update().get(pk=register.pk)
    if register.is_locked:
        raise DomainError(_("This register is already locked."))
    if timezone.localdate().year <= register.year:
        raise DomainError(
            _("A register is locked at the end of its year: wait until 01/01/%(next)s.")
            % {"next": register.year + 1}
        )
    register.locked_at, register.locked_by = timezone.now(), actor
    register.save(update_fields=["locked_at", "locked_by"])
    audit_record(
        actor=actor,
        action="registers.register.lock",
        target=register,
        org_unit=register.org_unit,
        data={
            "register": register.kind,
            "year": register.year,
            "last_number": register.last_number,
        },
    )
    return register
