"""The live class view's web server: starlette on uvicorn, in a thread of its own.

Why this server: uvicorn is a maintained HTTP/1.1 server (h11) with a clean shutdown we can
call from another thread (`should_exit`), and starlette gives routing, static files with the
right types and caching, and streaming responses for server-sent events. Server-sent events
(one long HTTP response the browser's EventSource reads, reconnecting by itself) are all the
page needs: data flows one way, from the recorder to the page.

The server's event loop runs in its own daemon thread; it reads the CSV as it grows (every
TAIL_EVERY_S, kit/record/live/tail.py) into the LiveFeed and sends each page what is new. It
never touches the recorder's writer thread or its queue. By default it listens on 127.0.0.1
only and accepts only requests for that host (no other web site can reach it by DNS
rebinding). With share=True it listens on every interface of this PC, and every address
needs a random token in its path (`/<token>/`): pupils' laptops on the school network open it,
no one who does not have the address does.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import socket
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kit.errors import RecordingError
from kit.i18n import gettext as _
from kit.i18n import language, os_reason
from kit.record.files import CsvStyle
from kit.record.live.feed import LiveFeed
from kit.record.live.page import render_page
from kit.record.live.tail import MAX_READ_BYTES, CsvTail

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
DEFAULT_PORT = 8716  # tried first, so a bookmark keeps working; any free port if it is taken
TAIL_EVERY_S = 0.1
SEND_EVERY_S = 0.1
PING_EVERY_S = 15.0
STOP_WAIT_S = 5.0
LOCAL_HOSTS = ["127.0.0.1", "localhost"]
# Everything the page loads comes from this server: no script, style, font or image from
# anywhere else, and no inline script.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")


@dataclass(frozen=True)
class LiveAddress:
    """Where the page is: the address to open on this PC, and the one to share (or '')."""

    url: str
    share_urls: tuple[str, ...] = ()
    port: int = 0


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket on `port`, or on any free port when port is 0 or DEFAULT_PORT is
    taken (another recording, or another program)."""
    for candidate in ([port] if port else [DEFAULT_PORT, 0]):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, candidate))
            sock.listen(64)
            return sock
        except OSError as err:
            sock.close()
            if port:
                raise RecordingError(_("cannot serve the live page on port {port} ({reason}). "
                                       "Choose another with --live-port, or leave it out.")
                                     .format(port=port, reason=os_reason(err))) from err
    raise RecordingError(_("cannot open a port for the live page"))  # never: port 0 binds


def _lan_addresses() -> list[str]:
    """This PC's own network addresses (from its host name; no packet is sent)."""
    found: list[str] = []
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            address = str(info[4][0])
            if not address.startswith("127.") and address not in found:
                found.append(address)
    except OSError:
        pass
    return found


