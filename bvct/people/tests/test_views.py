from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from bvct.accounts.models import User
from bvct.accounts.tests.support import TwoFactorClient
from bvct.audit.models import AuditEvent
from bvct.people import services
from bvct.people.models import Person, RecordedIssue, Relative, Sex
from bvct.people.search_index import index_people
from bvct.people.tests.factories import make_issue, make_person, make_relative
from bvct.people.tests.helpers import Actors, fields_for, nothing_changes
from bvct.vetting.tests.factories import make_case

HX = {"HX-Request": "true"}


def _client(user: User) -> Client:
    client = TwoFactorClient()
    client.force_login(user)
    return client


def _person_post(**overrides: str) -> dict[str, str]:
    data = {
        "full_name": "Trần Thị Bích Ngọc",
        "sex": Sex.FEMALE,
        "birth": "07/2001",
        "cccd": "",
        "party_card_number": "",
        "org_unit_code": "X-A1",
        "hometown_text": "",
        "hometown_province_code": "48",
        "hometown_commune_code": "20242",
        "residence_text": "",
        "residence_province_code": "",
        "residence_commune_code": "",
        "admission_date": "",
        "official_date": "",
        "classification": "0",
    }
    data.update(overrides)
    return data


# --- list -------------------------------------------------------------------------------------


def test_list_shows_only_scope_with_exact_total_and_masked_cccd(
    tree, actors: Actors, django_assert_max_num_queries
) -> None:
    # given 30 people in scope (two pages) and 3 outside
    for n in range(30):
        make_person(
            org_unit=tree.branch_a1, full_name=f"Lê Văn Bình {n:02d}", cccd=f"0010900{n:05d}"
        )
    for n in range(3):
        make_person(org_unit=tree.commune_b1, full_name=f"Lê Văn Ngoài {n}")
    client = _client(actors.clerk)
    # when
    with django_assert_max_num_queries(8):
        response = client.get(reverse("people:person-list"))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "30 người" in html
    assert html.count('data-testid="person-row"') == 25
    assert "001********0" in html or "001******000" in html
    assert "001090000000" not in html
    assert "Ngoài" not in html
    assert 'href="?page=2"' in html


def test_list_search_by_folded_name_and_by_cccd(tree, actors: Actors) -> None:
    people = [
        make_person(
            org_unit=tree.commune_a1, full_name="Nguyễn Thị Hồng Nhung", cccd="001185012345"
        ),
        make_person(org_unit=tree.commune_a1, full_name="Phạm Văn Khác"),
    ]
    index_people(people)  # as the services do on every write
    client = _client(actors.clerk)
    by_name = client.get(reverse("people:person-list"), {"q": "hong nhung"}, headers=HX)
    by_cccd = client.get(reverse("people:person-list"), {"q": "001185012345"}, headers=HX)
    for response in (by_name, by_cccd):
        html = response.content.decode()
        assert "Nguyễn Thị Hồng Nhung" in html
        assert "Phạm Văn Khác" not in html
        assert "<html" not in html  # the results partial only


def test_list_search_says_how_many_results_are_typo_corrections(tree, actors: Actors) -> None:
    # given: "Phạm Thị Hà" twice, and "Phạm Thị Hoa", one typo away
    people = [
        make_person(org_unit=tree.commune_a1, full_name=name)
        for name in ("Phạm Thị Hà", "Phạm Thị Hà", "Phạm Thị Hoa")
    ]
    index_people(people)
    client = _client(actors.clerk)

    # when
    typo = client.get(reverse("people:person-list"), {"q": "pham thi ha"}, headers=HX)
    exact = client.get(reverse("people:person-list"), {"q": "pham thi hoa"}, headers=HX)

    # then: the exact matches, then the correction, and the list says so
    html = typo.content.decode()
    assert "3 người" in html
    assert "1 người có tên khác từ khóa một lỗi gõ" in html
    assert html.index("Phạm Thị Hà") < html.index("Phạm Thị Hoa")
    assert 'data-testid="person-typo-count"' in exact.content.decode()  # "Hà" one typo away
    unknown = client.get(reverse("people:person-list"), {"q": "Phạm Văn Đồng"}, headers=HX)
    assert 'data-testid="person-typo-count"' not in unknown.content.decode()


