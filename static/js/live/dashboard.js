// The organiser's live dashboard: figures per booth, people connected, announcements.
import { connect, ask } from "../socket.js";
import { WORDS, fill, newer } from "./common.js";

const root = document.querySelector("[data-live-dashboard]");
const edition = Number(root.dataset.liveDashboard);
const form = root.querySelector("[data-announce]");
const formMessage = root.querySelector("[data-announce-message]");
const list = root.querySelector("[data-announcements]");

function showRow(row) {
  const tr = root.querySelector(`[data-booth-row="${row.booth}"]`);
  if (!tr || !newer(tr, row.seq)) return;
  tr.querySelector('[data-cell="recruiters"]').textContent = row.recruiters;
  tr.querySelector('[data-cell="waiting"]').textContent = row.waiting;
  tr.querySelector('[data-cell="calls"]').textContent = row.calls;
  tr.querySelector('[data-cell="idle"]').textContent = row.idle_minutes === null ? "—" : fill(WORDS.idle, { n: row.idle_minutes });
  tr.classList.toggle("row-alert", row.idle);
  totals();
}

function totals() {
  const sum = (cell) => [...root.querySelectorAll(`[data-cell="${cell}"]`)].reduce((n, td) => n + Number(td.textContent || 0), 0);
  root.querySelector('[data-figure="waiting"]').textContent = sum("waiting");
  root.querySelector('[data-figure="calls"]').textContent = sum("calls");
  root.querySelector('[data-figure="idle_booths"]').textContent = root.querySelectorAll("tr.row-alert").length;
}

function showState(state) {
  root.querySelector('[data-figure="connected"]').textContent = state.connected;
  state.booths.forEach(showRow);
  list.replaceChildren();
  [...state.announcements].reverse().forEach(addAnnouncement);
}

const socket = connect(async (s) => {
  const answer = await ask(s, "dashboard_follow", { edition });
  if (answer.ok) showState(answer.state);
});
socket.on("dashboard", (data) => {
  if (data.edition !== edition) return;
  root.querySelector('[data-figure="connected"]').textContent = data.connected;
  showRow(data.booth);
});
function addAnnouncement(a) {
  if (list.querySelector(`[data-id="${a.id}"]`)) return;  // the ack and the broadcast both bring it
  const li = document.createElement("li");
  li.dataset.id = a.id;
  li.textContent = a.text;
  list.prepend(li);
}
socket.on("announcement", addAnnouncement);

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = form.elements.text.value;
  const boothValue = form.elements.booth.value;
  const answer = await ask(socket, "live_announce", { edition, booth: boothValue ? Number(boothValue) : null, text });
  formMessage.textContent = answer.ok ? "" : answer.error;
  if (answer.ok) { form.elements.text.value = ""; addAnnouncement(answer.announcement); }
});
