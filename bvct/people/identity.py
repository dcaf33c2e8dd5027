"""Identity rules: CCCD (citizen identity number) checks and duplicate candidates.

Both are pure reads, shared by the people services, the importer (`bvct.intake`) and the UI.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from bvct.people.models import Person, Relative, Sex
from bvct.people.names import split_name

if TYPE_CHECKING:
    from collections.abc import Iterable

CCCD_LENGTH = 12

# Province-of-registration codes printed as the first three digits of a 12-digit CCCD.
# Source: Thông tư 07/2016/TT-BCA, Phụ lục 1 "Danh mục mã tỉnh, thành phố trực thuộc trung ương
# nơi công dân đăng ký khai sinh", kept unchanged by Thông tư 59/2021/TT-BCA. These are the 63
# pre-2025 provinces (the GSO province codes with a leading 0). Confidence: high (checked against
# the published appendix); the 2025 merger of provinces did not renumber issued CCCDs, so the
# old codes stay valid for every card already issued.
CCCD_PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}

# The 4th digit encodes century and sex (same source, Điều 7): even = male, odd = female;
# 0/1 = 1900-1999, 2/3 = 2000-2099, 4/5 = 2100-2199, 6/7 = 2200-2299, 8/9 = 2300-2399.
_FIRST_CENTURY = 1900


def century_sex_digit(*, birth_year: int, sex: str) -> int | None:
    """The digit a CCCD must carry for this birth year and sex (None: outside the coded range)."""
    century_index = (birth_year - _FIRST_CENTURY) // 100
    if not 0 <= century_index <= 4:  # noqa: PLR2004 (five centuries are coded, 1900-2399)
        return None
    return century_index * 2 + (1 if sex == Sex.FEMALE else 0)


def decode_century_sex(digit: int) -> tuple[int, str]:
    """(first year of the century, sex) encoded by the 4th digit."""
    return _FIRST_CENTURY + (digit // 2) * 100, Sex.FEMALE if digit % 2 else Sex.MALE


def mask_cccd(cccd: str | None) -> str:
    """Lists show only the province code and the last three digits: "001******123"."""
    if not cccd:
        return ""
    if len(cccd) <= 6:  # noqa: PLR2004 (too short to keep anything readable)
        return "*" * len(cccd)
    return cccd[:3] + "*" * (len(cccd) - 6) + cccd[-3:]


def validate_cccd(cccd: str, *, birth_year: int | None, sex: str | None) -> list[str]:
    """Every problem with `cccd` as a Vietnamese message; an empty list means valid.

    `birth_year` and `sex` are those declared for the person; when one is unknown (None or ""),
    the checks that need it are skipped.
    """
    if cccd and not (cccd.isascii() and cccd.isdigit()):
        return [
            _("Citizen ID (CCCD) may contain only digits; “%(value)s” contains other characters.")
            % {"value": cccd}
        ]
    if len(cccd) != CCCD_LENGTH:
        return [
            _("Citizen ID (CCCD) must be exactly 12 digits; “%(value)s” has %(count)d.")
            % {"value": cccd, "count": len(cccd)}
        ]
    errors: list[str] = []
    province = cccd[:3]
    if province not in CCCD_PROVINCE_CODES:
        errors.append(
            _(
                "Citizen ID (CCCD): the first three digits “%(code)s” are not a province "
                "registration code."
            )
            % {"code": province}
        )
    digit = int(cccd[3])
    century_start, coded_sex = decode_century_sex(digit)
    if sex and sex != coded_sex:
        errors.append(
            _(
                "Citizen ID (CCCD): the 4th digit “%(digit)s” is for a %(coded)s person, but the "
                "declared sex is %(declared)s."
            )
            % {
                "digit": digit,
                "coded": Sex(coded_sex).label.lower(),
                "declared": Sex(sex).label.lower(),
            }
        )
    if birth_year is not None:
        if not century_start <= birth_year < century_start + 100:
            errors.append(
                _(
                    "Citizen ID (CCCD): the 4th digit “%(digit)s” is for people born in "
                    "%(start)d–%(end)d, but the year of birth is %(year)d."
                )
                % {
                    "digit": digit,
                    "start": century_start,
                    "end": century_start + 99,
                    "year": birth_year,
                }
            )
        if cccd[4:6] != f"{birth_year % 100:02d}":
            errors.append(
                _(
                    "Citizen ID (CCCD): the 5th–6th digits “%(digits)s” must be the last two "
                    "digits of the year of birth (%(expected)s)."
                )
                % {"digits": cccd[4:6], "expected": f"{birth_year % 100:02d}"}
            )
    return errors


# --- duplicate candidates ---------------------------------------------------------------------

KEY_NAME = "name"
KEY_BIRTH_DATE = "birth_date"
KEY_CCCD = "cccd"
KEY_HOMETOWN = "hometown"
IDENTITY_KEYS: tuple[str, ...] = (KEY_NAME, KEY_BIRTH_DATE, KEY_CCCD, KEY_HOMETOWN)
DUPLICATE_THRESHOLD = 2
DEFAULT_CANDIDATE_LIMIT = 20


def matched_identity_keys(
    person: Person,
    *,
    name_key: str,
    birth_date: datetime.date | None,
    cccd: str | None,
    hometown_province_code: str,
) -> tuple[str, ...]:
    """Which identifiers of `person` equal the given ones (empty values never match)."""
    matched = []
    if name_key and person.name_key == name_key:
        matched.append(KEY_NAME)
    if birth_date is not None and person.birth_date == birth_date:
        matched.append(KEY_BIRTH_DATE)
    if cccd and person.cccd == cccd:
        matched.append(KEY_CCCD)
    if hometown_province_code and person.hometown_province_code == hometown_province_code:
        matched.append(KEY_HOMETOWN)
    return tuple(matched)


def duplicate_candidates(
    *,
    full_name: str,
    birth_date: datetime.date | None,
    cccd: str | None,
    hometown_province_code: str,
    exclude_id: int | None = None,
    scope: QuerySet[Person] | None = None,
    limit: int = DEFAULT_CANDIDATE_LIMIT,
) -> list[tuple[Person, tuple[str, ...]]]:
    """Active (not merged) people sharing at least two of: folded name, date of birth, CCCD,
    hometown province. Best matches first (more keys shared, then oldest record).

    Any two of the four keys include the name or the CCCD, except (date of birth, hometown); so
    three index-backed lookups find every candidate: name + (date or hometown) on
    `person_name_birth_home_idx`, the CCCD on the unique CCCD index, and date + hometown on
    `person_birth_home_idx`. `scope` restricts the search (e.g. `people_visible_to(actor)`).
    """
    name_key = split_name(full_name).name_key
    base = (scope if scope is not None else Person.objects.all()).filter(merged_into__isnull=True)
    if exclude_id is not None:
        base = base.exclude(pk=exclude_id)
    lookups: list[Q] = []
    if name_key and (birth_date is not None or hometown_province_code):
        either = Q(pk__in=[])
        if birth_date is not None:
            either |= Q(birth_date=birth_date)
        if hometown_province_code:
            either |= Q(hometown_province_code=hometown_province_code)
        lookups.append(Q(name_key=name_key) & either)
    if cccd:
        lookups.append(Q(cccd=cccd))
    if birth_date is not None and hometown_province_code:
        lookups.append(Q(birth_date=birth_date, hometown_province_code=hometown_province_code))
    found: dict[int, Person] = {}
    for lookup in lookups:
        for person in base.filter(lookup).select_related("org_unit").order_by("pk")[: limit * 2]:
            found.setdefault(person.pk, person)
    return _rank(
        found.values(),
        name_key=name_key,
        birth_date=birth_date,
        cccd=cccd,
        hometown_province_code=hometown_province_code,
        limit=limit,
    )


def _rank(
    people: Iterable[Person],
    *,
    name_key: str,
    birth_date: datetime.date | None,
    cccd: str | None,
    hometown_province_code: str,
    limit: int,
) -> list[tuple[Person, tuple[str, ...]]]:
    scored = []
    for person in people:
        keys = matched_identity_keys(
            person,
            name_key=name_key,
            birth_date=birth_date,
            cccd=cccd,
            hometown_province_code=hometown_province_code,
        )
        if len(keys) >= DUPLICATE_THRESHOLD:
            scored.append((person, keys))
    scored.sort(key=lambda pair: (-len(pair[1]), pair[0].pk))
    return scored[:limit]


# --- the three-identifier rule for verification replies ---------------------------------------


@dataclass(frozen=True)
class ReplyIdentifiers:
    """What a verification reply says about whom it concerns."""

    full_name: str = ""
    birth_date: datetime.date | None = None
    cccd: str = ""
    hometown_province_code: str = ""


def reply_matched_keys(subject: Person | Relative, reply: ReplyIdentifiers) -> tuple[str, ...]:
    """Identifiers of `subject` (a person, or a relative) that the reply states identically.

    A relative linked to their own record is compared on that record; an unlinked relative has
    no hometown code, so only name, date of birth and CCCD can match (all three are needed).
    """
    if isinstance(subject, Relative):
        if subject.linked_person is not None:
            subject = subject.linked_person
        else:
            probe = Person(
                name_key=subject.name_key, birth_date=subject.birth_date, cccd=subject.cccd or None
            )
            return matched_identity_keys(
                probe,
                name_key=split_name(reply.full_name).name_key,
                birth_date=reply.birth_date,
                cccd=reply.cccd.strip() or None,
                hometown_province_code="",
            )
    return matched_identity_keys(
        subject,
        name_key=split_name(reply.full_name).name_key,
        birth_date=reply.birth_date,
        cccd=reply.cccd.strip() or None,
        hometown_province_code=reply.hometown_province_code,
    )
