from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bvct.core"
    label = "core"
