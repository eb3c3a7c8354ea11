// The 1:1 call: waiting room, then WebRTC between the room's recruiter and candidate.
//
// Signalling goes through the page's one Socket.IO connection (call_join, call_signal, call_chat,
// call_leave). Negotiation follows the "perfect negotiation" pattern: the candidate is polite (on an
// offer collision it rolls back and answers), the recruiter is impolite (it ignores the colliding
// offer). Whenever either person (re)joins, both sides start a fresh RTCPeerConnection, so a reload
// or a lost socket never leaves a half-dead connection. When the network changes and ICE fails or
// stays disconnected, `restartIce()` makes a new offer with new candidates.
import { ask, connect } from "../socket.js";

const data = JSON.parse(document.getElementById("call-data").textContent);
const words = data.words;
const room = data.room;
const $ = (id) => document.getElementById(id);
const statusLine = $("call-status");
const remoteVideo = $("remote-video");
const localVideo = $("local-video");

const call = {
  pc: null, socket: null, role: null, polite: false, iceServers: [], iceTransportPolicy: "all", local: null,
  joined: false, left: false, replaced: false, peer: false,
};
window.fairCall = call;  // read by the browser tests (connectionState, getStats)

function say(text) { statusLine.textContent = text; }

// ---------------------------------------------------------------- media

