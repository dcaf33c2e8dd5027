from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "bvct.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Imported here: selectors need the models, which are not loaded at import time.
        from bvct.accounts.selectors import user_attention_items  # noqa: PLC0415
        from bvct.core.selectors import register_attention_source  # noqa: PLC0415

        register_attention_source(user_attention_items)
