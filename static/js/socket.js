// One Socket.IO connection per page, with the official client (static/vendor), shared by every
// module of the page. The server authorises every event; a page only asks and shows what arrives.
// On every (re)connection each `onConnect` runs again, so the page asks for the current state
// instead of waiting for a replay; elements marked `data-offline` are shown while the connection is
// down ("you are offline, reconnecting…").
import { io } from "../vendor/socket.io-4.8.4.esm.min.js";

// When a web process dies, thousands of pages lose their socket at the same instant. Each comes back
// after a jittered exponential backoff (1 s ± 50 %, then 2 s, 4 s… up to 10 s, each ± 50 %), so they
// reach the remaining processes spread over seconds instead of all in the same one.
const RECONNECTION = { reconnectionDelay: 1000, reconnectionDelayMax: 10000, randomizationFactor: 0.5 };

let socket = null;
const onConnects = [];

function offline(down) {
  document.querySelectorAll("[data-offline]").forEach((el) => { el.hidden = !down; });
}

export function connect(onConnect) {
  if (onConnect) onConnects.push(onConnect);
  if (!socket) {
    socket = io({ transports: ["websocket", "polling"], withCredentials: true, ...RECONNECTION });
    socket.on("connect", () => { offline(false); onConnects.forEach((run) => run(socket)); });
    socket.on("disconnect", () => offline(true));
    socket.on("connect_error", () => offline(true));
  } else if (onConnect && socket.connected) {
    onConnect(socket);
  }
  return socket;
}

// Emit with an acknowledgement as a promise: resolves to the server's answer ({ok, error, code, …}).
export function ask(socket, event, data) {
  return new Promise((resolve) => socket.timeout(10000).emit(event, data, (err, answer) =>
    resolve(err ? { ok: false, error: "", code: "timeout" } : answer)));
}
