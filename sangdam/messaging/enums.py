"""Code lists of text messaging."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MessageKind(models.TextChoices):
    SMS = "SMS", "SMS"
    LMS = "LMS", "LMS"
    MMS = "MMS", "MMS"


class MessageState(models.TextChoices):
    """One message's way from the composer to the handset.

    CLAIMED and SENDING are the worker's: CLAIMED rows were taken for a batch but not handed to
    the gateway (safe to take again after a crash), SENDING rows were being handed over (their
    fate is unknown after a crash, so they are never sent again).
    """

    SCHEDULED = "SCHEDULED", pgettext_lazy("message state", "Scheduled")
    QUEUED = "QUEUED", pgettext_lazy("message state", "Queued")
    CLAIMED = "CLAIMED", pgettext_lazy("message state", "Queued")
    SENDING = "SENDING", pgettext_lazy("message state", "Sending")
    SENT = "SENT", pgettext_lazy("message state", "Sent")
    DELIVERED = "DELIVERED", pgettext_lazy("message state", "Delivered")
    FAILED = "FAILED", pgettext_lazy("message state", "Failed")
    CANCELLED = "CANCELLED", pgettext_lazy("message state", "Cancelled")
    SKIPPED = "SKIPPED", _("Not sent (opted out)")


# Waiting for the worker: what "pending" counts and the dispatcher claims when due.
WAITING_STATES = (MessageState.SCHEDULED, MessageState.QUEUED)
# Handed to the gateway and not yet finally answered by a delivery report.
AWAITING_REPORT_STATES = (MessageState.SENDING, MessageState.SENT)


class SkipReason(models.TextChoices):
    CUSTOMER_OPT_OUT = "CUSTOMER", _("The customer opted out of SMS")
    OPT_OUT_LIST = "LIST", _("On the 080 opt-out list")


class OptOutSource(models.TextChoices):
    CALL_080 = "080", _("080 opt-out line")
    MANUAL = "MANUAL", _("Entered by an administrator")
