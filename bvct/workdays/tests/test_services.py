from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bvct.accounts.models import User
from bvct.audit.models import AuditEvent
from bvct.core.errors import AccessDenied, DomainError
from bvct.workdays import calendar, services
from bvct.workdays.models import WorkdayOverride
from bvct.workdays.tests.factories import make_override

Kind = WorkdayOverride.Kind


def _state() -> tuple[list[tuple[Any, ...]], int]:
    """Everything a refused call must leave unchanged: the overrides and the audit log."""
    rows = list(WorkdayOverride.objects.order_by("pk").values_list("pk", "date", "kind", "reason"))
    return rows, AuditEvent.objects.count()


def test_create_extra_day_off_is_saved_and_audited(root_admin: User) -> None:
    # when
    override = services.override_create(
        date=date(2025, 12, 24), kind=Kind.DAY_OFF, reason="  Nghỉ  thêm ", actor=root_admin
    )
    # then
    assert (override.date, override.kind, override.reason, override.created_by) == (
        date(2025, 12, 24),
        Kind.DAY_OFF,
        "Nghỉ thêm",
        root_admin,
    )
    assert calendar.is_working_day(date(2025, 12, 24)) is False
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.target_type, event.target_id, event.org_unit) == (
        "workdays.override.create",
        root_admin,
        "workdays.workdayoverride",
        str(override.pk),
        None,
    )
    assert event.data == {
        "old": {"date": None, "kind": None, "reason": None},
        "new": {"date": "2025-12-24", "kind": "day_off", "reason": "Nghỉ thêm"},
    }


def test_create_make_up_working_day_on_a_saturday(root_admin: User) -> None:
    # when
    services.override_create(
        date=date(2025, 5, 3), kind=Kind.WORKING_DAY, reason="Làm bù", actor=root_admin
    )
    # then
    assert calendar.is_working_day(date(2025, 5, 3)) is True
    assert AuditEvent.objects.get().action == "workdays.override.create"


def test_create_make_up_working_day_on_a_holiday(root_admin: User) -> None:
    # when (the swapped day off 02/05/2025 becomes a working day again)
    services.override_create(
        date=date(2025, 5, 2), kind=Kind.WORKING_DAY, reason="Hủy hoán đổi", actor=root_admin
    )
    # then
    assert calendar.is_working_day(date(2025, 5, 2)) is True


@pytest.mark.parametrize(
    ("day", "kind", "reason", "field", "message"),
    [
        (
            date(2025, 5, 6),
            Kind.WORKING_DAY,
            "Làm bù",
            "date",
            "Ngày: 06/05/2025 đã là ngày làm việc; ngày làm việc bù phải là ngày nghỉ.",
        ),
        (
            date(2025, 4, 26),
            Kind.WORKING_DAY,
            "Làm bù",
            "date",
            "Ngày: 26/04/2025 đã là ngày làm việc; ngày làm việc bù phải là ngày nghỉ.",
        ),
        (
            date(2025, 5, 2),
            Kind.DAY_OFF,
            "Nghỉ",
            "date",
            "Ngày: 02/05/2025 đã là ngày nghỉ (Ngày nghỉ (thay cho ngày 26/04/2025)); "
            "ngày nghỉ thêm phải là ngày làm việc.",
        ),
        (
            date(2025, 5, 3),
            Kind.DAY_OFF,
            "Nghỉ",
            "date",
            "Ngày: 03/05/2025 đã là ngày nghỉ (Cuối tuần); ngày nghỉ thêm phải là ngày làm việc.",
        ),
        (
            date(2025, 5, 6),
            Kind.DAY_OFF,
            "   ",
            "reason",
            "Lý do: ghi rõ vì sao thay đổi ngày này (ví dụ: thông báo của Chính phủ).",
        ),
        (date(2025, 5, 6), "holiday", "Nghỉ", "kind", "Loại: không có loại “holiday”."),
        (
            date(2101, 1, 3),
            Kind.DAY_OFF,
            "Nghỉ",
            "date",
            "Ngày: 03/01/2101 nằm ngoài phạm vi lịch được hỗ trợ (từ 01/01/1995 đến 31/12/2100).",
        ),
        (
            date(2025, 5, 6),
            Kind.DAY_OFF,
            "x" * 256,
            "reason",
            "Lý do: Giá trị này chỉ có tối đa 255 kí tự (hiện có 256).",
        ),
    ],
)
def test_create_refused_with_message_naming_the_field(
    root_admin: User, *, day: date, kind: str, reason: str, field: str, message: str
) -> None:
    # given
    before = _state()
    # when
    with pytest.raises(DomainError) as caught:
        services.override_create(date=day, kind=kind, reason=reason, actor=root_admin)
    # then
    assert (caught.value.field, caught.value.message) == (field, message)
    assert _state() == before


