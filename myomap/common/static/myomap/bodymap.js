// Pain body map: click, tap or press Enter on a region, then choose intensity and quality.
// The chart only drives the form's plain <select> inputs (i_<region>, q_<region>), which are
// what is posted, so the page also works without JavaScript.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.documentElement.classList.remove("no-js");

  function initMap(root) {
    const form = root.closest("form");
    const editor = form.querySelector(".mark-editor");
    const list = form.querySelector(".marked-list");
    const colours = JSON.parse(root.dataset.colours);
    const labels = {};
    const qualities = JSON.parse(root.dataset.qualities);
    let current = null;

    const regions = root.querySelectorAll(".region");
    regions.forEach(function (el) { labels[el.dataset.region] = el.getAttribute("aria-label"); });
    const intensityInput = function (id) { return form.querySelector('[name="i_' + id + '"]'); };
    const qualityInput = function (id) { return form.querySelector('[name="q_' + id + '"]'); };

    function paint(id) {
      const value = intensityInput(id).value;
      root.querySelectorAll('.region[data-region="' + id + '"]').forEach(function (el) {
        if (value === "") {
          el.style.fill = ""; el.removeAttribute("data-intensity");
          el.setAttribute("aria-pressed", "false");
        } else {
          el.style.fill = colours[Number(value)]; el.setAttribute("data-intensity", value);
          el.setAttribute("aria-pressed", "true");
        }
        el.classList.toggle("selected", id === current);
      });
    }

    function renderList() {
      list.innerHTML = "";
      regions.forEach(function (el) {
        const id = el.dataset.region;
        const value = intensityInput(id).value;
        if (value === "") return;
        const li = document.createElement("li");
        const text = document.createElement("span");
        text.textContent = labels[id] + ": " + value + "/10, " + (qualities[qualityInput(id).value] || "quality not set");
        const edit = document.createElement("button");
        edit.type = "button"; edit.className = "btn btn-secondary"; edit.textContent = "Change";
        edit.setAttribute("aria-label", "Change " + labels[id]);
        edit.addEventListener("click", function () { open(id); });
        li.append(text, edit);
        list.append(li);
      });
      if (!list.children.length) {
        const li = document.createElement("li");
        li.className = "muted"; li.textContent = "No regions marked yet. Tap where it hurts.";
        list.append(li);
      }
    }

    function changed() {
      form.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function syncEditor() {
      const value = intensityInput(current).value;
      editor.querySelectorAll("[data-intensity]").forEach(function (b) {
        b.setAttribute("aria-pressed", String(b.dataset.intensity === value));
      });
      const q = qualityInput(current).value;
      editor.querySelectorAll("[data-quality]").forEach(function (b) {
        b.setAttribute("aria-pressed", String(value !== "" && b.dataset.quality === q));
      });
    }

    function open(id) {
      const previous = current;
      current = id;
      if (previous) paint(previous);
      editor.hidden = false;
      editor.querySelector(".editor-title").textContent = labels[id];
      if (intensityInput(id).value === "") {
        intensityInput(id).value = "5";
        if (!qualityInput(id).value) qualityInput(id).value = "aching";
        changed();
      }
      syncEditor(); paint(id); renderList();
      editor.querySelector('[data-intensity="' + intensityInput(id).value + '"]').focus({ preventScroll: true });
      keepInView(root.querySelector('.region[data-region="' + id + '"]'));
    }

    // On phones the editor is a bottom sheet: scroll the tapped region into the space above it.
    function keepInView(region) {
      if (!region || getComputedStyle(editor).position !== "fixed") return;
      const top = region.getBoundingClientRect().top;
      const room = window.innerHeight - editor.offsetHeight;
      if (top < 0 || top > room * 0.7) window.scrollBy({ top: top - room * 0.3 });
    }

    editor.addEventListener("click", function (event) {
      const b = event.target.closest("button");
      if (!b || !current) return;
      if (b.dataset.intensity !== undefined) { intensityInput(current).value = b.dataset.intensity; }
      else if (b.dataset.quality !== undefined) { qualityInput(current).value = b.dataset.quality; }
      else if (b.dataset.action === "remove") { intensityInput(current).value = ""; }
      else if (b.dataset.action === "done") { /* close below */ }
      else return;
      const id = current;
      if (b.dataset.action) {
        editor.hidden = true; current = null;
        const region = root.querySelector('.region[data-region="' + id + '"]');
        if (region) region.focus();
      } else { syncEditor(); }
      paint(id); renderList(); changed();
    });

    regions.forEach(function (el) {
      el.addEventListener("click", function () { open(el.dataset.region); });
      el.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); open(el.dataset.region); }
      });
    });
    regions.forEach(function (el) { paint(el.dataset.region); });
    renderList();
    // Regions named by a phrase are marked at 5/10, aching, and opened to be set.
    function markNamed(ids) {
      ids.forEach(function (id) {
        if (intensityInput(id) && intensityInput(id).value === "") {
          intensityInput(id).value = "5";
          if (!qualityInput(id).value) qualityInput(id).value = "aching";
          paint(id);
        }
      });
      changed();
      open(ids[0]);
    }
    const search = form.querySelector(".region-search");
    if (search) initSearch(search, markNamed);
    form.querySelectorAll("[data-mark-regions]").forEach(function (button) {
      button.addEventListener("click", function () {
        markNamed(button.dataset.markRegions.split(" "));
        button.setAttribute("aria-pressed", "true");
      });
    });
  }

  // The search box: a phrase in any wording ("inside of the right ankle") marks its regions,
  // read by the same resolver as the rest of Myomap; unknown or ambiguous phrases offer choices.
  function initSearch(box, mark) {
    const input = box.querySelector("input");
    const result = box.querySelector(".region-search-result");
    box.hidden = false;
    function say(text, choices) {
      result.textContent = text;
      (choices || []).forEach(function (choice) {
        const b = document.createElement("button");
        b.type = "button"; b.className = "btn btn-secondary"; b.textContent = choice;
        b.addEventListener("click", function () { input.value = choice; run(); });
        result.append(" ", b);
      });
    }
    function run() {
      const q = input.value.trim();
      if (!q) return;
      fetch(box.dataset.url + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
        .then(function (res) {
          if (!res.ok) { say(res.body.message, res.body.suggestions); return; }
          say("Marked: " + res.body.labels.join(", ") + ". Set how strong it is below.");
          input.value = "";
          mark(res.body.regions);
        })
        .catch(function () { say("Could not reach Myomap; tap the chart instead."); });
    }
    box.querySelector("button").addEventListener("click", run);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); run(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".bodymap[data-editable]").forEach(initMap);
  });
})();

// Referral patterns: "Show pattern on the chart" outlines a candidate's essential and
// spillover zones on the nearest body chart.
(function () {
  "use strict";
  function chartFor(el) {
    const card = el.closest(".card, form") || document;
    return card.querySelector(".bodymap") || document.querySelector(".bodymap");
  }
  function show(chart, pattern) {
    chart.querySelectorAll(".region").forEach(function (r) {
      r.classList.remove("pattern-essential", "pattern-spillover");
      const kind = pattern && pattern[r.dataset.region];
      if (kind) r.classList.add("pattern-" + kind);
    });
  }
  document.addEventListener("click", function (event) {
    const button = event.target.closest(".show-pattern");
    if (!button) return;
    const pressed = button.getAttribute("aria-pressed") === "true";
    document.querySelectorAll(".show-pattern").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
    const chart = chartFor(button);
    if (pressed) { show(chart, null); return; }
    button.setAttribute("aria-pressed", "true");
    show(chart, JSON.parse(button.closest(".candidate").dataset.pattern));
  });
})();
