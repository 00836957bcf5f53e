// Shared by the upload page and the kiosk: call the API and describe errors in plain words.
"use strict";
window.AslDigits = {
  async predict(blob, filename) {
    const body = new FormData();
    body.append("image", blob, filename || "photo.jpg");
    let response;
    try {
      response = await fetch("/api/predict", { method: "POST", body, headers: { Accept: "application/json" } });
    } catch (networkError) {
      throw new Error("The server cannot be reached. Check the connection and try again.");
    }
    let payload = null;
    try { payload = await response.json(); } catch (_) { /* not JSON */ }
    if (!response.ok) {
      throw new Error((payload && payload.error) || `The server answered ${response.status}.`);
    }
    return payload;
  },
  percent(p) { return `${(p * 100).toFixed(1)}%`; },
};
