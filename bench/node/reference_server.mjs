// The reference the live fan-out benchmark compares our server with: Node's own socket.io doing the
// same broadcasts as the live fair, with no database, no session and no rate limit. Whatever our
// server spends beyond this is ours (database, Redis, Python); what this spends is the transport's.
//
//   node reference_server.mjs <port>        prints "listening <port>" once it accepts connections
//
// Events (same names, shapes and sizes as fair/live):
//   live_follow_booth {booth}  → joins room booth:<id>, acks {ok, state: BoothPresence + me/chat/announcements}
//   queue_join {booth}         → waiting += 1, seq += 1, booth_presence to booth:<id>, acks {ok, position, wait_min}
//   queue_leave {booth}        → waiting -= 1, seq += 1, booth_presence to booth:<id>, acks {ok}
//   chat_send {booth, text}    → chat_message to booth:<id>, acks {ok}
import { createServer } from "node:http";
import { Server } from "socket.io";

const port = Number(process.argv[2] || 5100);
const booths = new Map();
let chatId = 0;

function booth(id) {
  if (!booths.has(id)) booths.set(id, { waiting: 0, seq: 0, recruiters: 1 });
  return booths.get(id);
}

function presence(id) {
  const b = booth(id);
  return { booth: id, recruiters: b.recruiters, waiting: b.waiting, wait_min: b.waiting * 5, open: true, seq: b.seq };
}

const http = createServer();
const io = new Server(http, { transports: ["websocket", "polling"], serveClient: false });

io.on("connection", (socket) => {
  socket.on("live_follow_booth", (data, ack) => {
    const id = Number(data?.booth);
    socket.join(`booth:${id}`);
    const me = { position: null, wait_min: null, status: null, turn_expires_at: null, room: null };
    ack?.({ ok: true, state: { ...presence(id), me, chat: [], announcements: [] } });
  });
  socket.on("queue_join", (data, ack) => {
    const id = Number(data?.booth);
    const b = booth(id);
    b.waiting += 1;
    b.seq += 1;
    ack?.({ ok: true, position: b.waiting, wait_min: b.waiting * 5 });
    io.to(`booth:${id}`).emit("booth_presence", presence(id));
  });
  socket.on("queue_leave", (data, ack) => {
    const id = Number(data?.booth);
    const b = booth(id);
    b.waiting = Math.max(0, b.waiting - 1);
    b.seq += 1;
    ack?.({ ok: true });
    io.to(`booth:${id}`).emit("booth_presence", presence(id));
  });
  socket.on("chat_send", (data, ack) => {
    const id = Number(data?.booth);
    chatId += 1;
    const message = { id: chatId, booth: id, author: "Candidate C.", role: "candidate",
                      html: String(data?.text ?? ""), at: new Date().toISOString() };
    ack?.({ ok: true, id: chatId });
    io.to(`booth:${id}`).emit("chat_message", message);
  });
});

http.listen(port, "127.0.0.1", () => console.log(`listening ${port}`));
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => { io.close(); process.exit(0); });
