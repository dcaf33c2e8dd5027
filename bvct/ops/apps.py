from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "bvct.ops"
    label = "ops"
