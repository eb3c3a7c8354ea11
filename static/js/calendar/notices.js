// In-app notices for a signed-in user (the server joins them to their room `user:<id>` on connect):
// "your appointment starts in 5 minutes", shown over the page with the way to join. Loaded on every
// page of a signed-in user; it shares the page's one Socket.IO connection (../socket.js) with the
// page's own live modules. Words come from the page's JSON block `notice-words`.
import { connect } from "../socket.js";

const WORDS = JSON.parse(document.getElementById("notice-words")?.textContent || "{}");

function show(notice) {
  const box = document.createElement("div");
  box.className = "notice-live";
  box.setAttribute("role", "alert");
  const text = document.createElement("p");
  text.textContent = (WORDS.soon || "").replace("{summary}", notice.summary || "");
  box.append(text);
  if (notice.location) {
    const where = document.createElement("p");
    where.className = "meta";
    where.textContent = notice.location;
    box.append(where);
  }
  if (notice.join_url && /^https?:\/\//.test(notice.join_url)) {
    const link = document.createElement("a");
    link.className = "button small";
    link.href = notice.join_url;
    link.textContent = WORDS.join;
    box.append(link, " ");
  }
  const close = document.createElement("button");
  close.type = "button";
  close.className = "button secondary small";
  close.textContent = WORDS.close;
  close.addEventListener("click", () => box.remove());
  box.append(close);
  document.body.append(box);
}

const socket = connect(() => { document.body.dataset.notices = "connected"; });
socket.on("notice", (payload) => { if (payload) show(payload); });
