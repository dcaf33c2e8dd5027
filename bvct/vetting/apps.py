from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from typing_extensions import override


class VettingConfig(AppConfig):
    name = "bvct.vetting"
    label = "vetting"
    verbose_name = _("Cases")

    @override
    def ready(self) -> None:
        from bvct.core.selectors import register_attention_source  # noqa: PLC0415
        from bvct.vetting.selectors import case_attention  # noqa: PLC0415 (models are ready now)

        register_attention_source(case_attention)

        from bvct.orgs.merge import register_merge_handler  # noqa: PLC0415
        from bvct.vetting import merge_handlers, scope  # noqa: PLC0415

        register_merge_handler(merge_handlers.move_open_cases_held, name="vetting.cases.held")
        register_merge_handler(
            merge_handlers.move_competent_authority, name="vetting.cases.competent"
        )
        # last: the cases the handlers above moved take their new units' paths
        register_merge_handler(scope.resync_after_unit_merge, name="vetting.cases.scope")
