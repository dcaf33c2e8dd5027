from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from bvct.accounts.models import User
from bvct.accounts.tests.support import TwoFactorClient
from bvct.audit.models import AuditEvent
from bvct.declarations.models import Declaration
from bvct.declarations.schema import empty_content
from bvct.declarations.tests.factories import complete_content, make_declaration
from bvct.people.models import Person

MY = reverse("declarations:my-declaration")
MY_START = reverse("declarations:my-declaration-start")
MY_SUBMIT = reverse("declarations:my-declaration-submit")
MY_HISTORY = reverse("declarations:my-history")
HTMX = {"HX-Request": "true"}
NOW = dt.datetime(2026, 6, 15, 9, 0, tzinfo=dt.UTC)
Status, Channel = Declaration.Status, Declaration.Channel


def _state() -> tuple[list[tuple[Any, ...]], int]:
    rows = list(Declaration.objects.order_by("pk").values_list("pk", "number", "status", "content"))
    return rows, AuditEvent.objects.count()


def _as(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def _template(response: Any) -> str:
    return str(next(t.name for t in response.templates))


def _timeline_post(rows: list[dict[str, str]], initial: int = 0) -> dict[str, Any]:
    data: dict[str, Any] = {
        "section": "timeline",
        "timeline-TOTAL_FORMS": str(len(rows)),
        "timeline-INITIAL_FORMS": str(initial),
    }
    for i, row in enumerate(rows):
        data |= {f"timeline-{i}-{name}": value for name, value in row.items()}
    return data


# --- member portal ----------------------------------------------------------------------------


def test_member_without_a_linked_record_is_told_so(client: Client, member: User) -> None:
    for url in (MY, MY_HISTORY):
        response = _as(client, member).get(url)
        assert response.status_code == 200
        assert _template(response) == "declarations/my_declaration.html"
        assert "Tài khoản của bạn chưa được gắn với hồ sơ đảng viên" in response.content.decode()
    before = _state()
    assert _as(client, member).post(MY_START)["Location"] == MY
    assert _as(client, member).post(MY_SUBMIT)["Location"] == MY
    assert _state() == before


def test_member_starts_and_sees_the_sectioned_form(
    client: Client, member: User, person: Person
) -> None:
    # given no version yet
    page = _as(client, member).get(MY).content.decode()
    assert "Bạn chưa khai lý lịch." in page
    # when
    response = client.post(MY_START)
    # then a portal draft exists and the page is the editor
    assert response["Location"] == MY
    draft = Declaration.objects.get(person=person)
    assert (draft.number, draft.channel, draft.entered_by) == (1, "portal", member)
    response = client.get(MY)
    assert _template(response) == "declarations/declaration_edit.html"
    html = response.content.decode()
    for title in (
        "Sơ lược lý lịch",
        "Hoàn cảnh gia đình",
        "Quá trình công tác và học tập",
        "Đào tạo, bồi dưỡng",
        "Khen thưởng, kỷ luật",
        "Thân nhân ở nước ngoài",
        "Quan hệ với nước ngoài",
    ):
        assert f">{title}</h2>" in html
    assert 'value="Nguyễn Văn An"' in html
    assert 'value="17/05/1990"' in html
    assert "Hoàn cảnh gia đình: chưa khai bố (phải khai cả khi đã mất)." in html
    assert 'name="viewport"' in html


@time_machine.travel(NOW, tick=False)
def test_htmx_section_save_returns_the_section_and_fresh_findings(
    client: Client, member: User, person: Person
) -> None:
    # given a portal draft without any timeline
    make_declaration(person=person, entered_by=member, channel=Channel.PORTAL, content={
        **complete_content(), "timeline": []})  # fmt: skip
    rows = [
        {"from_month": "09/2013", "to_month": "06/2017", "activity": "Sinh viên", "place": "ĐHBK"},
        {"from_month": "12/2017", "to_month": "", "activity": "Kỹ sư", "place": "Công ty"},
    ]
    # when
    response = _as(client, member).post(MY, _timeline_post(rows), headers=HTMX)
    # then the section is saved and shown, and the findings are swapped out of band
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('\n<section id="section-timeline"')
    assert "Đã lưu" in html
    assert '<div id="findings" class="card mb-3" hx-swap-oob="true"' in html
    assert "5 tháng không khai (từ 07/2017 đến 11/2017), quá 3 tháng." in html
    assert Declaration.objects.get(person=person).content["timeline"][1] == {
        "from_month": "2017-12",
        "to_month": None,
        "activity": "Kỹ sư",
        "place": "Công ty",
    }


def test_section_errors_name_the_row_the_user_sees(
    client: Client, member: User, person: Person
) -> None:
    # given two timeline rows; the user removes the first and breaks the second
    make_declaration(person=person, entered_by=member, channel=Channel.PORTAL)
    before = _state()
    rows = [
        {"from_month": "09/2013", "to_month": "06/2017", "activity": "SV", "place": "x",
         "DELETE": "on"},
        {"from_month": "2017", "to_month": "", "activity": "Kỹ sư", "place": "Công ty"},
        {"from_month": "", "to_month": "", "activity": "", "place": ""},
    ]  # fmt: skip
    # when
    response = _as(client, member).post(MY, _timeline_post(rows, initial=2), headers=HTMX)
    # then
    html = response.content.decode()
    message = (
        "Quá trình công tác và học tập, dòng 2, “Từ (tháng/năm)”: ghi tháng và năm theo dạng "
        "mm/yyyy."
    )
    assert html.count(message) == 2  # in the summary and under the field
    assert "is-invalid" in html
    assert _state() == before


def test_plain_post_saves_and_redirects_or_shows_the_page(
    client: Client, member: User, person: Person
) -> None:
    make_declaration(person=person, entered_by=member, channel=Channel.PORTAL)
    rows = [{"from_month": "09/2013", "to_month": "", "activity": "Kỹ sư", "place": "Hà Nội"}]
    response = _as(client, member).post(MY, _timeline_post(rows))
    assert response["Location"] == f"{MY}#section-timeline"
    bad = _timeline_post([{"from_month": "x", "to_month": "", "activity": "", "place": ""}])
    response = client.post(MY, bad)
    assert _template(response) == "declarations/declaration_edit.html"
    assert (
        "dòng 1, “Làm gì (học, công tác, chức vụ)”: bắt buộc phải điền."
        in response.content.decode()
    )
    before = _state()
    assert client.post(MY, {"section": "hobbies"}).status_code == 400
    assert client.post(MY, {"section": "timeline"}).status_code == 200  # no management form
    assert _state() == before


def test_personal_section_saves_through_the_form(
    client: Client, member: User, person: Person
) -> None:
    make_declaration(
        person=person, entered_by=member, channel=Channel.PORTAL, content=empty_content()
    )
    data = {"section": "personal"} | {
        f"personal-{k}": v for k, v in complete_content()["personal"].items()
    }
    data |= {"personal-birth_date": "12/03/1995", "personal-youth_union_date": "03/2010"}
    response = _as(client, member).post(MY, data, headers=HTMX)
    assert "Đã lưu" in response.content.decode()
    saved = Declaration.objects.get(person=person).content["personal"]
    assert saved == complete_content()["personal"]


def test_submit_refused_shows_the_list_and_changes_nothing(
    client: Client, member: User, person: Person
) -> None:
    content = complete_content()
    content["family"] = []
    make_declaration(person=person, entered_by=member, channel=Channel.PORTAL, content=content)
    before = _state()
    response = _as(client, member).post(MY_SUBMIT)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chưa nộp được: cần sửa các lỗi sau trước." in html
    assert "Hoàn cảnh gia đình: chưa khai mẹ (phải khai cả khi đã mất)." in html
    assert _state() == before


@time_machine.travel(NOW, tick=False)
def test_member_submits_and_reads_the_version_in_history(
    client: Client, member: User, person: Person
) -> None:
    # given a portal draft with a gap
    content = complete_content()
    content["timeline"][1]["from_month"] = "2017-12"
    make_declaration(person=person, entered_by=member, channel=Channel.PORTAL, content=content)
    # when
    response = _as(client, member).post(MY_SUBMIT)
    # then
    assert response["Location"] == f"{MY_HISTORY}?version=1"
    response = client.get(response["Location"])
    assert _template(response) == "declarations/my_history.html"
    html = response.content.decode()
    assert "Đã nộp bản khai số 1." in html
    assert "Đã nộp kèm 1 cảnh báo, được ghi lại cùng bản khai." in html
    assert "Các cảnh báo đã ghi nhận khi nộp bản khai này" in html
    assert "15/06/2026 16:00" in html
    assert "<td>12/2017</td>" in html
    # and the next visit offers a new version, copied from this one
    page = client.get(MY).content.decode()
    assert "Lý lịch mới nhất của bạn là bản khai số 1, nộp ngày 15/06/2026." in page


def test_member_reaches_only_their_own_versions(
    client: Client, member: User, person: Person, other_person: Person, other_member: User
) -> None:
    # given the member has one version, another member three
    make_declaration(person=person, entered_by=member, status=Status.SUBMITTED)
    for _ in range(3):
        make_declaration(person=other_person, entered_by=other_member, status=Status.SUBMITTED)
    client = _as(client, member)
    # then numbers that exist only for the other member answer 404
    assert client.get(MY_HISTORY, {"version": 3}).status_code == 404
    assert client.get(MY_HISTORY, {"version": "x"}).status_code == 404
    assert client.get(MY_HISTORY, {"a": 1, "b": 2}).status_code == 404
    html = client.get(MY_HISTORY).content.decode()
    assert html.count('href="/declarations/my/history/?version=') == 1
    # and the staff pages are closed to members
    theirs = Declaration.objects.filter(person=other_person).first()
    assert theirs is not None
    before = _state()
    assert (
        client.get(reverse("declarations:declaration-detail", args=[theirs.pk])).status_code == 403
    )
    assert (
        client.post(reverse("declarations:declaration-submit", args=[theirs.pk])).status_code == 403
    )
    assert _state() == before


def test_member_compares_two_of_their_versions(
    client: Client, member: User, person: Person
) -> None:
    make_declaration(person=person, entered_by=member, status=Status.SUBMITTED)
    content = complete_content()
    content["personal"]["occupation"] = "Trưởng phòng"
    make_declaration(person=person, entered_by=member, status=Status.SUBMITTED, content=content)
    html = _as(client, member).get(MY_HISTORY, {"a": 1, "b": 2}).content.decode()
    assert "So sánh bản khai số 1 với bản khai số 2" in html
    assert (
        '<tr class="table-warning">\n          <th scope="row" class="fw-normal">'
        "Nghề nghiệp hiện nay</th>\n          <td>Kỹ sư</td>\n          <td>Trưởng phòng</td>"
    ) in html


def test_member_waits_while_a_clerk_enters_from_paper(
    client: Client, member: User, clerk: User, person: Person
) -> None:
    make_declaration(person=person, entered_by=clerk, channel=Channel.PAPER)
    before = _state()
    client = _as(client, member)
    html = client.get(MY).content.decode()
    assert "đang được cán bộ chi bộ nhập từ bản giấy" in html
    assert client.post(MY, _timeline_post([]))["Location"] == MY
    assert client.post(MY_SUBMIT)["Location"] == MY
    assert client.post(MY_START)["Location"] == MY
    assert _state() == before


def test_home_page_asks_the_member_to_declare(client: Client, member: User, person: Person) -> None:
    html = _as(client, member).get(reverse("core:home")).content.decode()
    assert f'<a href="{MY}">Khai lý lịch của bạn</a>' in html
    assert f'<a class="nav-link" href="{MY}">Lý lịch của tôi</a>' in html
    make_declaration(person=person, entered_by=member, channel=Channel.PORTAL)
    html = client.get(reverse("core:home")).content.decode()
    assert f'<a href="{MY}">Bản nháp lý lịch của bạn chưa nộp</a>' in html


# --- staff ------------------------------------------------------------------------------------


def test_staff_list_shows_versions_within_a_query_budget(
    client: Client, clerk: User, member: User, person: Person, django_assert_num_queries: Any
) -> None:
    make_declaration(person=person, entered_by=member, status=Status.SUBMITTED)
    make_declaration(person=person, entered_by=member, status=Status.SUBMITTED)
    make_declaration(person=person, entered_by=clerk)
    url = reverse("declarations:declaration-list", args=[person.pk])
    client = _as(client, clerk)
    # +1: the second-factor check (the device that verified the session)
    with django_assert_num_queries(7):
        response = client.get(url)
    assert _template(response) == "declarations/declaration_list.html"
    html = response.content.decode()
    assert html.count('<th scope="row"><a href="/declarations/') == 3
    assert "Tiếp tục nhập bản khai số 3" in html
    assert 'id="compare-a"' in html


def test_staff_outside_jurisdiction_get_404_and_change_nothing(
    client: Client, clerk: User, outsider_person: Person, tree: Any
) -> None:
    from bvct.accounts.tests.factories import make_user  # noqa: PLC0415

    other_clerk = make_user(org_unit=tree.commune_b1, roles=("clerk",), clearance=3)
    theirs = make_declaration(person=outsider_person, entered_by=other_clerk)
    before = _state()
    client = _as(client, clerk)
    for name, pk in (
        ("declarations:declaration-list", outsider_person.pk),
        ("declarations:declaration-compare", outsider_person.pk),
        ("declarations:declaration-detail", theirs.pk),
        ("declarations:declaration-edit", theirs.pk),
    ):
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
    for name, pk in (
        ("declarations:declaration-start", outsider_person.pk),
        ("declarations:declaration-edit", theirs.pk),
        ("declarations:declaration-submit", theirs.pk),
    ):
        assert client.post(reverse(name, args=[pk]), _timeline_post([])).status_code == 404, name
    assert _state() == before


def test_clerk_enters_a_paper_lyl_lich(client: Client, clerk: User, person: Person) -> None:
    # when the clerk starts a version from paper
    client = _as(client, clerk)
    response = client.post(reverse("declarations:declaration-start", args=[person.pk]))
    draft = Declaration.objects.get(person=person)
    edit = reverse("declarations:declaration-edit", args=[draft.pk])
    assert response["Location"] == edit
    assert (draft.channel, draft.entered_by) == ("paper", clerk)
    # then the editor shows it is entered from paper
    response = client.get(edit)
    assert _template(response) == "declarations/declaration_edit.html"
    assert "Nhập từ bản giấy" in response.content.decode()
    # and a section saves through the same editor
    rows = [{"from_month": "09/2013", "to_month": "", "activity": "Kỹ sư", "place": "Hà Nội"}]
    assert "Đã lưu" in client.post(edit, _timeline_post(rows), headers=HTMX).content.decode()
    # and a second start is refused with a message
    response = client.post(reverse("declarations:declaration-start", args=[person.pk]), follow=True)
    assert "Bản khai số 1 vẫn là bản nháp" in response.content.decode()
    assert Declaration.objects.filter(person=person).count() == 1


@time_machine.travel(NOW, tick=False)
def test_clerk_submits_a_paper_version(client: Client, clerk: User, person: Person) -> None:
    draft = make_declaration(person=person, entered_by=clerk)
    detail = reverse("declarations:declaration-detail", args=[draft.pk])
    response = _as(client, clerk).post(reverse("declarations:declaration-submit", args=[draft.pk]))
    assert response["Location"] == detail
    draft.refresh_from_db()
    assert (draft.status, draft.submitted_by) == ("submitted", clerk)
    html = client.get(detail).content.decode()
    assert "Cán bộ nhập từ bản giấy" in html
    assert "15/06/2026 16:00 · Phạm Thị Hoa" in html
    # the submitted version is no longer editable: edit and submit send back to the page
    before = _state()
    for name in ("declarations:declaration-edit", "declarations:declaration-submit"):
        response = client.post(reverse(name, args=[draft.pk]), _timeline_post([]), follow=True)
        assert "Bản khai này đã nộp, không sửa được nữa." in response.content.decode()
    assert _state() == before


def test_clerk_submit_refused_shows_the_editor(client: Client, clerk: User, person: Person) -> None:
    draft = make_declaration(person=person, entered_by=clerk, content=empty_content())
    before = _state()
    response = _as(client, clerk).post(reverse("declarations:declaration-submit", args=[draft.pk]))
    assert _template(response) == "declarations/declaration_edit.html"
    assert 'data-testid="refused"' in response.content.decode()
    assert _state() == before


def test_staff_cannot_edit_the_members_portal_draft(
    client: Client, clerk: User, member: User, person: Person
) -> None:
    draft = make_declaration(person=person, entered_by=member, channel=Channel.PORTAL)
    before = _state()
    client = _as(client, clerk)
    for name in ("declarations:declaration-edit", "declarations:declaration-submit"):
        response = client.post(reverse(name, args=[draft.pk]), _timeline_post([]), follow=True)
        assert (
            "Đảng viên đang tự khai bản nháp này trên cổng thông tin." in response.content.decode()
        )
    html = client.get(reverse("declarations:declaration-list", args=[person.pk])).content.decode()
    assert "Đảng viên đang tự khai bản khai số 1 trên cổng thông tin." in html
    assert _state() == before


def test_detail_of_a_draft_shows_live_findings(
    client: Client, inspector: User, clerk: User, person: Person
) -> None:
    content = complete_content()
    content["family"] = content["family"][1:]
    draft = make_declaration(person=person, entered_by=clerk, content=content)
    response = _as(client, inspector).get(
        reverse("declarations:declaration-detail", args=[draft.pk])
    )
    assert _template(response) == "declarations/declaration_detail.html"
    html = response.content.decode()
    assert "Kết quả rà soát bản nháp" in html
    assert "Hoàn cảnh gia đình: chưa khai bố (phải khai cả khi đã mất)." in html
    assert "Tiếp tục nhập" not in html  # inspectors only read
    assert '<dd class="col-sm-7 col-lg-8">12/03/1995</dd>' in html


def test_staff_compare_side_by_side(
    client: Client, officer: User, member: User, person: Person
) -> None:
    make_declaration(person=person, entered_by=member, status=Status.SUBMITTED)
    url = reverse("declarations:declaration-compare", args=[person.pk])
    client = _as(client, officer)
    # one version: nothing to compare
    assert "chưa có gì để so sánh" in client.get(url).content.decode()
    content = complete_content()
    content["family"].append({**content["family"][2], "relationship": "child",
                              "full_name": "Nguyễn Minh Khang", "birth_year": 2022})  # fmt: skip
    make_declaration(person=person, entered_by=member, status=Status.SUBMITTED, content=content)
    # by default the two newest
    response = client.get(url)
    assert _template(response) == "declarations/declaration_compare.html"
    html = response.content.decode()
    assert "So sánh bản khai số 1 với bản khai số 2" in html
    assert "Thêm dòng 4" in html
    assert html.count("Không thay đổi") == 6
    assert client.get(url, {"a": 2, "b": 1}).status_code == 200
    assert client.get(url, {"a": 1, "b": 9}).status_code == 404


@pytest.mark.parametrize(
    "name", ["declarations:declaration-start", "declarations:declaration-edit"]
)
def test_read_only_roles_cannot_write(
    client: Client, inspector: User, clerk: User, person: Person, name: str
) -> None:
    draft = make_declaration(person=person, entered_by=clerk)
    pk = person.pk if name.endswith("start") else draft.pk
    before = _state()
    assert _as(client, inspector).post(reverse(name, args=[pk])).status_code == 403
    assert _state() == before


def test_every_template_is_rendered(
    client: Client, clerk: User, member: User, person: Person
) -> None:
    make_declaration(person=person, entered_by=member, status=Status.SUBMITTED)
    draft = make_declaration(person=person, entered_by=clerk, content=empty_content())
    rendered: set[str] = set()
    staff = TwoFactorClient()
    staff.force_login(clerk)
    for response in (
        staff.get(reverse("declarations:declaration-list", args=[person.pk])),
        staff.get(reverse("declarations:declaration-detail", args=[draft.pk])),
        staff.get(reverse("declarations:declaration-edit", args=[draft.pk])),
        staff.get(reverse("declarations:declaration-compare", args=[person.pk])),
        _as(client, member).get(MY),
        client.get(MY_HISTORY, {"version": 1}),
    ):
        assert response.status_code == 200
        rendered |= {
            t.name for t in response.templates if t.name and t.name.startswith("declarations/")
        }
    assert rendered == {
        "declarations/declaration_compare.html",
        "declarations/declaration_detail.html",
        "declarations/declaration_edit.html",
        "declarations/declaration_list.html",
        "declarations/my_declaration.html",
        "declarations/my_history.html",
        "declarations/includes/compare.html",
        "declarations/includes/compare_form.html",
        "declarations/includes/content.html",
        "declarations/includes/field.html",
        "declarations/includes/findings_list.html",
        "declarations/includes/version_table.html",
    }
