// Kiosk: recognise the camera live (one request in flight at most, answers steadied over the last
// frames), freeze a frame by tap or Space, full screen; without a camera, choose a photo instead.
"use strict";
(() => {
  const root = document.getElementById("kiosk");
  const video = document.getElementById("camera");
  const still = document.getElementById("still");
  const guide = document.getElementById("guide");
  const stage = document.getElementById("stage");
  const stageHint = document.getElementById("stage-hint");
  const answer = document.getElementById("kiosk-result");
  const statusLine = document.getElementById("kiosk-status");
  const freezeButton = document.getElementById("freeze");
  const resumeButton = document.getElementById("resume");
  const choose = document.getElementById("choose");
  const chooseInput = document.getElementById("choose-input");
  const fullscreenButton = document.getElementById("fullscreen");
  const cameraHelp = document.getElementById("camera-help");
  const cameraWhy = document.getElementById("camera-why");
  const cameraHow = document.getElementById("camera-how");
  const retryButton = document.getElementById("camera-retry");
  const handBox = document.getElementById("hand-box");
  const handRect = document.getElementById("hand-rect");
  const resultUrl = root.dataset.resultUrl;
  const idleSeconds = Math.max(1, Number(root.dataset.idleSeconds) || 8);
  const maxMb = Number(root.dataset.maxUploadMb) || 10;
  // The next frame leaves as soon as the last answer is back (one request in flight at most), after
  // a short pause: the rate follows what the server sustains, up to about fifteen frames a second.
  const FRAME_GAP_MS = 40;
  const SMOOTH_FRAMES = 6; // probabilities are averaged over the last six frames (about half a second)
  const STEADY_FRAMES = 3; // a new answer is shown once the average has agreed on it three times running
  // The unsure banner follows the server's own "unsure" of each frame, with hysteresis: on when two
  // thirds of the recent frames with a hand were unsure, off again when a third or fewer were.
  const BANNER_ON_SHARE = 2 / 3;
  const BANNER_OFF_SHARE = 1 / 3;
  const canvas = document.createElement("canvas");
  const recent = [];
  let shownKey = null;
  let candidate = { key: null, count: 0 };
  let unsureState = false;
  let mode = "starting"; // live | frozen | photo | starting
  let inFlight = false;
  let track = ""; // where the last frame's hand was: the server looks there first instead of searching the frame
  let frameNumber = 0; // each live frame's number: the server sweeps a different region of each for a missed hand
  let countdown = null;
  let stillUrl = null;
  // Measured by the browser tests and bench/pages.py: answers shown and each frame's round trip.
  window.kioskStats = { answers: 0, frames: 0, followed: 0, latenciesMs: [], maxInFlight: 0, inFlightNow: 0, shown: [], own: [] };

  // Put a new answer's card in the answer area (the tests and bench/pages.py count these).
  function show(fragment) {
    answer.replaceChildren(fragment);
    window.kioskStats.answers += 1;
  }

  // A card's answer as a key: "none", or the digit with "?" when unsure.
  function keyOf(card) {
    return card.dataset.noHand === "true" ? "none" : card.dataset.digit + (card.dataset.unsure === "true" ? "?" : "");
  }

  // Tell the page's other parts (practice.js) that the shown answer changed, after the status line has said it.
  function announce(key) {
    root.dataset.shown = key || "";
    root.dispatchEvent(new CustomEvent("kiosk:answer", { detail: { key } }));
  }

  // Draw the hand square the server found (fractions of the frame sent) over the stage, as the stage
  // shows that frame: cropped to its centre square (object-fit: cover) and mirrored like the video.
  function drawHand(card, width, height, mirrored) {
    const hand = (card && card.dataset.hand || "").split(",").filter(Boolean).map(Number);
    if (hand.length !== 4 || !width || !height) { handBox.hidden = true; return; }
    const side = Math.min(width, height);
    let x = (hand[0] * width - (width - side) / 2) / side;
    const y = (hand[1] * height - (height - side) / 2) / side;
    const w = hand[2] * width / side;
    const h = hand[3] * height / side;
    if (mirrored) x = 1 - x - w;
    handRect.setAttribute("x", x.toFixed(4));
    handRect.setAttribute("y", y.toFixed(4));
    handRect.setAttribute("width", w.toFixed(4));
    handRect.setAttribute("height", h.toFixed(4));
    handBox.hidden = false;
  }

  // Update the shown card's ten bars in place from a newer frame's card (no new elements: nothing re-announced).
  function updateBars(card) {
    const fresh = card.querySelectorAll(".bars li");
    answer.querySelectorAll(".bars li").forEach((item, index) => {
      if (!fresh[index]) return;
      item.querySelector("meter").value = fresh[index].querySelector("meter").value;
      item.querySelector("meter").setAttribute("aria-valuetext", fresh[index].querySelector("meter").getAttribute("aria-valuetext"));
      item.querySelector(".bar-value").textContent = fresh[index].querySelector(".bar-value").textContent;
    });
  }

  // The steadied confidence: the shown digit's probability averaged over the recent frames with a hand.
  function steadyConfidence(digit) {
    const hands = recent.filter((frame) => !frame.noHand && frame.probabilities.length);
    if (!hands.length) return null;
    return hands.reduce((sum, frame) => sum + frame.probabilities[digit], 0) / hands.length;
  }

  function stopCountdown() { if (countdown) { clearInterval(countdown.timer); countdown = null; } }

  function startCountdown(then) {
    stopCountdown();
    let left = idleSeconds;
    const tick = () => {
      if (left <= 0) { stopCountdown(); then(); return; }
      stageHint.textContent = mode === "photo" ? `Ready for the next photo in ${left} s` : `Back to live in ${left} s`;
      stageHint.hidden = false;
      left -= 1;
    };
    countdown = { timer: setInterval(tick, 1000) };
    tick();
  }

  async function send(blob, name, fields = {}) {
    inFlight = true;
    const stats = window.kioskStats;
    stats.inFlightNow += 1;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlightNow);
    const started = performance.now();
    try {
      return await AslDigits.recognise(blob, name, resultUrl, fields);
    } finally {
      stats.inFlightNow -= 1;
      stats.latenciesMs.push(performance.now() - started);
      inFlight = false;
    }
  }

  function grab(maxSide) {
    const scale = Math.min(1, maxSide / Math.max(video.videoWidth, video.videoHeight));
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
    return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
  }

  async function liveFrame() {
    if (mode !== "live" || inFlight || !video.videoWidth) return;
    const blob = await grab(480);
    if (!blob || mode !== "live") return;
    window.kioskStats.frames += 1;
    try {
      // A live frame, numbered: the quick search, which sweeps one region a frame for a hand it missed.
      const frame = String(frameNumber++);
      const { fragment, card } = await send(blob, "frame.jpg", { track, live: "1", frame });
      if (mode !== "live") return;
      track = card.dataset.track || "";
      if (card.dataset.followed === "true") window.kioskStats.followed += 1;
      const key = steadyKey(card);
      const own = keyOf(card);
      candidate = key === candidate.key ? { key, count: candidate.count + 1 } : { key, count: 1 };
      window.kioskStats.own.push(own);
      drawHand(card, canvas.width, canvas.height, true);
      // Show a frame's own answer only when it is the steady one: the digit and banner change only when the
      // average does; while it holds, the card follows the frames with the steadied percentage.
      if (candidate.count >= STEADY_FRAMES && own === key) {
        const changed = key !== shownKey;
        shownKey = key;
        if (changed) { show(fragment); window.kioskStats.shown.push(key); } else updateBars(card);
        const sure = answer.querySelector("#confidence");
        const mean = key !== "none" && !key.endsWith("?") ? steadyConfidence(Number(card.dataset.digit)) : null;
        if (sure && mean !== null) sure.textContent = `${Math.round(mean * 100)}% sure`;
        if (changed) { statusLine.textContent = card.dataset.message; announce(key); } // spoken only on a change
      }
    } catch (error) {
      track = "";
      if (statusLine.textContent !== error.message) statusLine.textContent = error.message;
    }
  }

  // The answer the last frames agree on: "none", or a digit with "?" when unsure (with hysteresis).
  function steadyKey(card) {
    recent.push({
      noHand: card.dataset.noHand === "true",
      unsure: card.dataset.unsure === "true",
      probabilities: (card.dataset.probabilities || "").split(",").filter(Boolean).map(Number),
    });
    if (recent.length > SMOOTH_FRAMES) recent.shift();
    const hands = recent.filter((frame) => !frame.noHand && frame.probabilities.length);
    if (hands.length * 2 <= recent.length) return "none";
    const mean = hands[0].probabilities.map((_, digit) => hands.reduce((sum, frame) => sum + frame.probabilities[digit], 0) / hands.length);
    const digit = mean.indexOf(Math.max(...mean));
    const flaggedShare = hands.filter((frame) => frame.unsure).length / hands.length;
    if (unsureState && flaggedShare <= BANNER_OFF_SHARE) unsureState = false;
    else if (!unsureState && flaggedShare >= BANNER_ON_SHARE) unsureState = true;
    return String(digit) + (unsureState ? "?" : "");
  }

  function loop() {
    liveFrame().finally(() => setTimeout(loop, FRAME_GAP_MS));
  }

  function goLive() {
    stopCountdown();
    mode = "live";
    track = "";
    recent.length = 0;
    shownKey = null;
    root.dataset.shown = "";
    candidate = { key: null, count: 0 };
    cameraHelp.hidden = true;
    still.hidden = true;
    still.classList.remove("frozen");
    video.hidden = false;
    guide.hidden = false;
    handBox.hidden = true;
    stageHint.hidden = true;
    freezeButton.hidden = false;
    resumeButton.hidden = true;
    statusLine.textContent = "Live: sign a digit inside the square.";
  }

  // Freeze what the kiosk shows: the frame as the stage showed it (cropped, mirrored, no guide), the
  // steadied answer of the last frames and the hand square found last; nothing new is asked of the server.
  async function freeze() {
    if (mode !== "live" || !video.videoWidth) return;
    mode = "frozen";
    const blob = await grab(960);
    if (stillUrl) URL.revokeObjectURL(stillUrl);
    stillUrl = URL.createObjectURL(blob);
    still.src = stillUrl;
    still.alt = "The frozen frame";
    still.classList.add("mirrored", "frozen"); // as the live view showed it
    still.hidden = false;
    video.hidden = true;
    guide.hidden = true;
    freezeButton.hidden = true;
    resumeButton.hidden = false;
    const card = answer.querySelector(".result-card");
    statusLine.textContent = card ? `Frozen: ${card.dataset.message}` : "Frozen: no answer yet.";
    startCountdown(goLive);
  }

  async function recognisePhoto(file) {
    const problem = AslDigits.problemWith(file, maxMb);
    if (problem) { statusLine.textContent = problem; return; }
    stopCountdown();
    mode = "photo";
    if (stillUrl) URL.revokeObjectURL(stillUrl);
    stillUrl = URL.createObjectURL(file);
    still.onerror = () => { still.hidden = true; };
    still.classList.remove("mirrored", "frozen");
    handBox.hidden = true;
    still.src = stillUrl;
    still.alt = "The chosen photo";
    still.hidden = false;
    stageHint.hidden = true;
    statusLine.textContent = "Recognising…";
    try {
      const { fragment, card } = await send(file, file.name);
      show(fragment);
      statusLine.textContent = card.dataset.message;
      announce(keyOf(card));
    } catch (error) {
      answer.replaceChildren();
      statusLine.textContent = error.message;
    }
  }

  // Without a camera: say why and how to allow one, offer to try again, and take photos meanwhile.
  function withoutCamera(reason, howTo) {
    mode = "photo";
    video.hidden = true;
    guide.hidden = true;
    if (still.hidden && root.dataset.example) { // never an empty box: an example sign until a photo is chosen
      still.classList.remove("mirrored");
      still.src = root.dataset.example;
      still.alt = "An example: a hand signing 5";
      still.hidden = false;
    }
    freezeButton.hidden = true;
    choose.hidden = false;
    stageHint.textContent = "Choose a photo of one hand signing a digit.";
    stageHint.hidden = false;
    statusLine.textContent = ""; // the reason is said once, in the help below
    cameraWhy.textContent = reason;
    cameraHow.hidden = !howTo;
    cameraHelp.hidden = false;
  }

  async function startCamera() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      withoutCamera(window.isSecureContext ? "This browser offers no camera to web pages." : "The camera works only on a secure (https) address.", false);
      return;
    }
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 }, facingMode: "user" }, audio: false });
      video.srcObject = stream;
      if (!video.videoWidth) await new Promise((resolve) => video.addEventListener("loadedmetadata", resolve, { once: true }));
      await video.play().catch(() => {});
      goLive();
      loop();
    } catch (error) {
      const name = error && error.name;
      if (name === "NotAllowedError" || name === "SecurityError") withoutCamera("The camera is blocked for this page.", true);
      else if (name === "NotFoundError" || name === "OverconstrainedError") withoutCamera("No camera was found on this device.", false);
      else if (name === "NotReadableError") withoutCamera("The camera is in use by another app.", false);
      else withoutCamera("The camera could not be started.", false);
    }
  }

  retryButton.addEventListener("click", () => { cameraHelp.hidden = true; statusLine.textContent = "Starting the camera…"; startCamera(); });
  freezeButton.addEventListener("click", freeze);
  resumeButton.addEventListener("click", goLive);
  stage.addEventListener("click", () => { if (mode === "live") freeze(); else if (mode === "frozen") goLive(); });
  document.addEventListener("keydown", (event) => {
    if (event.code !== "Space" || event.repeat || ["INPUT", "BUTTON", "A"].includes(event.target.tagName)) return;
    event.preventDefault();
    if (mode === "live") freeze(); else if (mode === "frozen") goLive();
  });
  chooseInput.addEventListener("change", () => {
    if (chooseInput.files[0]) recognisePhoto(chooseInput.files[0]);
    chooseInput.value = "";
  });
  if (document.fullscreenEnabled) {
    fullscreenButton.hidden = false;
    fullscreenButton.addEventListener("click", () => {
      if (document.fullscreenElement) document.exitFullscreen(); else document.documentElement.requestFullscreen().catch(() => {});
    });
    document.addEventListener("fullscreenchange", () => {
      fullscreenButton.textContent = document.fullscreenElement ? "Leave full screen" : "Full screen";
    });
  }
  startCamera();
})();
