from __future__ import annotations

import pytest

from sangdam.messaging import text


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("", 0),
        ("hello", 5),
        ("안녕하세요", 10),
        ("홍길동님 2026-11-23", 19),
        ("줄\n바꿈", 7),
        ("😀", 2),  # outside EUC-KR: billed like Hangul, one character two bytes
        ("漢字", 4),  # Hanja are in CP949
    ],
)
def test_byte_length_counts_as_korean_carriers(body, expected):
    assert text.byte_length(body) == expected


def test_kind_switches_to_lms_above_80_bytes():
    assert text.kind_for(80, has_image=False) == text.Kind.SMS
    assert text.kind_for(81, has_image=False) == text.Kind.LMS
    assert text.kind_for(10, has_image=True) == text.Kind.MMS


def test_render_fills_each_placeholder_everywhere():
    body = "{고객명}님, {오늘날짜} 점검 안내입니다. {고객명}님 감사합니다."
    assert text.render(body, name="김민수", date_text="2026-11-23") == (
        "김민수님, 2026-11-23 점검 안내입니다. 김민수님 감사합니다."
    )


def test_render_for_decides_the_type_after_filling_in():
    body = "가" * 38 + "{고객명}"  # 76 bytes before the name
    short = text.render_for(body, name="이도", date_text="", has_image=False)
    long = text.render_for(body, name="남궁민수", date_text="", has_image=False)
    assert (short.byte_count, short.kind) == (80, text.Kind.SMS)
    assert (long.byte_count, long.kind) == (84, text.Kind.LMS)


def test_advertising_lines():
    assert text.ad_header("에이크미") == "(광고)에이크미"
    assert text.ad_footer("080-123-4567") == "무료거부 080-123-4567"
    assert text.ad_footer("") == ""


def test_jpeg_is_recognised_by_its_signature():
    assert text.is_jpeg(b"\xff\xd8\xff\xe0rest")
    assert not text.is_jpeg(b"\x89PNG\r\n")
