"""Pull uploaded files out of a request: multipart field ``image`` or a raw ``image/*`` body, within the size limit."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO

from flask import Request
from werkzeug.datastructures import FileStorage, Headers, MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser, MultiPartParser
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData
from werkzeug.utils import secure_filename

from recognition.decode import ImageRejected, Rejection

FIELD = "image"
MAX_NAME_LENGTH = 80
READ_CHUNK = 64 * 1024
# Reads of a body whose length is announced take up to this much at once: gunicorn holds what it
# received beyond each read and copies it again for the next, so small reads of a large body cost
# that body's size many times over.
LARGEST_READ = 1024 * 1024
# Text fields are refused as soon as they pass this many bytes, before they are kept or parsed (a
# track is under 40 bytes, a digit one); only the fields named in LARGE_FIELDS may be as long as a form may be.
SMALL_FIELD_BYTES = 4096
LARGE_FIELDS = frozenset({"photo"})  # the correction form's photo, a data URL


class FieldTooLong(RequestEntityTooLarge):
    """A text field of a form passed its limit (:data:`SMALL_FIELD_BYTES`); refused as it arrives."""

    def __init__(self, name: str, limit: int) -> None:
        super().__init__(f"The form field '{name[:40]}' is too long: at most {limit} bytes.")


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


class UploadMultiPartParser(MultiPartParser):
    """Werkzeug's multipart parser driving :class:`TolerantMultipartDecoder`; files are kept in memory."""

    def field_limit(self, name: str) -> int:
        """Return how many bytes the text field ``name`` may hold."""
        largest = self.max_form_memory_size if self.max_form_memory_size is not None else SMALL_FIELD_BYTES
        return largest if name in LARGE_FIELDS else min(SMALL_FIELD_BYTES, largest)

    def parse(self, stream: IO[bytes], boundary: bytes, content_length: int | None) -> tuple[MultiDict, MultiDict]:
        decoder = TolerantMultipartDecoder(boundary, self.max_form_memory_size, max_parts=self.max_form_parts)
        fields: list[tuple[str, str]] = []
        files: list[tuple[str, FileStorage]] = []
        part: Field | File | None = None
        chunks: list[bytes] = []
        field_size = 0
        while True:
            data = stream.read(self.buffer_size)
            decoder.receive_data(data or None)
            event = decoder.next_event()
            while not isinstance(event, (Epilogue, NeedData)):
                if isinstance(event, (Field, File)):
                    part, chunks, field_size = event, [], 0
                elif isinstance(event, Data) and part is not None:
                    field_size += len(event.data)
                    if isinstance(part, Field) and field_size > self.field_limit(part.name):
                        raise FieldTooLong(part.name, self.field_limit(part.name))
                    chunks.append(event.data)
                    if not event.more_data:
                        if isinstance(part, Field):
                            fields.append(
                                (part.name, b"".join(chunks).decode(self.get_part_charset(part.headers), "replace"))
                            )
                        else:
                            body = io.BytesIO(b"".join(chunks))
                            files.append((part.name, FileStorage(body, part.filename, part.name, headers=part.headers)))
                        part, chunks = None, []
                event = decoder.next_event()
            if not data:  # read to the end, as Werkzeug does, so that no unread body is left behind
                return self.cls(fields), self.cls(files)


class UploadFormParser(FormDataParser):
    """The app's form parser: multipart bodies go through :class:`UploadMultiPartParser`."""

    def _parse_multipart(self, stream: IO[bytes], mimetype: str, content_length: int | None, options: dict[str, str]):
        boundary = options.get("boundary", "").encode("ascii")
        if not boundary:
            raise ValueError("Missing boundary")
        parser = UploadMultiPartParser(
            max_form_memory_size=self.max_form_memory_size,
            max_form_parts=self.max_form_parts,
            cls=self.cls,
            buffer_size=LARGEST_READ,
        )
        form, files = parser.parse(stream, boundary, content_length)
        return stream, form, files


class UploadRequest(Request):
    """The app's request: uploaded files stay in memory (the size limit bounds them), parsed by
    :class:`UploadFormParser`."""

    form_data_parser_class = UploadFormParser


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
    read_size = (
        READ_CHUNK if request.content_length is None else min(max(READ_CHUNK, request.content_length), LARGEST_READ)
    )
    while True:
        chunk = request.stream.read(read_size)
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
            Rejection.NOT_ACCEPTED,
        )
    raise ImageRejected(f"No image was sent. Attach a photo in the field '{FIELD}'.")
