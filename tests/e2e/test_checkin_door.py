"""In Chromium against `python wsgi.py`: the door's page reads tickets from a camera and keeps scans
made offline; the candidate's ticket page shows a code that decodes to the ticket. axe-core checks both
pages; screenshots at 390 and 1280 px wide are kept in test-artifacts/.

The camera test launches its own Chromium: the fake camera is a command-line flag of the browser
process (`--use-file-for-fake-video-capture`), which the shared browser of tests/e2e/conftest.py is
started without. Its video is written here from the segno images of two tickets (a tiny YUV4MPEG2
writer: no image library needed), with blank frames between them so that the page sees each code
come and go, as tickets held up one after the other at a door.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest
import segno

from tests.checkin.helpers import build
from tests.conftest import count
from tests.e2e.conftest import ARTIFACTS, AXE_SOURCE, CHROMIUM, CHROMIUM_ARGS, axe_violations, describe, log_in

pytestmark = pytest.mark.e2e

WIDTH, HEIGHT, FPS = 320, 240, 10
JSQR = Path(__file__).resolve().parents[2] / "static" / "vendor" / "jsQR-1.4.0.js"


def _frame(code: str | None) -> bytes:
    """One 4:2:0 frame: the QR code black on white, centred on grey; or grey alone."""
    luma = bytearray([200]) * (WIDTH * HEIGHT)
    if code is not None:
        qr = segno.make(code, error="m")
        size = qr.symbol_size(border=4)[0]
        scale = min(WIDTH, HEIGHT) // size
        left, top = (WIDTH - size * scale) // 2, (HEIGHT - size * scale) // 2
        for y, row in enumerate(qr.matrix_iter(scale=scale, border=4)):
            start = (top + y) * WIDTH + left
            luma[start:start + len(row)] = bytes(16 if dark else 235 for dark in row)
    chroma = bytes([128]) * (WIDTH * HEIGHT // 4)
    return b"FRAME\n" + bytes(luma) + chroma + chroma


def write_y4m(path: Path, scenes: list[tuple[str | None, float]]) -> Path:
    """A YUV4MPEG2 video of `scenes` (a code or None for a blank, and how many seconds), which
    Chromium's fake camera plays in a loop."""
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F{FPS}:1 Ip A1:1 C420jpeg\n".encode())
        for code, seconds in scenes:
            frame = _frame(code)
            for _ in range(round(seconds * FPS)):
                out.write(frame)
    return path


def _context(browser):
    # axe-core is injected as an inline script, which the pages' Content-Security-Policy refuses.
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", bypass_csp=True)
    context.set_default_timeout(20_000)
    return context


