"""A real worker process killed in the middle of a bulk send, then started again.

Everything runs as in production, in separate processes on one SQLite file: ``sangdam migrate``,
a send of 1,500 recipients queued by ``send_messages``, and ``sangdam worker`` (the task worker
and its clock) sending through the file gateway. The worker is killed with SIGKILL, no chance to
tidy up, once a tenth of the messages are out; a second worker takes over after the lease.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RECIPIENTS = 1500
QUEUE_A_SEND = f"""
import django
django.setup()
from sangdam.accounts.audit import Actor
from sangdam.accounts.models import User
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.messaging import sending
from sangdam.messaging.models import MessagingSettings
from sangdam.messaging.recipients import Recipient

organization = Organization.objects.create(service_name="acme", name="acme")
agent = User.objects.create(
    organization=organization, username="agent1", name="agent", role="AGENT"
)
MessagingSettings.all_objects.create(organization=organization, sender_number="15880000")
with tenant_scope(organization):
    sending.send_messages(
        actor=Actor(agent, "127.0.0.1"),
        draft=sending.Draft([Recipient(f"0107{{n:07d}}") for n in range({RECIPIENTS})], "안내"),
    )
"""


def outbox_numbers(outbox: Path) -> list[str]:
    if not outbox.exists():
        return []
    lines = outbox.read_text(encoding="utf-8").splitlines()
    # The last line may be half-written when the worker was killed.
    return [json.loads(line)["to"] for line in lines if line.endswith("}")]


def wait_until(condition: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def states(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT state, COUNT(*) FROM messaging_message GROUP BY state"
        ).fetchall()
    return dict(rows)


def test_a_killed_worker_neither_loses_nor_repeats_messages(tmp_path: Path) -> None:
    database = tmp_path / "sangdam.sqlite3"
    outbox = tmp_path / "outbox.jsonl"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SANGDAM_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{database}",
        "DEBUG": "false",
        "SECRET_KEY": "restart-test",
        "SANGDAM_SMS_BACKEND": "file",
        "SANGDAM_SMS_FILE": str(outbox),
        "SANGDAM_SMS_CLAIM_LEASE_SECONDS": "1",
        "LOG_LEVEL": "WARNING",
    }
    sangdam = [sys.executable, "-m", "sangdam.cli"]
    subprocess.run([*sangdam, "migrate", "--no-input", "-v", "0"], env=env, check=True, cwd=ROOT)
    subprocess.run([sys.executable, "-c", QUEUE_A_SEND], env=env, check=True, cwd=ROOT)
    assert states(database) == {"QUEUED": RECIPIENTS}

    def start_worker() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [*sangdam, "worker"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    first = start_worker()
    try:
        wait_until(lambda: len(outbox_numbers(outbox)) >= RECIPIENTS // 10, 60, "the first tenth")
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    at_kill = len(outbox_numbers(outbox))
    assert at_kill < RECIPIENTS, "the worker finished before it could be killed"
    time.sleep(1.5)  # the dead worker's lease runs out

    second = start_worker()
    try:
        wait_until(
            lambda: not {"QUEUED", "CLAIMED", "SENDING"} & set(states(database)),
            120,
            "the second worker to finish",
        )
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(timeout=30)

    sent_to = outbox_numbers(outbox)
    final = states(database)
    assert len(sent_to) == len(set(sent_to)), "a number got the message twice"
    # Every message is accounted for: sent, or (at most the one being handed over at the
    # kill) failed as interrupted rather than sent a second time.
    assert final.get("SENT", 0) + final.get("FAILED", 0) == RECIPIENTS
    assert final.get("FAILED", 0) <= 1
    assert final.get("SENT", 0) <= len(sent_to) <= final.get("SENT", 0) + final.get("FAILED", 0)
    with sqlite3.connect(database) as connection:
        reasons = connection.execute(
            "SELECT reason FROM messaging_message WHERE state = 'FAILED'"
        ).fetchall()
    assert all("not resent to avoid a duplicate" in reason for (reason,) in reasons)
