// An export's progress, live: while it is queued or running, the page asks its JSON endpoint every
// second and moves the <progress> bar; once done, the download button appears; a failure shows why.
// Without script the page refreshes itself (a <meta> refresh in <noscript>) and offers a button.
import { pollJson } from "../poll.js";

const panel = document.getElementById("export-progress");
const POLL_MS = 1000;

function show(state) {
  const bar = document.getElementById("export-bar");
  if (state.percent === null) bar.removeAttribute("value");
  else { bar.value = state.percent; bar.textContent = `${state.percent} %`; }
  document.getElementById("export-status").textContent = state.label;
  document.getElementById("export-count").textContent = state.counted;
  panel.dataset.status = state.status;
  const running = state.status === "queued" || state.status === "running";
  document.getElementById("export-running").hidden = !running;
  if (state.download) {
    document.getElementById("export-link").href = state.download;
    document.getElementById("export-name").textContent = state.name;
    document.getElementById("export-until").textContent = state.until;
    document.getElementById("export-ready").hidden = false;
    document.getElementById("export-link").focus();
  }
  if (state.status === "failed") {
    document.getElementById("export-error").textContent = state.error;
    document.getElementById("export-failed").hidden = false;
  }
  return running;
}

if (panel && ["queued", "running"].includes(panel.dataset.status)) {
  document.getElementById("export-refresh").hidden = true;
  pollJson(panel.dataset.statusUrl, POLL_MS, POLL_MS * 3, show);
}
