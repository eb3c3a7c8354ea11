"""The CV checks on their own: what the bytes say wins over the name, and archives are unpacked for
real with a budget, so sizes that lie in the zip headers do not get a bomb through."""
from __future__ import annotations

import io
import struct
import zipfile

import pytest

from fair.candidates import storage
from fair.candidates.models import CvKind
from tests.candidates.helpers import docx_bytes, docx_zip_bomb, exe_bytes, odt_bytes, pdf_bytes


@pytest.mark.parametrize("data, kind", [(pdf_bytes(), CvKind.pdf), (docx_bytes(), CvKind.docx),
                                        (odt_bytes(), CvKind.odt)])
def test_real_documents_are_recognised_from_their_bytes(data, kind):
    assert storage.check_cv("anything.bin", data, 5 * 1024 * 1024).kind is kind


@pytest.mark.parametrize("data", [exe_bytes(), b"", b"PK\x03\x04 not a zip", b"%PD"])
def test_other_bytes_are_refused(data):
    with pytest.raises(storage.CvRefused):
        storage.check_cv("cv.pdf", data, 5 * 1024 * 1024)


def test_a_zip_that_is_neither_docx_nor_odt_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("payload.exe", exe_bytes())
    with pytest.raises(storage.CvRefused) as refused:
        storage.sniff_kind(out.getvalue())
    assert refused.value.reason == "bad_type"


def test_an_odt_with_another_mimetype_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<x/>")
    with pytest.raises(storage.CvRefused):
        storage.sniff_kind(out.getvalue())


def _lie_about_sizes(data: bytes, declared: int) -> bytes:
    """Rewrite every uncompressed-size field (local headers and central directory) to `declared`."""
    raw = bytearray(data)
    i = 0
    while (i := raw.find(b"PK\x03\x04", i)) != -1:
        struct.pack_into("<I", raw, i + 22, declared)
        i += 4
    i = 0
    while (i := raw.find(b"PK\x01\x02", i)) != -1:
        struct.pack_into("<I", raw, i + 24, declared)
        i += 4
    return bytes(raw)


def test_a_bomb_whose_headers_claim_small_sizes_is_refused():
    bomb = docx_zip_bomb(unpacked_mb=60)
    liar = _lie_about_sizes(bomb, 1000)
    with pytest.raises(storage.CvRefused):
        storage.sniff_kind(liar)


def test_too_many_entries_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w/>")
        for n in range(storage.MAX_ZIP_ENTRIES):
            z.writestr(f"word/media/{n}.xml", "")
    with pytest.raises(storage.CvRefused) as refused:
        storage.sniff_kind(out.getvalue())
    assert refused.value.reason == "zip_bomb"


@pytest.mark.parametrize("name", ["../../x.pdf", "..\\x.pdf", "/etc/passwd", "cv\x00.pdf", "a" * 201 + ".pdf", " "])
def test_names_with_a_path_or_control_characters_are_refused(name):
    with pytest.raises(storage.CvRefused):
        storage.display_name(name)


def test_a_storage_name_is_only_hex():
    with pytest.raises(ValueError):
        storage.path_of("../../secret_key")


def test_a_docx_of_very_repetitive_text_is_not_taken_for_a_bomb():
    data = docx_bytes("Cariste, préparateur de commandes. " * 60_000)  # 2 MB of XML packed in a few KB
    assert storage.check_cv("cv.docx", data, 5 * 1024 * 1024).kind is CvKind.docx


def test_a_bomb_spread_over_many_honest_members_is_refused_by_the_unpacked_budget():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w/>")
        for n in range(10):  # 10 × 5 MB: each under the limit, together over it
            z.writestr(f"word/media/image{n}.bmp", b"\0" * (5 * 1024 * 1024))
    with pytest.raises(storage.CvRefused) as refused:
        storage.sniff_kind(out.getvalue())
    assert refused.value.reason == "zip_bomb"
