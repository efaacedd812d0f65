from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "sangdam.crm"
    label = "crm"
    verbose_name = _("Contact center records")

    def ready(self) -> None:
        from sangdam.crm import navigation  # noqa: PLC0415, F401 -- registers the menu
