"""Message text as Korean carriers bill it: bytes in EUC-KR, SMS up to 80, LMS up to 2,000.

Pure Python (no Django): the composer's counter, the sending service and the benchmark all use
these functions, and they must be fast enough for 100,000 messages (docs/benchmarks.md).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from enum import StrEnum

# SPEC G-CC-05: the figures of common Korean carrier practice.
SMS_MAX_BYTES = 80
LMS_MAX_BYTES = 2000
TITLE_MAX_BYTES = 40
MMS_IMAGE_MAX_BYTES = 300 * 1024

NAME_PLACEHOLDER = "{고객명}"
DATE_PLACEHOLDER = "{오늘날짜}"
AD_PREFIX = "(광고)"


class Kind(StrEnum):
    SMS = "SMS"
    LMS = "LMS"
    MMS = "MMS"


def _two_bytes_each(error: UnicodeError) -> tuple[bytes, int]:
    # Characters outside EUC-KR/CP949 (emoji, rare Hanja) are billed like Hangul, two bytes;
    # carriers' handsets show them or not, but the count must not undercount.
    assert isinstance(error, UnicodeEncodeError)
    return b"??" * (error.end - error.start), error.end


codecs.register_error("sangdam-two-bytes", _two_bytes_each)


def byte_length(text: str) -> int:
    """Bytes as carriers count them: ASCII (a line break too) 1, Hangul and any other 2."""
    if text.isascii():
        return len(text)
    return len(text.encode("cp949", "sangdam-two-bytes"))


def kind_for(body_bytes: int, *, has_image: bool) -> Kind:
    """SMS up to 80 bytes, LMS above (CC-69), MMS with an image whatever the length (CC-66)."""
    if has_image:
        return Kind.MMS
    return Kind.SMS if body_bytes <= SMS_MAX_BYTES else Kind.LMS


def render(body: str, *, name: str, date_text: str) -> str:
    """The body with {고객명} and {오늘날짜} filled in (CC-67, CC-68)."""
    if "{" not in body:
        return body
    return body.replace(NAME_PLACEHOLDER, name).replace(DATE_PLACEHOLDER, date_text)


@dataclass(frozen=True)
class Rendered:
    body: str
    byte_count: int
    kind: Kind


def render_for(body: str, *, name: str, date_text: str, has_image: bool) -> Rendered:
    """One recipient's message: filled in, counted and typed after substitution (G-CC-06)."""
    text = render(body, name=name, date_text=date_text)
    count = byte_length(text)
    return Rendered(text, count, kind_for(count, has_image=has_image))


def ad_header(sender_name: str) -> str:
    """The first line an advertising message must begin with (정보통신망법 제50조)."""
    return f"{AD_PREFIX}{sender_name}".strip()


def ad_footer(opt_out_number: str) -> str:
    """The free opt-out line an advertising message must end with."""
    return f"무료거부 {opt_out_number}" if opt_out_number else ""


def is_jpeg(data: bytes) -> bool:
    return data[:3] == b"\xff\xd8\xff"
