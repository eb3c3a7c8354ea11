// Asking a JSON status endpoint until the work it follows is over (an export being built, say).
// `step(state)` shows what the server answered and says whether to ask again in `everyMs`; a network
// error or an answer other than 2xx waits `retryMs` and asks again.
export function pollJson(url, everyMs, retryMs, step) {
  async function ask() {
    let state;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" },
        credentials: "same-origin", cache: "no-store" });
      if (!response.ok) throw new Error(String(response.status));
      state = await response.json();
    } catch {
      setTimeout(ask, retryMs);  // the network came and went: try again a little later
      return;
    }
    if (step(state)) setTimeout(ask, everyMs);
  }
  setTimeout(ask, everyMs);
}
