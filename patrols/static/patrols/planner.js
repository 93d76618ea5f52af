/* The plan page while a roster is being solved: progress arrives as "roster.progress" events on the
   live socket (through the shared client, opsroom/live.js); a poll of the plan's progress covers a
   socket that is down or a message that was dropped. When the solve ends the page reloads to show the
   coverage. */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("planner-config").textContent);
  const bar = document.getElementById("plan-progress");
  const label = document.getElementById("plan-progress-label");
  const message = document.getElementById("plan-message");
  const statusEl = document.getElementById("plan-status");
  const cancelForm = document.getElementById("cancel-form");

  const POLL_MS = 3000;
  const PLAN_EVENTS = ["roster.progress", "roster.finished"];

  let finished = !config.progress.active;
  let live = null;
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
      if (live) {
        live.close();
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

  function onEvent(event) {
    if (PLAN_EVENTS.includes(event.kind) && event.payload) {
      const payload = event.payload;
      show({
        id: payload.id, status: payload.status, progress: payload.progress, message: payload.message,
        active: payload.status === "queued" || payload.status === "running",
      });
    }
  }

  if (cancelForm) {
    cancelForm.addEventListener("submit", function () {
      message.textContent = gettext("Stopping…");
    });
  }

  if (!finished) {
    live = OpsroomLive.connect({ path: config.socketPath, onEvent: onEvent });
    show(config.progress);
    window.setTimeout(poll, POLL_MS);
  }
})();
