// Kiosk: live camera, capture on touch/click/space, big answer, back to live after idle seconds.
"use strict";
(() => {
  const root = document.getElementById("kiosk");
  const video = document.getElementById("camera");
  const canvas = document.getElementById("snapshot");
  const captureButton = document.getElementById("capture");
  const statusLine = document.getElementById("kiosk-status");
  const answer = document.getElementById("answer");
  const digit = document.getElementById("kiosk-digit");
  const confidence = document.getElementById("kiosk-confidence");
  const unsure = document.getElementById("kiosk-unsure");
  const fallback = document.getElementById("fallback");
  const fallbackInput = document.getElementById("fallback-input");
  const idleMs = Math.max(1, Number(root.dataset.idleSeconds) || 8) * 1000;
  let idleTimer = null;
  let busy = false;

  function live(message) {
    answer.hidden = true;
    statusLine.textContent = message || "Sign a digit inside the square, then press Capture.";
  }

  function show(result) {
    digit.textContent = String(result.digit);
    confidence.textContent = `${AslDigits.percent(result.confidence)} confident`;
    unsure.hidden = !result.unsure;
    answer.hidden = false;
    statusLine.textContent = `Back to the camera in ${Math.round(idleMs / 1000)} s — or capture again.`;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => live(), idleMs);
  }

  async function classify(blob, name) {
    if (busy) return;
    busy = true;
    captureButton.disabled = true;
    statusLine.textContent = "Recognising…";
    try {
      show(await AslDigits.predict(blob, name));
    } catch (error) {
      answer.hidden = true;
      statusLine.textContent = error.message;
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => live(), idleMs);
    } finally {
      busy = false;
      captureButton.disabled = !video.srcObject;
    }
  }

  function capture() {
    if (!video.srcObject || !video.videoWidth) return;
    const side = Math.min(video.videoWidth, video.videoHeight);
    const size = Math.min(side, 448);
    canvas.width = size;
    canvas.height = size;
    const context = canvas.getContext("2d");
    context.drawImage(video, (video.videoWidth - side) / 2, (video.videoHeight - side) / 2, side, side, 0, 0, size, size);
    canvas.toBlob((blob) => { if (blob) classify(blob, "kiosk.jpg"); }, "image/jpeg", 0.92);
  }

  function offerFallback(message) {
    fallback.hidden = false;
    captureButton.hidden = true;
    statusLine.textContent = message;
  }

  async function startCamera() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      offerFallback("This browser cannot use a camera here (it needs https or localhost). Choose a photo instead.");
      return;
    }
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 }, facingMode: "user" }, audio: false });
      video.srcObject = stream;
      if (!video.videoWidth) {
        await new Promise((resolve) => video.addEventListener("loadedmetadata", resolve, { once: true }));
      }
      await video.play().catch(() => {});
      captureButton.disabled = false; // only once frames have a size, so capture() can draw them
      live();
    } catch (error) {
      const denied = error && (error.name === "NotAllowedError" || error.name === "SecurityError");
      offerFallback(denied ? "Camera permission was refused. Choose a photo instead." : "No camera was found. Choose a photo instead.");
    }
  }

  captureButton.addEventListener("click", capture);
  document.addEventListener("keydown", (event) => {
    if (event.code === "Space" && !event.repeat && event.target.tagName !== "INPUT") {
      event.preventDefault();
      if (!answer.hidden) { clearTimeout(idleTimer); live(); } else { capture(); }
    }
  });
  answer.addEventListener("click", () => { clearTimeout(idleTimer); live(); });
  fallbackInput.addEventListener("change", () => {
    const file = fallbackInput.files[0];
    if (file) classify(file, file.name);
    fallbackInput.value = "";
  });
  startCamera();
})();