def test_list_filters(tree, actors: Actors) -> None:
    make_person(
        org_unit=tree.branch_a1, full_name="Lê Thị Lọc", sex=Sex.FEMALE, hometown_province_code="48"
    )
    make_person(org_unit=tree.commune_a2, full_name="Lê Văn Khác", sex=Sex.MALE)
    officer = _client(actors.officer)
    response = officer.get(
        reverse("people:person-list"), {"sex": "female", "hometown": "48", "unit": "G-A1"}
    )
    html = response.content.decode()
    assert "Lê Thị Lọc" in html
    assert "Lê Văn Khác" not in html


# --- detail -----------------------------------------------------------------------------------


def test_detail_renders_identity_relatives_and_is_audited(
    tree, actors: Actors, django_assert_max_num_queries
) -> None:
    person = make_person(org_unit=tree.commune_a1, full_name="Hoàng Văn Bình", cccd="001090012345")
    make_relative(person=person, full_name="Hoàng Văn Cha", is_deceased=True)
    make_relative(
        person=person,
        full_name="Hoàng Thị Con",
        relationship=Relative.Relationship.CHILD,
        country_code="FR",
    )
    make_issue(person=person, created_by=actors.officer, summary="Bí mật")
    client = _client(actors.clerk)
    # when
    with django_assert_max_num_queries(20):
        response = client.get(reverse("people:person-detail", args=[person.pk]))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="detail-cccd">001090012345' in html
    assert html.count('data-testid="relative-row"') == 2
    assert "Ở nước ngoài: FR" in html
    assert 'data-testid="issues"' not in html  # clerks never see issues
    assert "Bí mật" not in html
    assert 'data-testid="audit-link"' not in html
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert (event.action, event.target_id, event.data) == (
        "people.person.read",
        str(person.pk),
        {"channel": "page"},
    )


def test_detail_shows_issues_to_officer_within_clearance(tree, actors: Actors) -> None:
    person = make_person(org_unit=tree.commune_a1)
    make_issue(person=person, created_by=actors.officer, summary="Vấn đề mức 2", classification=2)
    make_issue(person=person, created_by=actors.officer, summary="Vấn đề mức 3", classification=3)
    html = _client(actors.officer).get(reverse("people:person-detail", args=[person.pk])).content
    text = html.decode()
    assert text.count('data-testid="issue-row"') == 1
    assert "Vấn đề mức 2" in text
    assert "Vấn đề mức 3" not in text


def test_detail_links_auditor_to_the_persons_trail(tree, actors: Actors) -> None:
    person = make_person(org_unit=tree.commune_a1)
    html = _client(actors.auditor).get(reverse("people:person-detail", args=[person.pk]))
    link = f'href="/audit/?target_type=people.person&amp;target_id={person.pk}"'
    assert f'{link} data-testid="audit-link"' in html.content.decode()


def test_detail_out_of_scope_is_404_and_not_audited(tree, actors: Actors) -> None:
    person = make_person(org_unit=tree.commune_b1)
    with nothing_changes():
        response = _client(actors.clerk).get(reverse("people:person-detail", args=[person.pk]))
    assert response.status_code == 404


def test_merged_record_points_to_kept_and_kept_lists_declarations_of_both(
    tree, actors: Actors
) -> None:
    keep = make_person(org_unit=tree.commune_a1, full_name="Ngô Văn Giữ")
    merged = make_person(org_unit=tree.commune_a1, full_name="Ngô Văn Giữ", merged_into=keep)
    declaration = apps.get_model("declarations", "Declaration")
    declaration.objects.create(
        person=merged, number=1, channel="paper", entered_by=actors.clerk, content={}
    )
    client = _client(actors.clerk)
    merged_html = client.get(reverse("people:person-detail", args=[merged.pk])).content.decode()
    keep_html = client.get(reverse("people:person-detail", args=[keep.pk])).content.decode()
    assert 'data-testid="merged-banner"' in merged_html
    assert f"#{merged.pk} Ngô Văn Giữ" in keep_html
    assert keep_html.count('data-testid="declaration-row"') == 1
    assert f'href="{reverse("declarations:declaration-list", args=[keep.pk])}"' in keep_html
    assert f"từ hồ sơ đã gộp #{merged.pk}" in keep_html


