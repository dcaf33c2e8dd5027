from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from typing_extensions import override


class VerificationConfig(AppConfig):
    name = "bvct.verification"
    label = "verification"
    verbose_name = _("Verification requests")

    @override
    def ready(self) -> None:
        from bvct.core.selectors import register_attention_source  # noqa: PLC0415
        from bvct.verification.selectors import request_attention  # noqa: PLC0415

        register_attention_source(request_attention)
