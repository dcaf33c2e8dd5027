"""Synthetic people for the import and search benchmarks, as CSV with the import template's headers.

    .venv/bin/python bench/gen_people.py 5600000 --out var/bench/people-5.6M.csv [--seed 1]

Deterministic: the same N and seed give the same file byte for byte, and the first K rows of a
larger file are the K rows of a smaller one. Streams row by row (constant memory, whatever N).

Distribution (approximate, from published surveys of Vietnamese names):
* surnames: Nguyễn 38 %, Trần 11 %, Lê 9.5 %, Phạm 7 %, Hoàng/Huỳnh 5 %, Phan 4.5 %, Vũ/Võ 4 %,
  Đặng 2 %, Bùi 2 %, Đỗ 1.4 %, Hồ 1.3 %, Ngô 1.3 %, Dương 1 %, Lý 0.5 % and a tail of ~50 more;
* middle names: "Văn" for about a third of men and "Thị" for about half of women, single or
  compound others ("Đức", "Minh", "Thị Thu", "Ngọc Bảo"), about 2 % with none;
* given names: Zipf-like weights over ~400 names per sex (a long tail);
* birth dates 1945–2006, 4 % year only and 2 % month and year (old records);
* CCCD: 12 digits = province-of-registration code (3 digits), century/sex digit (0/1 for men and
  women born in the 1900s, 2/3 in the 2000s), 2-digit birth year, 6 digits; unique within the file;
  3 % of people have none;
* party card: 8 digits, unique, for about three people in four (with admission and full-membership
  dates); the others have none;
* hometown, residence and managing unit: communes of the 2025 map (`vietnam-provinces`), the unit
  code formatted "X{ward code:05d}" as the official tree does.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import itertools
import random
import sys
from collections.abc import Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from vietnam_provinces import Province, Ward

HEADERS = (
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số CCCD",
    "Số thẻ đảng viên",
    "Quê quán",
    "Nơi thường trú",
    "Mã tổ chức",
    "Ngày vào Đảng",
    "Ngày chính thức",
)

SURNAMES: tuple[tuple[str, float], ...] = (
    ("Nguyễn", 38.0),
    ("Trần", 11.0),
    ("Lê", 9.5),
    ("Phạm", 7.0),
    ("Hoàng", 3.3),
    ("Huỳnh", 1.8),
    ("Phan", 4.5),
    ("Vũ", 2.2),
    ("Võ", 1.8),
    ("Đặng", 2.1),
    ("Bùi", 2.0),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1.0),
    ("Lý", 0.5),
    ("Đinh", 0.8),
    ("Trương", 0.7),
    ("Trịnh", 0.6),
    ("Đào", 0.6),
    ("Đoàn", 0.5),
    ("Mai", 0.5),
    ("Cao", 0.5),
    ("Hà", 0.5),
    ("Lương", 0.4),
    ("Lâm", 0.4),
    ("Tô", 0.3),
    ("Tạ", 0.3),
    ("Lưu", 0.3),
    ("Phùng", 0.3),
    ("Chu", 0.2),
    ("Thái", 0.2),
    ("Triệu", 0.2),
    ("Vương", 0.2),
    ("Châu", 0.2),
    ("Nông", 0.2),
    ("Văn", 0.15),
    ("Kiều", 0.1),
    ("Quách", 0.1),
    ("La", 0.1),
    ("Tăng", 0.1),
    ("Từ", 0.1),
    ("Mạc", 0.1),
    ("Hứa", 0.1),
    ("Giang", 0.1),
    ("Thân", 0.1),
    ("Tống", 0.1),
    ("Quan", 0.1),
    ("Lò", 0.1),
    ("Nghiêm", 0.1),
    ("Khúc", 0.05),
    ("Doãn", 0.05),
    ("Lã", 0.05),
    ("Âu", 0.05),
    ("Ông", 0.05),
    ("Hầu", 0.05),
    ("Khổng", 0.05),
    ("Diệp", 0.05),
    ("Ninh", 0.05),
    ("Bạch", 0.05),
    ("Lục", 0.05),
    ("Sầm", 0.03),
    ("Kha", 0.03),
    ("Ưng", 0.02),
    ("Viên", 0.03),
    ("Phó", 0.03),
    ("Khương", 0.04),
)

MALE_MIDDLE: tuple[tuple[str, float], ...] = (
    ("Văn", 34.0),
    ("Đức", 6.0),
    ("Minh", 6.0),
    ("Quang", 5.0),
    ("Hữu", 5.0),
    ("Đình", 4.0),
    ("Thanh", 3.5),
    ("Xuân", 3.0),
    ("Công", 3.0),
    ("Quốc", 3.0),
    ("Ngọc", 2.5),
    ("Tiến", 2.0),
    ("Mạnh", 2.0),
    ("Thế", 2.0),
    ("Duy", 2.0),
    ("Trọng", 1.5),
    ("Anh", 1.5),
    ("Hoàng", 1.5),
    ("Trung", 1.2),
    ("Hải", 1.0),
    ("Bá", 1.0),
    ("Viết", 1.0),
    ("Khắc", 0.8),
    ("Kim", 0.5),
    ("Thành", 0.8),
    ("Huy", 0.6),
    ("Gia", 0.8),
    ("Tuấn", 0.6),
    ("Nhật", 0.5),
    ("Phúc", 0.4),
    ("Văn Minh", 0.4),
    ("Đức Anh", 0.3),
    ("Minh Quang", 0.3),
    ("Hoàng Gia", 0.2),
    ("Ngọc Bảo", 0.2),
    ("Quốc Trung", 0.2),
    ("Hữu Thành", 0.2),
    ("Thanh Tùng", 0.1),
    ("", 2.0),
)

FEMALE_MIDDLE: tuple[tuple[str, float], ...] = (
    ("Thị", 45.0),
    ("Ngọc", 5.0),
    ("Thu", 4.0),
    ("Thanh", 4.0),
    ("Minh", 3.5),
    ("Thị Thu", 3.0),
    ("Thị Hồng", 2.5),
    ("Thị Thanh", 2.5),
    ("Thị Minh", 2.0),
    ("Thị Ngọc", 2.0),
    ("Phương", 2.0),
    ("Hồng", 2.0),
    ("Kim", 2.0),
    ("Thùy", 1.5),
    ("Bảo", 1.2),
    ("Khánh", 1.2),
    ("Hoài", 1.0),
    ("Mai", 1.0),
    ("Quỳnh", 1.0),
    ("Diệu", 0.6),
    ("Hải", 0.6),
    ("Lan", 0.6),
    ("Tuyết", 0.5),
    ("Thị Kim", 1.0),
    ("Thị Mai", 0.8),
    ("Thị Bích", 0.8),
    ("Thị Lan", 0.6),
    ("Thị Thúy", 0.6),
    ("Ngọc Bảo", 0.3),
    ("Thảo", 0.5),
    ("Cẩm", 0.4),
    ("Bích", 0.6),
    ("Huyền", 0.3),
    ("Yến", 0.3),
    ("Vân", 0.3),
    ("Như", 0.4),
    ("Tường", 0.2),
    ("", 2.0),
)

# Given names, most common first (weights follow the rank: 1 / (rank + 6)).
MALE_GIVEN = (
    "Hùng Dũng Tuấn Nam Long Hải Huy Minh Quân Cường Sơn Thắng Tùng Trung Đức Thành Việt Hoàng "
    "Khánh Anh Hiếu Phong Bình Hưng Thịnh Vinh Tâm Toàn Hòa Lâm Tiến Phúc Tài Lực Khoa Đạt Kiên "
    "Thanh Hiệp Lộc Hậu Tú Quang Mạnh Hào Duy Bảo Khang Thái Trí Tín Nghĩa Nhân Tuyên Định Hoan "
    "Hanh Hiển Khải Khôi Lợi Luân Ngọc Phát Phương Quốc Sang Thọ Thông Tuệ Vũ Xuân Yên An Bằng "
    "Chiến Công Cảnh Dương Đông Đăng Giang Hà Hạnh Hoà Huân Huấn Hợp Kha Khiêm Kỳ Lam Lân Lịch "
    "Linh Luật Lương Mẫn Nghị Ngân Nguyên Nhật Ninh Pháp Phú Phụng Quảng Quý Quyết Sỹ Tạo Tấn "
    "Thạch Thiện Thiều Thuận Thục Tịnh Toản Trọng Trường Tuân Tường Uy Văn Vĩnh Vương Vỹ Ái Bách "
    "Bạch Biên Cần Chính Chương Châu Cương Danh Diệu Doanh Du Duẩn Dược Điền Điệp Đoàn Giáp Hạ "
    "Hán Hảo Hân Hệ Hiền Hinh Hoạch Hồng Huỳnh Hướng Kế Kỷ Khang Khâm Khẩn Khởi Khuê Khương Lạc "
    "Lăng Lập Liêm Lĩnh Lũy Lượng Mão Mậu Miên Mừng Nghiêm Ngạn Nhạc Nhẫn Nhiên Phan Phiệt Phố "
    "Phổ Quế Quyền Quỳnh Sâm Sinh Song Sử Tá Tạc Tánh Tề Thạc Thăng Thẩm Thể Thiêm Thiết Thỏa "
    "Thống Thụ Thường Tiệp Tín Tới Triều Triết Trịnh Trực Túc Tuynh Tư Tước Ước Vạn Vận Vệ Vị "
    "Viễn Vọng Vượng Xứng Yết Ân Ẩn Bảy Chánh Chung Dinh Đảm Đỉnh Giao Hách Hiệu Hòe Huê Kết "
    "Khiết Lai Liễu Lục Mạch Nhuận Oai Phiên Quới Rạng Sính Sửu Thân Thìn Tòng Trác Tựu Út Viên"
)
FEMALE_GIVEN = (
    "Hương Linh Trang Hà Hoa Thảo Phương Thủy Lan Hằng Hạnh Nga Mai Ngọc Anh Huyền Nhung Dung "
    "Yến Loan Thu Vân Hồng Liên Oanh Tâm Thúy Hiền Quỳnh Nhi Vy Giang Ly Trâm Nhàn Thơ Uyên "
    "Hiên Diệp Chi Tuyết Xuân Hải Châu Duyên Hậu Ngân Nguyệt Thắm Thoa Thương Tú Diễm Đào Hân "
    "Khánh Kiều Lệ Lý Minh My Nương Phượng Quyên Sen Tiên Trinh Vi Xuyến Yên Ánh Bích Cúc Diệu "
    "Gấm Hảo Hòa Huệ Huyên Khuê Lam Liễu Luyến Lụa Mơ Mỹ Na Ngà Nhạn Nhiên Nhã Nhu Phúc Quế "
    "Quyên Sương Tài Thanh Thêu Thiện Thịnh Thoan Thuận Thùy Thư Trà Trúc Tuyền Tươi Vui Xoan "
    "Ái Bảo Bình Cầm Chinh Dạ Diên Điệp Gia Hạ Hiệp Hoài Hòe Hợi Huê Hường Kha Khuyên Kim Lài "
    "Lành Lợi Lựu Mận Miên Mến Nở Nụ Phấn Quy Sa Sáng Sim Son Tám Thái Thẩm Thêm Thiết Thìn "
    "Thục Thuyên Tình Toan Trầm Triều Tuệ Tuyên Tường Út Vấn Vẹn Việt Vượng Xinh Ý Yêu Chiêm "
    "Chuyên Doan Đoan Giao Hoan Hợp Khải Khiêm Khoa Lạc Lăng Lịch Liêu Lụa Mùi Ngát Nghi Nguyên "
    "Nhạ Nhụ Phi Quyến Quỳ Sinh Soa Tảo Thạch Thắng Thi Thiên Thoại Thuần Thúc Tịnh Toàn Trung "
    "Tuấn Uyển Vinh Vĩnh Vương Xuân Yến Ngần Nhị Phụng Son Tươi Viên Hiền Duệ Khanh Thụy Ngư"
)

PARTY_SHARE = 0.75
NO_CCCD_SHARE = 0.03
CCCD_MULTIPLIER = 382_919  # coprime with 10**6: (k * m + offset) % 10**6 is a permutation of k
CARD_MULTIPLIER = 7_919_993  # coprime with 10**8


# (unit code "X00070", province code, "Phường …, Thành phố …", ward code "00070")
Place = tuple[str, int, str, str]


@dataclass(frozen=True)
class Synthetic:
    name: str
    born: str  # dd/mm/yyyy, mm/yyyy or yyyy
    sex: str  # "Nam" / "Nữ"
    cccd: str
    card: str
    hometown: Place
    residence: Place
    unit: str
    admitted: str
    official: str


class Table:
    """Weighted choice in O(log n) with precomputed cumulative weights."""

    def __init__(self, items: Sequence[tuple[str, float]]) -> None:
        self.values = [value for value, _ in items]
        self.cumulative = list(itertools.accumulate(weight for _, weight in items))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> str:
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


def zipf(names: str) -> Table:
    unique = list(dict.fromkeys(names.split()))
    return Table([(name, 1.0 / (rank + 6)) for rank, name in enumerate(unique)])


def province_label(province: Province) -> str:
    name = str(province.name)
    return name if name.startswith("Thành phố") else f"Tỉnh {name}"


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 (synthetic data, reproducible by design)
        self.seed = seed
        self.surnames = Table(SURNAMES)
        self.middle = {"Nam": Table(MALE_MIDDLE), "Nữ": Table(FEMALE_MIDDLE)}
        self.given = {"Nam": zipf(MALE_GIVEN), "Nữ": zipf(FEMALE_GIVEN)}
        provinces = {int(p.code): province_label(p) for p in Province.iter_all()}
        self.province_codes = sorted(provinces)
        wards = sorted(Ward.iter_all(), key=lambda ward: int(ward.code))
        self.wards: list[Place] = [
            (
                f"X{int(w.code):05d}",
                int(w.province_code),
                f"{w.name}, {provinces[int(w.province_code)]}",
                f"{int(w.code):05d}",
            )
            for w in wards
        ]
        self.cccd_counters: dict[tuple[int, int, int], int] = {}

    def birth(self) -> tuple[int, int, int]:
        # a triangular mix centred on the 1970s-80s, 1945-2006
        year = int(self.rng.triangular(1945, 2007, 1978))
        return year, self.rng.randint(1, 12), self.rng.randint(1, 28)

    def cccd(self, province: int, year: int, *, male: bool) -> str:
        century = 0 if year < 2000 else 2  # noqa: PLR2004
        digit = century + (0 if male else 1)
        key = (province, digit, year % 100)
        serial = self.cccd_counters.get(key, 0)
        self.cccd_counters[key] = serial + 1
        offset = (province * 7919 + digit * 104_729 + (year % 100) * 1_299_709 + self.seed) % 10**6
        tail = (serial * CCCD_MULTIPLIER + offset) % 10**6
        return f"{province:03d}{digit}{year % 100:02d}{tail:06d}"

    def person(self, index: int) -> Synthetic:
        rng = self.rng
        sex = "Nam" if rng.random() < 0.5 else "Nữ"  # noqa: PLR2004
        words = [self.surnames.pick(rng), self.middle[sex].pick(rng), self.given[sex].pick(rng)]
        name = " ".join(word for word in words if word)
        year, month, day = self.birth()
        shape = rng.random()
        if shape < 0.04:  # noqa: PLR2004
            born = f"{year}"
        elif shape < 0.06:  # noqa: PLR2004
            born = f"{month:02d}/{year}"
        else:
            born = f"{day:02d}/{month:02d}/{year}"
        home = rng.randrange(len(self.wards))
        live = home if rng.random() < 0.6 else rng.randrange(len(self.wards))  # noqa: PLR2004
        unit = (
            self.wards[live][0]
            if rng.random() < 0.8  # noqa: PLR2004
            else self.wards[rng.randrange(len(self.wards))][0]
        )
        home_province = self.wards[home][1]
        registered = (
            home_province
            if rng.random() < 0.7  # noqa: PLR2004
            else self.province_codes[rng.randrange(len(self.province_codes))]
        )
        cccd = (
            "" if rng.random() < NO_CCCD_SHARE else self.cccd(registered, year, male=sex == "Nam")
        )
        card = admitted = official = ""
        if rng.random() < PARTY_SHARE:
            card = f"{(index * CARD_MULTIPLIER + 10_000_019) % 10**8:08d}"
            join_year = min(year + rng.randint(18, 45), 2024)
            join_month, join_day = rng.randint(1, 12), rng.randint(1, 28)
            admitted = f"{join_day:02d}/{join_month:02d}/{join_year}"
            official = f"{join_day:02d}/{join_month:02d}/{join_year + 1}"
        return Synthetic(
            name,
            born,
            sex,
            cccd,
            card,
            self.wards[home],
            self.wards[live],
            unit,
            admitted,
            official,
        )

    def row(self, index: int) -> list[str]:
        p = self.person(index)
        return [
            p.name,
            p.born,
            p.sex,
            p.cccd,
            p.card,
            p.hometown[2],
            p.residence[2],
            p.unit,
            p.admitted,
            p.official,
        ]

    def rows(self, count: int) -> Iterator[list[str]]:
        for index in range(count):
            yield self.row(index)


def write(count: int, stream: IO[str], seed: int = 1) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(HEADERS)
    generator = Generator(seed)
    batch: list[list[str]] = []
    for row in generator.rows(count):
        batch.append(row)
        if len(batch) == 10_000:  # noqa: PLR2004
            writer.writerows(batch)
            batch.clear()
    writer.writerows(batch)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("count", type=int, help="number of people")
    parser.add_argument("--out", type=Path, help="CSV file to write (default: standard output)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
    with (
        args.out.open("w", encoding="utf-8", newline="") if args.out else nullcontext(sys.stdout)
    ) as stream:
        write(args.count, stream, seed=args.seed)


if __name__ == "__main__":
    main()