# --- create / update --------------------------------------------------------------------------


def test_create_page_renders_and_saves(tree, actors: Actors) -> None:
    client = _client(actors.clerk)
    assert client.get(reverse("people:person-create")).status_code == 200
    response = client.post(reverse("people:person-create"), _person_post())
    person = Person.objects.get(name_key="tran thi bich ngoc")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:person-detail", args=[person.pk])
    assert (person.birth_date, person.birth_precision, person.hometown_commune_code) == (
        datetime.date(2001, 7, 1),
        "month",
        "20242",
    )


def test_create_shows_errors_inline_and_saves_nothing(tree, actors: Actors) -> None:
    with nothing_changes():
        response = _client(actors.clerk).post(
            reverse("people:person-create"),
            _person_post(birth="31/02/2001", org_unit_code="X-B1", cccd="123"),
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ngày sinh: nhập dd/mm/yyyy, mm/yyyy hoặc yyyy" in html
    assert "Tổ chức quản lý: không có tổ chức “X-B1” mà bạn được quản lý hồ sơ." in html


def test_inline_validation_partial_saves_nothing(tree, actors: Actors) -> None:
    with nothing_changes():
        response = _client(actors.clerk).post(
            reverse("people:person-create"),
            _person_post(cccd="001090012345", _validate="1"),
            headers=HX,
        )
    html = response.content.decode()
    assert html.startswith('\n<div id="person-form-body">') or html.lstrip().startswith(
        '<div id="person-form-body">'
    )
    assert "chữ số thứ 4 “0” dành cho người giới tính nam" in html


def test_duplicates_shown_side_by_side_then_confirmed(tree, actors: Actors) -> None:
    # given an existing record with the same name and date of birth
    existing = make_person(
        org_unit=tree.branch_a1,
        full_name="Tran Thi Bich Ngoc",
        birth_date=datetime.date(2001, 7, 1),
        cccd="048301000111",
        sex=Sex.FEMALE,
    )
    client = _client(actors.clerk)
    # when typing: the candidates appear
    typed = client.post(reverse("people:person-create"), _person_post(_validate="1"), headers=HX)
    assert 'data-testid="duplicates"' in typed.content.decode()
    # when saving without confirming: refused, candidates side by side, CCCD masked
    with nothing_changes():
        refused = client.post(reverse("people:person-create"), _person_post())
    html = refused.content.decode()
    assert 'data-testid="duplicates"' in html
    assert f"#{existing.pk}" in html
    assert "048******111" in html
    assert "048301000111" not in html
    # when confirmed: saved
    saved = client.post(reverse("people:person-create"), _person_post(confirmed_distinct="on"))
    assert saved.status_code == 302
    assert Person.objects.filter(name_key="tran thi bich ngoc").count() == 2


def test_update_page(tree, actors: Actors) -> None:
    person = make_person(org_unit=tree.commune_a1, full_name="Đinh Văn Sửa", birth_date=None)
    client = _client(actors.officer)
    page = client.get(reverse("people:person-update", args=[person.pk]))
    assert 'value="Đinh Văn Sửa"' in page.content.decode()
    response = client.post(
        reverse("people:person-update", args=[person.pk]),
        _person_post(full_name="Đinh Văn Sửa", sex="male", birth="1950"),
    )
    person.refresh_from_db()
    assert response.status_code == 302
    assert (person.birth_date, person.birth_precision) == (datetime.date(1950, 1, 1), "year")


def test_unit_picker_lists_communes_and_accepts_a_unit(tree, actors: Actors) -> None:
    response = _client(actors.clerk).get(
        reverse("people:unit-picker"),
        {"prefix": "residence", "residence_province_code": "48", "residence_commune_code": "20242"},
    )
    html = response.content.decode()
    assert 'id="residence-picker"' in html
    assert '<option value="20242" selected>Phường Hải Châu</option>' in html
    assert "Phường Hoàn Kiếm" not in html


def test_unit_picker_suggests_2025_units_for_an_old_address(tree, actors: Actors) -> None:
    # the converter loads its data on the first call of the process (slow, once)
    response = _client(actors.clerk).get(
        reverse("people:unit-picker"),
        {
            "prefix": "hometown",
            "suggest": "1",
            "hometown_text": "phường Hòa Cường Bắc, quận Hải Châu, Đà Nẵng",
        },
    )
    html = response.content.decode()
    assert 'data-testid="hometown-suggestions"' in html
    assert "Dùng Phường Hòa Cường, Thành phố Đà Nẵng" in html
    assert '"hometown_commune_code": "20257"' in html


# --- merge ------------------------------------------------------------------------------------


def test_merge_lists_candidates_compares_and_merges(tree, actors: Actors) -> None:
    keep = make_person(
        org_unit=tree.commune_a1, full_name="Vũ Thị Lan", birth_date=datetime.date(1980, 1, 2)
    )
    duplicate = make_person(
        org_unit=tree.branch_a1, full_name="Vu Thi Lan", birth_date=datetime.date(1980, 1, 2)
    )
    client = _client(actors.clerk)
    url = reverse("people:person-merge", args=[keep.pk])
    listing = client.get(url).content.decode()
    assert f"?other={duplicate.pk}" in listing
    compare = client.get(url, {"other": duplicate.pk}).content.decode()
    assert 'data-testid="merge-compare"' in compare
    with nothing_changes():
        unconfirmed = client.post(f"{url}?other={duplicate.pk}", {"keep": keep.pk})
    assert unconfirmed.status_code == 200
    response = client.post(f"{url}?other={duplicate.pk}", {"keep": keep.pk, "confirm": "on"})
    duplicate.refresh_from_db()
    assert response.status_code == 302
    assert duplicate.merged_into == keep


# --- relatives and issues ---------------------------------------------------------------------


def test_relative_pages(tree, actors: Actors) -> None:
    person = make_person(org_unit=tree.commune_a1)
    client = _client(actors.clerk)
    assert client.get(reverse("people:relative-create", args=[person.pk])).status_code == 200
    created = client.post(
        reverse("people:relative-create", args=[person.pk]),
        {"relationship": "mother", "full_name": "Lý Thị Mẹ", "birth": "1950", "country_code": ""},
    )
    relative = Relative.objects.get(person=person)
    assert created.status_code == 302
    assert relative.birth_year == 1950
    edit = client.get(reverse("people:relative-update", args=[relative.pk])).content.decode()
    assert 'value="Lý Thị Mẹ"' in edit
    client.post(
        reverse("people:relative-update", args=[relative.pk]),
        {"relationship": "mother", "full_name": "Lý Thị Mẹ", "birth": "1950", "is_deceased": "on"},
    )
    relative.refresh_from_db()
    assert relative.is_deceased is True
    delete_url = reverse("people:relative-delete", args=[relative.pk])
    assert client.get(delete_url).status_code == 200
    with nothing_changes():
        unconfirmed = client.post(delete_url)
    assert "Hãy đánh dấu xác nhận để xóa." in unconfirmed.content.decode()
    assert client.post(delete_url, {"confirm": "1"}).status_code == 302
    assert not Relative.objects.filter(pk=relative.pk).exists()


def test_issue_pages(tree, actors: Actors) -> None:
    person = make_person(org_unit=tree.commune_a1)
    relative = make_relative(person=person)
    client = _client(actors.officer)
    assert client.get(reverse("people:issue-create", args=[person.pk])).status_code == 200
    created = client.post(
        reverse("people:issue-create", args=[person.pk]),
        {
            "family": "political_history",
            "relative": str(relative.pk),
            "source": "declaration",
            "summary": "Khai báo",
            "classification": "1",
        },
    )
    issue = RecordedIssue.objects.get(person=person)
    assert created.status_code == 302
    assert issue.relative == relative
    status_url = reverse("people:issue-status", args=[issue.pk])
    assert "Đã khai" in client.get(status_url).content.decode()
    client.post(status_url, {"status": "under_verification"})
    with nothing_changes():
        missing = client.post(status_url, {"status": "concluded"})
    assert "Văn bản kết luận: bắt buộc" in missing.content.decode()
    client.post(
        status_url,
        {"status": "concluded", "conclusion_reference": "Số 5-KL/ĐU", "concluded_on": "02/03/2026"},
    )
    issue.refresh_from_db()
    assert (issue.status, issue.concluded_on) == ("concluded", datetime.date(2026, 3, 2))


def test_verification_reply_with_two_identifiers_is_refused_on_the_page(
    tree, actors: Actors
) -> None:
    person = make_person(
        org_unit=tree.commune_a1, full_name="Đỗ Văn Đúng", birth_date=datetime.date(1970, 2, 3)
    )
    with nothing_changes():
        response = _client(actors.officer).post(
            reverse("people:issue-create", args=[person.pk]),
            {
                "family": "current_political",
                "source": "verification_reply",
                "summary": "Kết quả",
                "classification": "1",
                "reply_full_name": "Đỗ Văn Đúng",
                "reply_birth_date": "03/02/1970",
            },
        )
    assert "chỉ khớp 2 thông tin nhận dạng" in response.content.decode()


@pytest.mark.parametrize(
    ("route", "target"),
    [
        ("people:person-update", "person"),
        ("people:person-merge", "person"),
        ("people:relative-create", "person"),
        ("people:relative-update", "relative"),
        ("people:relative-delete", "relative"),
        ("people:issue-create", "person"),
        ("people:issue-status", "issue"),
    ],
)
def test_out_of_scope_targets_are_404(tree, actors: Actors, route: str, target: str) -> None:
    person = make_person(org_unit=tree.commune_b1)
    pk = {
        "person": person.pk,
        "relative": make_relative(person=person).pk,
        "issue": make_issue(person=person, created_by=actors.outsider).pk,
    }[target]
    with nothing_changes():
        get = _client(actors.officer).get(reverse(route, args=[pk]))
        post = _client(actors.officer).post(reverse(route, args=[pk]), {"confirm": "1"})
    assert (get.status_code, post.status_code) == (404, 404)


def test_nav_people_entry_points_to_the_list(tree, actors: Actors) -> None:
    html = _client(actors.clerk).get(reverse("core:home")).content.decode()
    assert f'href="{reverse("people:person-list")}"' in html


def test_search_page_query_budget_and_new_person_found_by_sloppy_name(
    tree, actors: Actors, django_assert_max_num_queries
) -> None:
    # given people created through the services (which keep the name index up to date)
    for n, name in enumerate(["Nguyễn Thị Hồng Nhung", "Nguyễn Văn Quang", "Trần Thị Nhung"]):
        services.person_create(
            actor=actors.clerk,
            org_unit=tree.commune_a1,
            data=fields_for(full_name=name, cccd=None, birth_date=datetime.date(1980 + n, 1, 2)),
        )
    client = _client(actors.clerk)
    # when searching without diacritics, surname + given name only
    with django_assert_max_num_queries(18):
        response = client.get(reverse("people:person-list"), {"q": "nguyen nhung"})
    # then
    html = response.content.decode()
    assert html.count('data-testid="person-row"') == 1
    assert "Nguyễn Thị Hồng Nhung" in html


def test_detail_lists_cases_of_the_person_and_of_merged_records(tree, actors: Actors) -> None:
    keep = make_person(org_unit=tree.commune_a1, full_name="Lò Văn Giữ")
    merged = make_person(org_unit=tree.commune_a1, full_name="Lo Van Giu", merged_into=keep)
    own, old = make_case(person=keep), make_case(person=merged)
    make_case(person=make_person(org_unit=tree.commune_a1))  # someone else's
    html = _client(actors.clerk).get(reverse("people:person-detail", args=[keep.pk]))
    text = html.content.decode()
    assert text.count('data-testid="case-row"') == 2
    assert f'href="{own.get_absolute_url()}"' in text
    assert f'href="{old.get_absolute_url()}"' in text
    assert f'href="{reverse("cases:case-open", args=[keep.pk])}"' in text
