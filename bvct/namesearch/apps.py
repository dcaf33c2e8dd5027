from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NamesearchConfig(AppConfig):
    name = "bvct.namesearch"
    label = "namesearch"
    verbose_name = _("Name search index")
