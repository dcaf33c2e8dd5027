from __future__ import annotations

import datetime as dt
import itertools
import unicodedata
from collections.abc import Iterator

import pytest
from django.utils import timezone

from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from bvct.audit.models import AuditEvent
from bvct.core.errors import AccessDenied, DomainError
from bvct.orgs import merge, services
from bvct.orgs.models import OrgUnit
from bvct.orgs.tests.conftest import snapshot
from bvct.orgs.tests.factories import make_child, make_root, tree_problems
from conftest import Tree

K = OrgUnit.Kind
# The placement rules, written out independently of services.ALLOWED_PARENT_KINDS.
ALLOWED_PAIRS = {
    (K.COMMUNE, K.PROVINCE),
    (K.PROVINCIAL_BLOCK, K.PROVINCE),
    (K.CENTRAL_ORG, K.CENTRAL),
    (K.PROVINCE, K.CENTRAL),
    (K.GRASSROOTS, K.COMMUNE),
    (K.GRASSROOTS, K.PROVINCIAL_BLOCK),
    (K.GRASSROOTS, K.CENTRAL_ORG),
    (K.GRASSROOTS, K.PROVINCE),
    (K.SUB_COMMITTEE, K.GRASSROOTS),
    (K.BRANCH, K.GRASSROOTS),
    (K.BRANCH, K.SUB_COMMITTEE),
}
PAST = dt.date(2025, 8, 1)


def last_event() -> AuditEvent:
    return AuditEvent.objects.order_by("-seq").first()  # type: ignore[return-value]


# --- create --------------------------------------------------------------------------------------


def test_create_adds_last_child_and_records_the_new_values(tree: Tree, admin_a: User) -> None:
    # given
    events_before = AuditEvent.objects.count()
    # when
    unit = services.unit_create(
        parent=tree.commune_a1,
        code=" g-a2 ",
        name=unicodedata.normalize("NFD", "Đảng bộ  trường THPT A"),
        kind=K.GRASSROOTS,
        valid_from=dt.date(2025, 9, 1),
        actor=admin_a,
    )
    # then
    unit.refresh_from_db()
    tree.commune_a1.refresh_from_db()
    assert unit.code == "G-A2"
    assert unit.name == "Đảng bộ trường THPT A"
    assert unit.name_key == "dang bo truong thpt a"
    assert unit.path == tree.commune_a1.path + "0002"
    assert unit.depth == 4
    assert tree.commune_a1.numchild == 2
    assert unit.valid_from == dt.date(2025, 9, 1)
    assert AuditEvent.objects.count() == events_before + 1
    event = last_event()
    assert event.action == "orgs.unit.create"
    assert event.actor_id == admin_a.pk
    assert event.target_type == "orgs.orgunit"
    assert event.target_id == str(unit.pk)
    assert event.org_unit_id == unit.pk
    assert event.data == {
        "old": {"code": None, "kind": None, "name": None, "parent_id": None, "valid_from": None},
        "new": {
            "code": "G-A2",
            "kind": "grassroots",
            "name": unit.name,
            "parent_id": tree.commune_a1.pk,
            "valid_from": "2025-09-01",
        },
    }


def test_create_starts_today_when_no_date_is_given(tree: Tree, admin_a: User) -> None:
    unit = services.unit_create(
        parent=tree.prov_a,
        code="KHOI-A",
        name="Đảng bộ khối A",
        kind=K.PROVINCIAL_BLOCK,
        actor=admin_a,
    )
    assert unit.valid_from == timezone.localdate()


@pytest.mark.parametrize(("child_kind", "parent_kind"), list(itertools.product(K.values, K.values)))
def test_create_follows_the_placement_rules(db: None, child_kind: str, parent_kind: str) -> None:
    # given a parent of `parent_kind` and a root administrator
    root = make_root(code="R", kind=K.CENTRAL)
    parent = root if parent_kind == K.CENTRAL else make_child(root, code="P", kind=parent_kind)
    admin = make_user(org_unit=root, roles=(RoleCode.ADMIN,))
    before = snapshot()
    # when / then
    if (child_kind, parent_kind) in ALLOWED_PAIRS:
        unit = services.unit_create(
            parent=parent, code="C", name="Con", kind=child_kind, actor=admin
        )
        assert unit.kind == child_kind
        return
    with pytest.raises(DomainError) as refused:
        services.unit_create(parent=parent, code="C", name="Con", kind=child_kind, actor=admin)
    assert refused.value.field == "kind"
    assert snapshot() == before


