"""The composer's byte counter (compose.js) counts exactly as the server does (text.byte_length).

The counter decides, as people type, whether the title is enabled and SMS turns into LMS
(CC-69); a different count than the server's would show the wrong type. The script's function
is run in Node with the same texts.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from sangdam.messaging import text

SCRIPT = Path(__file__).resolve().parents[2] / "sangdam/messaging/static/messaging/compose.js"
SAMPLES = [
    "",
    "Hello, world! 0123456789",
    "가" * 40,
    "가" * 40 + "a",
    "{고객명}님, {오늘날짜} 점검이 있습니다.\n감사합니다.",
    "줄바꿈\n\n두 줄",
    "이모지 😀👍🏽 포함",  # outside the BMP: two UTF-16 units, one code point
    "漢字와 ㄱㄴㄷ, ①②③, ♥★, ｱｲｳ, é, ß, ¥",
    "\u0080\u00a0\u00ff\u2028\ufeff\uffff",  # neither ASCII nor plain CP949
    "(광고)에이크미\n무료거부 080-123-4567",
    "".join(chr(c) for c in range(0x20, 0x3000, 7)),
    "".join(chr(c) for c in range(0xAC00, 0xD7A4, 13)),
    "".join(chr(c) for c in range(0x1F300, 0x1F650, 11)),
]

NODE_RUNNER = """
globalThis.window = globalThis;
globalThis.document = { addEventListener() {} };
require(process.argv[1]);
const samples = JSON.parse(require("fs").readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(samples.map((s) => window.sangdamByteLength(s))));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js runs the page's script")
def test_counter_counts_like_the_server() -> None:
    node = shutil.which("node")
    assert node is not None
    done = subprocess.run(
        [node, "-e", NODE_RUNNER, str(SCRIPT)],
        input=json.dumps(SAMPLES),
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    assert json.loads(done.stdout) == [text.byte_length(sample) for sample in SAMPLES]
    # The thresholds of CC-69 on both sides.
    assert text.byte_length("가" * 40) == 80
    assert text.byte_length("가" * 40 + "a") == 81
