"""Pull uploaded files out of a request: multipart field ``image`` or a raw ``image/*`` body, within the size limit."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Request
from werkzeug import formparser
from werkzeug.datastructures import Headers
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.sansio.multipart import MultipartDecoder
from werkzeug.utils import secure_filename

from webapp.imaging import ImageRejected

FIELD = "image"
MAX_NAME_LENGTH = 80
READ_CHUNK = 64 * 1024


class TolerantMultipartDecoder(MultipartDecoder):
    """Werkzeug's multipart decoder, but part headers that are not UTF-8 are read as Latin-1.

    Werkzeug decodes part headers as strict UTF-8 and, on failure, silently drops the whole form,
    so a file name typed on an older system (``photo_\xe9.jpg``) made the upload vanish.
    """

    def _parse_headers(self, data: bytes | bytearray) -> Headers:
        try:
            return super()._parse_headers(data)
        except UnicodeDecodeError:
            return super()._parse_headers(bytes(data).decode("latin-1").encode("utf-8"))


formparser.MultipartDecoder = TolerantMultipartDecoder  # the name formparser.MultiPartParser instantiates


@dataclass
class Upload:
    """One received file: a safe display name and its bytes."""

    filename: str
    data: bytes


def display_name(raw: str | None) -> str:
    """Return a short, path-free version of a client's file name, for display only."""
    name = secure_filename((raw or "").replace("\\", "/").rsplit("/", 1)[-1]) or "upload"
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, suffix = name.rpartition(".")
        name = (
            (stem[: MAX_NAME_LENGTH - len(suffix) - 2] + "…" + dot + suffix)
            if dot and len(suffix) < 10
            else name[:MAX_NAME_LENGTH]
        )
    return name


def read_body(request: Request) -> bytes:
    """Read the raw body whatever its framing (Content-Length or chunked); raise 413 past the upload limit."""
    limit = request.max_content_length
    if limit is not None and request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge()
    chunks, size = [], 0
    while True:
        chunk = request.stream.read(READ_CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if limit is not None and size > limit:
            raise RequestEntityTooLarge()
        chunks.append(chunk)


def uploads_from(request: Request, allow_raw: bool = True) -> list[Upload]:
    """Return the files of field ``image``, or the raw body if it is ``image/*``; raise if none."""
    mimetype = request.mimetype or ""
    if mimetype.startswith("multipart/form-data") or mimetype == "application/x-www-form-urlencoded":
        files = request.files.getlist(FIELD)
        if files:
            return [Upload(display_name(f.filename), f.read()) for f in files]
        if request.files:
            fields = ", ".join(sorted(request.files.keys()))
            raise ImageRejected(f"No file in the field '{FIELD}' (received: {fields}). Send the image as '{FIELD}'.")
        raise ImageRejected(f"No image was sent. Attach a photo in the field '{FIELD}'.")
    if allow_raw and mimetype.startswith("image/"):
        return [Upload("upload", read_body(request))]
    has_body = bool(request.content_length) or request.headers.get("Transfer-Encoding", "").lower() == "chunked"
    if allow_raw and has_body:
        raise ImageRejected(
            f"Unsupported content type '{mimetype or 'none'}'. Send multipart/form-data with a field "
            f"'{FIELD}', or a raw body with Content-Type image/*.",
            415,
        )
    raise ImageRejected(f"No image was sent. Attach a photo in the field '{FIELD}'.")
