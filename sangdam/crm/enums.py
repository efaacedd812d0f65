"""Code lists of the contact-center records, with the codes the manuals show."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TicketStatus(models.TextChoices):
    """진행상태: exactly the three codes of the ETS manual (SPEC CS-11, G-CS-01).

    Temp-saved and discarded tickets have no code of their own; they are flags on the ticket.
    """

    RECEIVED = "01", _("01:Received")
    TRANSFERRED = "03", _("03:Transferred to assignee")
    COMPLETED = "07", _("07:Completed")


OPEN_STATUSES = (TicketStatus.RECEIVED, TicketStatus.TRANSFERRED)


class InflowChannel(models.TextChoices):
    """유입경로: how the ticket reached us; 01 and 02 are the manual's, the rest ours."""

    CALL = "01", _("01:CALL")
    QNA = "02", _("02:QnA")
    CALLBACK = "03", _("03:Callback")
    SMS = "04", _("04:SMS")
    VISIT = "05", _("05:Visit")
    OTHER = "09", _("09:Other")


class Direction(models.TextChoices):
    INBOUND = "IN", _("IN")
    OUTBOUND = "OUT", _("OUT")


class CallResult(models.TextChoices):
    """통화결과; "1:전화연결" is the manual's, the others the usual outcomes of a call."""

    CONNECTED = "1", _("1:Connected")
    NO_ANSWER = "2", _("2:No answer")
    BUSY = "3", _("3:Busy")
    WRONG_NUMBER = "4", _("4:Wrong number")
    NO_CALL = "9", _("9:No call")


class ConsultationResult(models.TextChoices):
    """상담결과; "1:정상" is the manual's, the others ours until the vendor's table is known."""

    NORMAL = "1", _("1:Normal")
    COMPLAINT = "2", _("2:Complaint")
    PENDING = "3", _("3:Pending")
    OTHER = "9", _("9:Other")


class TicketEventKind(models.TextChoices):
    """이력유형: 접수, 이관, 완료 and 추가접수 come from the manual (SPEC CS-13)."""

    # "Received" alone is a fair request's state (받은 신청); here it is 접수.
    RECEIVED = "RECEIVED", pgettext_lazy("ticket history", "Received")
    TRANSFERRED = "TRANSFERRED", _("Transferred")
    COMPLETED = "COMPLETED", _("Completed")
    FOLLOW_UP = "FOLLOW_UP", _("Follow-up ticket")
    EDITED = "EDITED", _("Edited")
    TEMP_SAVED = "TEMP_SAVED", _("Temp-saved")
    DISCARDED = "DISCARDED", _("Discarded")
    CONSULTATION_ADDED = "CONSULTATION_ADDED", _("Consultation added")
    CONSULTATION_EDITED = "CONSULTATION_EDITED", _("Consultation edited")
    CONSULTATION_DELETED = "CONSULTATION_DELETED", _("Consultation deleted")
    RECALL_DONE = "RECALL_DONE", _("Recall completed")


class UploadState(models.TextChoices):
    CHECKING = "CHECKING", _("Checking")
    CHECKED = "CHECKED", _("Checked")
    SAVING = "SAVING", _("Saving")
    DONE = "DONE", _("Done")
    FAILED = "FAILED", _("Failed")


class DuplicatePolicy(models.TextChoices):
    """What the customer upload does with a row whose mobile number is already registered."""

    SKIP = "SKIP", _("Leave them out")
    REPORT = "REPORT", _("Report them as errors")
