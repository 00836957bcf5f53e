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
      const kind = file.type.startsWith("image/") ? `${file.type.slice(6).toUpperCase().replace("SVG+XML", "SVG")} files are` : "This kind of file is";
      return `${kind} not accepted; please choose a ${accepted.names} photo.`;
    }
    if (maxMb && file.size > maxMb * 1024 * 1024) {
      return `The file is ${(file.size / 1048576).toFixed(1)} MB; the limit is ${maxMb} MB.`;
    }
    return null;
  },

  // Return ``file`` shrunk in the browser when it is bigger than the server needs (long side over
  // ``maxSide`` or over ``maxBytes``), upright as the photo's EXIF says; the file itself otherwise, or
  // when the browser cannot draw it (HEIC in most browsers: the server decodes those).
  async shrink(file, maxSide = 2048, maxBytes = 2 * 1024 * 1024) {
    if (!window.createImageBitmap || !file.type || file.type === "image/gif") return file;
    let bitmap;
    try {
      bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
    } catch (_) {
      return file;
    }
    const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
    if (scale === 1 && file.size <= maxBytes) { bitmap.close(); return file; }
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.9));
    if (!blob) return file;
    return new File([blob], (file.name || "photo").replace(/\.[^.]*$/, "") + ".jpg", { type: "image/jpeg" });
  },

  // POST ``body`` to ``url`` reporting the share sent to ``onProgress`` (fetch cannot); resolve like fetch.
  sendWithProgress(url, body, onProgress) {
    return new Promise((resolve, reject) => {
      const request = new XMLHttpRequest();
      request.open("POST", url);
      request.setRequestHeader("Accept", "text/html");
      request.upload.onprogress = (event) => { if (event.lengthComputable) onProgress(event.loaded / event.total); };
      request.onload = () => resolve({
        ok: request.status >= 200 && request.status < 300,
        status: request.status,
        text: async () => request.responseText,
      });
      request.onerror = () => reject(new Error("network"));
      request.send(body);
    });
  },

  // POST ``blob`` as field "image" to ``url``; resolve to {fragment, card} where card is the result element.
  // Photos over 1 MB report how much was sent to ``onProgress`` (a share from 0 to 1), when given.
  async recognise(blob, filename, url, fields = {}, onProgress = null) {
    const body = new FormData();
    body.append("image", blob, filename || "photo.jpg");
    for (const [name, value] of Object.entries(fields)) if (value) body.append(name, value);
    let response;
    try {
      response = onProgress && blob.size > 1024 * 1024
        ? await this.sendWithProgress(url, body, onProgress)
        : await fetch(url, { method: "POST", body, headers: { Accept: "text/html" } });
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
