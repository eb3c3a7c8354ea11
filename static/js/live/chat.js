// The booth's chat: public questions and answers, moderation on the recruiter's desk, private messages.
// Message HTML comes from the server, already escaped and cleaned (links only); names and every other
// text are set with textContent. On every (re)connection the page asks for the current state again.
import { ask, connect } from "../socket.js";

const root = document.querySelector("[data-chat]");

if (root) {
  const booth = Number(root.dataset.booth);
  const me = root.dataset.me || null; // my chat id on this booth (people are named by it, never by user id)
  let moderating = root.dataset.mode === "moderate"; // hide and mute (recruiters of the booth, organisers)
  let recruiting = moderating; // may write privately first (recruiters of the booth)
  const words = JSON.parse(root.querySelector("[data-chat-words]").textContent);
  const log = root.querySelector("[data-chat-log]");
  const empty = root.querySelector("[data-chat-empty]");
  const older = root.querySelector("[data-chat-older]");
  const status = root.querySelector("[data-chat-status]");
  const form = root.querySelector("[data-chat-form]");
  const error = root.querySelector("[data-chat-error]");
  const mutesList = root.querySelector("[data-chat-mutes]");
  const privateBox = root.querySelector("[data-chat-private]");
  const threadsBox = root.querySelector("[data-chat-threads]");
  const threads = new Map(); // other person's chat id -> {section, log}
  const shown = new Map(); // public messages on screen, by id (to redraw them with moderation tools)
  let socket = null;

  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, key) => values[key] ?? "");
  const timeOf = (iso) => new Date(iso).toLocaleTimeString(document.documentElement.lang || undefined,
    { hour: "2-digit", minute: "2-digit" });
  const nameOf = (author, anon) => (anon ? fill(anon.applied ? words.applicant : words.visitor, { code: anon.code }) : author);

  function say(text) { status.textContent = text; }

  function button(label, onClick, extra = "") {
    const b = document.createElement("button");
    b.type = "button";
    b.className = `link-button ${extra}`.trim();
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }

  function messageItem(m) {
    const li = document.createElement("li");
    li.className = `chat-message chat-${m.role}`;
    li.dataset.id = m.id;
    const head = document.createElement("p");
    head.className = "chat-head";
    const who = document.createElement("strong");
    who.textContent = nameOf(m.author, m.anon);
    head.append(who);
    if (m.role === "recruiter" || m.role === "organiser") {
      const badge = document.createElement("span");
      badge.className = "tag chat-badge";
      badge.textContent = m.role === "recruiter" ? words.answer : words.organiser;
      head.append(" ", badge);
    }
    if (me !== null && m.user === me) head.append(` (${words.you})`);
    const time = document.createElement("time");
    time.dateTime = m.at;
    time.textContent = timeOf(m.at);
    head.append(" ", time);
    const body = document.createElement("div");
    body.className = "chat-text";
    body.innerHTML = m.html; // escaped and cleaned by the server (fair.live.chat.render_html)
    li.append(head, body);
    if (moderating && m.role === "candidate") {
      const actions = document.createElement("p");
      actions.className = "chat-actions";
      const label = nameOf(m.author, m.anon);
      actions.append(
        button(words.hide, () => moderate("chat_hide", { message: m.id }), "chat-hide"),
        button(words.mute, () => moderate("chat_mute", { booth, user: m.user, minutes: 15 }), "chat-mute"),
        button(words.mute_forever, () => moderate("chat_mute", { booth, user: m.user }), "chat-mute"),
      );
      if (recruiting) actions.append(button(words.write_privately, () => openThread(m.user, label, true), "chat-private-open"));
      actions.querySelectorAll("button").forEach((b) => b.setAttribute("aria-describedby", `chat-msg-${m.id}`));
      body.id = `chat-msg-${m.id}`;
      li.append(actions);
    }
    return li;
  }

  function showEmpty() { empty.hidden = log.children.length > 0; }

  function addMessage(m, where = "end") {
    if (m.booth !== booth || log.querySelector(`[data-id="${m.id}"]`)) return;
    const item = messageItem(m);
    shown.set(m.id, m);
    if (where === "start") log.prepend(item); else log.append(item);
    showEmpty();
  }

  function replaceHistory(messages, more) {
    shown.clear();
    messages.forEach((m) => shown.set(m.id, m));
    log.replaceChildren(...messages.map(messageItem));
    older.hidden = !more;
    showEmpty();
  }

  async function moderate(event, data) {
    const answer = await ask(socket, event, data);
    if (!answer.ok) { say(answer.error || words.failed); return; }
    if (event === "chat_hide") say(words.hidden);
    if (event === "chat_mute" || event === "chat_unmute") loadMutes();
  }

  async function loadMutes() {
    if (!mutesList) return;
    const answer = await ask(socket, "chat_mutes", { booth });
    if (!answer.ok) return;
    mutesList.replaceChildren();
    if (!answer.mutes.length) {
      const li = document.createElement("li");
      li.textContent = words.no_mutes;
      mutesList.append(li);
    }
    answer.mutes.forEach((mute) => {
      const li = document.createElement("li");
      const who = nameOf(mute.author, mute.anon);
      li.append(who, mute.until ? ` (${fill(words.muted_until, { time: timeOf(mute.until) })}) ` : " ");
      const b = button(words.unmute, () => moderate("chat_unmute", { booth, user: mute.user }));
      b.setAttribute("aria-label", `${words.unmute} ${who}`);
      li.append(b);
      mutesList.append(li);
    });
  }

  // ------------------------------------------------------------- private conversations

  function privateItem(m) {
    const li = document.createElement("li");
    li.className = m.mine ? "chat-message chat-mine" : "chat-message";
    li.dataset.id = m.id;
    const head = document.createElement("p");
    head.className = "chat-head";
    const who = document.createElement("strong");
    who.textContent = m.mine ? words.you.charAt(0).toUpperCase() + words.you.slice(1) : nameOf(m.with_name, m.anon);
    const time = document.createElement("time");
    time.dateTime = m.at;
    time.textContent = timeOf(m.at);
    head.append(who, " ", time);
    const body = document.createElement("div");
    body.className = "chat-text";
    body.innerHTML = m.html; // escaped and cleaned by the server
    li.append(head, body);
    return li;
  }

  function openThread(other, name, focus = false) {
    if (!threadsBox) return null;
    privateBox.hidden = false;
    let thread = threads.get(other);
    if (!thread) {
      const section = document.createElement("section");
      section.className = "chat-thread";
      const heading = document.createElement("h4");
      heading.id = `chat-thread-${other}`;
      heading.textContent = fill(words.conversation_with, { name });
      const list = document.createElement("ol");
      list.className = "chat-log";
      list.setAttribute("aria-labelledby", heading.id);
      list.setAttribute("aria-live", "polite");
      const threadForm = document.createElement("form");
      threadForm.className = "chat-form";
      threadForm.noValidate = true;
      const field = document.createElement("div");
      field.className = "field";
      const label = document.createElement("label");
      label.htmlFor = `chat-reply-${other}`;
      label.textContent = fill(words.your_reply, { name });
      const text = document.createElement("textarea");
      text.id = `chat-reply-${other}`;
      text.rows = 2;
      text.maxLength = 1000;
      const problem = document.createElement("p");
      problem.className = "errors";
      problem.id = `chat-reply-error-${other}`;
      problem.setAttribute("role", "alert");
      text.setAttribute("aria-describedby", problem.id);
      field.append(label, text, problem);
      const send = document.createElement("button");
      send.type = "submit";
      send.className = "button";
      send.textContent = words.send;
      threadForm.append(field, send);
      threadForm.addEventListener("submit", async (event) => {
        event.preventDefault();
        problem.textContent = "";
        const answer = await ask(socket, "private_send", { booth, to: other, text: text.value });
        if (!answer.ok) { problem.textContent = answer.error || words.failed; return; }
        text.value = "";
        addPrivate(answer.message);
      });
      section.append(heading, list, threadForm);
      threadsBox.append(section);
      thread = { section, list, text };
      threads.set(other, thread);
      loadThread(other);
    }
    if (focus) thread.text.focus();
    return thread;
  }

  function addPrivate(m) {
    if (m.booth !== booth) return;
    const thread = threads.get(m.with) || openThread(m.with, nameOf(m.with_name, m.anon));
    if (!thread || thread.list.querySelector(`[data-id="${m.id}"]`)) return;
    thread.list.append(privateItem(m));
  }

  async function loadThread(other) {
    const answer = await ask(socket, "private_history", { booth, with: other });
    const thread = threads.get(other);
    if (!answer.ok || !thread) return;
    thread.list.replaceChildren(...answer.messages.map(privateItem));
  }

  async function loadThreads() {
    const answer = await ask(socket, "private_threads", { booth });
    if (!answer.ok) return;
    if (answer.moderator && !moderating) {
      // A recruiter of the booth or an organiser of the fair on the public page: the same tools as the desk.
      moderating = true;
      recruiting = answer.recruiter;
      root.querySelector("[data-chat-moderation]").hidden = false;
      if (recruiting) {
        privateBox.hidden = false;
        root.querySelector("[data-chat-hint-recruiter]").hidden = false;
        root.querySelector("[data-chat-hint-candidate]").hidden = true;
      }
      log.replaceChildren(...[...shown.values()].sort((a, b) => a.id - b.id).map(messageItem));
      loadMutes();
    }
    answer.threads.forEach((t) => {
      if (threads.has(t.with)) loadThread(t.with); else openThread(t.with, nameOf(t.with_name, t.anon));
    });
  }

  // ------------------------------------------------------------- wiring

  async function onConnect(s) {
    socket = s;
    const followed = await ask(socket, "live_follow_booth", { booth });
    if (followed.ok && followed.state && Array.isArray(followed.state.chat)) {
      replaceHistory(followed.state.chat, followed.state.chat.length >= 50);
    } else {
      const answer = await ask(socket, "chat_history", { booth });
      if (answer.ok) replaceHistory(answer.messages, answer.more);
    }
    loadThreads();
    if (moderating) loadMutes();
  }

  log.querySelectorAll("time[datetime]").forEach((t) => { t.textContent = timeOf(t.dateTime); });
  if (me === null) {
    // Visitors who are not signed in read the chat from the page, or the public state endpoint (no socket).
    if (root.dataset.rendered !== "1") fetch(root.dataset.stateUrl, { headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : null))
      .then((state) => { if (state && Array.isArray(state.chat)) replaceHistory(state.chat, false); })
      .catch(() => {});
  } else {
    const s = connect(onConnect);
    socket = s;
    s.on("chat_message", (m) => addMessage(m));
    s.on("chat_hidden", ({ id }) => {
      log.querySelector(`[data-id="${id}"]`)?.remove();
      shown.delete(id);
      showEmpty();
    });
    s.on("chat_muted", (data) => { if (data.booth === booth) say(words.muted); });
    s.on("chat_unmuted", (data) => { if (data.booth === booth) say(words.unmuted); });
    s.on("private_message", (m) => addPrivate(m));

    older.addEventListener("click", async () => {
      const first = log.querySelector("[data-id]");
      const answer = await ask(socket, "chat_history", { booth, before: first ? Number(first.dataset.id) : null });
      if (!answer.ok) return;
      answer.messages.slice().reverse().forEach((m) => addMessage(m, "start"));
      older.hidden = !answer.more;
      if (!answer.messages.length) say(words.older_none);
    });

    form?.addEventListener("submit", async (event) => {
      event.preventDefault();
      error.textContent = "";
      const text = form.elements.text;
      const answer = await ask(socket, "chat_send", { booth, text: text.value });
      if (!answer.ok) { error.textContent = answer.error || words.failed; text.focus(); return; }
      text.value = "";
      addMessage(answer.message);
    });
  }
}
