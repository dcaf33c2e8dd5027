"""Demo: an outline template of the Hà Nội node, so that `hn.officer` can plan and run an
inspection of a ward end to end (README, "An inspection end to end"). The outline's wording is an
example written for the demo, not an official outline."""

from __future__ import annotations

from bvct.accounts.models import User
from bvct.inspections import services
from bvct.inspections.models import OutlineTemplate

TITLE = "Đề cương báo cáo tự kiểm tra công tác bảo vệ chính trị nội bộ (ví dụ)"
SECTIONS = "\n".join(
    (
        "Công tác lãnh đạo, chỉ đạo | Các văn bản đã ban hành, việc quán triệt",
        "Thẩm tra lý lịch người vào Đảng | Số hồ sơ, thời hạn, việc xác minh người thân",
        "Thẩm định tiêu chuẩn chính trị | Số trường hợp, kết luận, việc thông báo kết quả",
        "Quản lý hồ sơ, tài liệu | Sổ sách, lưu trữ, bảo mật",
        "Hạn chế, nguyên nhân và kiến nghị |",
    )
)


def load_demo_outline() -> bool:
    """Create the example outline once; True when it was created."""
    officer = User.objects.get(username="hn.officer")
    if OutlineTemplate.objects.filter(org_unit=officer.org_unit, title=TITLE).exists():
        return False
    services.template_create(actor=officer, title=TITLE, sections=SECTIONS)
    return True