async function localMedia() {
  if (call.local) return call.local;
  try {
    call.local = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
  } catch (error) {
    if (error.name === "NotAllowedError") { say(words.refused); }
    try {
      call.local = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (second) {
      call.local = new MediaStream();  // receive only: the other person can still be seen and heard
      if (error.name !== "NotAllowedError") say(words.no_media);
    }
  }
  // A <video> given a stream without any track waits for data for ever, and holds the page's `load`
  // event with it: the browser would show the page as still loading for the whole interview.
  if (call.local.getTracks().length) localVideo.srcObject = call.local;
  return call.local;
}

function toggle(button, kind, offText, onText) {
  const tracks = call.local ? (kind === "audio" ? call.local.getAudioTracks() : call.local.getVideoTracks()) : [];
  const off = button.getAttribute("aria-pressed") !== "true";
  tracks.forEach((t) => { t.enabled = !off; });
  button.setAttribute("aria-pressed", String(off));
  button.textContent = off ? onText : offText;
}

$("mute").addEventListener("click", (e) => toggle(e.currentTarget, "audio", words.mute, words.unmute));
$("camera").addEventListener("click", (e) => toggle(e.currentTarget, "video", words.camera_off, words.camera_on));

// ---------------------------------------------------------------- the peer connection

function send(message) {
  if (!call.socket || call.left || call.replaced) return;
  ask(call.socket, "call_signal", { room, ...message });
}

function closePeer() {
  if (call.pc) {
    call.pc.onicecandidate = call.pc.ontrack = call.pc.onnegotiationneeded = null;
    call.pc.onconnectionstatechange = null;
    call.pc.close();
  }
  call.pc = null;
  remoteVideo.srcObject = null;
}

async function freshPeer() {
  closePeer();
  const pc = new RTCPeerConnection({ iceServers: call.iceServers, iceTransportPolicy: call.iceTransportPolicy });
  call.pc = pc;
  const state = { makingOffer: false, ignoreOffer: false, answerPending: false };
  pc.fairState = state;
  pc.onicecandidate = ({ candidate }) => { if (candidate) send({ candidate: candidate.toJSON() }); };
  pc.ontrack = ({ streams, track }) => {
    remoteVideo.srcObject = streams[0] || new MediaStream([track]);
  };
  pc.onnegotiationneeded = async () => {
    try {
      state.makingOffer = true;
      await pc.setLocalDescription();
      send({ description: { type: pc.localDescription.type, sdp: pc.localDescription.sdp } });
    } catch (error) {
      console.warn("offer failed", error);
    } finally {
      state.makingOffer = false;
    }
  };
  let disconnectedTimer = null;
  pc.onconnectionstatechange = () => {
    if (pc !== call.pc) return;
    const s = pc.connectionState;
    if (s === "connected") { clearTimeout(disconnectedTimer); say(words.connected); }
    if (s === "failed") { say(words.reconnecting); pc.restartIce(); }
    if (s === "disconnected") {
      say(words.reconnecting);
      clearTimeout(disconnectedTimer);
      disconnectedTimer = setTimeout(() => { if (pc.connectionState === "disconnected") pc.restartIce(); }, 3000);
    }
  };
  // Self-healing: if no connection has even started a few seconds after both are here (an offer
  // lost in a rejoin race), build the connection again, which makes a fresh offer. The two sides
  // wait different times so that they do not rebuild at the same moment.
  setTimeout(() => {
    if (pc === call.pc && call.peer && !call.left && !call.replaced && pc.connectionState === "new") {
      serial(() => freshPeer());
    }
  }, call.polite ? 9000 : 5000);
  const media = await localMedia();
  if (pc !== call.pc) return pc;
  const kinds = new Set();
  media.getTracks().forEach((track) => { kinds.add(track.kind); pc.addTrack(track, media); });
  // Receive what we do not send (a candidate without a camera still sees the recruiter).
  ["audio", "video"].forEach((kind) => { if (!kinds.has(kind)) pc.addTransceiver(kind, { direction: "recvonly" }); });
  say(words.connecting);
  return pc;
}

async function onSignal({ description, candidate }) {
  if (call.left || call.replaced) return;
  const pc = call.pc || await freshPeer();
  const state = pc.fairState;
  try {
    if (description) {
      const readyForOffer = !state.makingOffer && (pc.signalingState === "stable" || state.answerPending);
      const collision = description.type === "offer" && !readyForOffer;
      state.ignoreOffer = !call.polite && collision;
      if (state.ignoreOffer) return;
      state.answerPending = description.type === "answer";
      await pc.setRemoteDescription(description);
      state.answerPending = false;
      if (description.type === "offer") {
        await pc.setLocalDescription();
        send({ description: { type: pc.localDescription.type, sdp: pc.localDescription.sdp } });
      }
    } else if (candidate) {
      try {
        await pc.addIceCandidate(candidate);
      } catch (error) {
        if (!state.ignoreOffer) console.warn("candidate refused", error);
      }
    }
  } catch (error) {
    console.warn("signalling failed", error);
  }
}

// ---------------------------------------------------------------- the room

// Signals, presence and the join's answer are handled one after the other, in arrival order: an
// ICE candidate is never added before the offer it belongs to.
let chain = Promise.resolve();
function serial(step) { chain = chain.then(step).catch((error) => console.warn("call step failed", error)); }

async function peerPresent(present) {
  call.peer = present;
  if (call.left || call.replaced) return;
  if (present) {
    await freshPeer();
  } else {
    closePeer();
    say(call.joined ? words.peer_left : words.waiting);
  }
}

async function afterJoin(answer, before) {
  if (!answer.ok) {
    closePeer();
    say(answer.code === "closed" ? words.closed : (answer.error || words.error));
    return;
  }
  call.role = answer.role;
  call.polite = answer.polite;
  call.iceServers = answer.ice_servers || [];
  // "relay" (FORCE_TURN_RELAY): media only through TURN, so the other person never learns our address.
  call.iceTransportPolicy = answer.ice_transport_policy === "relay" ? "relay" : "all";
  call.joined = true;
  call.peer = Boolean(answer.peer);
  if (answer.mode === "phone") { window.location.reload(); return; }
  await localMedia();
  if (answer.peer) {
    // The other person's offer may have come in first and made a connection already: keep it.
    if (!call.pc || call.pc === before) await freshPeer();
  } else {
    closePeer();
    say(words.waiting);
  }
}

async function join(socket) {
  call.socket = socket;
  if (call.left || call.replaced) return;
  const before = call.pc;
  const answer = await ask(socket, "call_join", { room });
  serial(() => afterJoin(answer, before));
}

const socket = connect(join);
socket.on("call_signal", (message) => serial(() => onSignal(message)));
socket.on("call_peer", ({ present }) => serial(() => peerPresent(present)));
socket.on("call_replaced", () => {
  call.replaced = true;
  closePeer();
  say(words.replaced);
});
// The booking moved to another recruiter (or was cancelled): this page is no longer part of the call.
socket.on("call_moved", ({ reason }) => {
  call.replaced = true;
  closePeer();
  say(reason === "cancelled" ? words.cancelled : words.moved);
});
socket.on("call_mode", ({ mode, requested, requested_by: by }) => {
  if (mode === "phone") { window.location.reload(); return; }
  if (!requested) return;
  // The recruiter hears of the candidate's ask; the candidate of the recruiter's (their yes switches).
  const banner = $(by === "candidate" ? "phone-request" : "phone-offer");
  if (banner) banner.hidden = false;
  const button = $("phone-form").querySelector("button");
  if (by === "recruiter" && call.role === "candidate" && button) button.textContent = words.phone_agree;
});

$("hangup").addEventListener("click", async () => {
  call.left = true;
  closePeer();
  if (call.local) call.local.getTracks().forEach((t) => t.stop());
  // The page says so at once; the server is told in the background (the other side learns it from there).
  say(words.left);
  ["call-videos", "call-controls"].forEach((id) => { $(id).hidden = true; });
  $("after-call").hidden = false;
  $("after-heading").focus();
  await ask(socket, "call_leave", { room });
});

// ---------------------------------------------------------------- chat

const chatLog = $("chat-log");
const chatError = $("chat-error");
socket.on("call_chat", ({ role, name, text }) => {
  const item = document.createElement("li");
  const who = document.createElement("strong");
  who.textContent = `${words.said.replace("%(name)s", role === call.role ? words.you : name)} `;
  item.append(who, document.createTextNode(text));
  chatLog.append(item);
  chatLog.scrollTop = chatLog.scrollHeight;
});
$("chat-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = $("chat-text");
  const answer = await ask(socket, "call_chat", { room, text: input.value });
  chatError.hidden = answer.ok;
  chatError.textContent = answer.ok ? "" : (answer.error || words.error);
  if (answer.ok) input.value = "";
});

// ---------------------------------------------------------------- phone

const phoneForm = $("phone-form");
phoneForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const response = await fetch(phoneForm.action, {
    method: "POST", body: new FormData(phoneForm), headers: { Accept: "application/json" }, credentials: "same-origin",
  });
  const answer = await response.json().catch(() => ({ ok: false }));
  if (!answer.ok) { say(answer.error || words.error); return; }
  if (answer.mode === "phone") { window.location.reload(); return; }
  const button = phoneForm.querySelector("button");
  const note = document.createElement("p");
  note.className = "status";
  note.textContent = words.phone_asked;
  button.replaceWith(note);
});

window.addEventListener("pagehide", () => {
  if (call.local) call.local.getTracks().forEach((t) => t.stop());
});
