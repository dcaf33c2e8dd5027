from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from typing_extensions import override


class InspectionsConfig(AppConfig):
    name = "bvct.inspections"
    label = "inspections"
    verbose_name = _("Inspections")

    @override
    def ready(self) -> None:
        from bvct.core.selectors import register_attention_source  # noqa: PLC0415
        from bvct.inspections.selectors import inspection_attention  # noqa: PLC0415

        register_attention_source(inspection_attention)
