from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NamesearchConfig(AppConfig):
    name = "bvct.namesearch"
    label = "namesearch"
    verbose_name = _("Name search index")

    def ready(self) -> None:
        # After the people app's own handler (INSTALLED_APPS order): entries follow their people.
        from bvct.namesearch.index import resync_paths_after_merge  # noqa: PLC0415
        from bvct.orgs.merge import register_merge_handler  # noqa: PLC0415

        register_merge_handler(resync_paths_after_merge, name="namesearch.entries")