def test_create_explains_a_refused_placement_in_vietnamese(tree: Tree, admin_a: User) -> None:
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        services.unit_create(
            parent=tree.commune_a1, code="X9", name="Xã con", kind=K.COMMUNE, actor=admin_a
        )
    assert refused.value.message == (
        "Không thể đặt đơn vị loại “Đảng bộ xã/phường/đặc khu” trực thuộc “Xã A1”"
        " (Đảng bộ xã/phường/đặc khu); chỉ được đặt trực thuộc: Đảng bộ tỉnh/thành phố."
    )
    assert refused.value.field == "kind"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("code", "field", "message"),
    [
        ("", "code", "Nhập mã đơn vị."),
        ("x-a1", "code", "Mã “X-A1” đã được dùng: hãy chọn mã khác."),
        (
            "G A",
            "code",
            "Mã “G A” chỉ được gồm chữ cái A–Z, chữ số, “-”, “_” và “.”,"
            " và phải bắt đầu bằng chữ cái hoặc chữ số.",
        ),
        ("-GA", "code", None),
    ],
)
def test_create_refuses_bad_codes(
    tree: Tree, admin_a: User, code: str, field: str, message: str | None
) -> None:
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        services.unit_create(
            parent=tree.commune_a1, code=code, name="Đảng bộ B", kind=K.GRASSROOTS, actor=admin_a
        )
    assert refused.value.field == field
    if message is not None:
        assert refused.value.message == message
    assert snapshot() == before


def test_create_refuses_an_empty_name(tree: Tree, admin_a: User) -> None:
    before = snapshot()
    with pytest.raises(DomainError, match=r"Nhập tên đơn vị\.") as refused:
        services.unit_create(
            parent=tree.commune_a1, code="G9", name="  ", kind=K.GRASSROOTS, actor=admin_a
        )
    assert refused.value.field == "name"
    assert snapshot() == before


def test_create_refuses_an_unknown_kind(tree: Tree, admin_a: User) -> None:
    before = snapshot()
    with pytest.raises(DomainError, match=r"Hãy chọn một loại đơn vị hợp lệ\.") as refused:
        services.unit_create(
            parent=tree.commune_a1, code="G9", name="Đơn vị", kind="district", actor=admin_a
        )
    assert refused.value.field == "kind"
    assert snapshot() == before


def test_create_refuses_a_name_longer_than_the_column(tree: Tree, admin_a: User) -> None:
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        services.unit_create(
            parent=tree.commune_a1, code="G9", name="x" * 256, kind=K.GRASSROOTS, actor=admin_a
        )
    assert refused.value.field == "name"
    assert snapshot() == before


def test_create_refuses_under_an_ended_unit(tree: Tree, admin_a: User) -> None:
    OrgUnit.objects.filter(pk=tree.commune_a2.pk).update(valid_to=dt.date(2025, 6, 30))
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        services.unit_create(
            parent=tree.commune_a2, code="G9", name="Đơn vị", kind=K.GRASSROOTS, actor=admin_a
        )
    assert refused.value.message == (
        "“Xã A2” đã kết thúc ngày 30/06/2025: không thể thêm đơn vị trực thuộc."
    )
    assert refused.value.field is None
    assert snapshot() == before


def test_create_refuses_a_start_before_the_parent_started(tree: Tree, admin_a: User) -> None:
    OrgUnit.objects.filter(pk=tree.commune_a1.pk).update(valid_from=dt.date(2025, 7, 1))
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        services.unit_create(
            parent=tree.commune_a1,
            code="G9",
            name="Đơn vị",
            kind=K.GRASSROOTS,
            valid_from=dt.date(2025, 6, 1),
            actor=admin_a,
        )
    assert refused.value.message == (
        "Ngày bắt đầu 01/06/2025 sớm hơn ngày bắt đầu của “Xã A1” (01/07/2025)."
    )
    assert refused.value.field == "valid_from"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("roles", "where"),
    [((RoleCode.OFFICER,), "prov_a"), ((RoleCode.ADMIN,), "prov_b"), ((RoleCode.ADMIN,), None)],
)
def test_create_refuses_actors_who_do_not_manage_the_parent(
    tree: Tree, roles: tuple[str, ...], where: str | None
) -> None:
    actor = make_user(org_unit=getattr(tree, where) if where else None, roles=roles)
    before = snapshot()
    with pytest.raises(AccessDenied, match=r"Bạn không có quyền quản lý đơn vị này\."):
        services.unit_create(
            parent=tree.commune_a1, code="G9", name="Đơn vị", kind=K.GRASSROOTS, actor=actor
        )
    assert snapshot() == before


