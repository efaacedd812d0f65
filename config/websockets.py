"""WebSocket routes of every app (live consoles and dashboards join here)."""

from typing import Any

websocket_urlpatterns: list[Any] = []
