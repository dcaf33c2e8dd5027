from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from typing_extensions import override


class RegistersConfig(AppConfig):
    name = "bvct.registers"
    label = "registers"
    verbose_name = _("Classified-document registers")

    @override
    def ready(self) -> None:
        from bvct.core.selectors import register_attention_source  # noqa: PLC0415
        from bvct.registers.selectors import register_attention  # noqa: PLC0415

        register_attention_source(register_attention)
