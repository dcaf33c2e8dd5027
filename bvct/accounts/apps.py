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

        # Every login — the login page, or a test's force_login — starts the session's clocks
        # and records the account's access stamp (bvct.accounts.sessions).
        from django.contrib.auth.signals import user_logged_in  # noqa: PLC0415

        from bvct.accounts.sessions import on_login  # noqa: PLC0415

        user_logged_in.connect(on_login, dispatch_uid="bvct-session-start")
