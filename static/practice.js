// Kiosk practice: ask for one digit at a time with its sign, say "Right" when the kiosk's steady answer
// is that digit (and sure), and count the digits signed and skipped. Driven by kiosk.js's "kiosk:answer".
"use strict";
(() => {
  const root = document.getElementById("kiosk");
  const toggle = document.getElementById("practice");
  const panel = document.getElementById("practice-panel");
  if (!root || !toggle || !panel) return;
  const picture = document.getElementById("practice-sign");
  const digitText = document.getElementById("practice-digit");
  const how = document.getElementById("practice-how");
  const score = document.getElementById("practice-score");
  const next = document.getElementById("practice-next");
  const statusLine = document.getElementById("kiosk-status");
  const signs = JSON.parse(root.dataset.signs || "[]");
  const signsUrl = root.dataset.signsUrl || "";
  const PAUSE_MS = 1500; // after a right sign, the next digit is asked for after this pause
  let state = null; // while practising: { order, target, right, skipped, pause }

  // The ten digits in a random order that does not start with ``except``.
  function shuffled(except) {
    const digits = [...Array(10).keys()];
    for (let i = digits.length - 1; i > 0; i -= 1) {
      const j = Math.floor(Math.random() * (i + 1));
      [digits[i], digits[j]] = [digits[j], digits[i]];
    }
    if (digits[0] === except) digits.push(digits.shift());
    return digits;
  }

  function render() {
    digitText.textContent = String(state.target);
    picture.src = `${signsUrl}digit_${state.target}.jpg`;
    how.textContent = signs[state.target] || "";
    score.textContent = `${state.right} right, ${state.skipped} skipped`;
    window.kioskPractice = { target: state.target, right: state.right, skipped: state.skipped };
  }

  // Ask for the next digit of the round (a new round when this one is done), then check what is shown now.
  function ask() {
    if (!state.order.length) state.order = shuffled(state.target);
    state.target = state.order.shift();
    panel.classList.remove("done");
    render();
    statusLine.textContent = `Practice: sign ${state.target}. ${signs[state.target] || ""}`.trim(); // heard, not only seen
    check(root.dataset.shown || "");
  }

  // Count the shown answer if it is the digit asked for, answered surely.
  function check(key) {
    if (!state || state.pause || key !== String(state.target)) return;
    state.right += 1;
    render();
    panel.classList.add("done");
    statusLine.textContent = `Right, that is ${state.target}. Next digit in a moment.`;
    state.pause = setTimeout(() => { state.pause = null; ask(); }, PAUSE_MS);
  }

  function start() {
    state = { order: shuffled(null), target: null, right: 0, skipped: 0, pause: null };
    panel.hidden = false;
    toggle.setAttribute("aria-pressed", "true");
    ask();
  }

  function stop() {
    if (state && state.pause) clearTimeout(state.pause);
    state = null;
    window.kioskPractice = null;
    panel.hidden = true;
    toggle.setAttribute("aria-pressed", "false");
    statusLine.textContent = "Practice stopped.";
  }

  toggle.addEventListener("click", () => (state ? stop() : start()));
  next.addEventListener("click", () => {
    if (!state) return;
    if (state.pause) { clearTimeout(state.pause); state.pause = null; } else state.skipped += 1;
    ask();
  });
  root.addEventListener("kiosk:answer", (event) => check(event.detail.key));
})();
