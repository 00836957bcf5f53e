// Progressive enhancement of the upload form: preview, drag and drop, paste, and in-page results.
"use strict";
(() => {
  const form = document.getElementById("upload-form");
  const input = document.getElementById("image");
  const preview = document.getElementById("preview");
  const status = document.getElementById("status");
  const resultBox = document.getElementById("result");
  const submit = document.getElementById("submit");
  let previewUrl = null;

  function setFile(file) {
    const transfer = new DataTransfer();
    transfer.items.add(file);
    input.files = transfer.files;
    showPreview(file);
  }

  function showPreview(file) {
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = URL.createObjectURL(file);
    preview.src = previewUrl;
    preview.hidden = false;
    preview.alt = `preview of ${file.name}`;
  }

  function clearError() {
    const old = document.getElementById("error");
    if (old) old.remove();
  }

  function showError(message) {
    clearError();
    const box = document.createElement("section");
    box.className = "error";
    box.id = "error";
    box.setAttribute("role", "alert");
    box.textContent = message;
    status.after(box);
  }

  function render(result, imageUrl) {
    resultBox.replaceChildren();
    const figure = document.createElement("figure");
    const img = document.createElement("img");
    img.className = "seen";
    img.alt = "your photo";
    img.src = imageUrl;
    figure.append(img);
    const text = document.createElement("div");
    const line = document.createElement("p");
    line.className = "digit-line";
    line.append("Digit ");
    const digit = document.createElement("span");
    digit.className = "digit";
    digit.id = "digit";
    digit.textContent = String(result.digit);
    line.append(digit);
    const confidence = document.createElement("p");
    confidence.className = "confidence";
    confidence.id = "confidence";
    confidence.textContent = `${AslDigits.percent(result.confidence)} confident`;
    text.append(line, confidence);
    if (result.unsure) {
      const unsure = document.createElement("p");
      unsure.className = "unsure";
      unsure.id = "unsure";
      unsure.textContent = "The model is unsure. Try a photo with the whole hand in view, against a plain background, in good light.";
      text.append(unsure);
    }
    const bars = document.createElement("ol");
    bars.className = "bars";
    bars.setAttribute("aria-label", "probability of each digit");
    result.probabilities.forEach((p, index) => {
      const item = document.createElement("li");
      if (index === result.digit) item.className = "top";
      const label = document.createElement("span");
      label.className = "bar-label";
      label.textContent = String(index);
      const meter = document.createElement("meter");
      meter.min = 0; meter.max = 1; meter.value = p;
      const value = document.createElement("span");
      value.className = "bar-value";
      value.textContent = AslDigits.percent(p);
      item.append(label, meter, value);
      bars.append(item);
    });
    text.append(bars);
    resultBox.append(figure, text);
    resultBox.hidden = false;
  }

  async function classify(file) {
    clearError();
    status.textContent = "Recognising…";
    submit.disabled = true;
    try {
      const result = await AslDigits.predict(file, file.name);
      render(result, URL.createObjectURL(file));
      status.textContent = "";
    } catch (error) {
      resultBox.hidden = true;
      status.textContent = "";
      showError(error.message);
    } finally {
      submit.disabled = false;
    }
  }

  input.addEventListener("change", () => { if (input.files[0]) showPreview(input.files[0]); });
  form.addEventListener("submit", (event) => {
    if (!input.files[0]) return;
    event.preventDefault();
    classify(input.files[0]);
  });
  ["dragenter", "dragover"].forEach((type) => form.addEventListener(type, (event) => {
    event.preventDefault();
    form.classList.add("dragging");
  }));
  ["dragleave", "drop"].forEach((type) => form.addEventListener(type, () => form.classList.remove("dragging")));
  form.addEventListener("drop", (event) => {
    event.preventDefault();
    const file = [...event.dataTransfer.files].find((f) => f.type.startsWith("image/")) || event.dataTransfer.files[0];
    if (file) { setFile(file); classify(file); }
  });
  document.addEventListener("paste", (event) => {
    const item = [...(event.clipboardData || {}).items || []].find((i) => i.type.startsWith("image/"));
    if (!item) return;
    const file = item.getAsFile();
    if (file) { setFile(new File([file], file.name || "pasted.png", { type: file.type })); classify(file); }
  });
  document.querySelectorAll("a.example").forEach((link) => link.addEventListener("click", async (event) => {
    event.preventDefault();
    const response = await fetch(link.dataset.example);
    const blob = await response.blob();
    const file = new File([blob], link.dataset.example.split("/").pop(), { type: blob.type || "image/jpeg" });
    setFile(file);
    classify(file);
  }));
})();
