// The door's check-in page: reads tickets with the phone's rear camera (the browser's BarcodeDetector
// where it reads QR codes, else the vendored jsQR decoder, loaded only then), or from a handheld
// scanner typing into the code field, and sends each scan to the server as one POST with the page's
// CSRF token.
//
// Through a network loss every scan is kept in localStorage with the time it was made, listed as
// "waiting to send", and sent when the network is back, one request per scan and in order. A scan
// leaves the list of waiting ones only once the server has answered it; a scan sent again (an answer
// lost on the way) changes nothing on the server, where one check-in per person and fair holds.
const root = document.querySelector("[data-door]");

if (root) {
  const words = root.dataset;
  const KEY = `fair-checkin-${words.edition}`;
  const SAME_CODE_MS = 1500; // a code still in front of the camera is read once
  const $ = (selector) => root.querySelector(selector);
  const video = $("[data-video]");
  const cameraButton = $("[data-camera]");
  const cameraStatus = $("[data-camera-status]");
  const result = $("[data-result]");
  const log = $("[data-log]");
  const logEmpty = $("[data-log-empty]");
  const offlineNotice = $("[data-offline]");

  const load = () => {
    try {
      const stored = JSON.parse(localStorage.getItem(KEY) || "[]");
      return Array.isArray(stored) ? stored : [];
    } catch {
      return [];
    }
  };
  let scans = load();
  const save = () => {
    // The newest 200 are enough for a door; never drop one that still waits.
    const waiting = scans.filter((s) => s.state === "waiting");
    const done = scans.filter((s) => s.state !== "waiting").slice(-200);
    scans = [...done, ...waiting].sort((a, b) => a.scanned_at.localeCompare(b.scanned_at));
    localStorage.setItem(KEY, JSON.stringify(scans));
  };

  // Times in the fair's zone, as the server words them ("already checked in at 10:42").
  const clock = (iso) => new Date(iso).toLocaleTimeString(document.documentElement.lang || [],
    { hour: "2-digit", minute: "2-digit", timeZone: words.timezone });

  function stateText(scan) {
    if (scan.state === "waiting") return words.labelWaiting;
    if (scan.state === "checked_in") return words.labelCheckedIn;
    if (scan.state === "already") return words.labelAlready.replace("{time}", scan.time);
    return words.labelRefused;
  }

  function detailLines(scan) {
    const lines = [];
    if (scan.state === "refused") lines.push(scan.error);
    if (scan.needs && scan.needs.length) lines.push(`${words.labelNeeds} ${scan.needs.join(" · ")}`);
    if ((scan.state === "checked_in" || scan.state === "already") && scan.registered === false) {
      lines.push(words.labelNotRegistered);
    }
    return lines;
  }

  function showResult(scan) {
    const card = document.createElement("div");
    card.className = `door-card door-${scan.state}`;
    if (scan.name) {
      const name = document.createElement("p");
      name.className = "door-name";
      name.textContent = scan.name;
      card.append(name);
    }
    const state = document.createElement("p");
    state.className = "status";
    state.textContent = stateText(scan);
    card.append(state);
    for (const line of detailLines(scan)) {
      const p = document.createElement("p");
      p.textContent = line;
      card.append(p);
    }
    result.replaceChildren(card);
  }

  // The page's count of people checked in, as the server last counted them.
  const present = document.querySelector("[data-present]");
  const plural = new Intl.PluralRules(document.documentElement.lang || undefined);
  function showPresent(total) {
    if (!present || typeof total !== "number") return;
    const form = plural.select(total) === "one" ? present.dataset.one : present.dataset.other;
    present.textContent = form.replace(/\d+/, String(total));
  }

  function renderLog() {
    const items = scans.slice(-50).reverse().map((scan) => {
      const li = document.createElement("li");
      li.dataset.scanState = scan.state;
      const state = document.createElement("span");
      state.className = "door-state";
      state.textContent = stateText(scan);
      li.append(`${clock(scan.scanned_at)} — `, scan.name ? `${scan.name} — ` : "", state);
      const details = detailLines(scan);
      if (details.length) li.append(` — ${details.join(" — ")}`);
      return li;
    });
    log.replaceChildren(...items);
    if (logEmpty) logEmpty.hidden = items.length > 0;
  }

  let sending = false;
  async function sendWaiting() {
    if (sending) return;
    sending = true;
    try {
      for (const scan of scans.filter((s) => s.state === "waiting")) {
        if (!navigator.onLine) break;
        let answer;
        try {
          const response = await fetch(words.scanUrl, {
            method: "POST", credentials: "same-origin",
            headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": words.csrf },
            body: JSON.stringify({ code: scan.code, scanned_at: scan.scanned_at }),
          });
          if (response.status !== 200 && response.status !== 422) break; // not an answer about the scan: later
          answer = await response.json();
        } catch {
          break; // the network went away: the scan waits
        }
        showPresent(answer.present);
        if (answer.ok) {
          Object.assign(scan, { state: answer.status, name: answer.name, time: answer.time, needs: answer.needs,
                                registered: answer.registered });
        } else {
          Object.assign(scan, { state: "refused", error: answer.error });
        }
        save();
        renderLog();
        showResult(scan);
      }
    } finally {
      sending = false;
      renderLog();
    }
  }

  function addScan(code) {
    const value = (code || "").trim();
    if (!value) return;
    const scan = { code: value, scanned_at: new Date().toISOString(), state: "waiting" };
    scans.push(scan);
    save();
    renderLog();
    showResult(scan);
    if (navigator.vibrate) navigator.vibrate(80);
    sendWaiting();
  }

  function showNetwork() {
    offlineNotice.hidden = navigator.onLine;
    if (navigator.onLine) sendWaiting();
  }
  window.addEventListener("online", showNetwork);
  window.addEventListener("offline", showNetwork);
  setInterval(sendWaiting, 15000); // an "online" event may never come after a flaky network
  showNetwork();
  renderLog();

  // ---------------------------------------------------------------- a handheld scanner or typed code

  $("[data-code-form]").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = event.target.elements.code;
    addScan(input.value);
    input.value = "";
    input.focus();
  });

  // ---------------------------------------------------------------- the camera

  let detector = null;
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  let lastCode = "";
  let lastSeen = 0;

  function loadDecoder() {
    if (window.jsQR) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = words.decoder;
      script.onload = resolve;
      script.onerror = reject;
      document.head.append(script);
    });
  }

  async function qrDetector() {
    if (!("BarcodeDetector" in window)) return null;
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      return formats.includes("qr_code") ? new window.BarcodeDetector({ formats: ["qr_code"] }) : null;
    } catch {
      return null;
    }
  }

  async function readFrame() {
    if (video.readyState < 2 || !video.videoWidth) return null;
    if (detector) {
      const codes = await detector.detect(video);
      return codes.length ? codes[0].rawValue : null;
    }
    const scale = Math.min(1, 640 / video.videoWidth);
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    const image = context.getImageData(0, 0, canvas.width, canvas.height);
    const found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "attemptBoth" });
    return found ? found.data : null;
  }

  async function watch() {
    try {
      const code = await readFrame();
      if (code) {
        const moment = Date.now();
        if (code !== lastCode || moment - lastSeen > SAME_CODE_MS) addScan(code);
        lastCode = code;
        lastSeen = moment;
      }
    } catch {
      // a frame that could not be read: the next one will
    }
    setTimeout(watch, 200);
  }

  cameraButton.addEventListener("click", async () => {
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false });
      detector = await qrDetector();
      if (!detector) await loadDecoder();
    } catch {
      cameraStatus.textContent = words.labelNoCamera;
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    await video.play().catch(() => {});
    cameraButton.hidden = true;
    cameraStatus.textContent = words.labelCameraOn;
    watch();
  });
  window.addEventListener("pagehide", () => {
    if (video.srcObject) video.srcObject.getTracks().forEach((track) => track.stop());
  });
}
