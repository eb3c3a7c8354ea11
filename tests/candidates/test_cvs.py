"""CV upload: the type read from the bytes, 5 MB at most, a random storage name outside static/, and
clear French refusals that store nothing. Served only to those allowed, as an attachment, nosniff."""
from __future__ import annotations

import os
from pathlib import Path

from fair.candidates.models import CandidateCv
from tests.candidates.helpers import count, docx_bytes, docx_zip_bomb, exe_bytes, odt_bytes, pdf_bytes, upload
from tests.companies.helpers import field_errors, page_text
from tests.conftest import login


def stored_files(app) -> list[Path]:
    folder = Path(app.instance_path) / "uploads" / "cv"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_candidate_uploads_a_pdf_docx_and_odt_stored_under_random_names(app, client, world, session):
    login(client, world.candidate.email)
    for data, name in ((pdf_bytes(), "Mon CV.pdf"), (docx_bytes(), "cv-2026.docx"), (odt_bytes(), "cv.odt")):
        response = upload(client, data, name)
        assert response.status_code == 302, page_text(response)
    cvs = session.query(CandidateCv).order_by(CandidateCv.id).all()
    assert [(cv.kind.value, cv.original_name) for cv in cvs] == [
        ("pdf", "Mon CV.pdf"), ("docx", "cv-2026.docx"), ("odt", "cv.odt")]
    files = stored_files(app)
    assert sorted(p.name for p in files) == sorted(cv.storage_name for cv in cvs)
    static = Path(app.static_folder).resolve()
    for path in files:
        assert static not in path.resolve().parents
        assert len(path.name) == 32 and "cv" not in path.name.lower()
        assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert files[0].read_bytes() in (pdf_bytes(), docx_bytes(), odt_bytes())
    text = page_text(client.get("/candidate/cvs"))
    assert "Mon CV.pdf" in text and "cv-2026.docx" in text


def _refused(app, client, session, world, data: bytes, name: str, message: str) -> None:
    login(client, world.candidate.email)
    response = upload(client, data, name)
    assert response.status_code in (422, 413)
    assert message in page_text(response)
    assert count(session, CandidateCv) == 0
    assert stored_files(app) == []


def test_an_exe_renamed_pdf_is_refused(app, client, world, session):
    _refused(app, client, session, world, exe_bytes(), "cv.pdf",
             "Ce fichier n'est pas un document PDF, Word (.docx) ou OpenDocument (.odt).")


def test_a_text_file_named_docx_is_refused(app, client, world, session):
    _refused(app, client, session, world, b"<html><script>alert(1)</script></html>", "cv.docx",
             "Ce fichier n'est pas un document PDF")


def test_a_50_mb_file_is_refused_before_it_is_read(app, client, world, session):
    _refused(app, client, session, world, pdf_bytes() + b"0" * (50 * 1024 * 1024), "cv.pdf",
             "Ce fichier est trop lourd : un CV peut peser 5 Mo au maximum.")


def test_a_file_just_over_5_mb_is_refused(app, client, world, session):
    data = pdf_bytes() + b"0" * (5 * 1024 * 1024)
    _refused(app, client, session, world, data, "cv.pdf", "Ce fichier est trop lourd")


def test_a_path_in_the_file_name_is_refused(app, client, world, session):
    _refused(app, client, session, world, pdf_bytes(), "../../x.pdf", "Le nom du fichier n'est pas valide")
    assert not (Path(app.instance_path) / "x.pdf").exists()
    assert not Path(os.path.dirname(app.instance_path), "x.pdf").exists()


def test_a_docx_zip_bomb_is_refused(app, client, world, session):
    _refused(app, client, session, world, docx_zip_bomb(), "cv.docx", "Ce document ne peut pas être lu sans risque.")


def test_no_file_is_a_clear_error(app, client, world, session):
    login(client, world.candidate.email)
    response = upload(client, b"", "")
    assert field_errors(response, "file") == ["Choisissez un fichier à envoyer."]
    assert count(session, CandidateCv) == 0


def test_the_owner_downloads_as_an_attachment_with_nosniff(app, client, world):
    login(client, world.candidate.email)
    upload(client, pdf_bytes("Camille"), "Mon CV.pdf")
    from fair.candidates.models import CandidateCv as Cv
    from fair.extensions import db

    cv = db.session.query(Cv).one()
    response = client.get(f"/candidate/cvs/{cv.id}")
    assert response.status_code == 200
    assert response.data == pdf_bytes("Camille")
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "Mon%20CV.pdf" in response.headers["Content-Disposition"] or "Mon CV.pdf" in response.headers[
        "Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_deleting_a_cv_removes_its_row_then_its_file(app, client, world, session):
    from tests.conftest import run_jobs

    login(client, world.candidate.email)
    upload(client, pdf_bytes(), "cv.pdf")
    cv = session.query(CandidateCv).one()
    assert len(stored_files(app)) == 1
    from tests.conftest import csrf_token

    response = client.post(f"/candidate/cvs/{cv.id}/delete", data={"csrf_token": csrf_token(client, "/candidate/cvs")})
    assert response.status_code == 302
    assert count(session, CandidateCv) == 0
    run_jobs(app)
    assert stored_files(app) == []
