"""The live socket: ``ws/live/`` pushes the events the user may see, checked again on every message."""

from __future__ import annotations

import time
from typing import Any, ClassVar

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from opsroom.live.audience import Audience
from opsroom.live.publish import latest_seq
from opsroom.live.sessions import live_user
from sites.models import Scope

CLOSE_UNAUTHENTICATED = 4401
CLOSE_NOTHING_TO_SEE = 4403
# Control messages: READY once the socket listens (catch up now, nothing can fall in between), with
# the audience it listens as and the stream's cursor: a client that reconnects as another audience
# (the user was moved while no socket was open) reloads its picture from that cursor instead;
# RESYNC when what the user may see changed while connected (reload the picture from the cursor).
READY = "live.ready"
RESYNC = "live.resync"


class LiveConsumer(AsyncJsonWebsocketConsumer):
    # How stale a socket's idea of its user may get: a moved or revoked user stops hearing
    # within this many seconds of the next event.
    REFRESH_S: ClassVar[float] = 30.0

    audience: Audience | None = None
    group: str | None = None
    refresh_due: float = 0.0

    async def connect(self) -> None:
        # Accept before closing, so the client reads the close code instead of an HTTP 403.
        await self.accept()
        audience = await self._load_audience()
        if audience is None:
            await self.close(code=CLOSE_UNAUTHENTICATED)
        elif not await self._listen(audience):
            await self.close(code=CLOSE_NOTHING_TO_SEE)
        else:
            await self.send_json({"kind": READY, "audience": audience.group,
                                  "seq": await database_sync_to_async(latest_seq)()})

    async def disconnect(self, code: int) -> None:
        await self._leave()

    async def live_event(self, message: dict[str, Any]) -> None:
        if time.monotonic() >= self.refresh_due and not await self._refresh():
            return
        if self.audience is not None and self.audience.admits(
            message["unit_path"], message["agency_id"], message.get("reaches_down", False)
        ):
            await self.send_json(
                {"seq": message["seq"], "prev": message["prev"], "kind": message["kind"],
                 "payload": message["payload"]}
            )

    async def _refresh(self) -> bool:
        """Read the user again; False when this message must not go out (revoked, or moved)."""
        audience = await self._load_audience()
        if audience is None:
            await self._leave()
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return False
        if audience == self.audience:
            return True
        await self._leave()
        if not await self._listen(audience):
            await self.close(code=CLOSE_NOTHING_TO_SEE)
            return False
        # What the user may see changed: the client reloads its snapshot from this cursor.
        await self.send_json({"kind": RESYNC, "seq": await database_sync_to_async(latest_seq)()})
        return False

    async def _listen(self, audience: Audience) -> bool:
        if audience.group is None:
            return False
        self.audience, self.group = audience, audience.group
        await self.channel_layer.group_add(self.group, self.channel_name)
        return True

    async def _leave(self) -> None:
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)
        self.audience, self.group = None, None

    @database_sync_to_async
    def _load_audience(self) -> Audience | None:
        self.refresh_due = time.monotonic() + self.REFRESH_S
        user = live_user(self.scope["session"].session_key)
        return None if user is None else Audience.of(Scope.of(user))