# --- rename --------------------------------------------------------------------------------------


def test_rename_records_old_and_new_names(tree: Tree, admin_a: User) -> None:
    unit = services.unit_rename(
        unit=tree.commune_a1, name="Đảng bộ xã  A1 mới", short_name="ĐB A1", actor=admin_a
    )
    unit.refresh_from_db()
    assert (unit.name, unit.short_name, unit.name_key) == (
        "Đảng bộ xã A1 mới",
        "ĐB A1",
        "dang bo xa a1 moi",
    )
    event = last_event()
    assert event.action == "orgs.unit.rename"
    assert event.target_id == str(unit.pk)
    assert event.data == {
        "old": {"name": "Xã A1", "short_name": ""},
        "new": {"name": "Đảng bộ xã A1 mới", "short_name": "ĐB A1"},
    }


def test_rename_to_the_same_names_changes_nothing(tree: Tree, admin_a: User) -> None:
    before = snapshot()
    services.unit_rename(unit=tree.commune_a1, name=" Xã A1 ", actor=admin_a)
    assert snapshot() == before


def test_rename_refuses_an_empty_name(tree: Tree, admin_a: User) -> None:
    before = snapshot()
    with pytest.raises(DomainError, match=r"Nhập tên đơn vị\.") as refused:
        services.unit_rename(unit=tree.commune_a1, name="", actor=admin_a)
    assert refused.value.field == "name"
    assert snapshot() == before


def test_rename_refuses_a_short_name_longer_than_the_column(tree: Tree, admin_a: User) -> None:
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        services.unit_rename(unit=tree.commune_a1, name="A", short_name="x" * 121, actor=admin_a)
    assert refused.value.field == "short_name"
    assert snapshot() == before


def test_rename_refuses_an_officer(tree: Tree, officer_a: User) -> None:
    before = snapshot()
    with pytest.raises(AccessDenied):
        services.unit_rename(unit=tree.commune_a1, name="Tên khác", actor=officer_a)
    assert snapshot() == before


def test_rename_refuses_a_unit_outside_jurisdiction(tree: Tree, admin_a: User) -> None:
    before = snapshot()
    with pytest.raises(AccessDenied):
        services.unit_rename(unit=tree.prov_b, name="Tên khác", actor=admin_a)
    assert snapshot() == before


# --- merge ---------------------------------------------------------------------------------------


