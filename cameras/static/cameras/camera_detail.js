/* A camera's page: show the live frame (fetched through the logged, grant-checked endpoint) and drop it
   the moment access ends: when the owning agency revokes the grant (a "grant.changed" event on the live
   socket, through the shared client opsroom/live.js), when the grant's window closes (a timer), or when
   the server refuses the next frame. */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("camera-live-config").textContent);
  const image = document.getElementById("live-frame");
  const message = document.getElementById("frame-message");
  const refreshButton = document.getElementById("frame-refresh");
  const autoBox = document.getElementById("frame-auto");
  const AUTO_MS = 10000;
  const MAX_TIMER_MS = 2147483647;

  let ended = false;
  let objectUrl = null;
  let autoTimer = null;
  let live = null;
  let away = false; // the socket dropped: events may have been missed

  function say(text, isEnd) {
    message.textContent = text;
    message.hidden = false;
    message.classList.toggle("ended", Boolean(isEnd));
  }

  function endAccess(text) {
    ended = true;
    document.body.dataset.cameraAccess = "ended";
    image.hidden = true;
    image.removeAttribute("src");
    if (objectUrl) {
      URL.revokeObjectURL(objectUrl);
      objectUrl = null;
    }
    if (autoTimer) {
      clearInterval(autoTimer);
    }
    if (live) {
      live.close();
    }
    document.querySelectorAll("[data-needs-access]").forEach(function (element) { element.remove(); });
    say(text, true);
  }

  async function refresh() {
    if (ended) {
      return;
    }
    let response;
    try {
      response = await fetch(config.frameUrl, { credentials: "same-origin", cache: "no-store" });
    } catch (error) {
      say(gettext("The server could not be reached."), false);
      return;
    }
    if (ended) {
      return;
    }
    if (response.status === 403 || response.status === 404) {
      endAccess(await response.text());
      return;
    }
    if (!response.ok) {
      say(await response.text(), false);
      return;
    }
    const blob = await response.blob();
    if (ended) {
      return;
    }
    const previous = objectUrl;
    objectUrl = URL.createObjectURL(blob);
    image.src = objectUrl;
    image.hidden = false;
    message.hidden = true;
    if (previous) {
      URL.revokeObjectURL(previous);
    }
  }

  function watchExpiry() {
    if (!config.accessUntil) {
      return;
    }
    const left = new Date(config.accessUntil).getTime() - Date.now();
    if (left <= 0) {
      endAccess(gettext("The access grant for this camera has expired."));
      return;
    }
    // Timers cap at about 24 days: wait in steps until the grant's end.
    setTimeout(watchExpiry, Math.min(left, MAX_TIMER_MS));
  }

  function onState(name) {
    if (name === "reconnecting" || name === "signed-out" || name === "no-scope") {
      document.body.dataset.live = "closed";
      away = true;
    }
  }

  function onReady() {
    // Listening now: anything decided before this moment is in the next frame's answer.
    document.body.dataset.live = "ready";
    if (away) {
      // Events may have been missed while away: ask the server again.
      away = false;
      refresh();
    }
  }

  function onEvent(event) {
    if (event.kind === "camera.deleted" && event.payload && event.payload.id === config.cameraId) {
      endAccess(gettext("This camera was removed from the registry."));
      return;
    }
    if (event.kind !== "grant.changed" || !event.payload) {
      return;
    }
    const ids = event.payload.camera_ids || [];
    if (ids.indexOf(config.cameraId) === -1) {
      return;
    }
    if (event.payload.status === "revoked") {
      endAccess(gettext("The owning agency revoked access to this camera."));
    } else {
      // Another grant may still cover this camera, or the owner marked it as looking into a
      // private area (its approved grants are announced again): the next frame tells.
      refresh();
    }
  }

  refreshButton.addEventListener("click", refresh);
  autoBox.addEventListener("change", function () {
    if (autoTimer) {
      clearInterval(autoTimer);
      autoTimer = null;
    }
    if (autoBox.checked) {
      autoTimer = setInterval(refresh, AUTO_MS);
    }
  });
  document.body.dataset.cameraAccess = "open";
  refresh();
  live = OpsroomLive.connect({
    path: config.socketPath, onState: onState, onReady: onReady, onEvent: onEvent, onResync: refresh,
  });
  watchExpiry();
})();
