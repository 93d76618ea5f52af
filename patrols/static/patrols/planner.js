/* The plan page while a roster is being solved: progress arrives as "roster.progress" events on the
   live socket; a poll of the plan's progress covers a socket that is down or a message that was
   dropped. When the solve ends the page reloads to show the coverage. */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("planner-config").textContent);
  const bar = document.getElementById("plan-progress");
  const label = document.getElementById("plan-progress-label");
  const message = document.getElementById("plan-message");
  const statusEl = document.getElementById("plan-status");
  const cancelForm = document.getElementById("cancel-form");

  const POLL_MS = 3000;
  const RETRY_MAX_MS = 30000;
  const PLAN_EVENTS = ["roster.progress", "roster.finished"];

  let finished = !config.progress.active;
  let socket = null;
  let retryMs = 1000;
  let shown = -1;

  function show(progress) {
    if (progress.id !== config.planId) {
      return;
    }
    const percent = Math.round(Math.max(0, Math.min(1, progress.progress)) * 100);
    if (percent >= shown || !progress.active) {
      shown = percent;
      bar.querySelector(".bar").style.width = percent + "%";
      bar.setAttribute("aria-valuenow", String(percent));
      label.textContent = percent + "%";
    }
    bar.dataset.status = progress.status;
    if (progress.message) {
      message.textContent = progress.message;
    }
    if (progress.status_label) {
      statusEl.textContent = progress.status_label;
    }
    statusEl.className = "status-badge " + progress.status;
    const active = progress.status === "queued" || progress.status === "running";
    if (!active && !finished) {
      finished = true;
      if (socket) {
        socket.close();
      }
      // The coverage, the gaps and the schedules are drawn by the server: show them.
      window.location.reload();
    }
  }

  async function poll() {
    if (finished) {
      return;
    }
    try {
      const response = await fetch(config.progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) {
        show(await response.json());
      }
    } catch (error) {
      console.warn("Progress poll failed; trying again", error);
    }
    if (!finished) {
      window.setTimeout(poll, POLL_MS);
    }
  }

  function connect() {
    if (finished) {
      return;
    }
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + config.socketPath);
    socket.addEventListener("message", function (raw) {
      const event = JSON.parse(raw.data);
      if (PLAN_EVENTS.includes(event.kind) && event.payload) {
        const payload = event.payload;
        show({
          id: payload.id, status: payload.status, progress: payload.progress, message: payload.message,
          active: payload.status === "queued" || payload.status === "running",
        });
      }
    });
    socket.addEventListener("open", function () {
      retryMs = 1000;
    });
    socket.addEventListener("close", function (event) {
      socket = null;
      if (finished || event.code === 4401 || event.code === 4403) {
        return;
      }
      window.setTimeout(connect, retryMs * (0.8 + Math.random() * 0.4));
      retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
    });
  }

  if (cancelForm) {
    cancelForm.addEventListener("submit", function () {
      message.textContent = gettext("Stopping…");
    });
  }

  if (!finished) {
    show(config.progress);
    connect();
    window.setTimeout(poll, POLL_MS);
  }
})();
