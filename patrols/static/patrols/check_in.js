/* Check-in at shift start: the phone's location, a key made here once per check-in (so a retry is
   stored once), and the server's verdict. Without a connection the check-in waits in localStorage
   and is sent again when the phone is back online, or the next time this page opens. */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("check-in-config").textContent);
  const button = document.getElementById("check-in-button");
  const result = document.getElementById("check-in-result");
  const QUEUE_KEY = "opsroom.checkins.pending";
  const RETRY_MS = 30000;

  function show(kind, text) {
    result.hidden = false;
    result.className = "checkin-result " + kind;
    result.textContent = text;
  }

  function newKey() {
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function csrfToken() {
    const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
    return cookie ? decodeURIComponent(cookie.split("=")[1]) : "";
  }

  function pending() {
    try {
      return JSON.parse(window.localStorage.getItem(QUEUE_KEY) || "[]");
    } catch (error) {
      return [];
    }
  }

  function savePending(items) {
    window.localStorage.setItem(QUEUE_KEY, JSON.stringify(items));
  }

  function forget(key) {
    savePending(pending().filter((item) => item.body.idempotency_key !== key));
  }

  function verdict(answer) {
    if (answer.accepted) {
      show("accepted", interpolate(gettext("Checked in at %s. Have a safe shift."), [answer.checked_at]));
    } else {
      show("refused", interpolate(gettext("Refused: %s"), [answer.reason]));
    }
  }

  // Sends one queued check-in; true when the server answered (accepted, refused or invalid).
  async function send(item) {
    let response;
    try {
      response = await fetch(item.url, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify(item.body),
      });
    } catch (error) {
      return false;
    }
    if (response.status >= 500) {
      return false;
    }
    const answer = await response.json().catch(() => ({}));
    forget(item.body.idempotency_key);
    if (response.ok) {
      if (item.url === config.submitUrl) {
        verdict(answer);
      }
    } else if (item.url === config.submitUrl) {
      const errors = Object.values(answer.errors || {}).flat();
      show("refused", errors.join(" ") || interpolate(gettext("Not accepted (HTTP %s)."), [response.status]));
    }
    return true;
  }

  async function flush() {
    let waiting = false;
    for (const item of pending()) {
      if (!(await send(item))) {
        waiting = true;
      }
    }
    if (waiting) {
      window.setTimeout(flush, RETRY_MS);
    }
    return !waiting;
  }

  async function checkIn(position) {
    const item = {
      url: config.submitUrl,
      body: {
        latitude: position.coords.latitude, longitude: position.coords.longitude,
        accuracy_m: position.coords.accuracy, idempotency_key: newKey(),
      },
    };
    // Queued first: if the page closes or the network drops mid-send, the check-in is not lost.
    savePending([...pending(), item]);
    show("waiting", gettext("Sending…"));
    if (!(await send(item))) {
      show("waiting", gettext("No connection: the check-in is saved on this phone and will be sent when you are back online."));
      window.setTimeout(flush, RETRY_MS);
    }
    button.disabled = false;
  }

  function locationError(error) {
    button.disabled = false;
    const reasons = {
      1: gettext("Location is blocked for this site. Allow location for this page in the browser's settings and try again."),
      2: gettext("Your phone could not find its location. Move to open sky and try again."),
      3: gettext("Finding your location took too long. Try again."),
    };
    show("refused", reasons[error.code] || gettext("Your location is not available."));
  }

  button.addEventListener("click", function () {
    if (!("geolocation" in navigator)) {
      show("refused", gettext("This browser cannot tell your location."));
      return;
    }
    button.disabled = true;
    show("waiting", gettext("Finding your location…"));
    navigator.geolocation.getCurrentPosition(checkIn, locationError,
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 });
  });

  window.addEventListener("online", flush);
  if (pending().length) {
    flush();
  }
})();
