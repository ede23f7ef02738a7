"""uvicorn's h11 protocol with a deadline for a request's headers.

uvicorn closes idle keep-alive connections, but a connection that never completes a
request's headers (a half-open socket, or a slowloris trickling a header byte every few
seconds) is held until the client gives up.  This protocol closes a connection whose next
request's headers are not complete within ``header_timeout`` seconds of the connection
opening or of the previous response.
"""

from __future__ import annotations

import asyncio
import os

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

#: ``APPROXLAB_HEADER_TIMEOUT`` (read here: uvicorn's worker processes import this module).
HEADER_TIMEOUT = float(os.environ.get("APPROXLAB_HEADER_TIMEOUT", "10"))


class DeadlineH11Protocol(H11Protocol):
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(HEADER_TIMEOUT, self._expire)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self) -> None:
        self._deadline = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()  # no complete request line + headers in time

    def handle_events(self) -> None:
        super().handle_events()
        if self.conn.their_state is not h11.IDLE:
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)
