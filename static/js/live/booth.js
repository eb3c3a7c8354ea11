// The public booth page: presence, the walk-in queue (join, position, "your turn", accept, leave),
// announcements. Every (re)connection asks for the current state; events only refine it.
import { connect, ask } from "../socket.js";
import { WORDS, addAnnouncement, fill, newer, presenceText, showAnnouncements } from "./common.js";

const section = document.querySelector("[data-live-booth]");
const booth = Number(section.dataset.liveBooth);
const $ = (selector) => section.querySelector(selector);
const presence = $("[data-presence]");
const queue = $("[data-queue]");
let countdown = null;

function showPresence(row) {
  if (newer(section, row.seq)) presence.textContent = presenceText(row);
}

function showError(text) {
  const error = $("[data-error]");
  if (!error) return;
  error.textContent = text || "";
  error.hidden = !text;
}

function status(text) {
  if (queue) $("[data-queue-status]").textContent = text;
}

function showMe(me, open = true) {
  if (!queue) return;
  $("[data-join]").hidden = Boolean(me.status) || !open;
  $("[data-leave]").hidden = !["waiting", "called"].includes(me.status);
  $("[data-turn]").hidden = me.status !== "called";
  const room = $("[data-room]");
  room.hidden = !me.room;
  if (me.room) room.querySelector("a").href = me.room;
  if (me.status === "waiting") status(fill(WORDS.position, { position: me.position, minutes: me.wait_min }));
  else if (me.status === "in_call") status(WORDS.in_call);
  else if (me.status === "called") startTurn(me.turn_expires_at);
  if (me.status !== "called") stopTurn();
}

function startTurn(expiresAt) {
  stopTurn();
  const until = Date.parse(expiresAt);
  const tick = () => {
    const seconds = Math.max(0, Math.round((until - Date.now()) / 1000));
    $("[data-turn-text]").textContent = fill(WORDS.your_turn, { seconds });
    if (seconds === 0) stopTurn();
  };
  tick();
  countdown = setInterval(tick, 1000);
  status("");  // the turn box says it (role=alert)
}

function stopTurn() {
  if (countdown) clearInterval(countdown);
  countdown = null;
}

async function act(event, after) {
  showError("");
  const answer = await ask(socket, event, { booth });
  if (!answer.ok) { showError(answer.error || WORDS.error); return; }
  if (after) after(answer);
}

function refresh(state) {
  showPresence(state);
  showMe(state.me, state.open);
  showAnnouncements($("[data-announcements]"), state.announcements);
}

const socket = connect(async (s) => {
  const answer = await ask(s, "live_follow_booth", { booth });
  if (answer.ok) refresh(answer.state);
});

socket.on("booth_presence", (row) => { if (row.booth === booth) showPresence(row); });
socket.on("queue_position", (data) => {
  if (data.booth !== booth) return;
  showMe({ status: "waiting", position: data.position, wait_min: data.wait_min });
});
socket.on("queue_turn", (data) => {
  if (data.booth !== booth) return;
  showMe({ status: "called", turn_expires_at: data.expires_at });
  $("[data-accept]").focus();
});
socket.on("queue_skipped", (data) => {
  if (data.booth !== booth) return;
  showMe({ status: null });
  status(WORDS.skipped);
});
socket.on("queue_call", (data) => {
  if (data.booth !== booth) return;
  showMe({ status: "in_call", room: data.room });
});
socket.on("queue_done", (data) => {
  if (data.booth !== booth) return;
  showMe({ status: null });
  status(WORDS.done);
});
socket.on("announcement", (item) => {
  if (item.booth === null || item.booth === booth) addAnnouncement($("[data-announcements]"), item);
});

if (queue) {
  $("[data-join]").addEventListener("click", () => act("queue_join", (a) => showMe(a.me)));
  $("[data-leave]").addEventListener("click", () => act("queue_leave", () => { showMe({ status: null }); status(""); }));
  $("[data-accept]").addEventListener("click", () => act("queue_accept", (a) => {
    showMe({ status: "in_call", room: a.room });
    window.location.assign(a.room);
  }));
}
