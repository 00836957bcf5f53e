"""gunicorn's threaded worker, guarded against slow headers: a request line and headers must arrive whole, in time.

gunicorn's ``gthread`` worker parses a request's headers in a worker thread with a blocking
socket, so a client sending header bytes slowly (slowloris) holds that thread for as long as it
keeps sending. :class:`HeaderGuardWorker` reads what has arrived without blocking; until the
blank line that ends the headers is in, the connection goes back to gunicorn's poller (no
thread held) and is dropped with a 408 once ``HEADER_TIMEOUT_SECONDS`` have passed since its
request began. Only then does gunicorn's own parser run, on bytes already received. Used by
``gunicorn.conf.py`` (``worker_class``); TLS and HTTP/2 connections are left to gunicorn.
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
from typing import Any

from gunicorn.workers.gthread import _DEFER, ThreadWorker

HEADER_TIMEOUT_SECONDS = float(os.environ.get("ASL_HEADER_TIMEOUT_SECONDS", 10))
READ_AHEAD = 64 * 1024
HEADER_ENDS = (b"\r\n\r\n", b"\n\n")
TIMED_OUT_BODY = b"The request took too long to arrive.\n"
TIMED_OUT = (
    b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n"
    + f"Content-Length: {len(TIMED_OUT_BODY)}\r\n\r\n".encode()
    + TIMED_OUT_BODY
)


class ReadAheadSocket:
    """A client socket that first hands back the bytes read while waiting for the headers, then reads on."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self.pending = b""
        # While a request body is read, the time by which it must be in (webapp.body.BodyGuard sets
        # it): each receive past it times out, however large the read the application asked for.
        self.body_deadline: float | None = None

    def recv(self, size: int, *flags: int) -> bytes:
        if self.pending:
            data, self.pending = self.pending[:size], self.pending[size:]
            return data
        if self.body_deadline is not None and time.monotonic() > self.body_deadline:
            raise TimeoutError("the request body did not arrive in time")
        return self._sock.recv(size, *flags)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


def _headers_complete(data: bytes, limit: int) -> bool:
    """Return whether ``data`` (the start of a request) holds its whole header section, or is too big for one."""
    return len(data) >= limit or any(end in data for end in HEADER_ENDS)


class HeaderGuardWorker(ThreadWorker):
    """gunicorn's gthread worker that never lets a thread wait on a slow request line or header."""

    def handle(self, conn: Any) -> Any:
        if self.cfg.is_ssl or getattr(conn, "is_http2", False):
            return super().handle(conn)
        if not isinstance(conn.sock, ReadAheadSocket):
            conn.sock = ReadAheadSocket(conn.sock)
        waiting = self._headers_pending(conn)
        if waiting is None:
            conn.header_deadline = None
            conn.data_ready = True  # the bytes are here (read ahead): gunicorn must not wait on the socket for them
            return super().handle(conn)
        return waiting

    def _headers_pending(self, conn: Any) -> Any:
        """Read what has arrived; return ``None`` when the headers are in, else what to tell the poller."""
        buffered = conn.parser.unreader.buf.getvalue() if conn.parser is not None else b""
        limit = self.cfg.limit_request_line + self.cfg.limit_request_field_size * max(1, self.cfg.limit_request_fields)
        if _headers_complete(buffered + conn.sock.pending, limit):
            return None
        if getattr(conn, "header_deadline", None) is None:
            conn.header_deadline = time.monotonic() + HEADER_TIMEOUT_SECONDS
        try:
            conn.sock.setblocking(False)
            data = conn.sock._sock.recv(READ_AHEAD)
        except (BlockingIOError, InterruptedError):
            data = None
        except OSError:
            return False  # reset or closed: let gunicorn close it
        finally:
            conn.sock.setblocking(True)
        if data == b"":  # the client closed: nothing to answer, or a partial request for the parser to refuse
            return None if buffered + conn.sock.pending else False
        if data:
            conn.sock.pending += data
            if _headers_complete(buffered + conn.sock.pending, limit):
                return None
        if time.monotonic() >= conn.header_deadline:
            self._drop(conn)
            return False
        conn.data_ready = False
        return _DEFER

    @staticmethod
    def _drop(conn: Any) -> None:
        """Answer 408 and close at once, here in the thread: gunicorn's graceful close would linger on its main loop."""
        sock = conn.sock._sock
        with contextlib.suppress(OSError):
            sock.sendall(TIMED_OUT)
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()
