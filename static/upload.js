// Upload page: preview, checks before sending, drag and drop, paste, camera on phones, in-page results.
"use strict";
(() => {
  const root = document.getElementById("upload-page");
  const form = document.getElementById("upload-form");
  const input = document.getElementById("image");
  const cameraInput = document.getElementById("camera-input");
  const preview = document.getElementById("preview");
  const status = document.getElementById("status");
  const errors = document.getElementById("errors");
  const resultBox = document.getElementById("result");
  const submit = document.getElementById("submit");
  const clear = document.getElementById("clear");
  const progress = document.getElementById("upload-progress");
  const resultUrl = root.dataset.resultUrl;
  const maxMb = Number(root.dataset.maxUploadMb) || 10;
  let previewUrl = null;
  let chosen = null;

  function showError(message) {
    errors.replaceChildren();
    const box = document.createElement("section");
    box.className = "error";
    box.id = "error";
    box.setAttribute("role", "alert");
    box.textContent = message;
    errors.append(box);
    status.textContent = "";
  }

  function resetPreview() {
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = null;
    preview.hidden = true;
    preview.removeAttribute("src");
  }

  // Keep ``file`` as the one to send; show it only once the browser could draw it (no broken previews).
  // A photo over the size limit is not refused here: the browser shrinks it before sending.
  function choose(file) {
    errors.replaceChildren();
    resetPreview();
    chosen = null;
    const problem = AslDigits.problemWith(file, 0);
    if (problem) { showError(problem); return false; }
    chosen = file;
    previewUrl = URL.createObjectURL(file);
    preview.onload = () => { preview.hidden = false; };
    preview.onerror = () => { resetPreview(); };
    preview.alt = `Preview of ${file.name || "your photo"}`;
    preview.src = previewUrl;
    clear.hidden = false;
    return true;
  }

  async function recognise(file) {
    if (!file) { showError("Choose a photo first."); return; }
    errors.replaceChildren();
    status.textContent = "Recognising…";
    submit.disabled = true;
    try {
      const sent = await AslDigits.shrink(file);
      const problem = AslDigits.problemWith(sent, maxMb);
      if (problem) throw new Error(problem);
      const { fragment, card } = await AslDigits.recognise(sent, file.name, resultUrl, {}, (share) => {
        progress.hidden = false;
        progress.value = share;
        status.textContent = share < 1 ? `Sending the photo… ${Math.round(share * 100)}%` : "Recognising…";
      });
      resultBox.replaceChildren(fragment);
      resetPreview(); // one photo on screen: the result shows it with the square the model read
      status.textContent = card.dataset.message;
      const heading = document.getElementById("result-heading");
      card.scrollIntoView({ behavior: "smooth", block: "start" });
      heading.focus({ preventScroll: true });
      const another = document.getElementById("try-another");
      if (another) another.addEventListener("click", tryAnother);
      submit.hidden = true; // the answer is there: choosing another photo recognises it at once
    } catch (error) {
      resultBox.replaceChildren();
      showError(error.message);
      submit.textContent = "Try again";
      submit.hidden = false;
    } finally {
      submit.disabled = false;
      progress.hidden = true;
    }
  }

  function take(file) {
    if (!file) return;
    if (choose(file)) recognise(file);
  }

  // "Try another photo" at the answer: back to the form, the picker opened (a tap is a user gesture).
  function tryAnother(event) {
    event.preventDefault();
    form.scrollIntoView({ behavior: "smooth", block: "start" });
    input.focus({ preventScroll: true });
    input.click();
  }

  // Choosing a file recognises it at once, like dropping, pasting, the camera and the examples, so the
  // "Recognise" button (for pages without JavaScript) only shows to try again after a failure.
  submit.hidden = true;
  input.addEventListener("change", () => { if (input.files[0]) take(input.files[0]); });
  // A correction is sent in the page; the form works without JavaScript too.
  resultBox.addEventListener("submit", async (event) => {
    const feedbackForm = event.target.closest(".feedback-form");
    if (!feedbackForm) return;
    event.preventDefault();
    let html;
    try {
      const response = await fetch(feedbackForm.action, { method: "POST", body: new FormData(feedbackForm), headers: { "X-Requested-With": "fetch" } });
      html = await response.text();
    } catch (_) {
      html = "";
    }
    const holder = document.createElement("template");
    holder.innerHTML = html; // server-rendered, escaped by Jinja
    const answer = holder.content.firstElementChild;
    if (answer) feedbackForm.replaceWith(answer); else showError("The correction could not be sent. Check the connection and try again.");
  });
  cameraInput.addEventListener("change", () => { take(cameraInput.files[0]); cameraInput.value = ""; });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    recognise(chosen || input.files[0]);
  });
  clear.addEventListener("click", () => {
    form.reset();
    resetPreview();
    chosen = null;
    errors.replaceChildren();
    resultBox.replaceChildren();
    status.textContent = "";
    clear.hidden = true;
    input.focus();
  });
  ["dragenter", "dragover"].forEach((type) => form.addEventListener(type, (event) => {
    event.preventDefault();
    form.classList.add("dragging");
  }));
  ["dragleave", "drop"].forEach((type) => form.addEventListener(type, () => form.classList.remove("dragging")));
  form.addEventListener("drop", (event) => {
    event.preventDefault();
    const files = [...event.dataTransfer.files];
    take(files.find((f) => f.type.startsWith("image/")) || files[0]);
  });
  document.addEventListener("paste", (event) => {
    const item = [...((event.clipboardData || {}).items || [])].find((i) => i.type.startsWith("image/"));
    const file = item && item.getAsFile();
    if (file) take(new File([file], file.name || "pasted.png", { type: file.type }));
  });
  document.querySelectorAll("a.example").forEach((link) => link.addEventListener("click", async (event) => {
    event.preventDefault();
    try {
      const response = await fetch(link.dataset.example);
      const blob = await response.blob();
      take(new File([blob], link.dataset.example.split("/").pop(), { type: blob.type || "image/jpeg" }));
    } catch (_) {
      showError("The example could not be loaded. Check the connection and try again.");
    }
  }));
})();
