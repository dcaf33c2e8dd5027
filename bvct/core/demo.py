"""The demo: the official tree, a few grassroots organisations under Hà Nội and Đà Nẵng communes,
and one login per role, all with one published password. Idempotent; refused in production.

`bvct demo` (and `make run`) calls `demo_load()`. Every run sets the demo users back to their
described unit, roles, clearance and password, and leaves one "core.demo.load" audit event.
Demo organisations are created through `bvct.orgs.services.unit_create` (audited as any other),
with codes starting "DEMO-" so they are easy to tell from the official units.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from bvct.access.policy import TWO_FACTOR_ROLES
from bvct.accounts.models import Clearance, Role, RoleCode, User
from bvct.accounts.services import demo_authenticator_ensure
from bvct.audit.services import audit_record
from bvct.core.errors import DomainError
from bvct.criteria.demo import load_demo_rulesets
from bvct.declarations.demo import load_demo_declarations
from bvct.inspections.demo import load_demo_outline
from bvct.intake.demo import write_demo_sheet
from bvct.orgs.loader import load_official_units
from bvct.orgs.models import OrgUnit
from bvct.orgs.services import unit_create
from bvct.people.demo import load_demo_people
from bvct.privacy.demo import load_demo_privacy
from bvct.registers.demo import load_demo_registers
from bvct.travel.demo import load_demo_trips
from bvct.vetting.demo import load_demo_cases

DEMO_PASSWORD = "bvct-demo-2026"  # noqa: S105 (published on purpose: demo data only)
DEMO_VALID_FROM = dt.date(2025, 7, 1)

ROOT = "TW"
HA_NOI = "T01"
DA_NANG = "T48"
HOAN_KIEM = "X00070"  # Phường Hoàn Kiếm, Hà Nội
BA_DINH = "X00004"  # Phường Ba Đình, Hà Nội
CAU_GIAY = "X00167"  # Phường Cầu Giấy, Hà Nội
HAI_CHAU = "X20242"  # Phường Hải Châu, Đà Nẵng
Kind = OrgUnit.Kind


@dataclass(frozen=True)
class DemoUnit:
    code: str
    name: str
    kind: str
    parent_code: str


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    unit_code: str
    roles: tuple[str, ...]
    clearance: int = Clearance.NONE


# Parents before children. Plausible, neutral names: a company, schools, residential groups.
DEMO_UNITS: tuple[DemoUnit, ...] = (
    DemoUnit(
        "DEMO-HK-DLHG", "Đảng bộ cơ sở Công ty cổ phần Du lịch Hồ Gươm", Kind.GRASSROOTS, HOAN_KIEM
    ),
    DemoUnit(
        "DEMO-HK-DLHG-KD", "Đảng bộ bộ phận Khối Kinh doanh", Kind.SUB_COMMITTEE, "DEMO-HK-DLHG"
    ),
    DemoUnit("DEMO-HK-DLHG-LH", "Chi bộ Phòng Lữ hành", Kind.BRANCH, "DEMO-HK-DLHG-KD"),
    DemoUnit("DEMO-HK-DLHG-KS", "Chi bộ Phòng Khách sạn", Kind.BRANCH, "DEMO-HK-DLHG-KD"),
    DemoUnit("DEMO-HK-DLHG-VP", "Chi bộ Văn phòng Công ty", Kind.BRANCH, "DEMO-HK-DLHG"),
    DemoUnit("DEMO-HK-TDP5", "Chi bộ cơ sở Tổ dân phố số 5", Kind.GRASSROOTS, HOAN_KIEM),
    DemoUnit(
        "DEMO-BD-THCS", "Đảng bộ cơ sở Trường Trung học cơ sở Ba Đình", Kind.GRASSROOTS, BA_DINH
    ),
    DemoUnit("DEMO-BD-THCS-TN", "Chi bộ Tổ Khoa học tự nhiên", Kind.BRANCH, "DEMO-BD-THCS"),
    DemoUnit("DEMO-BD-THCS-XH", "Chi bộ Tổ Khoa học xã hội", Kind.BRANCH, "DEMO-BD-THCS"),
    DemoUnit("DEMO-CG-TH", "Chi bộ cơ sở Trường Tiểu học Cầu Giấy", Kind.GRASSROOTS, CAU_GIAY),
    DemoUnit(
        "DEMO-HC-VTSH", "Đảng bộ cơ sở Công ty cổ phần Vận tải Sông Hàn", Kind.GRASSROOTS, HAI_CHAU
    ),
    DemoUnit("DEMO-HC-VTSH-DX", "Chi bộ Đội xe", Kind.BRANCH, "DEMO-HC-VTSH"),
    DemoUnit("DEMO-HC-VTSH-KT", "Chi bộ Phòng Kế toán", Kind.BRANCH, "DEMO-HC-VTSH"),
    DemoUnit("DEMO-HC-TDP12", "Chi bộ cơ sở Tổ dân phố số 12", Kind.GRASSROOTS, HAI_CHAU),
)

R = RoleCode
DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("tw.officer", "Nguyễn Văn Thành", ROOT, (R.OFFICER,), Clearance.TOI_MAT),
    DemoUser("hn.officer", "Trần Thị Thu Hà", HA_NOI, (R.OFFICER,), Clearance.MAT),
    DemoUser("hn.approver", "Lê Quang Minh", HA_NOI, (R.APPROVER,), Clearance.TOI_MAT),
    DemoUser("hn.auditor", "Phạm Thị Ngọc Anh", HA_NOI, (R.AUDITOR,)),
    DemoUser("hn.xa.clerk", "Đỗ Văn Hùng", HOAN_KIEM, (R.CLERK,)),
    # The ward's standing committee decides admissions for the organisations under it.
    DemoUser("hn.xa.approver", "Nguyễn Thị Kim Oanh", HOAN_KIEM, (R.APPROVER,), Clearance.MAT),
    DemoUser("dn.officer", "Huỳnh Thị Mỹ Linh", DA_NANG, (R.OFFICER,), Clearance.MAT),
    # A member of the provincial inspection teams (issue 7).
    DemoUser("hn.inspector", "Bùi Văn Kiên", HA_NOI, (R.INSPECTOR,), Clearance.MAT),
    # Registrars of the classified-document registers (issue 9): one cleared to Tối mật keeps
    # them, one cleared to Mật only sees the Mật entries.
    DemoUser("hn.registrar", "Đinh Thị Thanh Mai", HA_NOI, (R.REGISTRAR,), Clearance.TOI_MAT),
    DemoUser("hn.vanthu", "Lý Văn Sơn", HA_NOI, (R.REGISTRAR,), Clearance.MAT),
    # The administrator grants clearances up to its own: Tối mật covers every demo user.
    DemoUser("admin", "Vũ Minh Tuấn", ROOT, (R.ADMIN,), Clearance.TOI_MAT),
    DemoUser("member", "Hoàng Văn Bình", "DEMO-HK-DLHG-LH", (R.MEMBER,)),
    # An applicant for admission (not yet a party member) with a portal login for due process.
    DemoUser("ung.vien", "Lê Thị Ngọc Ánh", "DEMO-HK-DLHG-LH", (R.MEMBER,)),
)
ADMIN_USERNAME = "admin"  # the actor that creates the demo organisations


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    unit: str
    roles: tuple[str, ...]
    two_factor: bool = False  # logs in with a demo authenticator (`bvct otp code USERNAME`)


@dataclass(frozen=True)
class DemoResult:
    password: str
    logins: tuple[DemoLogin, ...]
    units_created: int
    users_created: int
    people_created: int = 0
    rulesets_published: int = 0
    import_sheet: Path | None = None
    cases_created: int = 0


class DemoRefusedError(DomainError):
    """The demo may not run here (production mode)."""


@transaction.atomic
def demo_load() -> DemoResult:
    """Load (or restore) the demo; see the module docstring."""
    if settings.IS_PRODUCTION:
        raise DemoRefusedError(
            "bvct demo refuses to run in production mode (BVCT_MODE=production): it creates "
            "accounts with a published password."
        )
    load_official_units()
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=_needed_codes())}
    admin_spec = next(spec for spec in DEMO_USERS if spec.username == ADMIN_USERNAME)
    admin, admin_created = _upsert_user(admin_spec, units)
    units_created = _create_missing_units(units, actor=admin)
    users_created = 0
    users = []
    for spec in DEMO_USERS:
        user, created = (admin, admin_created) if spec is admin_spec else _upsert_user(spec, units)
        users.append(user)
        users_created += created
    authenticators = sum(demo_authenticator_ensure(user=user) for user in users)
    people_created = load_demo_people()
    load_demo_declarations()
    rulesets_published = load_demo_rulesets()
    cases_created = load_demo_cases()
    load_demo_outline()
    load_demo_trips()
    load_demo_registers()
    load_demo_privacy()
    sheet = Path(settings.VAR_DIR) / "demo" / "nguoi-10000.xlsx"
    if not sheet.exists():
        sheet.parent.mkdir(parents=True, exist_ok=True)
        write_demo_sheet(sheet)
    audit_record(
        actor=None,
        action="core.demo.load",
        data={
            "units_created": units_created,
            "users_created": users_created,
            "users": [user.username for user in users],
            "demo_authenticators_created": authenticators,
        },
    )
    logins = tuple(
        DemoLogin(
            spec.username,
            spec.full_name,
            f"{units[spec.unit_code].name} ({spec.unit_code})",
            spec.roles,
            two_factor=bool(set(spec.roles) & TWO_FACTOR_ROLES),
        )
        for spec in DEMO_USERS
    )
    return DemoResult(
        DEMO_PASSWORD,
        logins,
        units_created,
        users_created,
        people_created=people_created,
        rulesets_published=rulesets_published,
        import_sheet=sheet,
        cases_created=cases_created,
    )


def _needed_codes() -> set[str]:
    codes = {unit.code for unit in DEMO_UNITS} | {unit.parent_code for unit in DEMO_UNITS}
    return codes | {user.unit_code for user in DEMO_USERS}


def _create_missing_units(units: dict[str, OrgUnit], *, actor: User) -> int:
    created = 0
    for spec in DEMO_UNITS:
        if spec.code in units:
            continue
        units[spec.code] = unit_create(
            parent=units[spec.parent_code],
            code=spec.code,
            name=spec.name,
            kind=spec.kind,
            valid_from=DEMO_VALID_FROM,
            actor=actor,
        )
        created += 1
    return created


def _upsert_user(spec: DemoUser, units: dict[str, OrgUnit]) -> tuple[User, bool]:
    """Create the demo user, or put it back exactly as described (password included)."""
    user = User.objects.filter(username=spec.username).first()
    created = user is None
    if user is None:
        user = User(username=spec.username)
    user.full_name = spec.full_name
    user.org_unit = units.get(spec.unit_code)  # the member's chi bộ exists by the time it runs
    user.clearance = spec.clearance
    user.is_active = True
    user.set_password(DEMO_PASSWORD)
    user.full_clean(exclude=["password"], validate_unique=False)
    user.save()
    user.roles.set(Role.objects.filter(code__in=spec.roles))
    user._role_codes = frozenset(spec.roles)
    return user, created
