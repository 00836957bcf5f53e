"""Why an upload cannot be classified: a message for people and a reason the web layer maps to a status."""

from __future__ import annotations

import enum


class Rejection(enum.Enum):
    """Why an upload cannot be classified (the web layer maps each to an HTTP status)."""

    UNREADABLE = "unreadable"  # not an image, corrupt, empty, or no file at all
    TOO_LARGE = "too large"  # over a size, pixel, decode or count limit
    NOT_ACCEPTED = "not accepted"  # an image format that is not accepted
    BUSY = "busy"  # the process's decode memory is taken by other pictures for now


class ImageRejected(Exception):
    """An upload that cannot be classified: a message for people and the ``reason``."""

    def __init__(self, message: str, reason: Rejection = Rejection.UNREADABLE) -> None:
        super().__init__(message)
        if not isinstance(reason, Rejection):
            raise TypeError(f"a rejection's reason is a Rejection, not {reason!r}")
        self.message = message
        self.reason = reason
