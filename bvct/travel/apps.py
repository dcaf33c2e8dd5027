from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from typing_extensions import override


class TravelConfig(AppConfig):
    name = "bvct.travel"
    label = "travel"
    verbose_name = _("Travel abroad")

    @override
    def ready(self) -> None:
        from bvct.core.selectors import register_attention_source  # noqa: PLC0415
        from bvct.travel.selectors import travel_attention  # noqa: PLC0415

        register_attention_source(travel_attention)
