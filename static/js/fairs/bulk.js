// The progress of a bulk sending, live: the page follows the room `bulk:<id>` (the server checks
// that the user organises the edition) and shows each state it receives. It shares the page's one
// Socket.IO connection (../socket.js), and asks again for the current state at each (re)connection.
import { ask, connect } from "../socket.js";

const panel = document.getElementById("bulk-progress");

function showBulk(state) {
  if (!state || String(state.id) !== panel.dataset.bulkId) return;
  document.getElementById("bulk-bar").value = state.percent;
  document.getElementById("bulk-bar").textContent = `${state.percent} %`;
  document.getElementById("bulk-percent").textContent = state.percent;
  document.getElementById("bulk-count").textContent = panel.dataset.labelCount
    .replace("{sent}", state.sent).replace("{total}", state.total);
  document.getElementById("bulk-status").textContent = panel.dataset[`label${state.status[0].toUpperCase()}${state.status.slice(1)}`] || state.status;
  document.getElementById("pause-form").hidden = !["queued", "running"].includes(state.status);
  document.getElementById("resume-form").hidden = state.status !== "paused";
  panel.dataset.status = state.status;
}

if (panel) {
  const socket = connect(async (live) => {
    const answer = await ask(live, "follow_bulk", { id: Number(panel.dataset.bulkId) });
    if (answer && answer.ok) showBulk(answer.state);
  });
  socket.on("bulk_progress", showBulk);
  // Pause and resume without leaving the page; the form still works without script.
  for (const form of [document.getElementById("pause-form"), document.getElementById("resume-form")]) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const response = await fetch(form.action, { method: "POST", body: new FormData(form),
        headers: { Accept: "application/json" } });
      if (response.ok) showBulk(await response.json());
    });
  }
}
