from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "matchmaker.core"
    label = "core"
