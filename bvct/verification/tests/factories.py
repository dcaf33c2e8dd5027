from __future__ import annotations

from typing import Any

from django.utils import timezone

from bvct.accounts.models import User
from bvct.people.models import Relative
from bvct.verification import services
from bvct.verification.models import AddresseeKind, ExternalBody, VerificationRequest
from bvct.vetting.models import Case


def make_body(
    *, registered_by: User, name: str = "Công an tỉnh B (PA03)", **fields: Any
) -> ExternalBody:
    fields.setdefault("kind", AddresseeKind.POLICE)
    return ExternalBody.objects.create(
        name=name, registered_by=registered_by, registered_at=timezone.now(), **fields
    )


def send_request(
    *, actor: User, case: Case, relatives: list[Relative] | None = None, **fields: Any
) -> VerificationRequest:
    fields.setdefault("legal_basis", "Hướng dẫn số 06 (ví dụ)")
    fields.setdefault("purpose", "thẩm tra lý lịch người vào Đảng")
    fields.setdefault("questions", "Lịch sử chính trị và chấp hành chính sách, pháp luật.")
    data = services.RequestInput(relatives=relatives or [], **fields)
    return services.request_create(actor=actor, case=case, data=data)