@pytest.fixture
def only_test_handlers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Merge handlers registered by other apps are left out of these tests."""
    monkeypatch.setattr(merge, "_HANDLERS", [])


@pytest.fixture
def recorded_calls(only_test_handlers: None) -> Iterator[list[dict[str, object]]]:
    calls: list[dict[str, object]] = []

    def move_open_records(
        *, unit: OrgUnit, successor: OrgUnit, effective_date: dt.date, actor: User
    ) -> int:
        calls.append(
            {"unit": unit.pk, "successor": successor.pk, "date": effective_date, "actor": actor}
        )
        return 3

    merge.register_merge_handler(move_open_records, name="tests.records")
    yield calls
    merge.unregister_merge_handler(move_open_records)


def test_merge_ends_the_unit_and_moves_children_users_and_records(
    tree: Tree, admin_a: User, recorded_calls: list[dict[str, object]]
) -> None:
    # given commune A1 with an active and an ended grassroots unit, and two users
    ended = make_child(tree.commune_a1, code="G-OLD", kind=K.GRASSROOTS, valid_to=PAST)
    clerk = make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,))
    officer = make_user(org_unit=tree.commune_a1, roles=(RoleCode.OFFICER,))
    branch_user = make_user(org_unit=tree.branch_a1, roles=(RoleCode.MEMBER,))
    make_child(tree.commune_a2, code="G-A2", kind=K.GRASSROOTS)
    # when it is merged into commune A2 from 01/08/2025
    unit = services.unit_merge(
        unit=tree.commune_a1, successor=tree.commune_a2, effective_date=PAST, actor=admin_a
    )
    # then it ended the day before and points to its successor
    assert unit.valid_to == dt.date(2025, 7, 31)
    assert unit.successor_id == tree.commune_a2.pk
    # its active child moved (with its subtree) after the successor's child; the ended one stayed
    grassroots = OrgUnit.objects.get(pk=tree.grassroots_a1.pk)
    branch = OrgUnit.objects.get(pk=tree.branch_a1.pk)
    successor = OrgUnit.objects.get(pk=tree.commune_a2.pk)
    assert grassroots.path == successor.path + "0002"
    assert branch.path == grassroots.path + "0001"
    assert OrgUnit.objects.get(pk=ended.pk).path.startswith(unit.path)
    assert (successor.numchild, OrgUnit.objects.get(pk=unit.pk).numchild) == (2, 1)
    assert tree_problems() == []
    # its users belong to the successor; users of moved sub-units stay where they were
    assert set(User.objects.filter(org_unit=successor).values_list("pk", flat=True)) == {
        clerk.pk,
        officer.pk,
    }
    assert User.objects.get(pk=branch_user.pk).org_unit_id == branch.pk
    # the handler ran once with the merge's arguments
    assert recorded_calls == [
        {"unit": unit.pk, "successor": successor.pk, "date": PAST, "actor": admin_a}
    ]
    # one audit event says what moved
    event = last_event()
    assert event.action == "orgs.unit.merge"
    assert event.target_id == str(unit.pk)
    assert event.data == {
        "old": {"successor_id": None, "valid_to": None},
        "new": {"successor_id": successor.pk, "valid_to": "2025-07-31"},
        "effective_date": "2025-08-01",
        "successor_code": "X-A2",
        "children_moved": 1,
        "users_moved": 2,
        "records_moved": {"tests.records": 3},
    }


def test_merge_into_a_sibling_province_moves_communes(tree: Tree, admin_root: User) -> None:
    services.unit_merge(
        unit=tree.prov_b, successor=tree.prov_a, effective_date=PAST, actor=admin_root
    )
    commune_b1 = OrgUnit.objects.get(pk=tree.commune_b1.pk)
    prov_a = OrgUnit.objects.get(pk=tree.prov_a.pk)
    assert prov_a.contains(commune_b1)
    assert prov_a.numchild == 3
    assert tree_problems() == []


def merge_refusal(
    tree: Tree, actor: User, unit: OrgUnit, successor: OrgUnit, day: dt.date = PAST
) -> DomainError:
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        services.unit_merge(unit=unit, successor=successor, effective_date=day, actor=actor)
    assert snapshot() == before
    return refused.value


def test_merge_refuses_the_unit_itself(tree: Tree, admin_a: User) -> None:
    error = merge_refusal(tree, admin_a, tree.commune_a1, tree.commune_a1)
    assert (error.message, error.field) == (
        "Không thể hợp nhất một đơn vị vào chính nó.",
        "successor",
    )


def test_merge_refuses_a_descendant(tree: Tree, admin_a: User) -> None:
    error = merge_refusal(tree, admin_a, tree.commune_a1, tree.grassroots_a1)
    assert error.message == (
        "“Đảng bộ cơ sở A1” nằm trong “Xã A1”: không thể hợp nhất một đơn vị vào đơn vị cấp dưới"
        " của chính nó."
    )
    assert error.field == "successor"


def test_merge_refuses_an_ended_successor(tree: Tree, admin_a: User) -> None:
    OrgUnit.objects.filter(pk=tree.commune_a2.pk).update(valid_to=dt.date(2025, 6, 30))
    error = merge_refusal(tree, admin_a, tree.commune_a1, tree.commune_a2)
    assert error.message == (
        "“Xã A2” đã kết thúc ngày 30/06/2025:"
        " hãy chọn một đơn vị đang hoạt động làm đơn vị kế thừa."
    )


def test_merge_refuses_a_successor_outside_jurisdiction(tree: Tree, admin_a: User) -> None:
    error = merge_refusal(tree, admin_a, tree.commune_a1, tree.commune_b1)
    assert (error.message, error.field) == (
        "Đơn vị kế thừa phải thuộc phạm vi quản lý của bạn.",
        "successor",
    )


def test_merge_refuses_a_successor_of_another_type(tree: Tree, admin_a: User) -> None:
    block = make_child(tree.prov_a, code="KHOI", name="Khối A", kind=K.PROVINCIAL_BLOCK)
    error = merge_refusal(tree, admin_a, tree.commune_a1, block)
    assert error.message == (
        "“Khối A” thuộc loại “Đảng bộ khối cấp tỉnh”: đơn vị loại “Đảng bộ xã/phường/đặc khu”"
        " chỉ có thể hợp nhất vào đơn vị cùng loại."
    )


def test_merge_refuses_the_root(tree: Tree, admin_root: User) -> None:
    error = merge_refusal(tree, admin_root, tree.root, tree.prov_a)
    assert error.message == "Không thể hợp nhất gốc của cây vào đơn vị khác."


def test_merge_refuses_an_already_ended_unit(tree: Tree, admin_a: User) -> None:
    OrgUnit.objects.filter(pk=tree.commune_a1.pk).update(valid_to=dt.date(2025, 6, 30))
    error = merge_refusal(tree, admin_a, tree.commune_a1, tree.commune_a2)
    assert error.message == "“Xã A1” đã kết thúc ngày 30/06/2025."


def test_merge_refuses_a_future_date(tree: Tree, admin_a: User) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    error = merge_refusal(tree, admin_a, tree.commune_a1, tree.commune_a2, tomorrow)
    assert error.field == "effective_date"
    assert error.message == (
        f"Ngày hiệu lực {tomorrow:%d/%m/%Y} ở tương lai: hãy ghi nhận việc hợp nhất"
        " từ ngày đó trở đi."
    )


def test_merge_refuses_a_date_not_after_the_unit_started(tree: Tree, admin_a: User) -> None:
    OrgUnit.objects.filter(pk=tree.commune_a1.pk).update(valid_from=PAST)
    error = merge_refusal(tree, admin_a, tree.commune_a1, tree.commune_a2, PAST)
    assert error.message == "Ngày hiệu lực phải sau ngày bắt đầu của “Xã A1” (01/08/2025)."


def test_merge_refuses_a_date_before_the_successor_started(tree: Tree, admin_a: User) -> None:
    OrgUnit.objects.filter(pk=tree.commune_a2.pk).update(valid_from=dt.date(2025, 9, 1))
    error = merge_refusal(tree, admin_a, tree.commune_a1, tree.commune_a2, PAST)
    assert error.message == "Ngày hiệu lực sớm hơn ngày bắt đầu của “Xã A2” (01/09/2025)."


def test_merge_refuses_an_officer(tree: Tree, officer_a: User) -> None:
    before = snapshot()
    with pytest.raises(AccessDenied):
        services.unit_merge(
            unit=tree.commune_a1, successor=tree.commune_a2, effective_date=PAST, actor=officer_a
        )
    assert snapshot() == before


def test_merge_is_undone_when_a_handler_refuses(
    tree: Tree, admin_a: User, only_test_handlers: None
) -> None:
    # given a user on the unit and a handler that refuses after the children and users moved
    make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,))

    def refuse(**_: object) -> int:
        raise DomainError("Còn hồ sơ đang khóa.")

    merge.register_merge_handler(refuse)
    before = snapshot()
    try:
        with pytest.raises(DomainError, match=r"Còn hồ sơ đang khóa\."):
            services.unit_merge(
                unit=tree.commune_a1, successor=tree.commune_a2, effective_date=PAST, actor=admin_a
            )
    finally:
        merge.unregister_merge_handler(refuse)
    # then nothing moved and nothing was recorded
    assert snapshot() == before


def test_merge_check_writes_nothing(tree: Tree, admin_a: User) -> None:
    before = snapshot()
    services.unit_merge_check(
        unit=tree.commune_a1, successor=tree.commune_a2, effective_date=PAST, actor=admin_a
    )
    assert snapshot() == before


# --- merge handler registry ----------------------------------------------------------------------


def test_handlers_register_once_and_in_order(only_test_handlers: None) -> None:
    def first(**_: object) -> int:
        return 0

    def second(**_: object) -> int:
        return 0

    try:
        assert merge.register_merge_handler(first) is first
        merge.register_merge_handler(second, name="second")
        merge.register_merge_handler(first, name="again")
        names = [entry.name for entry in merge.merge_handlers()]
        first_name = f"{__name__}.test_handlers_register_once_and_in_order.<locals>.first"
        assert names == [first_name, "second"]
    finally:
        merge.unregister_merge_handler(first)
        merge.unregister_merge_handler(second)
    assert merge.merge_handlers() == ()


def test_kinds_allowed_under_each_kind() -> None:
    assert services.kinds_allowed_under(K.PROVINCE) == [
        K.PROVINCIAL_BLOCK,
        K.COMMUNE,
        K.GRASSROOTS,
    ]
    assert services.kinds_allowed_under(K.CENTRAL) == [K.CENTRAL_ORG, K.PROVINCE]
    assert services.kinds_allowed_under(K.BRANCH) == []
