"""Fair scheduling engine: the published rule, an optimizer beyond it, format v1.

Pure Python (no Django): problems and schedules are frozen dataclasses, and :func:`solve` is the
one entry point. OR-Tools is imported only by the optimize mode.
"""

from sangdam.scheduling.format_v1 import (
    INSTANCE_FORMAT,
    RESULT_FORMAT,
    dumps_instance,
    dumps_result,
    loads_instance,
    loads_result,
    parse_instance,
    read_instance,
    write_result,
)
from sangdam.scheduling.pairs import Pair, derive_pairs
from sangdam.scheduling.problem import (
    FixedMeeting,
    InvalidProblem,
    Issue,
    MeetingRequest,
    Participant,
    Problem,
    RequestStatus,
    SchedulingError,
    Side,
    Slot,
)
from sangdam.scheduling.schedule import (
    Meeting,
    Mode,
    OptimizeStats,
    Schedule,
    StageOutcome,
    Stats,
    WaitingPair,
    WaitingReason,
)
from sangdam.scheduling.solve import solve
from sangdam.scheduling.violations import find_violations

__all__ = [
    "INSTANCE_FORMAT",
    "RESULT_FORMAT",
    "FixedMeeting",
    "InvalidProblem",
    "Issue",
    "Meeting",
    "MeetingRequest",
    "Mode",
    "OptimizeStats",
    "Pair",
    "Participant",
    "Problem",
    "RequestStatus",
    "Schedule",
    "SchedulingError",
    "Side",
    "Slot",
    "StageOutcome",
    "Stats",
    "WaitingPair",
    "WaitingReason",
    "derive_pairs",
    "dumps_instance",
    "dumps_result",
    "find_violations",
    "loads_instance",
    "loads_result",
    "parse_instance",
    "read_instance",
    "solve",
    "write_result",
]
