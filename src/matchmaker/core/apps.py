from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "matchmaker.core"
    label = "core"

    def ready(self) -> None:
        from django.urls import register_converter

        from matchmaker.core.ids import IdConverter

        # every URL's id parts use <id:...>: a too-long id is a 404, not a database overflow
        register_converter(IdConverter, "id")
