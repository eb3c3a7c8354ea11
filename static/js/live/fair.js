// The public fair page: each booth card's live figures and the fair's announcements.
import { connect, ask } from "../socket.js";
import { addAnnouncement, newer, presenceText, showAnnouncements } from "./common.js";

const section = document.querySelector("[data-live-edition]");
const edition = Number(section.dataset.liveEdition);
const list = section.querySelector("[data-announcements]");

function showBooth(row) {
  const el = document.querySelector(`[data-presence-booth="${row.booth}"]`);
  if (el && newer(el, row.seq)) el.textContent = presenceText(row);
}

const socket = connect(async (s) => {
  const answer = await ask(s, "live_follow_edition", { edition });
  if (answer.ok) {
    answer.state.booths.forEach(showBooth);
    showAnnouncements(list, answer.state.announcements);
  }
});
// the server gathers the fair's changes into one message a second: the latest figures of each booth changed
socket.on("edition_presence", (batch) => { if (batch.edition === edition) batch.booths.forEach(showBooth); });
socket.on("announcement", (item) => { if (item.booth === null) addAnnouncement(list, item); });
