// Live updates over Socket.IO, spoken directly on a WebSocket (Engine.IO 4 / Socket.IO 5 framing),
// so that pages need no client library. The server authorises every event: the page only asks and
// shows what arrives. After a reconnection `onOpen` runs again, so a page asks again for the current
// state rather than waiting for a replay.
export function connect(onOpen, onEvent) {
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
