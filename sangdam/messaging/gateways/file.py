"""The development gateway: each message becomes a line in a file (or the console).

Nothing leaves the machine. Set ``SANGDAM_SMS_BACKEND=file`` (the default) and read
``var/sms-outbox.jsonl``; ``path="-"`` prints to the standard output instead.
"""

from __future__ import annotations

import json
import sys
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sangdam.messaging.gateways.base import Accepted, OutgoingMessage

_lock = threading.Lock()


class FileGateway:
    supports_mms = True

    def __init__(self, path: str = "", **options: object) -> None:
        self.path = path

    def send(self, message: OutgoingMessage) -> Accepted:
        gateway_id = uuid.uuid4().hex
        line = json.dumps(
            {
                "at": datetime.now(UTC).isoformat(),
                "id": gateway_id,
                "reference": message.reference,
                "to": message.to,
                "from": message.sender,
                "kind": message.kind,
                "title": message.title,
                "body": message.body,
                "image": message.image_name if message.image else "",
                "image_bytes": len(message.image or b""),
            },
            ensure_ascii=False,
        )
        with _lock:
            if self.path == "-":
                sys.stdout.write(line + "\n")
                sys.stdout.flush()
            else:
                target = Path(self.path)
                target.parent.mkdir(parents=True, exist_ok=True)
                with target.open("a", encoding="utf-8") as outbox:
                    outbox.write(line + "\n")
        return Accepted(gateway_id)

    def close(self) -> None:
        pass
