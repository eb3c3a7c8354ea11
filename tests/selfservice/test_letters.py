"""Printed convocations, read back as a person would read the paper: the text with `pdftotext` in
French and in English, the QR code decoded from the rendered page (`pdftoppm` then zxing-cpp) back
to the link printed under it, and that link opening the booking's page; the hybrid fair's check-in
ticket beside it; an edition's letters in one PDF, one page per booking, for whom may print them."""
from __future__ import annotations

import itertools
import re
import subprocess
from pathlib import Path

from tests.conftest import login, page_text
from tests.selfservice.helpers import book


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _pages(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "letters.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def _codes(pdf: bytes, tmp_path: Path) -> list[str]:
    import zxingcpp
    from PIL import Image

    path = tmp_path / "scan.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
                   check=True)
    [image] = sorted(tmp_path.glob("page*.png"))
    return [code.text for code in zxingcpp.read_barcodes(Image.open(image))]


_ADDRESSES = itertools.count(10)


def _signed_in(app, email):
    """A browser of its own, from its own address (the login form allows 5 tries a minute per address)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"127.0.0.{next(_ADDRESSES) % 250 + 2}"
    login(client, email)
    return client


def test_the_french_letter_says_when_where_and_carries_a_working_link(app, client, session, world, tmp_path):
    from fair.checkin.services import read_code

    booking = book(session, world.slots[0], world.candidate)
    adviser = _signed_in(app, world.adviser.email)
    response = adviser.get(f"/letters/bookings/{booking.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = response.get_data()
    assert _pages(pdf, tmp_path) == 1
    text = _text(pdf, tmp_path)
    flat = re.sub(r"\s+", " ", text)
    assert "Ana Lima" in flat and "12 rue des Arts" in flat and "59100 Roubaix" in flat
    assert "Votre entretien avec Alpha Logistique" in flat
    assert "mardi 12 mars 2030, 09:00 – 09:20" in flat
    assert "Entretien sur place." in flat and "Salle 3" in flat
    assert "À apporter" in flat and "une pièce d’identité" in flat
    assert "Votre billet d’entrée" in flat

    [printed] = re.findall(r"http://fair\.test/r/[A-Za-z0-9_-]{43}", text)
    codes = _codes(pdf, tmp_path)
    assert printed in codes  # the QR code holds the very link printed under it
    [ticket] = [c for c in codes if c != printed]
    assert read_code(ticket) == (world.edition.id, world.candidate.id)
    page = client.get(printed.removeprefix("http://fair.test"))
    assert page.status_code == 200
    assert "Alpha Logistique" in page_text(page) and "mardi 12 mars 2030" in page_text(page)


def test_the_english_reader_gets_the_letter_in_english(app, session, world, tmp_path):
    booking = book(session, world.slots[1], world.english)
    organiser = _signed_in(app, world.organiser.email)
    response = organiser.get(f"/letters/bookings/{booking.id}.pdf")
    assert response.status_code == 200
    flat = re.sub(r"\s+", " ", _text(response.get_data(), tmp_path))
    assert "Your interview with Alpha Logistique" in flat
    assert "Tuesday, March 12, 2030" in flat and "On-site interview." in flat
    assert "What to bring" in flat and "Chloé Martin" in flat
    [printed] = re.findall(r"http://fair\.test/r/[A-Za-z0-9_-]{43}", flat)
    assert printed in _codes(response.get_data(), tmp_path)


def test_an_edition_s_letters_print_at_once_for_whom_may_print_them(app, session, world, tmp_path):
    from fair.audit import AuditEntry

    mine = book(session, world.slots[0], world.candidate)
    book(session, world.slots[1], world.english)
    book(session, world.slots[2], world.other)  # followed by no association
    edition = world.edition.id

    adviser = _signed_in(app, world.adviser.email)
    home = page_text(adviser.get("/adviser/"))
    assert "Imprimer les convocations de Forum de l" in home and "2 convocations" in home
    response = adviser.get(f"/letters/editions/{edition}.pdf")
    assert response.status_code == 200 and _pages(response.get_data(), tmp_path) == 2
    # A colleague of the same association prints them too; an adviser of another one gets nothing.
    assert _signed_in(app, world.colleague.email).get(f"/letters/editions/{edition}.pdf").status_code == 200
    stranger = _signed_in(app, world.stranger.email)
    assert stranger.get(f"/letters/editions/{edition}.pdf").status_code == 404
    assert stranger.get(f"/letters/bookings/{mine.id}.pdf").status_code == 404

    organiser = _signed_in(app, world.organiser.email)
    everything = organiser.get(f"/letters/editions/{edition}.pdf")
    assert everything.status_code == 200 and _pages(everything.get_data(), tmp_path) == 3
    # Other organisers, recruiters and the person: 404, in the permission matrix.

    session.expire_all()
    actions = [e.action for e in session.query(AuditEntry).all()]
    assert actions.count("selfservice.letters_printed") == 3
