// The desk's call-back list: reloaded from the server (where the recruiter's right to it is checked)
// whenever the booth's staff room hears `callbacks_changed`, and on every (re)connection.
import { connect } from "../socket.js";

const desk = document.querySelector("[data-live-desk]");
const booth = Number(desk.dataset.liveDesk);

async function reload() {
  const section = document.querySelector("[data-callbacks]");
  if (!section) return;
  const response = await fetch(section.dataset.callbacks, { headers: { "X-Requested-With": "fetch" } });
  if (!response.ok) return;
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html").querySelector("[data-callbacks]");
  // Keep what the recruiter is typing: reload only when no form of the list has the focus.
  if (fresh && !section.contains(document.activeElement)) section.replaceWith(fresh);
}

// desk.js joins the staff room (`staff_follow_booth`, authorised) on each connection of the shared socket.
const socket = connect(() => reload());
socket.on("callbacks_changed", (data) => { if (data.booth === booth) reload(); });
