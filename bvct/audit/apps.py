from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from typing_extensions import override


class AuditConfig(AppConfig):
    name = "bvct.audit"
    label = "audit"
    verbose_name = _("Audit log")

    @override
    def ready(self) -> None:
        from bvct.audit.selectors import audit_attention  # noqa: PLC0415 (models are ready now)
        from bvct.core.selectors import register_attention_source  # noqa: PLC0415

        register_attention_source(audit_attention)
