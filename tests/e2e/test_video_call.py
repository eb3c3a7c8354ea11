"""In Chromium with fake camera and microphone, against `python wsgi.py`: a recruiter and a candidate
join the room of their job-dating video booking from two browser profiles and see each other
(WebRTC connected, inbound video frames decoded); a third signed-in person gets 404. axe-core checks
the device check and the waiting room; screenshots of the three pages at 390×844 are kept."""
from __future__ import annotations

import time

import pytest

from tests.e2e.conftest import ARTIFACTS, CHROMIUM_ARGS, axe_violations, describe, log_in

pytestmark = pytest.mark.e2e

FAKE_MEDIA = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]

INBOUND_VIDEO = """async () => {
  const pc = window.fairCall && window.fairCall.pc;
  if (!pc) return {frames: 0, state: "none"};
  let frames = 0;
  (await pc.getStats()).forEach((report) => {
    if (report.type === "inbound-rtp" && report.kind === "video") {
      frames = Math.max(frames, report.framesDecoded || 0, report.framesReceived || 0);
    }
  });
  return {frames, state: pc.connectionState};
}"""


@pytest.fixture(scope="module")
def media_browser(browser):
    """Chromium again, with a fake camera (a test pattern), a fake microphone (a beep) and the
    permission prompts answered yes."""
    chromium = browser.browser_type.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS + FAKE_MEDIA,
                                           headless=True)
    yield chromium
    chromium.close()


def _context(media_browser, *, bypass_csp: bool):
    context = media_browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", bypass_csp=bypass_csp)
    context.set_default_timeout(20_000)
    return context


def _inbound_video(page, seconds: float = 30.0) -> dict:
    deadline = time.monotonic() + seconds
    stats = page.evaluate(INBOUND_VIDEO)
    while time.monotonic() < deadline and not (stats["state"] == "connected" and stats["frames"] > 0):
        page.wait_for_timeout(250)
        stats = page.evaluate(INBOUND_VIDEO)
    return stats


