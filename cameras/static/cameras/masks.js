/* The privacy-mask editor: polygons drawn with mouse or touch on an SVG layer over the reference frame.
   Points are kept in fractions (0..1) of the frame, the same as the server stores them; the SVG's
   viewBox is 0..1000 in both directions and stretched over the image. The server validates on save
   (outside the frame, crossing edges) and its message is shown as is. */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("mask-config").textContent);
  const svg = document.getElementById("mask-layer");
  const image = document.getElementById("mask-reference");
  const listEl = document.getElementById("mask-list");
  const emptyEl = document.getElementById("mask-empty");
  const statusEl = document.getElementById("mask-status");
  const closeButton = document.getElementById("mask-close");
  const cancelButton = document.getElementById("mask-cancel");
  const saveButton = document.getElementById("mask-save");
  const csrfToken = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  const SVG_NS = "http://www.w3.org/2000/svg";
  const SCALE = 1000;
  const SNAP_PX = 14; // a click this close to the first corner closes the polygon

  const state = {
    masks: config.masks.map((mask) => mask.map((point) => [point[0], point[1]])),
    drawing: [],
    selected: null,
    dragging: null, // {mask, point}
    dirty: false,
  };

  function clamp(value) {
    return Math.min(1, Math.max(0, value));
  }

  function fractionAt(event) {
    const box = svg.getBoundingClientRect();
    return [clamp((event.clientX - box.left) / box.width), clamp((event.clientY - box.top) / box.height)];
  }

  function pixelDistance(a, b) {
    const box = svg.getBoundingClientRect();
    return Math.hypot((a[0] - b[0]) * box.width, (a[1] - b[1]) * box.height);
  }

  function pointsAttribute(points) {
    return points.map((p) => (p[0] * SCALE).toFixed(1) + "," + (p[1] * SCALE).toFixed(1)).join(" ");
  }

  function element(name, attributes) {
    const node = document.createElementNS(SVG_NS, name);
    for (const [key, value] of Object.entries(attributes)) {
      node.setAttribute(key, value);
    }
    return node;
  }

  function setStatus(text, kind) {
    statusEl.textContent = text;
    statusEl.dataset.kind = kind || "";
  }

  function markDirty() {
    state.dirty = true;
    setStatus(gettext("Unsaved changes."), "");
  }

  function handle(maskIndex, pointIndex, point) {
    // Corners drawn as circles: round in the SVG's stretched space is fine for a grab handle.
    const circle = element("ellipse", {
      cx: point[0] * SCALE, cy: point[1] * SCALE, rx: 7 * SCALE / svg.getBoundingClientRect().width,
      ry: 7 * SCALE / svg.getBoundingClientRect().height, class: "handle",
    });
    circle.style.fill = "#fff";
    circle.style.stroke = "#0b4f8a";
    circle.style.cursor = "move";
    circle.addEventListener("pointerdown", function (event) {
      event.stopPropagation();
      event.preventDefault();
      state.dragging = { mask: maskIndex, point: pointIndex };
      state.selected = maskIndex;
      svg.setPointerCapture(event.pointerId);
    });
    return circle;
  }

  function render() {
    svg.replaceChildren();
    state.masks.forEach(function (mask, index) {
      const polygon = element("polygon", { points: pointsAttribute(mask), "data-mask": String(index) });
      if (index === state.selected) {
        polygon.classList.add("selected");
      }
      polygon.addEventListener("pointerdown", function (event) {
        if (state.drawing.length) {
          return; // drawing a new polygon over an old one
        }
        event.stopPropagation();
        state.selected = index;
        render();
      });
      svg.append(polygon);
    });
    if (state.drawing.length) {
      svg.append(element("polyline", { points: pointsAttribute(state.drawing) }));
    }
    state.masks.forEach(function (mask, maskIndex) {
      if (maskIndex === state.selected) {
        mask.forEach((point, pointIndex) => svg.append(handle(maskIndex, pointIndex, point)));
      }
    });
    state.drawing.forEach(function (point) {
      const box = svg.getBoundingClientRect();
      svg.append(element("ellipse", {
        cx: point[0] * SCALE, cy: point[1] * SCALE, rx: 4 * SCALE / box.width, ry: 4 * SCALE / box.height,
        class: "drawing-point", fill: "#ffd400",
      }));
    });
    renderList();
    closeButton.disabled = state.drawing.length < 3;
    cancelButton.disabled = state.drawing.length === 0;
  }

  function renderList() {
    listEl.replaceChildren();
    state.masks.forEach(function (mask, index) {
      const item = document.createElement("li");
      item.dataset.mask = String(index);
      const label = document.createElement("button");
      label.type = "button";
      label.className = "linklike";
      label.textContent = interpolate(gettext("Mask %s (%s corners)"), [index + 1, mask.length]);
      label.addEventListener("click", function () {
        state.selected = index;
        render();
      });
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "small danger";
      remove.textContent = gettext("Delete");
      remove.addEventListener("click", function () {
        state.masks.splice(index, 1);
        state.selected = null;
        markDirty();
        render();
      });
      item.append(label, remove);
      listEl.append(item);
    });
    emptyEl.hidden = state.masks.length > 0;
  }

  function closePolygon() {
    if (state.drawing.length < 3) {
      return;
    }
    state.masks.push(state.drawing);
    state.selected = state.masks.length - 1;
    state.drawing = [];
    markDirty();
    render();
  }

  svg.addEventListener("pointerdown", function (event) {
    if (event.button !== undefined && event.button !== 0) {
      return;
    }
    event.preventDefault();
    const point = fractionAt(event);
    if (state.drawing.length >= 3 && pixelDistance(point, state.drawing[0]) <= SNAP_PX) {
      closePolygon();
      return;
    }
    state.selected = null;
    state.drawing.push(point);
    render();
  });

  svg.addEventListener("pointermove", function (event) {
    if (!state.dragging) {
      return;
    }
    state.masks[state.dragging.mask][state.dragging.point] = fractionAt(event);
    render();
  });

  function endDrag() {
    if (state.dragging) {
      state.dragging = null;
      markDirty();
    }
  }
  svg.addEventListener("pointerup", endDrag);
  svg.addEventListener("pointercancel", endDrag);

  closeButton.addEventListener("click", closePolygon);
  cancelButton.addEventListener("click", function () {
    state.drawing = [];
    render();
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && state.drawing.length) {
      state.drawing = [];
      render();
    } else if (event.key === "Enter" && state.drawing.length >= 3) {
      closePolygon();
    }
  });

  saveButton.addEventListener("click", async function () {
    saveButton.disabled = true;
    setStatus(gettext("Saving…"), "");
    try {
      const response = await fetch(config.saveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken },
        body: JSON.stringify({ masks: state.masks }),
      });
      const answer = await response.json().catch(() => ({}));
      if (!response.ok) {
        setStatus(answer.error || interpolate(gettext("Saving failed (HTTP %s)."), [response.status]), "error");
        return;
      }
      state.masks = answer.masks;
      state.dirty = false;
      state.selected = null;
      render();
      setStatus(answer.message || gettext("Masks saved."), "ok");
      // The reference frame is served with the masks burned in: show the result.
      image.src = config.referenceUrl + "?t=" + Date.now();
    } catch (error) {
      setStatus(gettext("The server could not be reached; nothing was saved."), "error");
    } finally {
      saveButton.disabled = false;
    }
  });

  window.addEventListener("beforeunload", function (event) {
    if (state.dirty) {
      event.preventDefault();
    }
  });
  window.addEventListener("resize", render);
  image.addEventListener("load", render);
  render();
})();
