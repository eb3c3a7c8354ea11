// A small SMSC for the tests and the benchmark, on the npm `smpp` package (the server side of SMPP).
//
//   node smsc.js --port 2775 --control 8775 [--system-id fair] [--password secret]
//
// It accepts bind_transceiver / bind_transmitter / bind_receiver with that system id and password,
// answers each submit_sm with a message id and, when registered_delivery asks for it, sends a
// delivery receipt (deliver_sm, esm_class 0x04, "id:… stat:DELIVRD …" text plus the
// receipted_message_id and message_state TLVs) to a bound receiver of the same system id: now if
// one is bound, else when one binds (as an SMSC keeps receipts for an ESME that is away).
// It reassembles concatenated messages (UDH 00 03 ref total seq) and keeps each text as the phone
// would show it. Prints "ready" once listening.
//
// The HTTP control port (JSON):
//   GET  /messages      every complete message received: {to, from, text, data_coding, segments, ids}
//   GET  /count         how many: {messages, waiting (receipts not handed over yet)}
//   POST /reset         forget messages and modes
//   POST /mode          {throttle: n}        the next n submit_sm are answered ESME_RTHROTTLED
//                       {refuse_bind: true}  binds are answered ESME_RBINDFAIL
//                       {down: true}         the SMPP port stops listening (connections refused)
//                       {stat: "UNDELIV"}    the receipts' status (DELIVRD by default)
//                       {hold_receipts: true} receipts wait until a later bind (the ESME unbound first)
//                       {invalid: "+3399"}   destinations starting so are answered ESME_RINVDSTADR
"use strict";
const http = require("node:http");
const smpp = require("smpp");

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, "")] = process.argv[i + 1];
const PORT = Number(args.port || 2775);
const CONTROL = Number(args.control || 8775);
const SYSTEM_ID = args["system-id"] || "fair";
const PASSWORD = args.password || "secret";

let messages = [];
let parts = new Map();       // "from|to|ref" → {total, got: Map(seq → text), ids}
let waiting = [];            // receipts for a receiver not bound yet
let receivers = new Set();   // sessions bound as receiver or transceiver
let mode = {};
let nextId = 1;

function reset() {
  messages = []; parts = new Map(); waiting = []; mode = {};
}

function stamp(date) {
  const p = (n) => String(n).padStart(2, "0");
  return `${p(date.getUTCFullYear() % 100)}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}${p(date.getUTCHours())}${p(date.getUTCMinutes())}`;
}

function receiptFor(pdu, id) {
  const stat = mode.stat || "DELIVRD";
  const now = stamp(new Date());
  const err = stat === "DELIVRD" ? "000" : "001";
  const states = { DELIVRD: 2, EXPIRED: 3, DELETED: 4, UNDELIV: 5, ACCEPTD: 6, UNKNOWN: 7, REJECTD: 8 };
  return {
    source_addr: pdu.destination_addr, destination_addr: pdu.source_addr, esm_class: 0x04,
    short_message: `id:${id} sub:001 dlvrd:${stat === "DELIVRD" ? "001" : "000"} submit date:${now} done date:${now} stat:${stat} err:${err} text:`,
    receipted_message_id: id, message_state: states[stat] || 7,
  };
}

function deliver(receipt) {
  const session = [...receivers][0];
  if (!session || mode.hold_receipts) { waiting.push(receipt); return; }
  session.deliver_sm(receipt);
}

function flushWaiting(session) {
  const queued = waiting; waiting = [];
  for (const receipt of queued) session.deliver_sm(receipt);
}

