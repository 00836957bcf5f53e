// Shared by the upload page and the kiosk: check a file, send it, and show the server-rendered result.
"use strict";
window.AslDigits = {
  // The formats the server decodes, as the page was given them (data-accepted on the page's root).
  accepted() {
    const root = document.querySelector("[data-accepted]");
    return {
      types: root ? root.dataset.accepted.split(",") : ["image/jpeg", "image/png"],
      names: (root && root.dataset.acceptedNames) || "JPEG or PNG",
    };
  },

  // Return why ``file`` cannot be sent (same limits as the server), or null when it may be.
  problemWith(file, maxMb) {
    if (!file) return "No file was chosen.";
    if (file.size === 0) return "The file is empty.";
    const accepted = this.accepted();
    if (file.type && !accepted.types.includes(file.type)) {
      const kind = file.type.startsWith("image/") ? file.type.slice(6).toUpperCase().replace("SVG+XML", "SVG") : "This kind of file";
      return `${kind} files are not accepted; please choose a ${accepted.names} photo.`;
    }
    if (maxMb && file.size > maxMb * 1024 * 1024) {
      return `The file is ${(file.size / 1048576).toFixed(1)} MB; the limit is ${maxMb} MB.`;
    }
    return null;
  },

  // POST ``blob`` as field "image" to ``url``; resolve to {ok, html, card} where card is the result element.
  async recognise(blob, filename, url) {
    const body = new FormData();
    body.append("image", blob, filename || "photo.jpg");
    let response;
    try {
      response = await fetch(url, { method: "POST", body, headers: { Accept: "text/html" } });
    } catch (networkError) {
      throw new Error("The server cannot be reached. Check the connection and try again.");
    }
    const html = await response.text();
    const holder = document.createElement("template");
    holder.innerHTML = html; // server-rendered, escaped by Jinja
    const card = holder.content.querySelector(".result-card");
    if (!response.ok || !card) {
      const error = holder.content.querySelector(".error");
      throw new Error((error && error.textContent.trim()) || `The server answered ${response.status}.`);
    }
    return { fragment: holder.content, card };
  },
};
