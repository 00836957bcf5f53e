// API page: a copy button above every example (the examples already name this server's address).
"use strict";
(() => {
  if (!navigator.clipboard) return;
  document.querySelectorAll("pre").forEach((block, index) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary copy-button";
    button.textContent = "Copy";
    button.setAttribute("aria-label", `Copy example ${index + 1}`);
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(block.textContent);
        button.textContent = "Copied";
      } catch (_) {
        button.textContent = "Select the text to copy";
      }
      setTimeout(() => { button.textContent = "Copy"; }, 2000);
    });
    block.before(button);
  });
})();
