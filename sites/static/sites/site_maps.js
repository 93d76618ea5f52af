/* Read-only maps of protected sites: the list's overview and one site's marker and perimeter.
   django-leaflet's {% leaflet_map %} creates each map and hands it to one of these callbacks. */
(function () {
  "use strict";

  var PRIORITY_COLORS = {1: "#b3261e", 2: "#d97706", 3: "#0b4f8a", 4: "#6b7280"};

  function readJson(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function popupFor(site) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = site.url;
    link.textContent = site.name;
    box.appendChild(link);
    if (site.priority_label) {
      var note = document.createElement("div");
      note.className = "muted";
      note.textContent = site.priority_label;
      box.appendChild(note);
    }
    return box;
  }

  window.opsroomSiteListMap = function (map) {
    var bounds = [];
    (readJson("map-sites") || []).forEach(function (site) {
      var point = [site.lat, site.lon];
      L.circleMarker(point, {
        radius: 8, color: "#fff", weight: 2, fillOpacity: 0.95,
        fillColor: PRIORITY_COLORS[site.priority] || PRIORITY_COLORS[4]
      }).bindPopup(popupFor(site)).bindTooltip(site.name).addTo(map);
      bounds.push(point);
    });
    if (bounds.length) {
      map.fitBounds(bounds, {padding: [24, 24], maxZoom: 15});
    }
  };

  window.opsroomSiteDetailMap = function (map) {
    var site = readJson("site-geo");
    if (!site) { return; }
    var point = L.latLng(site.lat, site.lon);
    L.marker(point, {title: site.name, keyboard: false}).addTo(map);
    var bounds = L.latLngBounds([point, point]);
    if (site.perimeter) {
      var outline = L.geoJSON(site.perimeter, {
        style: {color: PRIORITY_COLORS[site.priority] || "#0b4f8a", weight: 2, fillOpacity: 0.12}
      }).addTo(map);
      bounds.extend(outline.getBounds());
    }
    map.fitBounds(bounds.pad(0.3), {maxZoom: 17});
  };
})();
