/* The commander map: draw the sites the user may see once, then apply the changes the live socket
   pushes. The socket only notifies: each message names the previous one sent to this user's stream
   ("prev"), and when one is missing, or after a reconnect, the map asks the catch-up endpoint for
   everything since its cursor. The database stays the truth. */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("livemap-config").textContent);
  const statusEl = document.getElementById("live-status");
  const panelEl = document.getElementById("livemap-sites");
  const listEl = document.getElementById("site-list");
  const countEl = document.getElementById("site-count");
  const emptyEl = document.getElementById("site-list-empty");
  const narrowScreen = window.matchMedia("(max-width: 899px)");

  const RETRY_FIRST_MS = 1000;
  const RETRY_MAX_MS = 30000;
  const CLOSE_UNAUTHENTICATED = 4401;
  const CLOSE_NOTHING_TO_SEE = 4403;
  const PRIORITY_CLASSES = ["p1", "p2", "p3", "p4"];

  const state = {
    map: null,
    // Every event up to the cursor that this user may see has been applied.
    cursor: config.cursor,
    // The sites as loaded reflect every event up to this sequence number.
    snapshotSeq: config.cursor,
    sites: new Map(), // site id -> {site, marker, item}
    applied: new Map(), // site id -> seq of the last event applied to it (deletions too)
    socket: null,
    retryMs: RETRY_FIRST_MS,
    catchingUp: false,
    catchUpAgain: false,
    fitted: false,
  };

  function kindLabel(site) {
    return config.kindLabels[site.kind] || site.kind;
  }

  function setStatus(name) {
    const labels = {
      connecting: gettext("Connecting…"),
      live: gettext("Live"),
      reconnecting: gettext("Reconnecting…"),
      "signed-out": gettext("Signed out: reload the page"),
      "no-scope": gettext("Your account has no unit or agency"),
    };
    statusEl.dataset.state = name;
    statusEl.textContent = labels[name];
  }

  async function getJSON(url) {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) {
      throw new Error(url + ": HTTP " + response.status);
    }
    return response.json();
  }

  // Sites ---------------------------------------------------------------------------------------

  function priorityClass(site) {
    return "p" + site.priority;
  }

  function popupContent(site) {
    const box = document.createElement("div");
    box.className = "site-popup";
    const title = document.createElement("a");
    title.href = config.siteUrl.replace("{id}", String(site.id));
    title.textContent = site.name;
    const kind = document.createElement("div");
    kind.textContent = kindLabel(site);
    const priority = document.createElement("div");
    priority.textContent = interpolate(gettext("Priority: %s"), [config.priorityLabels[site.priority] || site.priority]);
    box.append(title, kind, priority);
    return box;
  }

  function makeItem(id) {
    const item = document.createElement("li");
    item.dataset.siteId = String(id);
    const button = document.createElement("button");
    button.type = "button";
    const dot = document.createElement("span");
    dot.className = "dot";
    dot.setAttribute("aria-hidden", "true");
    const name = document.createElement("span");
    name.className = "name";
    const kind = document.createElement("span");
    kind.className = "kind";
    button.append(dot, name, kind);
    button.addEventListener("click", function () {
      const entry = state.sites.get(id);
      if (!entry) {
        return;
      }
      state.map.setView(entry.marker.getLatLng(), Math.max(state.map.getZoom(), 14));
      entry.marker.openPopup();
      if (narrowScreen.matches) {
        panelEl.open = false;
      }
    });
    item.append(button);
    return item;
  }

  function compareSites(a, b) {
    return a.priority - b.priority || a.name.localeCompare(b.name);
  }

  function placeItem(entry) {
    // Most urgent first, then by name; move only the one item that changed.
    for (const other of listEl.children) {
      if (other !== entry.item && compareSites(entry.site, state.sites.get(Number(other.dataset.siteId)).site) < 0) {
        listEl.insertBefore(entry.item, other);
        return;
      }
    }
    listEl.append(entry.item);
  }

  function draw(entry) {
    const site = entry.site;
    const markerEl = entry.marker.getElement();
    markerEl.classList.remove(...PRIORITY_CLASSES);
    markerEl.classList.add(priorityClass(site));
    entry.marker.setPopupContent(popupContent(site));
    entry.marker.setTooltipContent(site.name);
    const item = entry.item;
    item.dataset.priority = String(site.priority);
    item.dataset.lat = String(site.latitude);
    item.dataset.lon = String(site.longitude);
    item.querySelector(".dot").className = "dot " + priorityClass(site);
    item.querySelector(".name").textContent = site.name;
    item.querySelector(".kind").textContent = kindLabel(site);
    item.title = config.priorityLabels[site.priority] || "";
  }

  function isNewer(siteId, seq) {
    // A snapshot site (seq null) always applies; an event only when newer than what the site shows.
    return seq === null || seq > (state.applied.has(siteId) ? state.applied.get(siteId) : state.snapshotSeq);
  }

  function upsertSite(site, seq) {
    if (!isNewer(site.id, seq)) {
      return;
    }
    if (seq !== null) {
      state.applied.set(site.id, seq);
    }
    const latlng = [site.latitude, site.longitude];
    let entry = state.sites.get(site.id);
    const restack = !entry || entry.site.priority !== site.priority;
    if (entry) {
      entry.marker.setLatLng(latlng);
      entry.site = site;
    } else {
      const marker = L.circleMarker(latlng, {
        radius: 9, weight: 2, opacity: 1, fillOpacity: 0.85, className: "site-marker " + priorityClass(site),
      });
      marker.bindPopup("").bindTooltip("").addTo(state.map);
      marker.getElement().dataset.siteId = String(site.id);
      entry = { site: site, marker: marker, item: makeItem(site.id) };
      state.sites.set(site.id, entry);
    }
    draw(entry);
    if (seq !== null) {
      // A pushed change; a snapshot orders its list and markers once, at the end.
      placeItem(entry);
      updateCount();
      if (restack) {
        stackByPriority();
      }
    }
  }

  function stackByPriority() {
    // The most urgent sites are drawn last, so that they are never hidden under the others.
    [...state.sites.values()]
      .sort((a, b) => b.site.priority - a.site.priority)
      .forEach((entry) => entry.marker.bringToFront());
  }

  function removeSite(siteId, seq) {
    if (!isNewer(siteId, seq)) {
      return;
    }
    state.applied.set(siteId, seq);
    const entry = state.sites.get(siteId);
    if (entry) {
      entry.marker.remove();
      entry.item.remove();
      state.sites.delete(siteId);
      updateCount();
    }
  }

  function updateCount() {
    countEl.textContent = String(state.sites.size);
    emptyEl.hidden = state.sites.size > 0;
  }

  async function loadSites(seq) {
    const collection = await getJSON(config.geojsonUrl);
    for (const entry of state.sites.values()) {
      entry.marker.remove();
      entry.item.remove();
    }
    state.sites.clear();
    state.applied.clear();
    state.snapshotSeq = seq;
    state.cursor = seq;
    for (const feature of collection.features) {
      upsertSite(feature.properties, null);
    }
    const ordered = [...state.sites.values()].sort((a, b) => compareSites(a.site, b.site));
    listEl.append(...ordered.map((entry) => entry.item));
    stackByPriority();
    updateCount();
    if (!state.fitted && state.sites.size) {
      const bounds = L.latLngBounds([...state.sites.values()].map((entry) => entry.marker.getLatLng()));
      state.map.fitBounds(bounds, { padding: [48, 48], maxZoom: 14, animate: false });
      state.fitted = true;
    }
  }

  // Events --------------------------------------------------------------------------------------

  function applyEvent(event) {
    if (event.kind === "site.changed") {
      upsertSite(event.payload, event.seq);
    } else if (event.kind === "site.deleted") {
      removeSite(event.payload.id, event.seq);
    }
  }

  async function catchUp() {
    if (state.catchingUp) {
      state.catchUpAgain = true;
      return;
    }
    state.catchingUp = true;
    try {
      let more = true;
      while (more || state.catchUpAgain) {
        state.catchUpAgain = false;
        const page = await getJSON(config.eventsUrl + "?since=" + state.cursor);
        if (page.reset) {
          // What was missed has been pruned: start again from a fresh picture.
          await loadSites(page.cursor);
          more = true;
          continue;
        }
        page.events.forEach(applyEvent);
        state.cursor = Math.max(state.cursor, page.cursor);
        more = page.more;
      }
      if (state.socket && state.socket.readyState === WebSocket.OPEN) {
        setStatus("live");
      }
    } catch (error) {
      console.warn("Catching up failed; trying again", error);
      window.setTimeout(function () {
        if (state.socket && state.socket.readyState === WebSocket.OPEN) {
          catchUp();
        }
      }, RETRY_FIRST_MS * 5);
    } finally {
      state.catchingUp = false;
    }
  }

  async function resync(seq) {
    // What this user may see has changed (moved to another unit): reload, then catch up.
    await loadSites(seq);
    catchUp();
  }

  function onMessage(message) {
    const event = JSON.parse(message.data);
    if (event.kind === "live.ready") {
      // Listening now: whatever happened since the cursor is either in the database or on its way.
      // The status turns live once the catch-up is done.
      state.retryMs = RETRY_FIRST_MS;
      catchUp();
      return;
    }
    if (event.kind === "live.resync") {
      resync(event.seq);
      return;
    }
    applyEvent(event);
    if (event.prev === state.cursor) {
      state.cursor = event.seq;
    } else if (event.seq > state.cursor) {
      catchUp();
    }
  }

  // Socket --------------------------------------------------------------------------------------

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + window.location.host + config.socketPath);
    state.socket = socket;
    socket.addEventListener("message", onMessage);
    socket.addEventListener("close", function (event) {
      state.socket = null;
      if (event.code === CLOSE_UNAUTHENTICATED) {
        setStatus("signed-out");
        return;
      }
      if (event.code === CLOSE_NOTHING_TO_SEE) {
        setStatus("no-scope");
        return;
      }
      setStatus("reconnecting");
      // Exponential back-off with jitter, so a restarted server is not hit by every screen at once.
      const delay = state.retryMs * (0.8 + Math.random() * 0.4);
      state.retryMs = Math.min(state.retryMs * 2, RETRY_MAX_MS);
      window.setTimeout(connect, delay);
    });
  }

  async function start() {
    try {
      await loadSites(state.cursor);
    } catch (error) {
      console.warn("Loading the sites failed; trying again", error);
      setStatus("reconnecting");
      window.setTimeout(start, state.retryMs);
      state.retryMs = Math.min(state.retryMs * 2, RETRY_MAX_MS);
      return;
    }
    state.retryMs = RETRY_FIRST_MS;
    connect();
  }

  window.opsroomLiveMap = function (map) {
    state.map = map;
    if (narrowScreen.matches) {
      panelEl.open = false;
    }
    // Folding the list resizes the map; Leaflet must measure it again.
    panelEl.addEventListener("toggle", function () {
      map.invalidateSize();
    });
    start();
  };
})();
