// The landmark editor: tap or click to place the named landmark, drag to adjust, zoom,
// an optional scale marker. Every change fills the numeric form (which also works on its
// own, without this script) and is saved in the background; the analysis comes back drawn.
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";

  function initEditor(root) {
    const form = document.getElementById("landmark-form");
    const svg = root.querySelector("svg.photo-overlay");
    const pointsLayer = svg.querySelector("#ov-points");
    const linesLayer = svg.querySelector("#ov-lines");
    const canvas = root.querySelector(".canvas");
    const stage = root.querySelector(".stage");
    const prompt = root.querySelector(".next-text");
    const note = form.querySelector(".saved-note");
    const analysis = document.getElementById("analysis");
    const landmarks = JSON.parse(root.dataset.landmarks);
    const unit = parseFloat(root.dataset.unit);
    const width = parseFloat(root.dataset.width);
    let zoom = 1, mode = "landmark", scaleStep = 0, dragging = null, timer = null, moved = false;

    const input = (name) => form.elements[name];
    const labelOf = (id) => (landmarks.find((l) => l.id === id) || { label: id }).label;
    const placed = (id) => input("x_" + id).value !== "" && input("y_" + id).value !== "";
    function current() {
      const checked = form.querySelector("input[name=current]:checked");
      return checked ? checked.value : null;
    }
    function select(id) {
      const radio = form.querySelector('input[name=current][value="' + id + '"]');
      if (radio) radio.checked = true;
      form.querySelectorAll("tr[data-lm]").forEach((tr) => tr.classList.toggle("current", tr.dataset.lm === id));
      say();
    }
    function say() {
      if (mode === "scale") {
        prompt.textContent = scaleStep === 0 ? "Scale marker: tap its first end." : "Scale marker: tap its second end.";
        return;
      }
      const id = current();
      if (id && !placed(id)) prompt.innerHTML = "Next: tap <strong></strong>";
      else if (id) prompt.innerHTML = "Selected: <strong></strong> (tap to move it, or drag)";
      else { prompt.textContent = "All landmarks placed. Drag any point to adjust."; return; }
      prompt.querySelector("strong").textContent = labelOf(id);
    }
    function nextUnplaced(after) {
      const ids = landmarks.map((l) => l.id);
      const start = Math.max(0, ids.indexOf(after));
      for (let k = 1; k <= ids.length; k++) {
        const id = ids[(start + k) % ids.length];
        if (!placed(id)) return id;
      }
      return null;
    }
    function toImage(evt) {
      const p = svg.createSVGPoint();
      p.x = evt.clientX; p.y = evt.clientY;
      const q = p.matrixTransform(svg.getScreenCTM().inverse());
      return [Math.round(q.x * 10) / 10, Math.round(q.y * 10) / 10];
    }
    function drawPoint(id) {
      let g = pointsLayer.querySelector('.lm[data-id="' + id + '"]');
      if (!placed(id)) { if (g) g.remove(); return; }
      if (!g) {
        g = document.createElementNS(SVG, "g");
        g.setAttribute("class", "lm"); g.dataset.id = id;
        const c = document.createElementNS(SVG, "circle");
        c.setAttribute("r", (unit * 3.2).toFixed(2)); c.setAttribute("stroke-width", (unit * 0.9).toFixed(2));
        const t = document.createElementNS(SVG, "text");
        t.setAttribute("y", (unit * 8).toFixed(2));
        t.setAttribute("font-size", (unit * 8).toFixed(2)); t.setAttribute("stroke-width", (unit * 0.9).toFixed(2));
        t.textContent = labelOf(id);
        g.append(c, t); pointsLayer.append(g);
      }
      const x = parseFloat(input("x_" + id).value);
      const text = g.querySelector("text");
      const end = x < width / 2;
      text.setAttribute("text-anchor", end ? "end" : "start");
      text.setAttribute("x", ((end ? -1 : 1) * unit * 8).toFixed(2));
      g.setAttribute("transform", "translate(" + x + " " + input("y_" + id).value + ")");
      const row = form.querySelector('tr[data-lm="' + id + '"]');
      if (row) row.classList.toggle("placed", placed(id));
    }
    function drawScale() {
      let line = svg.querySelector("line.ov-scale-live");
      const v = ["scale_x1", "scale_y1", "scale_x2", "scale_y2"].map((n) => input(n).value);
      if (v.some((x) => x === "")) { if (line) line.remove(); return; }
      if (!line) {
        line = document.createElementNS(SVG, "line");
        line.setAttribute("class", "ov-scale ov-scale-live");
        line.setAttribute("stroke-width", (unit * 0.9).toFixed(2));
        svg.append(line);
      }
      line.setAttribute("x1", v[0]); line.setAttribute("y1", v[1]);
      line.setAttribute("x2", v[2]); line.setAttribute("y2", v[3]);
    }
    function set(id, xy) {
      input("x_" + id).value = xy[0]; input("y_" + id).value = xy[1];
      drawPoint(id);
    }
    function save() {
      clearTimeout(timer);
      note.textContent = "Saving…";
      return fetch(form.action || window.location.href, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      }).then((r) => r.json().then((data) => {
        if (!r.ok || !data.saved) {
          const first = data.errors ? Object.values(data.errors)[0] : null;
          note.textContent = "Not saved: " + (first ? first[0] : "please check the numbers");
          return;
        }
        linesLayer.innerHTML = data.overlay;
        analysis.innerHTML = data.panel;
        const live = svg.querySelector("line.ov-scale-live");
        if (live && linesLayer.querySelector(".ov-scale")) live.remove();
        note.textContent = "Saved";
      })).catch(() => { note.textContent = "Offline: not saved yet. It will be retried on the next change."; });
    }
    function schedule(delay) { note.textContent = "Saving…"; clearTimeout(timer); timer = setTimeout(save, delay); }

    svg.addEventListener("pointerdown", (evt) => {
      if (evt.button !== 0) return;
      const hit = evt.target.closest(".lm");
      if (hit && mode === "landmark") {
        dragging = hit.dataset.id; moved = false;
        select(dragging);
        svg.setPointerCapture(evt.pointerId);
        evt.preventDefault();
        return;
      }
      evt.preventDefault();
      const xy = toImage(evt);
      if (mode === "scale") {
        const n = scaleStep === 0 ? "1" : "2";
        input("scale_x" + n).value = xy[0]; input("scale_y" + n).value = xy[1];
        scaleStep = 1 - scaleStep;
        drawScale();
        if (scaleStep === 0) {
          setMode("landmark");
          if (!input("scale_mm").value) { input("scale_mm").focus(); note.textContent = "Type the marker's real length in mm."; return; }
        }
        say();
        schedule(300);
        return;
      }
      const id = current();
      if (!id) return;
      set(id, xy);
      select(nextUnplaced(id) || id);
      schedule(300);
    });
    svg.addEventListener("pointermove", (evt) => {
      if (!dragging) return;
      moved = true;
      set(dragging, toImage(evt));
    });
    function endDrag() {
      if (!dragging) return;
      dragging = null;
      if (moved) schedule(200);
    }
    svg.addEventListener("pointerup", endDrag);
    svg.addEventListener("pointercancel", endDrag);

    form.addEventListener("change", (evt) => {
      const name = evt.target.name || "";
      if (name === "current") { select(evt.target.value); return; }
      const m = name.match(/^[xy]_(.+)$/);
      if (m) drawPoint(m[1]);
      if (name.startsWith("scale_")) drawScale();
      schedule(600);
    });
    form.addEventListener("click", (evt) => {
      const clear = evt.target.closest("[data-clear]");
      if (!clear) return;
      const id = clear.dataset.clear;
      input("x_" + id).value = ""; input("y_" + id).value = "";
      drawPoint(id); select(id); schedule(200);
    });
    form.addEventListener("submit", (evt) => { evt.preventDefault(); save(); });

    // "Fit" shows the whole photo within the stage; zoom multiplies that width.
    function fitWidth() {
      const height = parseFloat(root.dataset.height);
      const byHeight = (window.innerHeight * 0.72) * width / height;
      return Math.min(stage.clientWidth - 2, byHeight);
    }
    function applyZoom() {
      canvas.style.width = Math.round(fitWidth() * zoom) + "px";
      stage.classList.toggle("zoomed", zoom > 1);
    }
    window.addEventListener("resize", applyZoom);
    applyZoom();
    function setMode(m) {
      mode = m;
      const b = root.querySelector("[data-mode=scale]");
      b.setAttribute("aria-pressed", m === "scale" ? "true" : "false");
      svg.classList.toggle("scale-mode", m === "scale");
      say();
    }
    root.querySelectorAll("[data-zoom]").forEach((b) => b.addEventListener("click", () => {
      const what = b.dataset.zoom;
      zoom = what === "in" ? Math.min(zoom * 1.5, 6) : what === "out" ? Math.max(zoom / 1.5, 1) : 1;
      applyZoom();
    }));
    root.querySelector("[data-mode=scale]").addEventListener("click", () => {
      scaleStep = 0; setMode(mode === "scale" ? "landmark" : "scale");
    });
    // Arrow keys nudge the selected landmark by one pixel (ten with Shift) when the photo has focus.
    svg.setAttribute("tabindex", "0");
    svg.addEventListener("keydown", (evt) => {
      const id = current();
      const step = evt.shiftKey ? 10 : 1;
      const d = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[evt.key];
      if (!d || !id) return;
      evt.preventDefault();
      const x = placed(id) ? parseFloat(input("x_" + id).value) : width / 2;
      const y = placed(id) ? parseFloat(input("y_" + id).value) : parseFloat(root.dataset.height) / 2;
      set(id, [Math.round((x + d[0]) * 10) / 10, Math.round((y + d[1]) * 10) / 10]);
      schedule(700);
    });
    drawScale();
    select(nextUnplaced(landmarks.length ? landmarks[landmarks.length - 1].id : null) || (landmarks[0] || {}).id);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.documentElement.classList.remove("no-js");
    document.documentElement.classList.add("js");
    document.querySelectorAll(".editor[data-landmarks]").forEach(initEditor);
  });
})();
