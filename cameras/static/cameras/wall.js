/* The camera wall: tiles of the cameras the user may open, each with its status and its latest frame.
   Tiles come from tiles.json (the database, scoped by visible_to). The live socket then tells of
   status changes ("camera.status": the badge changes in place) and of grants ("grant.changed": a
   revoked or expired grant removes its cameras at once, then the tiles are read again). A gap in
   the stream, a reconnect or a changed scope also reads the tiles again: the socket only notifies
   (through the shared client, opsroom/live.js).
   Frames refresh every ~10 s; a camera that is not online shows its latest stored snapshot. */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("wall-config").textContent);
  const grid = document.getElementById("wall-grid");
  const countEl = document.getElementById("wall-count");
  const emptyEl = document.getElementById("wall-empty");
  const liveEl = document.getElementById("wall-live");

  const state = {
    tiles: new Map(), // camera id -> {tile, element}
    live: null,
    loading: null,
    loadAgain: false,
    heard: 0, // events applied so far: one heard during a read makes that read stale
  };
  // A read overtaken by events is read again, up to this many times in a row; then it is drawn.
  const STALE_READS_MAX = 3;

  function statusLabel(status) {
    return config.statusLabels[status] || status;
  }

  function showFrame(entry) {
    // An online camera: a fresh frame through the logged, grant-checked view. Otherwise its last snapshot.
    const tile = entry.tile;
    entry.snapshotShown = tile.status !== "online" && Boolean(tile.snapshot);
    entry.img.src = entry.snapshotShown
      ? config.snapshotThumbUrl.replace("{camera}", String(tile.id)).replace("{id}", String(tile.snapshot))
      : config.frameUrl.replace("{id}", String(tile.id)) + "?t=" + Date.now();
  }

  function makeTile(tile) {
    const element = document.createElement("article");
    element.className = "tile";
    element.dataset.cameraId = String(tile.id);
    const frame = document.createElement("div");
    frame.className = "frame";
    const img = document.createElement("img");
    img.alt = tile.name;
    img.loading = "lazy";
    img.decoding = "async";
    const stale = document.createElement("span");
    stale.className = "stale";
    stale.hidden = true;
    frame.append(img, stale);
    const entry = { tile: tile, element: element, img: img, badge: null, snapshotShown: false };
    img.addEventListener("error", function () {
      img.style.visibility = "hidden";
      stale.hidden = false;
      stale.textContent = gettext("No frame");
    });
    img.addEventListener("load", function () {
      img.style.visibility = "visible";
      stale.hidden = !entry.snapshotShown;
      stale.textContent = gettext("Latest snapshot");
    });
    const caption = document.createElement("div");
    caption.className = "caption";
    const name = document.createElement("a");
    name.className = "name";
    name.href = config.cameraUrl.replace("{id}", String(tile.id));
    name.textContent = tile.name;
    const badge = document.createElement("span");
    badge.className = "badge status";
    caption.append(name, badge);
    const site = document.createElement("div");
    site.className = "site";
    site.textContent = [tile.site, tile.covers].filter(Boolean).join(" · ");
    element.append(frame, caption, site);
    entry.badge = badge;
    drawStatus(entry);
    showFrame(entry);
    return entry;
  }

  function drawStatus(entry) {
    entry.element.dataset.status = entry.tile.status;
    entry.badge.className = "badge status st-" + entry.tile.status;
    entry.badge.textContent = statusLabel(entry.tile.status);
  }

  function updateCount() {
    countEl.textContent = String(state.tiles.size);
    emptyEl.hidden = state.tiles.size > 0;
  }

  function removeTile(id) {
    const entry = state.tiles.get(id);
    if (entry) {
      entry.element.remove();
      state.tiles.delete(id);
    }
  }

  async function loadTiles() {
    // One load at a time; a request during a load makes one more afterwards.
    if (state.loading) {
      state.loadAgain = true;
      return state.loading;
    }
    state.loading = (async function () {
      let staleReads = 0;
      do {
        state.loadAgain = false;
        const heardBefore = state.heard;
        const response = await fetch(config.tilesUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
        if (!response.ok) {
          throw new Error("tiles: HTTP " + response.status);
        }
        const data = await response.json();
        if (state.heard !== heardBefore && staleReads < STALE_READS_MAX) {
          // An event came while the server answered: the answer may predate it and would undo it.
          staleReads += 1;
          state.loadAgain = true;
          continue;
        }
        const seen = new Set();
        data.tiles.forEach(function (tile, index) {
          seen.add(tile.id);
          let entry = state.tiles.get(tile.id);
          if (entry) {
            const changed = entry.tile.status !== tile.status;
            entry.tile = tile;
            if (changed) {
              drawStatus(entry);
              showFrame(entry);
            }
          } else {
            entry = makeTile(tile);
            state.tiles.set(tile.id, entry);
          }
          if (grid.children[index] !== entry.element) {
            grid.insertBefore(entry.element, grid.children[index] || null);
          }
        });
        for (const id of [...state.tiles.keys()]) {
          if (!seen.has(id)) {
            removeTile(id);
          }
        }
        updateCount();
      } while (state.loadAgain);
    })();
    try {
      await state.loading;
    } finally {
      state.loading = null;
    }
  }

  function reload() {
    loadTiles().catch(function (error) {
      console.warn("Reading the tiles failed", error);
    });
  }

  function applyEvent(event) {
    state.heard += 1;
    if (event.kind === "camera.status") {
      const entry = state.tiles.get(event.payload.id);
      if (entry) {
        entry.tile.status = event.payload.status;
        drawStatus(entry);
        showFrame(entry);
      }
    } else if (event.kind === "grant.changed") {
      if (event.payload.status !== "approved") {
        // Revoked, expired, withdrawn: those cameras go now; the server then says what remains.
        (event.payload.camera_ids || []).forEach(removeTile);
        updateCount();
      }
      reload();
    } else if (event.kind === "camera.deleted") {
      removeTile(event.payload.id);
      updateCount();
    } else if (event.kind === "camera.changed" || event.kind === "cameras.imported") {
      reload();
    }
  }

  function refreshFrames() {
    if (document.hidden) {
      return;
    }
    state.tiles.forEach(showFrame);
  }

  state.live = OpsroomLive.connect({
    path: config.socketPath,
    load: loadTiles,
    onState: function (name) { OpsroomLive.showState(liveEl, name); },
    onReady: reload, // anything between the first load and the subscription
    onEvent: applyEvent,
    onGap: function (event) {
      // Reading the tiles again covers what was missed, up to this event at least.
      state.live.advance(event.seq);
      reload();
    },
    onResync: reload,
  });
  window.setInterval(refreshFrames, config.refreshMs);
})();
