// The progress of a data export, live: while it is queued or being built, the page asks the status
// endpoint every two seconds and shows what it answers; once ready, the one-time link appears.
// Without script, the page says where things stand and offers a refresh link.
import { pollJson } from "../poll.js";

const panel = document.getElementById("export-progress");
const POLL_MS = 2000;

function show(state) {
  const bar = document.getElementById("export-bar");
  if (bar) {
    bar.value = state.progress;
    bar.textContent = `${state.progress} %`;
    document.getElementById("export-percent").textContent = state.progress;
  }
  document.getElementById("export-status").textContent = state.label;
  panel.dataset.status = state.status;
  if (state.status === "ready" && state.link) {
    document.getElementById("export-link").href = state.link;
    document.getElementById("export-until").textContent = state.until || "";
    document.getElementById("export-ready").hidden = false;
    const running = document.getElementById("export-running");
    if (running) running.hidden = true;
  }
}

function step(state) {
  if (String(state.id) !== String(panel.dataset.exportId)) { window.location.reload(); return false; }
  show(state);
  if (state.status === "queued" || state.status === "building") return true;
  if (state.status !== "ready") window.location.reload();  // failed: the page explains
  return false;
}

if (panel && ["queued", "building"].includes(panel.dataset.status)) {
  const refresh = document.getElementById("export-refresh");
  if (refresh) refresh.hidden = true;
  pollJson(panel.dataset.statusUrl, POLL_MS, POLL_MS * 2, step);
}
