"""Choices of the fair app; a leaf module every layer may import."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Side(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    SELLER = "seller", _("Seller")

    @property
    def other(self) -> "Side":
        return Side.SELLER if self is Side.BUYER else Side.BUYER


class HostSide(models.TextChoices):
    """Which side sits at a fixed table or booth that the other side visits."""

    NONE = "", _("No fixed tables (tables assigned per meeting)")
    BUYER = "buyer", _("Buyers host at fixed tables")
    SELLER = "seller", _("Sellers host at fixed tables")


class Approval(models.TextChoices):
    """SPEC G-MM-10: only approved participants can search, be found or request."""

    PENDING = "pending", _("Pending approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class BuyerType(models.TextChoices):
    GENERAL = "general", _("General")
    CONTRACT = "contract", _("Contract")


class CompanyForm(models.TextChoices):
    MANUFACTURER = "manufacturer", _("Manufacturer")
    DISTRIBUTOR = "distributor", _("Distributor")
    OTHER = "other", _("Other")


class RequestStatus(models.TextChoices):
    """The stored state of one request, in the words of the schedule-v1 format."""

    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


LIVE_STATUSES = (RequestStatus.PENDING, RequestStatus.ACCEPTED)


class Origin(models.TextChoices):
    """How a row of the request list reads for the participant looking at it (SPEC MM-25)."""

    MUTUAL = "mutual", _("Mutual request")
    THEIRS = "theirs", _("Their request")
    MINE = "mine", _("My request")
    REJECTED = "rejected", _("Rejected")


class MeetingClass(models.IntegerChoices):
    """Precedence class of a scheduled pair (SPEC MM-42); 0 = placed by hand."""

    BY_HAND = 0, _("Placed by hand")
    MUTUAL = 1, _("Mutual request")
    BUYER = 2, _("Buyer's request")
    SELLER = 3, _("Seller's request")


class WaitingReason(models.TextChoices):
    """Why a live pair has no meeting, in the words of the schedule-v1 format (SPEC G-MM-15)."""

    NO_COMMON_SLOT = "no_common_slot", _("No common available time")
    CAP = "cap", _("Daily meeting cap reached")
    TAKEN = "taken", _("Every common time is already taken")
    NOT_SCHEDULED = "not_scheduled", _("Not scheduled yet")


class SchedulingMode(models.TextChoices):
    GREEDY = "greedy", _("Published rule (greedy)")
    OPTIMIZE = "optimize", _("Optimize (more meetings)")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SAVING = "saving", _("Saving")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


# A run in one of these states still has a worker to finish it (or had one that died).
UNFINISHED_RUN_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.SAVING)


class Outcome(models.TextChoices):
    """SPEC G-MM-14: the outcome of one meeting as its participant reports it."""

    PURSUING = "pursuing", _("Pursuing a contract")
    REVIEWING = "reviewing", _("Under review")
    UNLIKELY = "unlikely", _("Unlikely")


class NoticeKind(models.TextChoices):
    """What a message-box entry announces (SPEC G-MM-12, G-MM-13)."""

    REQUEST_RECEIVED = "request_received", _("Request received")
    REQUEST_ACCEPTED = "request_accepted", _("Request accepted")
    REQUEST_REJECTED = "request_rejected", _("Request rejected")
    REQUEST_CANCELLED = "request_cancelled", _("Request cancelled")
    SCHEDULE_PUBLISHED = "schedule_published", _("Schedule published")
    APPROVED = "approved", _("Participation approved")
    ANNOUNCEMENT = "announcement", _("Announcement")
