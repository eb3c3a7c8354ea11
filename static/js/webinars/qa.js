// Live questions of a webinar page. The server authorises every event; this module asks for the
// current questions at each (re)connection, shows what arrives, and writes every text with
// textContent (a question is plain text, never HTML). Words come from the page's JSON block.
import { ask, connect } from "../socket.js";

const panel = document.getElementById("qa");
if (panel) {
  const webinar = Number(panel.dataset.webinar);
  const moderator = panel.dataset.moderator === "true";
  const words = JSON.parse(document.getElementById("qa-words").textContent);
  const list = document.getElementById("qa-list");
  const empty = document.getElementById("qa-empty");
  const form = document.getElementById("qa-form");
  const text = document.getElementById("qa-text");
  const error = document.getElementById("qa-error");
  const questions = new Map();
  let socket = null;

  const votesText = (n) => (n === 1 ? words.votes_one : words.votes_many.replace("{num}", String(n)));

  function button(label, hiddenLabel, onClick, pressed) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "button secondary small";
    b.textContent = label;
    const extra = document.createElement("span");
    extra.className = "visually-hidden";
    extra.textContent = ` — ${hiddenLabel}`;
    b.append(extra);
    if (pressed !== undefined) b.setAttribute("aria-pressed", pressed ? "true" : "false");
    b.addEventListener("click", onClick);
    return b;
  }

  function render() {
    const sorted = [...questions.values()].sort((a, b) => b.votes - a.votes || a.asked_at.localeCompare(b.asked_at) || a.id - b.id);
    list.replaceChildren();
    for (const q of sorted) {
      const li = document.createElement("li");
      li.dataset.question = String(q.id);
      const body = document.createElement("span");
      const p = document.createElement("span");
      p.className = "qa-text";
      p.textContent = q.text;
      const meta = document.createElement("span");
      meta.className = "meta";
      meta.textContent = ` · ${votesText(q.votes)}${q.answered ? ` · ${words.answered}` : ""}`;
      body.append(p, meta);
      const actions = document.createElement("span");
      actions.className = "actions";
      const short = q.text.length > 40 ? `${q.text.slice(0, 40)}…` : q.text;
      actions.append(button(q.voted ? words.unvote : words.vote, `${words.for_question} « ${short} »`,
        () => vote(q), q.voted));
      if (moderator) {
        if (!q.answered) actions.append(button(words.mark_answered, short, () => moderate("question_answered", q)));
        actions.append(button(words.hide, short, () => moderate("question_hide", q)));
      }
      li.append(body, actions);
      list.append(li);
    }
    empty.hidden = questions.size > 0;
  }

  async function vote(q) {
    const answer = await ask(socket, "question_vote", { question: q.id, up: !q.voted });
    if (answer.ok) {
      q.voted = answer.voted;
      q.votes = answer.votes;
      render();
    } else {
      error.textContent = answer.error || words.error;
    }
  }

  async function moderate(event, q) {
    const answer = await ask(socket, event, { question: q.id });
    if (!answer.ok) error.textContent = answer.error || words.error;
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.textContent = "";
    if (!socket) return;
    const answer = await ask(socket, "question_ask", { webinar, text: text.value });
    if (answer.ok) {
      text.value = "";
      questions.set(answer.question.id, { ...questions.get(answer.question.id), ...answer.question });
      render();
    } else {
      error.textContent = answer.error || words.error;
      text.setAttribute("aria-invalid", "true");
    }
  });
  text.addEventListener("input", () => text.removeAttribute("aria-invalid"));

  connect(async (s) => {
    socket = s;
    if (!s.__webinarHandlers) {
      s.__webinarHandlers = true;
      s.on("question_new", (q) => {
        if (q.webinar !== webinar || questions.has(q.id)) return;
        questions.set(q.id, { ...q, voted: false });
        render();
      });
      s.on("question_votes", (v) => {
        const q = questions.get(v.id);
        if (v.webinar === webinar && q) { q.votes = v.votes; render(); }
      });
      s.on("question_hidden", (v) => {
        if (v.webinar === webinar && questions.delete(v.id)) render();
      });
      s.on("question_answered", (v) => {
        const q = questions.get(v.id);
        if (v.webinar === webinar && q) { q.answered = v.answered; render(); }
      });
    }
    const answer = await ask(s, "webinar_follow", { webinar });
    if (answer.ok) {
      questions.clear();
      answer.questions.forEach((q) => questions.set(q.id, q));
      render();
      panel.dataset.state = "following"; // the room's events now reach this page
    } else {
      error.textContent = answer.error || words.error;
    }
  });
}
