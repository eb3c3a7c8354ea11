// One Socket.IO connection per page, with the official client (static/vendor). The server authorises
// every event; a page only asks and shows what arrives. On every (re)connection `onConnect` runs
// again so the page asks for the current state instead of waiting for a replay, and elements marked
// `data-offline` are shown while the connection is down ("you are offline, reconnecting…").
import { io } from "../vendor/socket.io-4.8.4.esm.min.js";

export function connect(onConnect) {
  const socket = io({ transports: ["websocket", "polling"], withCredentials: true });
  const offline = (down) => document.querySelectorAll("[data-offline]").forEach((el) => { el.hidden = !down; });
  socket.on("connect", () => { offline(false); onConnect(socket); });
  socket.on("disconnect", () => offline(true));
  socket.on("connect_error", () => offline(true));
  return socket;
}

// Emit with an acknowledgement as a promise: resolves to the server's answer ({ok, error, …}).
export function ask(socket, event, data) {
  return new Promise((resolve) => socket.timeout(10000).emit(event, data, (err, answer) =>
    resolve(err ? { ok: false, error: "timeout" } : answer)));
}
