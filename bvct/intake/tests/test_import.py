"""The import end to end: a fixture with every kind of bad row and its exact report, cleaning,
dry runs, duplicates, audit events, CSV and XLSX alike."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import pytest

from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from bvct.audit.models import AuditEvent
from bvct.core.errors import AccessDenied
from bvct.intake import services
from bvct.intake.models import ImportedRow, ImportJob, ImportRowError
from bvct.intake.tests.factories import person_row, report, run_import, write_csv, write_xlsx
from bvct.namesearch.models import SearchEntry
from bvct.people.models import DatePrecision, Person
from bvct.people.tests.factories import make_person
from conftest import Tree

ERROR, DUPLICATE = ImportRowError.Kind.ERROR, ImportRowError.Kind.DUPLICATE
NFD_NAME = unicodedata.normalize("NFD", "  trần\u200b  THỊ   bình ")


def fixture_rows() -> list[list[str]]:
    """Rows 2-15 of the fixture sheet (row 11 is blank)."""
    return [
        # 2: good, every column
        person_row(
            full_name="Nguyễn Văn An",
            birth_date="17/05/1990",
            cccd="001090012345",
            party_card_number="10000001",
            hometown="Phường Hoàn Kiếm, Thành phố Hà Nội",
            residence="Xã không có, Tỉnh Không Có",
            unit_code="G-A1",
            admission_date="03/02/2015",
            official_date="03/02/2016",
        ),
        # 3: good; NFD, zero-width and stray spaces in the name, month precision, lower-case sex
        person_row(full_name=NFD_NAME, birth_date="05/1985", sex="nữ"),
        # 4: a date that does not exist
        person_row(full_name="Lê Văn Cường", birth_date="31/02/1990"),
        # 5: a CCCD too short
        person_row(full_name="Phạm Thị Dung", birth_date="1988", sex="Nữ", cccd="001188"),
        # 6: an unknown unit code
        person_row(full_name="Hoàng Văn Em", unit_code="KHONG-CO"),
        # 7: a unit outside the clerk's jurisdiction
        person_row(full_name="Vũ Thị Gấm", birth_date="1975", sex="Nữ", unit_code="X-B1"),
        # 8: no name
        person_row(full_name="", birth_date="1990"),
        # 9: the CCCD of row 2 again
        person_row(full_name="Đỗ Văn Hải", birth_date="17/05/1990", cccd="001090012345"),
        # 10: bad sex, full membership before admission, a card with letters
        person_row(
            full_name="Ngô Thị Lan",
            birth_date="1992",
            sex="X",
            party_card_number="AB12",
            admission_date="01/01/2020",
            official_date="01/01/2019",
        ),
        # 11: blank (skipped, still counted in the numbering)
        ["", "", "", "", "", "", "", "", "", ""],
        # 12: the CCCD of a person already in the registry
        person_row(full_name="Lý Văn Mạnh", birth_date="1970", cccd="001070000111"),
        # 13: same name and date of birth as a person already in the registry
        person_row(full_name="bùi văn khoa", birth_date="04/03/1970"),
        # 14: good; an Excel serial date, a CCCD typed with spaces, a branch below the unit
        person_row(
            full_name="Phan Văn Nam", birth_date="32874", cccd="001 090 000 222", unit_code="b-a1"
        ),
        # 15: the CCCD of someone outside the jurisdiction
        person_row(full_name="Trịnh Văn Ơn", birth_date="1980", cccd="001080000333"),
    ]


@pytest.fixture
def registry(tree: Tree) -> dict[str, Person]:
    """People already in the registry before the import."""
    return {
        "manh": make_person(
            org_unit=tree.commune_a1,
            full_name="Lý Văn Mạnh",
            birth_date=dt.date(1970, 6, 1),
            cccd="001070000111",
        ),
        "khoa": make_person(
            org_unit=tree.grassroots_a1, full_name="Bùi Văn Khoa", birth_date=dt.date(1970, 3, 4)
        ),
        "outsider": make_person(
            org_unit=tree.commune_b1,
            full_name="Trịnh Văn Ơn",
            birth_date=dt.date(1980, 1, 1),
            cccd="001080000333",
        ),
    }


def expected_report(registry: dict[str, Person]) -> list[tuple[int, str, str, str]]:
    manh, khoa = registry["manh"], registry["khoa"]
    return [
        (
            4,
            "Ngày sinh",
            ERROR,
            "“31/02/1990” không phải là ngày có thật (không có ngày 31 tháng 2).",
        ),
        (5, "Số CCCD", ERROR, "Số CCCD phải gồm đúng 12 chữ số; “001188” có 6."),
        (6, "Mã tổ chức", ERROR, "Không có tổ chức nào mang mã “KHONG-CO”."),
        (7, "Mã tổ chức", ERROR, "Tổ chức “X-B1 — Xã B1” nằm ngoài phạm vi quản lý của bạn."),
        (8, "Họ và tên", ERROR, "Thiếu họ và tên."),
        (9, "Số CCCD", ERROR, "Số CCCD trùng với dòng 2 của tệp này."),
        (10, "Giới tính", ERROR, "“X” không phải là giới tính: hãy ghi “Nam” hoặc “Nữ”."),
        (10, "Số thẻ đảng viên", ERROR, "Số thẻ đảng viên chỉ được gồm chữ số."),
        (
            10,
            "Ngày chính thức",
            ERROR,
            "Ngày chính thức (01/01/2019) phải sau ngày vào Đảng (01/01/2020).",
        ),
        (
            12,
            "Số CCCD",
            DUPLICATE,
            f"Số CCCD đã có trong hồ sơ “Lý Văn Mạnh” (mã hồ sơ {manh.pk}).",
        ),
        (
            13,
            "",
            DUPLICATE,
            f"Có thể trùng người với “Bùi Văn Khoa” (mã hồ sơ {khoa.pk}): trùng họ và tên, "
            "ngày sinh.",
        ),
        (15, "Số CCCD", DUPLICATE, "Số CCCD đã có trong một hồ sơ ngoài phạm vi quản lý của bạn."),
    ]


def test_fixture_with_bad_rows_gives_the_exact_report(
    tree: Tree, clerk: User, registry: dict[str, Person], tmp_path: Path
) -> None:
    # given
    path = write_csv(tmp_path / "nguoi.csv", fixture_rows())
    # when
    job = run_import(actor=clerk, unit=tree.commune_a1, path=path)
    # then: the report, row by row
    assert report(job) == expected_report(registry)
    assert (job.status, job.rows_processed, job.rows_created) == (ImportJob.Status.DONE, 13, 3)
    assert (job.rows_invalid, job.rows_duplicate, job.last_committed_row) == (7, 3, 15)
    # and the good rows, cleaned
    created = Person.objects.exclude(pk__in=[p.pk for p in registry.values()]).order_by("pk")
    assert list(
        created.values_list(
            "full_name",
            "surname",
            "middle_name",
            "given_name",
            "birth_date",
            "birth_precision",
            "sex",
            "cccd",
            "org_unit__code",
            "hometown_province_code",
            "hometown_commune_code",
        )
    ) == [
        (
            "Nguyễn Văn An",
            "Nguyễn",
            "Văn",
            "An",
            dt.date(1990, 5, 17),
            DatePrecision.DAY,
            "male",
            "001090012345",
            "G-A1",
            "01",
            "00070",
        ),
        (
            "Trần Thị Bình",
            "Trần",
            "Thị",
            "Bình",
            dt.date(1985, 5, 1),
            DatePrecision.MONTH,
            "female",
            None,
            "X-A1",
            "",
            "",
        ),
        (
            "Phan Văn Nam",
            "Phan",
            "Văn",
            "Nam",
            dt.date(1990, 1, 1),
            DatePrecision.DAY,
            "male",
            "001090000222",
            "B-A1",
            "",
            "",
        ),
    ]
    first = created.first()
    assert first is not None
    assert (first.party_card_number, first.admission_date, first.official_date) == (
        "10000001",
        dt.date(2015, 2, 3),
        dt.date(2016, 2, 3),
    )
    assert (first.residence_text, first.residence_province_code) == (
        "Xã không có, Tỉnh Không Có",
        "",
    )
    assert first.created_by == clerk
    # and they are in the name-search index
    assert set(SearchEntry.objects.values_list("person_id", flat=True)) == {p.pk for p in created}


def test_xlsx_with_date_cells_and_number_cells_reads_like_csv(
    tree: Tree, clerk: User, tmp_path: Path
) -> None:
    # given an XLSX with a date cell in month format, a serial number, a year number, a date
    # cell in year format, and a CCCD that Excel stored as a number (leading zeros lost)
    rows = [
        person_row(
            full_name="Nguyễn Văn An",
            birth_date=dt.datetime(1990, 5, 1),  # noqa: DTZ001
            cccd=1090012345,
        ),
        person_row(full_name="Trần Thị Bình", birth_date=32874, sex="Nữ"),
        person_row(full_name="Lê Văn Cường", birth_date=1975),
        person_row(full_name="Phạm Văn Dũng", birth_date=dt.datetime(1990, 1, 1)),  # noqa: DTZ001
    ]
    path = write_xlsx(tmp_path / "nguoi.xlsx", rows, formats={(0, 1): "mm/yyyy", (3, 1): "yyyy"})
    # when
    job = run_import(actor=clerk, unit=tree.commune_a1, path=path)
    # then
    assert (job.file_format, report(job)) == ("xlsx", [])
    assert list(
        Person.objects.order_by("pk").values_list("birth_date", "birth_precision", "cccd")
    ) == [
        (dt.date(1990, 5, 1), DatePrecision.MONTH, "001090012345"),
        (dt.date(1990, 1, 1), DatePrecision.DAY, None),  # the serial in a General cell
        (dt.date(1975, 1, 1), DatePrecision.YEAR, None),
        (dt.date(1990, 1, 1), DatePrecision.YEAR, None),  # a date cell shown as "yyyy"
    ]


def test_xlsx_and_csv_give_the_same_report(
    tree: Tree, clerk: User, registry: dict[str, Person], tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "nguoi.xlsx", fixture_rows())
    job = run_import(actor=clerk, unit=tree.commune_a1, path=path)
    assert report(job) == expected_report(registry)


def test_dry_run_writes_nothing_but_the_report(
    tree: Tree, clerk: User, registry: dict[str, Person], tmp_path: Path
) -> None:
    # given
    path = write_csv(tmp_path / "nguoi.csv", fixture_rows())
    people_before = set(Person.objects.values_list("pk", flat=True))
    # when
    job = run_import(actor=clerk, unit=tree.commune_a1, path=path, dry_run=True, batch_size=4)
    # then: the same report as a real import, and nothing else
    assert report(job) == expected_report(registry)
    assert (job.status, job.rows_processed, job.rows_created, job.rows_valid) == (
        ImportJob.Status.DONE,
        13,
        0,
        3,
    )
    assert set(Person.objects.values_list("pk", flat=True)) == people_before
    assert SearchEntry.objects.count() == 0
    assert ImportedRow.objects.count() == 0
    assert list(
        AuditEvent.objects.filter(target_id=str(job.pk))
        .values_list("action", flat=True)
        .order_by("seq")
    ) == ["intake.people.import_start", "intake.people.import_finish"]


def test_audit_has_one_event_per_batch_with_counts_and_no_personal_values(
    tree: Tree, clerk: User, tmp_path: Path
) -> None:
    # given 5 rows (one bad) in batches of 2
    rows = [
        person_row(full_name=f"Nguyễn Văn {name}", cccd=f"00109000000{i}")
        for i, name in enumerate(["An", "Bình", "Cường", "Dũng"])
    ]
    rows.insert(2, person_row(full_name="Lê Văn Sai", birth_date="không rõ"))
    path = write_csv(tmp_path / "nguoi.csv", rows)
    # when
    job = run_import(actor=clerk, unit=tree.commune_a1, path=path, batch_size=2)
    # then
    events = AuditEvent.objects.filter(target_id=str(job.pk)).order_by("seq")
    assert [(e.action, e.actor_id, e.org_unit_id) for e in events] == [
        ("intake.people.import_start", clerk.pk, tree.commune_a1.pk),
        ("intake.people.import_batch", clerk.pk, tree.commune_a1.pk),
        ("intake.people.import_batch", clerk.pk, tree.commune_a1.pk),
        ("intake.people.import_batch", clerk.pk, tree.commune_a1.pk),
        ("intake.people.import_finish", clerk.pk, tree.commune_a1.pk),
    ]
    batches = [e.data for e in events if e.action == "intake.people.import_batch"]
    assert batches == [
        {
            "job": job.pk,
            "batch": 1,
            "rows": [2, 3],
            "read": 2,
            "created": 2,
            "invalid": 0,
            "duplicate": 0,
        },
        {
            "job": job.pk,
            "batch": 2,
            "rows": [4, 5],
            "read": 2,
            "created": 1,
            "invalid": 1,
            "duplicate": 0,
        },
        {
            "job": job.pk,
            "batch": 3,
            "rows": [6, 6],
            "read": 1,
            "created": 1,
            "invalid": 0,
            "duplicate": 0,
        },
    ]
    text = str([e.data for e in events])
    assert "001090000000" not in text
    assert "Nguyễn" not in text


def test_header_without_required_columns_fails_the_job_before_any_row(
    tree: Tree, clerk: User, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "nguoi.csv", [["Nguyễn Văn An", "Nam"]], headers=["Họ tên", "Giới tính"]
    )
    job = run_import(actor=clerk, unit=tree.commune_a1, path=path)
    assert (job.status, job.failure, job.rows_processed) == (
        ImportJob.Status.FAILED,
        "Dòng tiêu đề không khớp với mẫu.",
        0,
    )
    assert report(job) == [
        (1, "Họ và tên", ERROR, "Thiếu cột bắt buộc “Họ và tên” ở dòng tiêu đề (dòng 1)."),
        (1, "Ngày sinh", ERROR, "Thiếu cột bắt buộc “Ngày sinh” ở dòng tiêu đề (dòng 1)."),
    ]
    assert Person.objects.count() == 0


def test_csv_not_in_utf8_fails_with_a_vietnamese_reason(
    tree: Tree, clerk: User, tmp_path: Path
) -> None:
    path = tmp_path / "nguoi.csv"
    # as Excel saves "CSV" on a Western Windows: Latin-1, "Nguyên" as one byte \xea
    path.write_bytes("Ho va ten,Ngay sinh,Gioi tinh\nNguy\xean Van An,1990,Nam\n".encode("latin-1"))
    job = run_import(actor=clerk, unit=tree.commune_a1, path=path)
    assert job.status == ImportJob.Status.FAILED
    assert job.failure.startswith("Tệp CSV không dùng mã UTF-8: hãy lưu lại dưới dạng “CSV UTF-8”")
    assert Person.objects.count() == 0


def test_semicolon_csv_with_bom_is_read(tree: Tree, clerk: User, tmp_path: Path) -> None:
    path = tmp_path / "nguoi.csv"
    path.write_text("\ufeffHọ và tên;Ngày sinh;Giới tính\nNguyễn Văn An;1990;Nam\n", "utf-8")
    job = run_import(actor=clerk, unit=tree.commune_a1, path=path)
    assert (job.status, job.rows_created, report(job)) == (ImportJob.Status.DONE, 1, [])


@pytest.mark.parametrize(
    "role", [RoleCode.MEMBER, RoleCode.AUDITOR, RoleCode.ADMIN, RoleCode.APPROVER]
)
def test_roles_that_do_not_keep_dossiers_cannot_import(
    tree: Tree, role: str, tmp_path: Path
) -> None:
    # given
    actor = make_user(org_unit=tree.commune_a1, roles=(role,), clearance=3)
    path = write_csv(tmp_path / "nguoi.csv", [person_row()])
    # when / then
    with pytest.raises(AccessDenied):
        services.import_job_create(
            actor=actor, org_unit=tree.commune_a1, file_name="nguoi.csv", source_path=path
        )
    assert (ImportJob.objects.count(), Person.objects.count(), AuditEvent.objects.count()) == (
        0,
        0,
        0,
    )


def test_import_into_a_unit_outside_the_jurisdiction_is_refused(
    tree: Tree, clerk: User, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "nguoi.csv", [person_row()])
    with pytest.raises(AccessDenied, match=r"Bạn không có quyền nhập người vào “X-B1 — Xã B1”\."):
        services.import_job_create(
            actor=clerk, org_unit=tree.commune_b1, file_name="nguoi.csv", source_path=path
        )
    assert (ImportJob.objects.count(), Person.objects.count(), AuditEvent.objects.count()) == (
        0,
        0,
        0,
    )


def test_a_finished_job_run_again_changes_nothing(tree: Tree, clerk: User, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "nguoi.csv", [person_row(cccd="001090012345")])
    job = run_import(actor=clerk, unit=tree.commune_a1, path=path)
    events = AuditEvent.objects.count()
    again = services.import_job_run(job_id=job.pk)
    assert (again.status, again.rows_created, Person.objects.count()) == ("done", 1, 1)
    assert AuditEvent.objects.count() == events
