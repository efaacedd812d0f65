from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "sangdam.messaging"
    label = "messaging"
    verbose_name = _("Text messages")

    def ready(self) -> None:
        from sangdam.messaging import navigation, receipts, worker  # noqa: PLC0415, F401 -- registrations