def _screenshots(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(ARTIFACTS / f"{name}-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})


def _code(live_app_config_key: str, edition_id: int, candidate_id: int) -> str:
    """The ticket code as the server signs it (the live server's SECRET_KEY)."""
    from itsdangerous import URLSafeSerializer

    from fair.checkin.services import TICKET_SALT

    return URLSafeSerializer(live_app_config_key, salt=TICKET_SALT).dumps([edition_id, candidate_id])


SECRET = "e2e-secret-key"  # the live server's, tests/e2e/conftest.py


def test_the_camera_reads_tickets_once_each_and_refuses_another_fairs(live_server, browser, factory, session,
                                                                        tmp_path):
    from fair.checkin.models import CheckIn

    world = build(factory, session)
    ticket = _code(SECRET, world.edition.id, world.applicant.id)
    elsewhere = _code(SECRET, world.other.id, world.webinar_guest.id)
    video = write_y4m(tmp_path / "door.y4m", [(ticket, 1.0), (None, 2.0), (elsewhere, 1.0), (None, 2.0)])
    camera = browser.browser_type.launch(
        executable_path=CHROMIUM, headless=True,
        args=CHROMIUM_ARGS + ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                              f"--use-file-for-fake-video-capture={video}"])
    try:
        context = _context(camera)
        page = context.new_page()
        log_in(page, live_server, world.organiser.email)
        page.goto(f"{live_server}/console/editions/{world.edition.id}/checkin")
        violations = axe_violations(page)
        assert not violations, describe(violations)
        page.get_by_role("button", name="Scanner avec la caméra").click()

        log = page.locator("[data-log]")
        log.get_by_text("Samira Benali").first.wait_for()
        result = page.locator("[data-result]")
        assert "enregistré·e" in result.inner_text() or "Samira Benali" in log.inner_text()
        log.get_by_text("Ce billet est pour un autre salon.").first.wait_for()
        # The first ticket comes round again in the loop: it counts once, and the page says since when.
        log.get_by_text("déjà enregistré·e à").first.wait_for(timeout=30_000)
        assert "A besoin d'un interprète · Accès sans marche" in log.inner_text()
        assert count(session, CheckIn) == 1
        assert session.query(CheckIn).one().candidate_id == world.applicant.id
        assert page.locator("[data-present]").inner_text() == "1 personne accueillie"
        violations = axe_violations(page)
        assert not violations, describe(violations)
        _screenshots(page, "checkin-camera")
        context.close()
    finally:
        camera.close()


def test_scans_made_offline_are_sent_once_when_back_online(live_server, page, factory, session):
    from fair.checkin.models import CheckIn

    world = build(factory, session)
    door = f"{live_server}/console/editions/{world.edition.id}/checkin"
    posts: list[str] = []
    page.on("request", lambda request: posts.append(request.url)
            if request.method == "POST" and request.url.endswith("/checkin/scans") else None)
    log_in(page, live_server, world.organiser.email)
    page.goto(door)

    page.context.set_offline(True)
    page.locator("[data-offline]").wait_for()
    field = page.get_by_label("Code lu par une douchette")
    for _ in range(2):  # the same ticket twice, as a handheld scanner types it, then Enter
        field.fill(_code(SECRET, world.edition.id, world.webinar_guest.id))
        field.press("Enter")
    waiting = page.locator("[data-log] li[data-scan-state=waiting]")
    assert waiting.count() == 2
    assert "en attente d’envoi" in page.locator("[data-log]").inner_text()
    assert count(session, CheckIn) == 0
    _screenshots(page, "checkin-offline")

    page.context.set_offline(False)
    deadline = time.monotonic() + 20
    while waiting.count() and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert waiting.count() == 0
    states = page.locator("[data-log] li").evaluate_all("items => items.map(i => i.dataset.scanState)")
    assert sorted(states) == ["already", "checked_in"]
    assert page.locator("[data-offline]").is_hidden()
    assert page.locator("[data-present]").inner_text() == "1 personne accueillie"
    assert count(session, CheckIn) == 1
    assert len(posts) == 2  # each waiting scan sent once, and no more

    page.reload()  # the phone's list survives a reload, and nothing is sent again
    assert "Louis Martin" in page.locator("[data-log]").inner_text()
    page.wait_for_timeout(500)
    assert len(posts) == 2

    # Typed search, for a person without their phone.
    page.get_by_label("Nom ou adresse e-mail").fill("samira")
    page.get_by_role("button", name="Rechercher", exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Marquer présent·e — Samira Benali").click()
    page.wait_for_load_state()
    assert "Samira Benali est enregistré·e à l’accueil." in page.locator("main").inner_text()
    assert count(session, CheckIn) == 2
    violations = axe_violations(page)
    assert not violations, describe(violations)
    _screenshots(page, "checkin-search")


def test_the_ticket_page_shows_a_code_that_reads_as_the_ticket(live_server, page, factory, session):
    world = build(factory, session)
    log_in(page, live_server, world.applicant.email)
    page.goto(f"{live_server}/candidate/")
    page.get_by_role("link", name="Mon billet pour Forum hybride").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Mon billet").is_visible()
    violations = axe_violations(page)
    assert not violations, describe(violations)
    _screenshots(page, "checkin-ticket")
    # Decode the image the candidate shows with the decoder the door's page uses.
    page.add_script_tag(path=str(JSQR))
    read = page.evaluate("""async () => {
      const img = document.querySelector('.ticket-qr');
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = 400;
      const ctx = canvas.getContext('2d');
      ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, 400, 400);
      ctx.drawImage(img, 0, 0, 400, 400);
      const found = jsQR(ctx.getImageData(0, 0, 400, 400).data, 400, 400);
      return found && found.data;
    }""")
    assert read == _code(SECRET, world.edition.id, world.applicant.id)
    assert AXE_SOURCE.exists()
