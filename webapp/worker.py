"""gunicorn's threaded worker, guarded against slow headers: a request line and headers must arrive whole, in time.

gunicorn's ``gthread`` worker parses a request's headers in a worker thread with a blocking
socket, so a client sending header bytes slowly (slowloris) holds that thread for as long as it
keeps sending. :class:`HeaderGuardWorker` reads what has arrived without blocking; until the
blank line that ends the headers is in, the connection goes back to gunicorn's poller (no
thread held) and is answered 408 and closed once ``HEADER_TIMEOUT_SECONDS`` have passed since its
request began, whether or not more bytes come. A request line and headers over
``MAX_HEADER_BYTES`` (32 KB, nginx's own limit; ``ASL_MAX_HEADER_KB``) are answered 431 as soon as
they pass it, so no connection holds more. Only then does gunicorn's own parser run, on bytes
already received. Every error the server writes itself, gunicorn's own (400, 414, 431, 501, ...)
included, carries the app's security headers (:func:`write_error`). Used by ``gunicorn.conf.py``
(``worker_class``); TLS and HTTP/2 connections are left to gunicorn.
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
from typing import Any

from gunicorn import util
from gunicorn.workers.gthread import _DEFER, ThreadWorker

HEADER_TIMEOUT_SECONDS = float(os.environ.get("ASL_HEADER_TIMEOUT_SECONDS", 10))
MAX_HEADER_BYTES = int(float(os.environ.get("ASL_MAX_HEADER_KB", 32)) * 1024)
READ_AHEAD = 16 * 1024
HEADER_ENDS = (b"\r\n\r\n", b"\n\n")
# The app's security headers (webapp/security.py), on the pages the server writes without the app.
SECURITY_HEADERS = (
    b"Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n"
    b"X-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nReferrer-Policy: no-referrer\r\n"
    b"Cache-Control: no-store\r\n"
)
WORDS = {
    400: "The request could not be read.",
    408: "The request took too long to arrive.",
    414: "The request line is too long.",
    431: "The request's headers are too large.",
    501: "That transfer coding is not supported.",
}


def error_response(status: int, reason: str) -> bytes:
    """Return a whole HTTP response for an error the server answers itself: a short text, security headers."""
    body = (WORDS.get(status, reason) + "\n").encode()
    head = f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n"
    return head.encode("latin-1") + SECURITY_HEADERS + f"Content-Length: {len(body)}\r\n\r\n".encode() + body


def write_error(sock: socket.socket, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's ``util.write_error``, answering with :func:`error_response` (no echo of the request)."""
    util.write_nonblock(sock, error_response(status_int, reason))


TIMED_OUT = error_response(408, "Request Timeout")
TOO_LARGE = error_response(431, "Request Header Fields Too Large")


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


def _headers_complete(data: bytes) -> bool:
    """Return whether ``data`` (the start of a request) holds its whole header section."""
    return any(end in data[: MAX_HEADER_BYTES + 4] for end in HEADER_ENDS)


class HeaderGuardWorker(ThreadWorker):
    """gunicorn's gthread worker that never lets a thread wait on a slow request line or header."""

    def init_process(self) -> None:
        util.write_error = write_error  # this worker process answers gunicorn's own errors with security headers
        super().init_process()

    def murder_pending(self) -> None:
        """Close connections that waited too long: mid-headers ones at their header deadline, with a 408."""
        now = time.monotonic()
        for conn in list(self.pending_conns):
            deadline = getattr(conn, "header_deadline", None)
            if (deadline if deadline is not None else conn.timeout) > now:
                continue
            self.pending_conns.remove(conn)
            with contextlib.suppress(OSError, KeyError, ValueError):
                self.poller.unregister(conn.sock)
            self.nr_conns -= 1
            if deadline is not None:
                self._drop(conn, TIMED_OUT)
            else:
                conn.close()

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
        if _headers_complete(buffered + conn.sock.pending):
            return None
        if getattr(conn, "header_deadline", None) is None:
            conn.header_deadline = time.monotonic() + HEADER_TIMEOUT_SECONDS
        room = MAX_HEADER_BYTES + 4 - len(buffered) - len(conn.sock.pending)  # the blank line may end past the cap
        if room <= 0:
            self._drop(conn, TOO_LARGE)
            return False
        try:
            conn.sock.setblocking(False)
            data = conn.sock._sock.recv(min(READ_AHEAD, room))
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
            if _headers_complete(buffered + conn.sock.pending):
                return None
            if len(buffered) + len(conn.sock.pending) >= MAX_HEADER_BYTES + 4:
                self._drop(conn, TOO_LARGE)
                return False
        if time.monotonic() >= conn.header_deadline:
            self._drop(conn, TIMED_OUT)
            return False
        conn.data_ready = False
        return _DEFER

    @staticmethod
    def _drop(conn: Any, answer: bytes) -> None:
        """Answer and close at once, here in the thread: gunicorn's graceful close would linger on its main loop."""
        sock = conn.sock
        if isinstance(sock, ReadAheadSocket):
            sock.pending, sock = b"", sock._sock
        with contextlib.suppress(OSError):
            sock.setblocking(False)
            sock.send(answer)  # never wait on a client that does not read
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()