def test_a_recruiter_and_a_candidate_see_each_other_and_a_third_person_is_refused(live_server, media_browser, factory,
                                                                                 session):
    from tests.video.conftest import build_world

    world = build_world(factory, session)
    ARTIFACTS.mkdir(exist_ok=True)
    # The candidate's profile lets axe-core in (its script is injected inline); the recruiter's keeps
    # the site's Content-Security-Policy, so the call is shown to work under it.
    candidate_ctx = _context(media_browser, bypass_csp=True)
    recruiter_ctx = _context(media_browser, bypass_csp=False)
    third_ctx = _context(media_browser, bypass_csp=False)
    try:
        candidate = candidate_ctx.new_page()
        log_in(candidate, live_server, "candidate@example.org")
        candidate.goto(f"{live_server}/interviews/my-day")
        check_link = candidate.get_by_role("link", name="Tester ma caméra et mon micro")
        check_link.and_(candidate.locator(f'[href="/call/booking/{world.current.id}?step=check"]')).click()
        candidate.wait_for_load_state()
        assert candidate.get_by_role("heading", name="Tester ma caméra et mon micro").is_visible()
        status = candidate.locator("#check-status")
        status.filter(has_text="Votre caméra et votre micro fonctionnent.").wait_for()
        candidate.wait_for_function("document.getElementById('preview').videoWidth > 0")
        violations = axe_violations(candidate)
        assert not violations, describe(violations)
        candidate.screenshot(path=str(ARTIFACTS / "video-check.png"), full_page=True)

        candidate.get_by_role("link", name="Continuer vers l'entretien").click()
        candidate.wait_for_load_state()
        room_url = candidate.url
        candidate.locator("#call-status").filter(has_text="Le recruteur va vous rejoindre.").wait_for()
        candidate.wait_for_function("window.fairCall && window.fairCall.joined")
        violations = axe_violations(candidate)
        assert not violations, describe(violations)
        candidate.screenshot(path=str(ARTIFACTS / "video-waiting-room.png"), full_page=True)

        recruiter = recruiter_ctx.new_page()
        csp_errors = []
        recruiter.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
        log_in(recruiter, live_server, "recruiter.a@example.org")
        recruiter.goto(f"{live_server}/recruiter/interviews")
        join_link = recruiter.get_by_role("link", name="Rejoindre l’entretien en visio")
        # The day lists the next interview too (its room already exists but opens later): take this one.
        join_link.and_(recruiter.locator(f'[href="/call/booking/{world.current.id}"]')).click()
        recruiter.wait_for_load_state()
        assert recruiter.url == room_url

        for page in (candidate, recruiter):
            stats = _inbound_video(page)
            assert stats["state"] == "connected", stats
            assert stats["frames"] > 0, stats
        assert candidate.locator("#call-status").inner_text() == "En entretien avec Recruiter A."
        assert recruiter.locator("#call-status").inner_text() == "En entretien avec Samira Candidate."
        assert csp_errors == []

        recruiter.get_by_label("Votre message").fill("Bonjour Samira, vous m'entendez bien ?")
        recruiter.get_by_role("button", name="Envoyer").click()
        candidate.locator("#chat-log").filter(
            has_text="Recruiter A : Bonjour Samira, vous m'entendez bien ?").wait_for()
        candidate.get_by_role("button", name="Couper le micro").click()
        assert candidate.get_by_role("button", name="Réactiver le micro").get_attribute("aria-pressed") == "true"
        assert candidate.evaluate("window.fairCall.local.getAudioTracks().every((t) => !t.enabled)")
        candidate.screenshot(path=str(ARTIFACTS / "video-call.png"), full_page=True)
        recruiter.screenshot(path=str(ARTIFACTS / "video-call-recruiter.png"), full_page=True)

        third = third_ctx.new_page()
        log_in(third, live_server, "recruiter.a2@example.org")  # same company, not this interview's recruiter
        response = third.goto(room_url)
        assert response.status == 404
        assert "Cette page n'existe pas" in third.locator("main").inner_text()

        # Hanging up, then coming back: a fresh connection on both sides.
        candidate.get_by_role("button", name="Raccrocher").click()
        # The page says it at once, without waiting for the server's answer.
        candidate.get_by_role("heading", name="Vous avez quitté l'appel.").wait_for(timeout=2000)
        recruiter.locator("#call-status").filter(has_text="Le candidat a quitté l'appel.").wait_for()
        assert recruiter.evaluate("window.fairCall.pc") is None
        with candidate.expect_navigation(wait_until="domcontentloaded"):
            candidate.get_by_role("link", name="Rejoindre à nouveau l'appel").click()
        for page in (candidate, recruiter):
            stats = _inbound_video(page)
            assert stats["state"] == "connected" and stats["frames"] > 0, stats

        # An ICE restart (what a network change triggers) renegotiates new ICE credentials and the
        # call stays up.
        ufrag = "() => (window.fairCall.pc.remoteDescription.sdp.match(/a=ice-ufrag:(\\S+)/) || [])[1]"
        before = candidate.evaluate(ufrag)
        recruiter.evaluate("window.fairCall.pc.restartIce()")
        candidate.wait_for_function(f"({ufrag})() !== {before!r}")
        for page in (candidate, recruiter):
            stats = _inbound_video(page)
            assert stats["state"] == "connected" and stats["frames"] > 0, stats

        # The candidate asks for the phone, the recruiter agrees: both pages turn into the phone interview.
        candidate.get_by_role("button", name="Demander un entretien par téléphone").click()
        candidate.get_by_text("Le recruteur a reçu votre demande de poursuivre par téléphone.").wait_for()
        recruiter.get_by_text("Le candidat demande à poursuivre par téléphone.").wait_for()
        recruiter.get_by_role("button", name="Passer au téléphone").click()
        recruiter.get_by_text("Appelez le candidat maintenant :").wait_for()
        assert recruiter.get_by_role("link", name="06 12 34 56 78").get_attribute("href") == "tel:0612345678"
        candidate.get_by_text("Le recruteur va vous appeler au 06 12 34 56 78.").wait_for()
        assert candidate.get_by_role("heading", name="Entretien avec Transports Rapides").is_visible()
        violations = axe_violations(candidate)
        assert not violations, describe(violations)
        candidate.screenshot(path=str(ARTIFACTS / "video-phone.png"), full_page=True)
        recruiter.screenshot(path=str(ARTIFACTS / "video-phone-recruiter.png"), full_page=True)
    finally:
        for context in (candidate_ctx, recruiter_ctx, third_ctx):
            context.close()
