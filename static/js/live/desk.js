// The recruiter's live desk: availability, the queue (labels follow the fair's anonymised mode: the
// server sends them ready), "call the next person", calls in progress and "done".
import { connect, ask } from "../socket.js";
import { WORDS, fill, newer, presenceText } from "./common.js";

const desk = document.querySelector("[data-live-desk]");
const booth = Number(desk.dataset.liveDesk);
const $ = (selector) => desk.querySelector(selector);
const available = $("[data-available]");
const open = $("[data-open]");
const message = $("[data-desk-message]");

function timeOf(iso) {
  return new Date(iso).toLocaleTimeString(WORDS.lang, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

function showStaff(state) {
  if (!newer(desk, state.seq)) return;
  const queueList = $("[data-queue-list]");
  queueList.replaceChildren(...(state.queue.length ? state.queue.map((item) => {
    const li = document.createElement("li");
    li.textContent = `${item.label} — ${item.status === "called"
      ? fill(WORDS.called, { time: timeOf(item.turn_expires_at) }) : fill(WORDS.in_line, { position: item.position })}`;
    return li;
  }) : [emptyItem(WORDS.nobody)]));
  const callList = $("[data-call-list]");
  callList.replaceChildren(...(state.calls.length ? state.calls.map((call) => {
    const li = document.createElement("li");
    const link = document.createElement("a");
    link.href = call.room;
    link.textContent = WORDS.join_call;
    const done = document.createElement("button");
    done.type = "button";
    done.className = "button small secondary";
    done.textContent = WORDS.done_button;
    done.addEventListener("click", async () => {
      const answer = await ask(socket, "queue_done", { entry: call.entry });
      message.textContent = answer.ok ? "" : answer.error;
      refresh();
      if (answer.ok) reloadMet();
    });
    li.append(`${call.label} — `, link, " ", done);
    return li;
  }) : [emptyItem(WORDS.no_call)]));
  if (typeof state.open === "boolean") open.checked = state.open;
  $("[data-presence]").textContent = presenceText(state);
}

function emptyItem(text) {
  const li = document.createElement("li");
  li.className = "meta";
  li.textContent = text;
  return li;
}

// Events are handled concurrently on the server: after an action, ask for the state rather than
// rely on a broadcast that may have left before this page joined the room.
async function refresh() {
  const answer = await ask(socket, "staff_follow_booth", { booth });
  if (answer.ok) showStaff(answer.state);
}

const socket = connect(async (s) => {
  const answer = await ask(s, "staff_follow_booth", { booth });
  if (!answer.ok) { message.textContent = answer.error; return; }
  // A new connection is a new socket: say again that this page is available.
  if (available.checked) await ask(s, "staff_available", { booth, available: true });
  const again = await ask(s, "staff_follow_booth", { booth });
  showStaff(again.ok ? again.state : answer.state);
});

socket.on("staff_queue", (state) => { if (state.booth === booth) showStaff(state); });
socket.on("queue_call", (data) => { if (data.booth === booth) { message.textContent = ""; refresh(); } });

available.addEventListener("change", async () => {
  const answer = await ask(socket, "staff_available", { booth, available: available.checked });
  if (!answer.ok) { message.textContent = answer.error; available.checked = !available.checked; }
});
open.addEventListener("change", async () => {
  const answer = await ask(socket, "staff_queue_open", { booth, open: open.checked });
  if (!answer.ok) { message.textContent = answer.error; open.checked = !open.checked; }
});
$("[data-call-next]").addEventListener("click", async () => {
  const answer = await ask(socket, "queue_call_next", { booth });
  message.textContent = answer.ok ? `${answer.entry.label} — ${fill(WORDS.called, { time: timeOf(answer.entry.turn_expires_at) })}`
    : answer.error;
  refresh();
});

// "People met": the rating, next step and note of each call that ended. The section is reloaded from
// the server (never sent through the socket) and its forms post in the background, so the desk stays
// open and the recruiter stays available.
async function reloadMet(html) {
  const section = document.querySelector("[data-pipeline-met]");
  if (!section) return;
  if (html === undefined) {
    const response = await fetch(section.dataset.pipelineMet, { headers: { "X-Requested-With": "fetch" } });
    if (!response.ok) return;
    html = await response.text();
  }
  const fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-pipeline-met]");
  if (fresh) section.replaceWith(fresh);
}

document.addEventListener("submit", async (event) => {
  const form = event.target.closest("[data-pipeline-met] form");
  if (!form) return;
  event.preventDefault();
  const button = form.querySelector("button[type=submit]");
  if (button) button.disabled = true;
  try {
    const response = await fetch(form.action, { method: "POST", body: new FormData(form),
                                                headers: { "X-Requested-With": "fetch" } });
    await reloadMet(await response.text());
    const invalid = document.querySelector("[data-pipeline-met] [aria-invalid=true]");
    if (invalid) invalid.focus();
  } catch {
    form.submit();
  }
});
