// Live updates over Socket.IO, spoken directly on a WebSocket (Engine.IO 4 / Socket.IO 5 framing),
// so that the page needs no client library. The server authorises every event: here we only ask to
// follow a bulk sending and show what arrives. After a reconnection we ask again and get the
// current state, never a replay.
const panel = document.getElementById("bulk-progress");

function connect(onOpen, onEvent) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/socket.io/?EIO=4&transport=websocket`);
  const acks = new Map();
  let nextAck = 1;
  const api = {
    emit(event, data, callback) {
      const id = nextAck++;
      if (callback) acks.set(id, callback);
      socket.send(`42${callback ? id : ""}${JSON.stringify([event, data])}`);
    },
  };
  socket.addEventListener("message", ({ data }) => {
    if (data === "2") { socket.send("3"); return; }                    // ping → pong
    if (data.startsWith("0")) { socket.send("40"); return; }           // engine open → join namespace
    if (data.startsWith("40")) { onOpen(api); return; }                // namespace joined
    const ack = data.match(/^43(\d+)(.*)$/s);
    if (ack) {
      const callback = acks.get(Number(ack[1]));
      acks.delete(Number(ack[1]));
      if (callback) callback(...JSON.parse(ack[2]));
      return;
    }
    if (data.startsWith("42")) {
      const [event, payload] = JSON.parse(data.slice(2));
      onEvent(event, payload);
    }
  });
  socket.addEventListener("close", () => setTimeout(() => connect(onOpen, onEvent), 2000));
  return api;
}

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
  connect(
    (api) => api.emit("follow_bulk", { id: Number(panel.dataset.bulkId) }, (answer) => {
      if (answer && answer.ok) showBulk(answer.state);
    }),
    (event, payload) => { if (event === "bulk_progress") showBulk(payload); },
  );
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
