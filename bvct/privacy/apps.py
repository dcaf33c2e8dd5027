from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from typing_extensions import override


class PrivacyConfig(AppConfig):
    name = "bvct.privacy"
    label = "privacy"
    verbose_name = _("Personal data protection")

    @override
    def ready(self) -> None:
        from bvct.core.selectors import register_attention_source  # noqa: PLC0415
        from bvct.privacy.selectors import privacy_attention  # noqa: PLC0415

        register_attention_source(privacy_attention)