class LiveServer:
    """Serve the live page for one run: start() before recording, stop() after."""

    def __init__(self, feed: LiveFeed, csv_path: Path, style: CsvStyle, *, share: bool = False,
                 port: int = 0) -> None:
        self.feed, self.share, self.port = feed, share, port
        self.tail = CsvTail(csv_path, style)
        self.token = secrets.token_urlsafe(16) if share else ""
        self.base = "/{}/".format(self.token) if share else "/"
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self.address = LiveAddress("")
        self.followed = False  # the run is over and the CSV has been read to its end
        self.language = language()  # the page speaks the recorder's language

    def start(self) -> LiveAddress:
        """Listen, start the server thread, and return the page's address."""
        import uvicorn

        sock = _listen("0.0.0.0" if self.share else "127.0.0.1", self.port)
        port = int(sock.getsockname()[1])
        config = uvicorn.Config(self._app(), log_level="warning", lifespan="on",
                                access_log=False, timeout_graceful_shutdown=2,
                                ws="none", server_header=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                        daemon=True, name="live-server")
        self._thread.start()
        deadline = time.monotonic() + STOP_WAIT_S
        while not self._server.started and self._thread.is_alive() \
                and time.monotonic() < deadline:
            time.sleep(0.01)
        if not self._server.started:
            sock.close()
            raise RecordingError(_("the live page's server did not start; record without "
                                   "--live"))
        local = "http://127.0.0.1:{}{}".format(port, self.base)
        shared = tuple("http://{}:{}{}".format(a, port, self.base) for a in _lan_addresses())
        self.address = LiveAddress(local, shared if self.share else (), port)
        return self.address

    def stop(self) -> None:
        """End the pages' streams (they get the run's last messages first) and the server."""
        self.feed.close()
        if self._server is None or self._thread is None:
            return
        deadline = time.monotonic() + STOP_WAIT_S  # the pages get the CSV to its end first
        while not self.followed and self._thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(SEND_EVERY_S * 2)  # each stream's next turn sends the end
        self._server.should_exit = True
        self._thread.join(STOP_WAIT_S)
        if self._thread.is_alive():
            log.warning("the live page's server did not stop within %.0f s", STOP_WAIT_S)

    # ----- the application -----------------------------------------------------------------
    def _app(self) -> Any:
        from starlette.applications import Starlette
        from starlette.middleware import Middleware
        from starlette.middleware.trustedhost import TrustedHostMiddleware
        from starlette.routing import Mount, Route
        from starlette.staticfiles import StaticFiles

        routes = [Route("/", self._index), Route("/events", self._events),
                  Route("/run.json", self._run_json),
                  Mount("/static", app=StaticFiles(directory=str(STATIC)))]
        middleware = [] if self.share else [
            Middleware(TrustedHostMiddleware, allowed_hosts=LOCAL_HOSTS)]
        if self.share:
            routes = [Mount("/" + self.token, routes=routes)]
        return _SecurityHeaders(Starlette(routes=routes, middleware=middleware,
                                          lifespan=self._lifespan))

    @contextlib.asynccontextmanager
    async def _lifespan(self, app: object) -> AsyncIterator[None]:
        """Follow the CSV from the server's loop while the server runs."""
        task = asyncio.get_running_loop().create_task(self._follow())
        try:
            yield
        finally:
            task.cancel()

    async def _index(self, request: Request) -> Response:
        from starlette.responses import HTMLResponse, RedirectResponse

        if not request.url.path.endswith("/"):
            return RedirectResponse(request.url.path + "/")
        return HTMLResponse(render_page(self.language))

    async def _run_json(self, request: Request) -> Response:
        from starlette.responses import JSONResponse

        snapshot, _cursor = self.feed.snapshot()
        return JSONResponse(snapshot)

    async def _events(self, request: Request) -> Response:
        from starlette.responses import StreamingResponse

        return StreamingResponse(self._stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache",
                                          "X-Accel-Buffering": "no"})

    async def _stream(self) -> AsyncIterator[str]:
        snapshot, cursor = self.feed.snapshot()
        yield _message("init", snapshot)
        pinged = time.monotonic()
        while True:
            closed = self.followed
            for name, payload in self.feed.since(cursor):
                yield _message(name, payload)
            if closed:
                yield _message("end", {})
                return
            if time.monotonic() - pinged > PING_EVERY_S:
                pinged = time.monotonic()
                yield ": ping\n\n"
            await asyncio.sleep(SEND_EVERY_S)

    async def _follow(self) -> None:
        while True:
            # While recording, at most MAX_READ_BYTES a turn (the page never competes with the
            # recorder for long); once the recording is over, the rest as fast as it reads.
            budget = MAX_READ_BYTES if not self.feed.closed else 16 * MAX_READ_BYTES
            try:
                rows = self.tail.read(budget)
                if rows or self.tail.fields:
                    self.feed.add_rows(rows, self.tail.fields)
            except Exception:  # a bug here must not end the page (nor ever the recording)
                log.exception("live: following %s failed", self.tail.path)
            if self.feed.closed and self.tail.at_end():
                self.followed = True
                return
            await asyncio.sleep(0 if self.feed.closed else TAIL_EVERY_S)


def _message(name: str, payload: dict[str, Any]) -> str:
    """One server-sent event: its name and its JSON (one line: JSON has no raw newlines)."""
    return "event: {}\ndata: {}\n\n".format(name, json.dumps(payload, ensure_ascii=False,
                                                              separators=(",", ":")))


class _SecurityHeaders:
    """ASGI middleware: the page's security headers on every response (streams too)."""

    HEADERS = [(b"content-security-policy", CSP.encode()),
               (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + self.HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers if scope["type"] == "http" else send)