function keep(pdu, id) {
  const body = pdu.short_message || {};
  const text = typeof body.message === "string" ? body.message : String(body.message || "");
  const dataCoding = pdu.data_coding;
  const concat = (body.udh || []).find((h) => h[0] === 0x00);
  if (!concat) {
    messages.push({ to: pdu.destination_addr, from: pdu.source_addr, text, data_coding: dataCoding, segments: 1, ids: [id] });
    return;
  }
  const [ref, total, seq] = [concat[2], concat[3], concat[4]];
  const key = `${pdu.source_addr}|${pdu.destination_addr}|${ref}`;
  const entry = parts.get(key) || { total, got: new Map(), ids: [] };
  entry.got.set(seq, text); entry.ids.push(id);
  parts.set(key, entry);
  if (entry.got.size === entry.total) {
    parts.delete(key);
    const whole = [...entry.got.keys()].sort((a, b) => a - b).map((k) => entry.got.get(k)).join("");
    messages.push({ to: pdu.destination_addr, from: pdu.source_addr, text: whole, data_coding: dataCoding, segments: total, ids: entry.ids });
  }
}

const server = smpp.createServer((session) => {
  let bound = false;
  const bind = (canReceive) => (pdu) => {
    if (mode.refuse_bind || pdu.system_id !== SYSTEM_ID || pdu.password !== PASSWORD) {
      session.send(pdu.response({ command_status: smpp.ESME_RBINDFAIL }));
      session.close();
      return;
    }
    session.send(pdu.response({ system_id: "fake-smsc" }));
    bound = true;
    if (canReceive) { receivers.add(session); if (!mode.hold_receipts) flushWaiting(session); }
  };
  session.on("bind_transceiver", bind(true));
  session.on("bind_receiver", bind(true));
  session.on("bind_transmitter", bind(false));
  session.on("submit_sm", (pdu) => {
    if (!bound) { session.send(pdu.response({ command_status: smpp.ESME_RINVBNDSTS })); return; }
    if (mode.throttle > 0) {
      mode.throttle -= 1;
      session.send(pdu.response({ command_status: smpp.ESME_RTHROTTLED }));
      return;
    }
    if (mode.invalid && ("+" + pdu.destination_addr).startsWith(mode.invalid)) {
      session.send(pdu.response({ command_status: smpp.ESME_RINVDSTADR }));
      return;
    }
    const id = `m${nextId++}`;
    keep(pdu, id);
    session.send(pdu.response({ message_id: id }));
    if (pdu.registered_delivery & 0x01) deliver(receiptFor(pdu, id));
  });
  session.on("enquire_link", (pdu) => session.send(pdu.response()));
  session.on("unbind", (pdu) => { receivers.delete(session); session.send(pdu.response()); session.close(); });
  session.on("close", () => receivers.delete(session));
  session.on("error", () => receivers.delete(session));
});

let listening = false;
function up(callback) {
  if (listening) { if (callback) callback(); return; }
  server.listen(PORT, "127.0.0.1", () => { listening = true; if (callback) callback(); });
}
function down(callback) {
  if (!listening) { callback(); return; }
  listening = false;
  for (const session of receivers) session.destroy();
  receivers.clear();
  server.close(() => callback());
  // server.close waits for open connections: the sessions not bound as receivers end too
  for (const socket of sockets) socket.destroy();
}
const sockets = new Set();
server.on("connection", (socket) => { sockets.add(socket); socket.on("close", () => sockets.delete(socket)); });

const control = http.createServer((request, response) => {
  let body = "";
  request.on("data", (chunk) => { body += chunk; });
  request.on("end", () => {
    const answer = (value) => { response.setHeader("content-type", "application/json"); response.end(JSON.stringify(value)); };
    if (request.method === "GET" && request.url === "/messages") return answer(messages);
    if (request.method === "GET" && request.url === "/count") return answer({ messages: messages.length, waiting: waiting.length });
    if (request.method === "POST" && request.url === "/reset") { reset(); return up(() => answer({ ok: true })); }
    if (request.method === "POST" && request.url === "/mode") {
      const change = body ? JSON.parse(body) : {};
      Object.assign(mode, change);
      if (change.hold_receipts === false) { const session = [...receivers][0]; if (session) flushWaiting(session); }
      if (change.down === true) return down(() => answer(mode));
      if (change.down === false) return up(() => answer(mode));
      return answer(mode);
    }
    response.statusCode = 404; response.end();
  });
});

up(() => control.listen(CONTROL, "127.0.0.1", () => console.log("ready")));
