from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeclarationsConfig(AppConfig):
    name = "bvct.declarations"
    label = "declarations"
    verbose_name = _("Self-declared history")

    def ready(self) -> None:
        # Imported here: selectors need the models, which are not loaded at import time.
        from bvct.core.selectors import register_attention_source  # noqa: PLC0415
        from bvct.declarations.selectors import member_attention_items  # noqa: PLC0415

        register_attention_source(member_attention_items)