def test_create_refused_for_a_date_that_already_has_an_override(root_admin: User) -> None:
    # given
    make_override(
        day=date(2025, 12, 24), kind=Kind.DAY_OFF, reason="Nghỉ Noel", created_by=root_admin
    )
    before = _state()
    # when
    with pytest.raises(DomainError) as caught:
        services.override_create(
            date=date(2025, 12, 24), kind=Kind.DAY_OFF, reason="Lần nữa", actor=root_admin
        )
    # then
    assert (caught.value.field, caught.value.message) == (
        "date",
        "Ngày: 24/12/2025 đã có điều chỉnh lịch (Ngày nghỉ thêm: Nghỉ Noel).",
    )
    assert _state() == before


@pytest.mark.parametrize("actor_name", ["province_admin", "root_officer", "member"])
def test_create_refused_for_anyone_but_a_national_admin(
    request: pytest.FixtureRequest, actor_name: str
) -> None:
    # given
    actor: User = request.getfixturevalue(actor_name)
    before = _state()
    # when
    with pytest.raises(AccessDenied, match=r"^Chỉ quản trị viên cấp Trung ương được sửa lịch"):
        services.override_create(
            date=date(2025, 12, 24), kind=Kind.DAY_OFF, reason="Nghỉ", actor=actor
        )
    # then
    assert _state() == before


def test_delete_removes_the_override_and_audits_it(root_admin: User) -> None:
    # given
    override = make_override(
        day=date(2025, 12, 24), kind=Kind.DAY_OFF, reason="Nghỉ Noel", created_by=root_admin
    )
    pk = override.pk
    # when
    services.override_delete(override=override, actor=root_admin)
    # then
    assert WorkdayOverride.objects.count() == 0
    assert calendar.is_working_day(date(2025, 12, 24)) is True
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.target_type, event.target_id) == (
        "workdays.override.delete",
        root_admin,
        "workdays.workdayoverride",
        str(pk),
    )
    assert event.data == {"old": {"date": "2025-12-24", "kind": "day_off", "reason": "Nghỉ Noel"}}


@pytest.mark.parametrize("actor_name", ["province_admin", "root_officer", "member"])
def test_delete_refused_for_anyone_but_a_national_admin(
    request: pytest.FixtureRequest, root_admin: User, actor_name: str
) -> None:
    # given
    override = make_override(day=date(2025, 12, 24), kind=Kind.DAY_OFF, created_by=root_admin)
    actor: User = request.getfixturevalue(actor_name)
    before = _state()
    # when
    with pytest.raises(AccessDenied):
        services.override_delete(override=override, actor=actor)
    # then
    assert _state() == before


def test_delete_refused_when_already_removed(root_admin: User) -> None:
    # given the same override loaded twice, then removed once
    override = make_override(day=date(2025, 12, 24), kind=Kind.DAY_OFF, created_by=root_admin)
    stale = WorkdayOverride.objects.get(pk=override.pk)
    services.override_delete(override=override, actor=root_admin)
    before = _state()
    # when
    with pytest.raises(DomainError) as caught:
        services.override_delete(override=stale, actor=root_admin)
    # then
    assert (caught.value.field, caught.value.message) == (
        "date",
        "Ngày: điều chỉnh lịch ngày 24/12/2025 đã bị xóa trước đó.",
    )
    assert _state() == before
