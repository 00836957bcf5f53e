"""Guard request bodies: a stalled or trickling body times out (408), a malformed one is a 400, never a 500.

A WSGI middleware wraps ``wsgi.input``: each read may wait at most ``BODY_TIMEOUT_SECONDS`` for
data (a socket timeout, where gunicorn exposes the socket), and the whole body must arrive within
that time plus one second per 100 KB announced (checked on each receive under
:class:`webapp.worker.HeaderGuardWorker`, else between reads). Errors of the server's body reader (a bad chunk
size, a connection dropped mid-body) become :class:`MalformedBody`.

An answer sent before the body was read to its end (an error, a refused content type, a route
that reads no body) closes the connection: on the wire, not only in a header gunicorn drops as
hop-by-hop, so that a proxy never reuses a connection with unread bytes on it (nginx would send
the next client's request into them and answer that client 502).
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask
from werkzeug.exceptions import BadRequest, HTTPException

MIN_RATE_BYTES_PER_SECOND = 100 * 1024


class BodyTimeout(HTTPException):
    code = 408
    description = "The upload took too long to arrive; please try again."


class MalformedBody(BadRequest):
    description = "The request body is malformed."


class GuardedInput:
    """A ``wsgi.input`` whose reads end in :class:`BodyTimeout` or :class:`MalformedBody` instead of hanging or
    crashing."""

    def __init__(self, stream: Any, deadline: float) -> None:
        self._stream = stream
        self._deadline = deadline
        self.consumed = 0  # bytes read so far
        self.ended = False  # a read returned nothing: the body is over

    def _guard(self, read, *args):
        if time.monotonic() > self._deadline:
            raise BodyTimeout()
        try:
            data = read(*args)
            self.consumed += len(data)
            self.ended = self.ended or not data
            return data
        except HTTPException:
            raise
        except TimeoutError as error:
            raise BodyTimeout() from error
        except Exception as error:  # gunicorn's InvalidChunkSize, NoMoreData, a reset connection, ...
            raise MalformedBody() from error

    def read(self, *args):
        return self._guard(self._stream.read, *args)

    def readline(self, *args):
        return self._guard(self._stream.readline, *args)

    def __iter__(self):
        while line := self.readline():
            yield line


class BodyGuard:
    """WSGI middleware installing :class:`GuardedInput` and closing connections whose body failed."""

    def __init__(self, app, timeout: float) -> None:
        self.app = app
        self.timeout = timeout

    def __call__(self, environ: dict, start_response):
        try:
            announced = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            announced = 0
        deadline = time.monotonic() + self.timeout + announced / MIN_RATE_BYTES_PER_SECOND
        socket = environ.get("gunicorn.socket")
        if socket is not None:
            socket.settimeout(self.timeout)
        paced = hasattr(socket, "body_deadline")  # webapp.worker's socket: every receive keeps the deadline
        if paced:
            socket.body_deadline = deadline
        body = environ["wsgi.input"] = GuardedInput(environ["wsgi.input"], deadline)
        chunked = environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked"

        def start(status: str, headers: list, exc_info=None):
            unread = (announced > body.consumed) or (chunked and not body.ended)
            if unread or status[:3] in ("400", "408", "413"):
                headers = [h for h in headers if h[0].lower() != "connection"] + [("Connection", "close")]
                close_after_answer(start_response)
            return start_response(status, headers, exc_info)

        try:
            return self.app(environ, start)
        finally:
            if paced:
                socket.body_deadline = None


def close_after_answer(start_response) -> None:
    """Make the server close the connection after this answer and say so on the wire.

    gunicorn drops a ``Connection`` header set by the app (hop-by-hop) but closes, and sends
    ``Connection: close``, when its response object is told to; other servers honour the header.
    """
    force_close = getattr(getattr(start_response, "__self__", None), "force_close", None)
    if callable(force_close):
        force_close()


def init_app(app: Flask) -> None:
    """Wrap ``app``'s WSGI callable with :class:`BodyGuard`."""
    app.wsgi_app = BodyGuard(app.wsgi_app, float(app.config["BODY_TIMEOUT_SECONDS"]))
