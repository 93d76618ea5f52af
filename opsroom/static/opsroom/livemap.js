/* The commander map: draw the sites the user may see once, then apply the changes the live socket
   pushes (through the shared client, opsroom/live.js). When a message is missing, or after a
   reconnect, the map asks the catch-up endpoint for everything since the client's cursor. */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("livemap-config").textContent);
  const statusEl = document.getElementById("live-status");
  const panelEl = document.getElementById("livemap-sites");
  const listEl = document.getElementById("site-list");
  const countEl = document.getElementById("site-count");
  const emptyEl = document.getElementById("site-list-empty");
  const narrowScreen = window.matchMedia("(max-width: 899px)");

  const CATCH_UP_RETRY_MS = 5000;
  const PRIORITY_CLASSES = ["p1", "p2", "p3", "p4"];

  const state = {
    map: null,
    // The live client; its cursor: every event up to it that this user may see has been applied.
    live: null,
    // The sites as loaded reflect every event up to this sequence number.
    snapshotSeq: config.cursor,
    sites: new Map(), // site id -> {site, marker, item}
    applied: new Map(), // site id -> seq of the last event applied to it (deletions too)
    catchingUp: false,
    catchUpAgain: false,
    fitted: false,
  };

  function kindLabel(site) {
    return config.kindLabels[site.kind] || site.kind;
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
        const page = await getJSON(config.eventsUrl + "?since=" + state.live.cursor);
        if (page.reset) {
          // What was missed has been pruned: start again from a fresh picture.
          await loadSites(page.cursor);
          state.live.advance(page.cursor);
          more = true;
          continue;
        }
        page.events.forEach(applyEvent);
        state.live.advance(page.cursor);
        more = page.more;
      }
      if (state.live.state === "live") {
        OpsroomLive.showState(statusEl, "live");
      }
    } catch (error) {
      console.warn("Catching up failed; trying again", error);
      window.setTimeout(function () {
        if (state.live.state === "live") {
          catchUp();
        }
      }, CATCH_UP_RETRY_MS);
    } finally {
      state.catchingUp = false;
    }
  }

  async function resync(seq) {
    // What this user may see has changed (moved to another unit): reload, then catch up.
    await loadSites(seq);
    catchUp();
  }

  function showStatus(name) {
    // Live only once caught up: catchUp says so.
    if (name !== "live") {
      OpsroomLive.showState(statusEl, name);
    }
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
    state.live = OpsroomLive.connect({
      path: config.socketPath,
      cursor: config.cursor,
      load: function () { return loadSites(config.cursor); },
      onState: showStatus,
      // Listening now: whatever happened since the cursor is either in the database or on its way.
      onReady: catchUp,
      onEvent: applyEvent,
      onGap: catchUp,
      onResync: resync,
    });
  };
})();
