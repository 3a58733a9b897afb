from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "matchmaker.directory"
    label = "directory"
    verbose_name = _("Directory")

    def ready(self) -> None:
        from matchmaker.directory import signals  # noqa: F401  (connects receivers)
