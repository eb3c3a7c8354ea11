// A live fair client as a browser page runs it: the official socket.io-client, default transports
// (long-polling first, then the upgrade to a websocket), the session cookie sent with every request.
// The Python tests start it and read what it prints: one JSON object per line.
//
//   node live_client.mjs '{"url": "http://127.0.0.1:5000", "cookie": "session=…", "booth": 3, "presences": 1}'
//
// Prints {"event": "connect", "transport"} or {"event": "connect_error", "message"}; with "booth",
// follows it ({"event": "follow", "ack"}) then prints each {"event": "booth_presence", "data",
// "transport"} until "presences" of them have come, and exits 0. Exits 1 after "timeout" seconds.
import { io } from "socket.io-client";

const options = JSON.parse(process.argv[2] || "{}");
const say = (line) => process.stdout.write(JSON.stringify(line) + "\n");

const socket = io(options.url, {
  reconnection: false,
  extraHeaders: options.cookie ? { Cookie: options.cookie } : {},
});

const timer = setTimeout(() => {
  say({ event: "timeout" });
  socket.close();
  process.exit(1);
}, (options.timeout || 20) * 1000);

function finish() {
  clearTimeout(timer);
  socket.close();
  process.exit(0);
}

let presences = 0;

socket.on("connect_error", (error) => {
  say({ event: "connect_error", message: error.message });
  finish();
});

socket.on("connect", () => {
  say({ event: "connect", transport: socket.io.engine.transport.name });
  if (options.booth === undefined) return finish();
  socket.emit("live_follow_booth", { booth: options.booth }, (ack) => {
    say({ event: "follow", ack });
    if (!ack?.ok || !options.presences) finish();
  });
});

socket.on("booth_presence", (data) => {
  say({ event: "booth_presence", data, transport: socket.io.engine.transport.name });
  presences += 1;
  if (presences >= (options.presences || 0)) finish();
});
