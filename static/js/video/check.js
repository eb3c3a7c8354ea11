// Device check before an interview: camera preview and a microphone level meter. Tells in words
// what went wrong (access refused, no camera, no device at all) and points to the phone instead.
const words = JSON.parse(document.getElementById("check-words").textContent);
const preview = document.getElementById("preview");
const meter = document.getElementById("level");
const status = document.getElementById("check-status");
const retry = document.getElementById("retry");

let stream = null;
let audioContext = null;
let frame = null;

function say(text) { status.textContent = text; }

function stop() {
  if (frame) cancelAnimationFrame(frame);
  if (audioContext) audioContext.close();
  if (stream) stream.getTracks().forEach((t) => t.stop());
  stream = audioContext = frame = null;
}

function listen(media) {
  const tracks = media.getAudioTracks();
  if (!tracks.length || !window.AudioContext) return;
  audioContext = new AudioContext();
  const analyser = audioContext.createAnalyser();
  analyser.fftSize = 512;
  audioContext.createMediaStreamSource(media).connect(analyser);
  const samples = new Uint8Array(analyser.fftSize);
  const draw = () => {
    analyser.getByteTimeDomainData(samples);
    let peak = 0;
    for (const s of samples) peak = Math.max(peak, Math.abs(s - 128));
    meter.value = Math.min(100, Math.round((peak / 128) * 200));
    meter.textContent = String(meter.value);
    frame = requestAnimationFrame(draw);
  };
  draw();
}

async function start() {
  stop();
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { say(words.unsupported); return; }
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    say(words.ok);
  } catch (error) {
    if (error.name === "NotAllowedError" || error.name === "SecurityError") { say(words.refused); return; }
    try {  // No camera (or it is busy): the microphone alone is still an interview.
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      say(`${words.audio_only} ${words.no_camera}`);
    } catch (second) {
      say(second.name === "NotAllowedError" ? words.refused : words.no_device);
      return;
    }
  }
  preview.srcObject = stream;
  listen(stream);
}

retry.addEventListener("click", start);
window.addEventListener("pagehide", stop);
start();
