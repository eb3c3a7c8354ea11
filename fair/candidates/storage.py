"""CV files: the type read from the bytes, a zip-bomb-safe look inside DOCX/ODT, random storage names.

Nothing here trusts the name or the Content-Type the browser sent. A file is written only once it
has passed every check, under a random name in UPLOAD_FOLDER (never under static/), and is read back
only through a view that has checked who is asking.
"""
from __future__ import annotations

import hashlib
import io
import os
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from fair.candidates.models import CvKind

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
MIME_TYPES = {
    CvKind.pdf: "application/pdf",
    CvKind.docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    CvKind.odt: "application/vnd.oasis.opendocument.text",
}
# Limits on what a DOCX/ODT may unpack to: a real CV is far below them, a zip bomb far above. No
# limit on the compression ratio: plain XML or a blank picture can legitimately pack 500 to 1.
MAX_ZIP_ENTRIES = 500
MAX_UNPACKED_BYTES = 40 * 1024 * 1024


class CvRefused(Exception):
    """The file cannot be accepted; `reason` names which rule it broke (the view words the message)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CheckedCv:
    kind: CvKind
    data: bytes
    display_name: str
    sha256: str


def upload_folder() -> Path:
    folder = current_app.config.get("UPLOAD_FOLDER") or os.path.join(current_app.instance_path, "uploads")
    return Path(folder) / "cv"


def display_name(filename: str | None) -> str:
    """The name shown back to the candidate. A name with a path in it is refused, not cleaned:
    browsers never send one, so it is a forged request."""
    name = unicodedata.normalize("NFC", (filename or "").strip())
    if not name:
        raise CvRefused("no_name")
    if "/" in name or "\\" in name or ".." in name or any(ord(c) < 32 for c in name) or len(name) > 200:
        raise CvRefused("bad_name")
    return name


def read_limited(stream, limit: int) -> bytes:
    """At most limit + 1 bytes, so that one byte too many is seen without reading a huge body."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise CvRefused("too_large")
    return data


def check_cv(filename: str | None, data: bytes, max_bytes: int) -> CheckedCv:
    name = display_name(filename)
    if not data:
        raise CvRefused("empty")
    if len(data) > max_bytes:
        raise CvRefused("too_large")
    kind = sniff_kind(data)
    return CheckedCv(kind=kind, data=data, display_name=name, sha256=hashlib.sha256(data).hexdigest())


def sniff_kind(data: bytes) -> CvKind:
    if data.startswith(PDF_MAGIC):
        return CvKind.pdf
    if data.startswith(ZIP_MAGIC):
        return _office_kind(data)
    raise CvRefused("bad_type")


def _office_kind(data: bytes) -> CvKind:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise CvRefused("bad_type") from error
    if len(entries) > MAX_ZIP_ENTRIES:
        raise CvRefused("zip_bomb")
    names = {entry.filename for entry in entries}
    if "word/document.xml" in names and "[Content_Types].xml" in names:
        kind = CvKind.docx
    elif "mimetype" in names and "content.xml" in names:
        kind = CvKind.odt
    else:
        raise CvRefused("bad_type")
    # The sizes in the headers can lie: unpack for real, counting, and stop at the first excess.
    unpacked = 0
    try:
        for entry in entries:
            if entry.file_size > MAX_UNPACKED_BYTES:
                raise CvRefused("zip_bomb")
            with archive.open(entry) as member:
                while chunk := member.read(64 * 1024):
                    unpacked += len(chunk)
                    if unpacked > MAX_UNPACKED_BYTES:
                        raise CvRefused("zip_bomb")
        if kind is CvKind.odt and archive.read("mimetype").strip() != ODT_MIMETYPE:
            raise CvRefused("bad_type")
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, OSError, ValueError) as error:
        # Encrypted, unsupported compression, corrupt: not a CV we can pass on to a recruiter.
        raise CvRefused("bad_type") from error
    return kind


def store(data: bytes) -> str:
    """Write the checked bytes under a new random name; return that name."""
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    storage_name = secrets.token_hex(16)
    path = folder / storage_name
    with open(path, "xb") as handle:  # never overwrite
        handle.write(data)
    os.chmod(path, 0o600)
    return storage_name


def path_of(storage_name: str) -> Path:
    if not storage_name or not all(c in "0123456789abcdef" for c in storage_name):
        raise ValueError("not a storage name")
    return upload_folder() / storage_name


def remove(storage_name: str) -> None:
    try:
        path_of(storage_name).unlink()
    except FileNotFoundError:
        pass
