"""Demo dossiers: about forty people in the demo organisations of Hà Nội and Đà Nẵng, with
relatives, two recorded issues, one deliberate duplicate pair to merge, and the record of the demo
`member` account. Everything goes through the services (audited, indexed for search).

Idempotent: a person is identified by (demo unit, full name as written); existing people are left
as they are (a merge done in the demo is not undone). Needs the demo units and users of
`bvct.core.demo.demo_load`, which runs first.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction

from bvct.accounts.models import User
from bvct.orgs.models import OrgUnit
from bvct.people import services
from bvct.people.identity import century_sex_digit
from bvct.people.models import DatePrecision, Person, RecordedIssue, Relative, Sex
from bvct.people.services import PersonFields, RelativeFields

M, F = Sex.MALE, Sex.FEMALE
R = Relative.Relationship
HN_OFFICER, DN_OFFICER, MEMBER = "hn.officer", "dn.officer", "member"
APPLICANT = "ung.vien"
# portal logins → the demo person whose record they are
ACCOUNTS = {"Hoàng Văn Bình": MEMBER, "Lê Thị Ngọc Ánh": APPLICANT}

# 2025 hometown province → (CCCD registration code, an old-style address as declared)
HOMETOWNS: dict[str, tuple[str, str]] = {
    "01": ("001", "xã Phú Minh, huyện Phú Xuyên, Hà Nội"),
    "48": ("048", "xã Hòa Ninh, huyện Hòa Vang, thành phố Đà Nẵng"),
    "40": ("040", "xã Nam Giang, huyện Nam Đàn, tỉnh Nghệ An"),
    "38": ("038", "xã Hoằng Lộc, huyện Hoằng Hóa, tỉnh Thanh Hóa"),
    "46": ("046", "phường Phú Hội, thành phố Huế, tỉnh Thừa Thiên Huế"),
    "37": ("036", "xã Hải Anh, huyện Hải Hậu, tỉnh Nam Định"),
}


@dataclass(frozen=True)
class DemoPerson:
    unit: str
    name: str
    sex: str
    birth: str  # dd/mm/yyyy, mm/yyyy or yyyy
    hometown: str  # 2025 province code
    party: bool = True  # a party member (admission dates set)


HK = "DEMO-HK-DLHG"
DEMO_PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson(f"{HK}-LH", "Hoàng Văn Bình", M, "14/03/1988", "01"),  # the `member` account
    DemoPerson(f"{HK}-LH", "Nguyễn Thị Thu Hương", F, "02/11/1990", "01"),
    DemoPerson(f"{HK}-LH", "Trần Minh Quân", M, "21/07/1985", "38"),
    DemoPerson(f"{HK}-LH", "Lê Thị Ngọc Ánh", F, "09/1993", "40", party=False),
    DemoPerson(f"{HK}-KS", "Phạm Văn Đức", M, "30/01/1979", "37"),
    DemoPerson(f"{HK}-KS", "Vũ Thị Mai", F, "17/05/1982", "01"),
    DemoPerson(f"{HK}-KS", "Đặng Quốc Huy", M, "1975", "38"),
    DemoPerson(f"{HK}-KS", "Bùi Thị Lan Anh", F, "25/12/1995", "01", party=False),
    DemoPerson(f"{HK}-VP", "Đỗ Văn Thắng", M, "08/08/1970", "40"),
    DemoPerson(f"{HK}-VP", "Ngô Thị Hồng Nhung", F, "12/04/1987", "01"),
    DemoPerson(f"{HK}-VP", "Dương Văn Long", M, "03/1968", "37"),
    DemoPerson("DEMO-HK-TDP5", "Nguyễn Văn Hải", M, "1952", "01"),
    DemoPerson("DEMO-HK-TDP5", "Trịnh Thị Loan", F, "19/09/1956", "38"),
    DemoPerson("DEMO-HK-TDP5", "Lý Văn Sơn", M, "27/02/1961", "01"),
    DemoPerson("DEMO-HK-TDP5", "Hồ Thị Thanh Tâm", F, "05/06/1999", "46", party=False),
    DemoPerson("DEMO-BD-THCS-TN", "Phan Thị Thu Trang", F, "11/10/1989", "01"),
    DemoPerson("DEMO-BD-THCS-TN", "Mai Xuân Trường", M, "16/01/1984", "40"),
    DemoPerson("DEMO-BD-THCS-TN", "Tạ Thị Minh Nguyệt", F, "29/08/1992", "01", party=False),
    DemoPerson("DEMO-BD-THCS-XH", "Lương Văn Khánh", M, "06/03/1980", "37"),
    DemoPerson("DEMO-BD-THCS-XH", "Cao Thị Bích Ngọc", F, "23/11/1986", "01"),
    DemoPerson("DEMO-BD-THCS-XH", "Kiều Văn Toàn", M, "1977", "38"),
    DemoPerson("DEMO-CG-TH", "Đinh Thị Hạnh", F, "14/02/1983", "01"),
    DemoPerson("DEMO-CG-TH", "Chu Văn Phúc", M, "01/09/1991", "40"),
    DemoPerson("DEMO-CG-TH", "Quách Thị Yến", F, "20/07/1997", "01", party=False),
    # the deliberate duplicate pair: one person entered twice, spelt differently
    DemoPerson("DEMO-CG-TH", "Trần Văn Hùng", M, "15/06/1978", "01"),
    DemoPerson("DEMO-BD-THCS-TN", "Tran Van Hung", M, "15/06/1978", "01"),
    DemoPerson("DEMO-HC-VTSH-DX", "Huỳnh Văn Tài", M, "12/12/1976", "48"),
    DemoPerson("DEMO-HC-VTSH-DX", "Lê Văn Tuấn", M, "04/04/1984", "48"),
    DemoPerson("DEMO-HC-VTSH-DX", "Phan Văn Lộc", M, "1969", "46"),
    DemoPerson("DEMO-HC-VTSH-DX", "Nguyễn Hữu Phước", M, "18/03/1994", "48", party=False),
    DemoPerson("DEMO-HC-VTSH-KT", "Trương Thị Kim Oanh", F, "07/07/1987", "48"),
    DemoPerson("DEMO-HC-VTSH-KT", "Võ Thị Diễm My", F, "26/10/1990", "48"),
    DemoPerson("DEMO-HC-VTSH-KT", "Đoàn Văn Nghĩa", M, "13/05/1981", "46"),
    DemoPerson("DEMO-HC-VTSH-KT", "Lâm Thị Thảo", F, "02/1996", "48", party=False),
    DemoPerson("DEMO-HC-TDP12", "Nguyễn Văn Ba", M, "1950", "48"),
    DemoPerson("DEMO-HC-TDP12", "Trần Thị Sáu", F, "09/09/1958", "48"),
    DemoPerson("DEMO-HC-TDP12", "Phạm Ngọc Thạch", M, "22/12/1963", "40"),
    DemoPerson("DEMO-HC-TDP12", "Hà Thị Kim Liên", F, "31/03/1972", "48"),
    DemoPerson("DEMO-HC-TDP12", "Tôn Thất Minh", M, "10/10/1966", "46"),
    DemoPerson("DEMO-HC-TDP12", "Ung Thị Hoa", F, "15/08/2001", "48", party=False),
)

# (person, relationship, name, sex, birth year, deceased, country abroad)
DEMO_RELATIVES: tuple[tuple[str, str, str, str, int, bool, str], ...] = (
    ("Hoàng Văn Bình", R.FATHER, "Hoàng Văn Tư", M, 1958, False, ""),
    ("Hoàng Văn Bình", R.MOTHER, "Nguyễn Thị Năm", F, 1961, False, ""),
    ("Hoàng Văn Bình", R.SPOUSE, "Lê Thị Thu", F, 1990, False, ""),
    ("Hoàng Văn Bình", R.SIBLING, "Hoàng Thị Hà", F, 1992, False, "DE"),
    ("Nguyễn Thị Thu Hương", R.FATHER, "Nguyễn Văn Khải", M, 1960, True, ""),
    ("Nguyễn Thị Thu Hương", R.MOTHER, "Trần Thị Bảy", F, 1963, False, ""),
    ("Phạm Văn Đức", R.SPOUSE, "Đỗ Thị Hiền", F, 1981, False, ""),
    ("Phạm Văn Đức", R.CHILD, "Phạm Minh Khôi", M, 2004, False, "AU"),
    ("Đỗ Văn Thắng", R.FATHER, "Đỗ Văn Lâm", M, 1940, True, ""),
    ("Trần Văn Hùng", R.MOTHER, "Lê Thị Nở", F, 1950, False, ""),
    ("Tran Van Hung", R.SPOUSE, "Phạm Thị Hoa", F, 1980, False, ""),
    ("Huỳnh Văn Tài", R.FATHER, "Huỳnh Văn Bảy", M, 1948, True, ""),
    ("Huỳnh Văn Tài", R.SPOUSE, "Trần Thị Lệ", F, 1978, False, ""),
    ("Trương Thị Kim Oanh", R.PARENT_IN_LAW, "Võ Văn Hai", M, 1955, False, ""),
    ("Trương Thị Kim Oanh", R.CHILD, "Võ Gia Bảo", M, 2010, False, ""),
    ("Lê Thị Ngọc Ánh", R.FATHER, "Lê Văn Hòa", M, 1965, False, ""),
    ("Lê Thị Ngọc Ánh", R.MOTHER, "Phan Thị Lụa", F, 1968, False, ""),
)

# (person, concerning relative or "", family, summary)
DEMO_ISSUES: tuple[tuple[str, str, str, str], ...] = (
    (
        "Đỗ Văn Thắng",
        "Đỗ Văn Lâm",
        RecordedIssue.Family.POLITICAL_HISTORY,
        "Cha từng làm việc trong bộ máy chính quyền cũ trước năm 1975; đã tự khai trong lý lịch.",
    ),
    (
        "Huỳnh Văn Tài",
        "",
        RecordedIssue.Family.TRUTHFULNESS,
        "Lý lịch khai thiếu thời gian làm việc 2001–2003; đề nghị bổ sung, làm rõ.",
    ),
)


def _birth(text: str) -> tuple[datetime.date, str]:
    parts = [int(p) for p in text.split("/")]
    if len(parts) == 3:  # noqa: PLR2004
        return datetime.date(parts[2], parts[1], parts[0]), DatePrecision.DAY
    if len(parts) == 2:  # noqa: PLR2004
        return datetime.date(parts[1], parts[0], 1), DatePrecision.MONTH
    return datetime.date(parts[0], 1, 1), DatePrecision.YEAR


def _fields(spec: DemoPerson, index: int) -> PersonFields:
    birth, precision = _birth(spec.birth)
    registration, old_address = HOMETOWNS[spec.hometown]
    digit = century_sex_digit(birth_year=birth.year, sex=spec.sex)
    cccd = f"{registration}{digit}{birth.year % 100:02d}{100000 + index * 7919 % 900000:06d}"
    admission = datetime.date(birth.year + 24, 5, 19) if spec.party else None
    return PersonFields(
        full_name=spec.name,
        sex=spec.sex,
        birth_date=birth,
        birth_precision=precision,
        cccd=None if spec.name == "Tran Van Hung" else cccd,  # the duplicate has no CCCD yet
        hometown_province_code=spec.hometown,
        hometown_text=old_address,
        residence_province_code="48" if spec.unit.startswith("DEMO-HC") else "01",
        admission_date=admission,
        official_date=admission.replace(year=admission.year + 1) if admission else None,
    )


@transaction.atomic
def load_demo_people() -> int:
    """Create what is missing; returns the number of people created."""
    units = {u.code: u for u in OrgUnit.objects.filter(code__startswith="DEMO-")}
    users = {
        u.username: u
        for u in User.objects.filter(username__in=[HN_OFFICER, DN_OFFICER, *ACCOUNTS.values()])
    }
    people: dict[str, Person] = {}
    created = 0
    for index, spec in enumerate(DEMO_PEOPLE, start=1):
        unit = units[spec.unit]
        actor = users[DN_OFFICER if spec.unit.startswith("DEMO-HC") else HN_OFFICER]
        existing = Person.objects.filter(org_unit=unit, full_name=spec.name).first()
        if existing is None:
            existing = services.person_create(
                actor=actor,
                org_unit=unit,
                data=_fields(spec, index),
                account=users.get(ACCOUNTS.get(spec.name, "")),
                confirmed_distinct=True,  # the demo's duplicate pair is deliberate
            )
            created += 1
            _add_relatives(existing, actor)
            _add_issues(existing, actor)
        people[spec.name] = existing
    return created


def _add_relatives(person: Person, actor: User) -> None:
    for owner, relationship, name, sex, year, deceased, country in DEMO_RELATIVES:
        if owner != person.full_name:
            continue
        services.relative_create(
            actor=actor,
            person=person,
            data=RelativeFields(
                relationship=relationship,
                full_name=name,
                birth_date=datetime.date(year, 1, 1),
                birth_precision=DatePrecision.YEAR,
                sex=sex,
                is_deceased=deceased,
                country_code=country,
            ),
        )


def _add_issues(person: Person, actor: User) -> None:
    for owner, relative_name, family, summary in DEMO_ISSUES:
        if owner != person.full_name:
            continue
        relative = (
            person.relatives.filter(full_name=relative_name).first() if relative_name else None
        )
        services.issue_create(
            actor=actor,
            person=person,
            relative=relative,
            family=family,
            source=RecordedIssue.Source.DECLARATION,
            summary=summary,
            classification=1,
        )
