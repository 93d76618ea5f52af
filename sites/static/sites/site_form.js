/* The site form: pick the location on the map (click, or drag the marker; typing moves it), draw an
   optional perimeter with Leaflet.draw into the GeoJSON textarea, and add contact rows.
   Without JavaScript the same form still works by typing coordinates and GeoJSON. */
(function () {
  "use strict";

  function round6(value) {
    return (Math.round(value * 1e6) / 1e6).toFixed(6);
  }

  function parseCoordinate(text) {
    var value = parseFloat(String(text).trim().replace(",", "."));
    return isFinite(value) ? value : null;
  }

  window.opsroomSiteFormMap = function (map) {
    var latitude = document.getElementById("id_latitude");
    var longitude = document.getElementById("id_longitude");
    var perimeter = document.getElementById("id_perimeter");
    var marker = null;
    var drawing = false;  // while a draw or edit tool is active, clicks belong to it

    function typedPoint() {
      var lat = parseCoordinate(latitude.value), lon = parseCoordinate(longitude.value);
      if (lat === null || lon === null || Math.abs(lat) > 90 || Math.abs(lon) > 180) { return null; }
      return L.latLng(lat, lon);
    }

    function writePoint(point) {
      latitude.value = round6(point.lat);
      longitude.value = round6(point.lng);
    }

    function placeMarker(point) {
      if (marker) { marker.setLatLng(point); return; }
      marker = L.marker(point, {draggable: true, autoPan: true}).addTo(map);
      marker.on("dragend", function () { writePoint(marker.getLatLng()); });
    }

    map.on("click", function (event) {
      if (drawing) { return; }
      placeMarker(event.latlng);
      writePoint(event.latlng);
    });
    [latitude, longitude].forEach(function (input) {
      input.addEventListener("input", function () {
        var point = typedPoint();
        if (point) { placeMarker(point); map.panTo(point); }
      });
    });

    // The perimeter: at most one polygon, mirrored into the textarea as a GeoJSON geometry.
    var outline = new L.FeatureGroup().addTo(map);
    var style = {color: "#0b4f8a", weight: 2, fillOpacity: 0.12};

    function loadPerimeter() {
      outline.clearLayers();
      var text = perimeter.value.trim();
      if (!text) { return; }
      try {
        L.geoJSON(JSON.parse(text), {style: style}).eachLayer(function (layer) { outline.addLayer(layer); });
      } catch (error) {
        // Not valid GeoJSON: leave the text for the server to explain.
      }
    }

    function savePerimeter() {
      var layers = outline.getLayers();
      perimeter.value = layers.length ? JSON.stringify(layers[0].toGeoJSON(6).geometry) : "";
    }

    map.addControl(new L.Control.Draw({
      position: "topright",
      draw: {
        polygon: {allowIntersection: false, showArea: false, shapeOptions: style},
        rectangle: {shapeOptions: style, showArea: false},
        polyline: false, circle: false, marker: false, circlemarker: false
      },
      edit: {featureGroup: outline, remove: true}
    }));
    map.on(L.Draw.Event.CREATED, function (event) {
      outline.clearLayers();
      outline.addLayer(event.layer);
      savePerimeter();
    });
    map.on(L.Draw.Event.EDITED + " " + L.Draw.Event.DELETED, savePerimeter);
    map.on(L.Draw.Event.DRAWSTART + " " + L.Draw.Event.EDITSTART + " " + L.Draw.Event.DELETESTART,
      function () { drawing = true; });
    map.on(L.Draw.Event.DRAWSTOP + " " + L.Draw.Event.EDITSTOP + " " + L.Draw.Event.DELETESTOP,
      function () { setTimeout(function () { drawing = false; }, 0); });
    perimeter.addEventListener("change", loadPerimeter);

    loadPerimeter();
    var point = typedPoint();
    var bounds = outline.getLayers().length ? outline.getBounds() : null;
    if (point) {
      placeMarker(point);
      bounds = bounds ? bounds.extend(point) : L.latLngBounds([point, point]);
    }
    if (bounds) { map.fitBounds(bounds.pad(0.3), {maxZoom: 17}); }
  };

  // Contacts: one more empty row from the formset's template.
  var addContact = document.querySelector("[data-add-contact]");
  var template = document.getElementById("contact-template");
  var total = document.getElementById("id_contacts-TOTAL_FORMS");
  var maximum = document.getElementById("id_contacts-MAX_NUM_FORMS");
  var rows = document.getElementById("contact-rows");
  if (addContact && template && total && rows) {
    addContact.hidden = false;
    addContact.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (maximum && index >= parseInt(maximum.value, 10)) { return; }
      rows.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, String(index)));
      total.value = String(index + 1);
      rows.lastElementChild.querySelector("input").focus();
    });
  }
})();
