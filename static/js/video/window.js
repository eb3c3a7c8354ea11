// A room that is not open yet: the page reloads by itself when it opens, so a candidate who came
// early lands in the waiting room without doing anything.
const page = document.getElementById("room-window");
const seconds = Number(page && page.dataset.opensIn);
if (seconds > 0 && seconds < 24 * 3600) {
  setTimeout(() => window.location.reload(), (seconds + 1) * 1000);
}
