// In-app notices for a signed-in user (the server joins them to their room `user:<id>` on connect):
// "your appointment starts in 5 minutes", shown over the page with the way to join.
import { connect } from "./socket.js";

const TEXT = {
  soon: {{ _("Starting soon: %(summary)s", summary="%(summary)s")|tojson }},
  join: {{ _("Join now")|tojson }},
  close: {{ _("Close")|tojson }},
};

function show(notice) {
  const box = document.createElement("div");
  box.className = "notice-live";
  box.setAttribute("role", "alert");
  const text = document.createElement("p");
  text.textContent = TEXT.soon.replace("%(summary)s", notice.summary || "");
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
    link.textContent = TEXT.join;
    box.append(link, " ");
  }
  const close = document.createElement("button");
  close.type = "button";
  close.className = "button secondary small";
  close.textContent = TEXT.close;
  close.addEventListener("click", () => box.remove());
  box.append(close);
  document.body.append(box);
}

connect(
  () => { document.body.dataset.notices = "connected"; },
  (event, payload) => { if (event === "notice" && payload) show(payload); },
);
