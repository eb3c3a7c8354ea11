// The progress of a data export, live: while it is queued or being built, the page asks the status
// endpoint every two seconds and shows what it answers; once ready, the one-time link appears.
// Without script, the page says where things stand and offers a refresh link.
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

async function poll() {
  let state;
  try {
    const response = await fetch(panel.dataset.statusUrl, { headers: { Accept: "application/json" },
      credentials: "same-origin", cache: "no-store" });
    if (!response.ok) throw new Error(String(response.status));
    state = await response.json();
  } catch {
    setTimeout(poll, POLL_MS * 2);  // the network came and went: try again a little later
    return;
  }
  if (String(state.id) !== String(panel.dataset.exportId)) { window.location.reload(); return; }
  show(state);
  if (state.status === "queued" || state.status === "building") setTimeout(poll, POLL_MS);
  else if (state.status !== "ready") window.location.reload();  // failed: the page explains
}

if (panel && ["queued", "building"].includes(panel.dataset.status)) {
  const refresh = document.getElementById("export-refresh");
  if (refresh) refresh.hidden = true;
  setTimeout(poll, POLL_MS);
}
