"""SMS gateways behind one interface, chosen by the ``SANGDAM_SMS_BACKEND`` setting.

Like Django's e-mail backends: ``file`` (development; writes what would be sent), ``kannel``
(Kannel's HTTP sendsms interface) and ``smpp`` (SMPP 3.4 straight to an SMSC). Each lives in its
own module; the sending service only sees ``Gateway``.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from sangdam.messaging.gateways.base import Gateway

ALIASES = {
    "file": "sangdam.messaging.gateways.file.FileGateway",
    "kannel": "sangdam.messaging.gateways.kannel.KannelGateway",
    "smpp": "sangdam.messaging.gateways.smpp.SmppGateway",
    "memory": "sangdam.messaging.gateways.memory.MemoryGateway",
}


def _gateway_class() -> type[Gateway]:
    path = ALIASES.get(settings.SANGDAM_SMS_BACKEND, settings.SANGDAM_SMS_BACKEND)
    gateway_class: type[Gateway] = import_string(path)
    return gateway_class


def get_gateway() -> Gateway:
    """A gateway as the settings name it, configured from ``SANGDAM_SMS_OPTIONS``."""
    return _gateway_class()(**settings.SANGDAM_SMS_OPTIONS)


def supports_mms() -> bool:
    """Whether the configured gateway can send MMS, without connecting to it."""
    return bool(getattr(_gateway_class(), "supports_mms", False))
