"""Real documents, built in memory: a PDF, a DOCX and an ODT as office suites write them, and a zip bomb."""
from __future__ import annotations

import io
import zipfile

from tests.conftest import count, csrf_token  # noqa: F401  (count: a shared helper, re-exported)


def pdf_bytes(text: str = "CV") -> bytes:
    body = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _member(name: str) -> zipfile.ZipInfo:
    """A zip entry with a fixed date: the same document gives the same bytes whenever it is made."""
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def docx_bytes(text: str = "CV") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(_member("[Content_Types].xml"), '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/'
                   'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr(_member("_rels/.rels"), '<?xml version="1.0"?><Relationships/>')
        z.writestr(_member("word/document.xml"), f'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats'
                   f'.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body>'
                   f'</w:document>')
    return out.getvalue()


def odt_bytes(text: str = "CV") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr(_member("content.xml"), f'<?xml version="1.0"?><office:document-content '
                   f'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"><office:body>'
                   f'<office:text>{text}</office:text></office:body></office:document-content>')
        z.writestr(_member("META-INF/manifest.xml"), '<?xml version="1.0"?><manifest/>')
    return out.getvalue()


def docx_zip_bomb(unpacked_mb: int = 200) -> bytes:
    """A DOCX-looking archive whose document.xml unpacks to `unpacked_mb` MB of zeros (~200 KB packed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(unpacked_mb):
                member.write(chunk)
    return out.getvalue()


def exe_bytes() -> bytes:
    """The start of a Windows executable (MZ header, PE stub)."""
    return (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
            + b"This program cannot be run in DOS mode." * 50)


def upload(client, data: bytes, filename: str, path: str = "/candidate/cvs"):
    return client.post(path, data={"csrf_token": csrf_token(client, path), "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


