// API page: the examples name this server as the browser reaches it (unless the operator set a public
// address), and a copy button sits above every example.
"use strict";
(() => {
  if (document.querySelector("main[data-origin-from-browser]") && /^https?:$/.test(location.protocol)) {
    document.querySelectorAll(".origin").forEach((part) => { part.textContent = location.origin; });
  }
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
