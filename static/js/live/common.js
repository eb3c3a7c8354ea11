// What the live pages share: the words the server wrote in the page (JSON, in the reader's language),
// the presence line, and "newer only" so that a message arriving late never undoes a newer one.
export const WORDS = JSON.parse(document.getElementById("live-words")?.textContent || "{}");
const plural = new Intl.PluralRules(WORDS.lang || "fr");

export function fill(text, values) {
  return Object.entries(values).reduce((out, [key, value]) => out.replaceAll(`{${key}}`, String(value)), text || "");
}

function count(forms, n) {
  return fill(forms[plural.select(n)] || forms.other, { n });
}

export function presenceText(row) {
  const parts = [count(WORDS.recruiters, row.recruiters), count(WORDS.waiting, row.waiting)];
  if (row.waiting) parts.push(fill(WORDS.about, { n: row.wait_min }));
  if (!row.open) parts.push(WORDS.closed);
  return parts.join(" · ");
}

// True when `seq` is newer than what the element shows (and records it).
export function newer(el, seq) {
  if (typeof seq !== "number") return true;
  const shown = Number(el.dataset.seq || "-1");
  if (seq < shown) return false;
  el.dataset.seq = String(seq);
  return true;
}

export function showAnnouncements(list, items) {
  if (!list) return;
  list.replaceChildren(...items.map(announcementItem));
}

export function addAnnouncement(list, item) {
  if (!list) return;
  list.prepend(announcementItem(item));
  while (list.children.length > 5) list.lastElementChild.remove();
}

function announcementItem(item) {
  const li = document.createElement("li");
  const strong = document.createElement("strong");
  strong.textContent = WORDS.announcement;
  li.append(strong, " ", item.text);  // text, never HTML
  return li;
}
