// The session guide beside the table. Every tap becomes an event with its own id and a
// sequence number; it is written to this tablet's storage first, then sent to the server in
// the background. Sends that fail stay queued and are retried (when the connection returns,
// every few seconds, and when the page loads), so a reload, a crash or a lost connection
// loses nothing. The same forms work without this script: each tap is then a plain POST.
// While the guide is open it asks the server every few seconds whether treatment is still
// allowed; when a new screening holds it (or a tap is refused with 409 "on hold"), the whole
// screen says why and what to do now, and only "Stop session for safety" remains.
// On a step, the first discomfort reading is the moment pressure is on: it starts the hold
// timer (logged as a timer start, as the timer button does). An outcome tap ends a running
// hold (logged as the timer stop with the seconds held) and moves on to the next step.
(function () {
  "use strict";
  const root = document.getElementById("guide");
  if (!root) return;
  const state = JSON.parse(document.getElementById("guide-state").textContent);
  const KEY = "myomap.session." + state.session + ".queue";
  const eventsUrl = root.dataset.eventsUrl;
  const ceiling = parseInt(root.dataset.ceiling, 10);
  const steps = state.steps;
  const end = steps.length + 1;
  const csrfInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  const csrf = csrfInput ? csrfInput.value : "";
  const savedNote = document.getElementById("guide-saved");
  const alertBox = document.getElementById("ease-off");
  const errorBox = document.getElementById("guide-error");
  const MOVES = ["step_done", "skipped"];
  const OUTCOMES = ["released", "eased", "no_change"];
  const TREATMENT = ["step_started", "timer_started", "timer_done", "discomfort", "released",
    "eased", "no_change", "twitch", "referral_reproduced", "skipped", "step_done"];
  const RETRY_MS = 5000;
  const STATUS_MS = 4000;
  const holdBox = document.getElementById("guide-hold");
  let held = !!holdBox && !holdBox.hidden;

  let finished = root.dataset.finished === "1";
  let stage = parseInt(root.dataset.stage, 10);
  let sending = false;
  let timer = null; // {step, seconds, startAt, endAt, interval}
  let audio = null;

  // --- The log: stored events plus this tablet's queue ------------------------------------
  function loadQueue() {
    try {
      const q = JSON.parse(localStorage.getItem(KEY) || "[]");
      return Array.isArray(q) ? q : [];
    } catch (e) { return []; }
  }
  let queue = loadQueue();
  const known = new Map();
  state.events.forEach(function (e) { known.set(e.event_id, e); });
  queue.forEach(function (e) { known.set(e.event_id, e); });
  let seq = 0;
  known.forEach(function (e) { seq = Math.max(seq, e.seq); });

  function saveQueue() {
    try { localStorage.setItem(KEY, JSON.stringify(queue)); } catch (e) { /* storage full: still sent */ }
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, function (x) { return x.toString(16).padStart(2, "0"); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function record(kind, step, value, text) {
    if (finished) return null;
    if (held && TREATMENT.indexOf(kind) >= 0) { showHold(null); return null; }
    const e = {
      event_id: uuid(), seq: ++seq, kind: kind,
      step: step == null ? null : step, value: value == null ? null : value,
      at: new Date().toISOString(), text: text || "",
    };
    queue.push(e);
    saveQueue();
    known.set(e.event_id, e);
    render();
    send();
    return e;
  }
  function ordered() {
    return Array.from(known.values()).sort(function (a, b) {
      return a.seq - b.seq || (a.at < b.at ? -1 : a.at > b.at ? 1 : 0) || (a.event_id < b.event_id ? -1 : 1);
    });
  }
  // What the log adds up to: the rules of the server's summary (myomap_core.session.summarise),
  // replayed here so the guide keeps working while offline.
  function summarise() {
    const out = steps.map(function () {
      return { status: "pending", outcome: null, discomfort: [], twitch: false, referral_reproduced: false, timer: null, timed: false };
    });
    const sum = { steps: out, pain_before: null, pain_after: null, current: steps.length ? 1 : null, warning: null, any: false };
    ordered().forEach(function (e) {
      sum.any = true;
      const s = e.step ? out[e.step - 1] : null;
      switch (e.kind) {
        case "pain_before": sum.pain_before = e.value; return;
        case "pain_after": sum.pain_after = e.value; return;
        case "finished": case "note": return;
        case "discomfort":
          s.discomfort.push(e.value);
          sum.warning = e.value > ceiling ? { step: e.step, value: e.value } : null;
          break;
        case "eased_off": sum.warning = null; return;
        case "twitch": s.twitch = true; break;
        case "referral_reproduced": s.referral_reproduced = true; break;
        case "released": case "eased": case "no_change": s.outcome = e.kind; s.status = "done"; break;
        case "step_done": s.status = "done"; break;
        case "skipped": s.status = "skipped"; break;
        case "timer_started": s.timer = e; s.timed = true; break;
        case "timer_stopped": case "timer_done": s.timer = e; break;
      }
      if (!s) return;
      if (MOVES.indexOf(e.kind) >= 0 || OUTCOMES.indexOf(e.kind) >= 0) sum.current = e.step < steps.length ? e.step + 1 : null;
      else sum.current = e.step;
    });
    return sum;
  }

  // --- Sending ------------------------------------------------------------------------------
  function say(text) { if (savedNote) savedNote.textContent = text; }
  function indicator() {
    if (finished && !queue.length) { say("Finished"); return; }
    if (!queue.length) { say("All saved"); return; }
    const n = queue.length + " waiting";
    say(!navigator.onLine ? "Offline · " + n : sending ? "Saving… " + n : n);
  }
  function showError(text) {
    errorBox.textContent = text;
    errorBox.hidden = !text;
  }
  // One send at a time; a caller that comes while one is on its way waits for it.
  let inflight = null;
  function send() {
    if (inflight) return inflight;
    if (!queue.length) { indicator(); return Promise.resolve(); }
    inflight = sendAll().finally(function () { inflight = null; });
    return inflight;
  }
  async function sendAll() {
    let again = true;
    while (again && queue.length) {
      again = await sendBatch();
    }
  }
  async function sendBatch() {
    sending = true;
    indicator();
    const batch = queue.slice(0, 100);
    let again = false;
    try {
      const r = await fetch(eventsUrl, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
        body: JSON.stringify({ events: batch }),
      });
      if (r.ok) {
        const data = await r.json();
        const done = new Set(data.accepted.concat(data.duplicates));
        queue = queue.filter(function (e) { return !done.has(e.event_id); });
        saveQueue();
        again = queue.length > 0;
      } else if (r.status === 400) {
        // A tap the server can never accept: drop it (and say so) so the rest can go.
        const data = await r.json().catch(function () { return {}; });
        const err = data.error || {};
        const bad = err.index != null ? batch[err.index] : batch[0];
        queue = queue.filter(function (e) { return e !== bad; });
        known.delete(bad.event_id);
        saveQueue();
        showError("One entry was refused: " + (err.message || "invalid") + ".");
        again = queue.length > 0;
      } else if (r.status === 409) {
        const data = await r.json().catch(function () { return {}; });
        const err = data.error || {};
        if (err.code === "on_hold" || err.code === "checkin_required") {
          // Treatment taps are refused, not kept: they did not happen on a client on hold.
          queue.filter(function (e) { return TREATMENT.indexOf(e.kind) >= 0; })
            .forEach(function (e) { known.delete(e.event_id); });
          queue = queue.filter(function (e) { return TREATMENT.indexOf(e.kind) < 0; });
          saveQueue();
          again = queue.length > 0;
          if (err.code === "on_hold") showHold(err);
          else showError(err.message || "Check in first.");
        } else {
          finished = true;
          queue = [];
          saveQueue();
          showError(err.message || "This session is finished.");
        }
      } else if (r.status === 403 || r.status === 302) {
        showError("Not saved: log in again in another tab; the entries wait on this tablet.");
      }
    } catch (err) {
      // No connection: the queue stays on this tablet and is sent later.
    }
    sending = false;
    render();
    return again;
  }
  // --- Safety hold -----------------------------------------------------------------------
  function showHold(h) {
    held = true;
    if (!holdBox) return;
    if (h) {
      document.getElementById("hold-why").textContent = h.reason || h.message || "";
      document.getElementById("hold-screening").textContent = h.screening
        ? "Screening of " + h.screening.date_text + ": " + h.screening.decision_label + "."
        : "No current screening.";
      document.getElementById("hold-do").textContent = h.do_now || "";
    }
    if (timer) stopTimer(false);
    holdBox.hidden = false;
    const button = holdBox.querySelector(".btn-stop");
    if (button) button.focus({ preventScroll: true });
  }
  async function checkStatus() {
    if (finished || !holdBox) return;
    try {
      const r = await fetch(holdBox.dataset.statusUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } });
      if (!r.ok) return;
      const data = await r.json();
      if (data.on_hold) showHold(data.hold);
      else if (data.status !== "in_progress") { finished = true; render(); }
      else if (held) { held = false; holdBox.hidden = true; }
    } catch (e) { /* offline: asked again shortly */ }
  }
  setInterval(checkStatus, STATUS_MS);

  window.addEventListener("online", send);
  window.addEventListener("offline", indicator);
  setInterval(send, RETRY_MS);

  // --- Showing ------------------------------------------------------------------------------
  function setPressed(buttons, value) {
    buttons.forEach(function (b) { b.setAttribute("aria-pressed", String(value != null && Number(b.dataset.value) === Number(value))); });
  }
  function statusWord(s) { return s === "done" ? "Done" : s === "skipped" ? "Skipped" : "Not yet"; }
  function render() {
    const sum = summarise();
    indicator();
    sum.steps.forEach(function (s, i) {
      const order = i + 1;
      document.querySelectorAll('[data-state-for="' + order + '"]').forEach(function (el) { el.textContent = statusWord(s.status); });
      const link = document.querySelector('.step-link[data-go="' + order + '"]');
      if (link) link.className = "step-link status-" + s.status + (stage === order ? " current" : "");
      const section = document.querySelector('.g-stage[data-stage="' + order + '"]');
      if (!section) return;
      setPressed(section.querySelectorAll(".discomfort-row .scale-btn"), s.discomfort.length ? s.discomfort[s.discomfort.length - 1] : null);
      const label = section.querySelector(".row-label");
      if (label) label.innerHTML = "Discomfort 0–10" + (s.discomfort.length ? ' <span class="muted">(so far: ' + s.discomfort.join(", ") + ")</span>" : "");
      section.querySelectorAll("[data-flag]").forEach(function (b) { b.setAttribute("aria-pressed", String(!!s[b.dataset.flag])); });
      section.querySelectorAll("[data-outcome]").forEach(function (b) { b.setAttribute("aria-pressed", String(s.outcome === b.dataset.outcome)); });
    });
    ["0", String(end)].forEach(function (n) {
      const link = document.querySelector('.step-link[data-go="' + n + '"]');
      if (link) link.classList.toggle("current", stage === Number(n));
    });
    setPressed(document.querySelectorAll('.stage-before .scale-btn'), sum.pain_before);
    setPressed(document.querySelectorAll('.stage-after .scale-btn'), sum.pain_after);
    if (sum.warning && !finished) {
      alertBox.querySelector(".ease-off-reading").textContent = ": discomfort " + sum.warning.value + "/10 at step " + sum.warning.step;
      alertBox.dataset.step = sum.warning.step;
      alertBox.hidden = false;
    } else {
      alertBox.hidden = true;
    }
    return sum;
  }
  function paintChart(order) {
    const pattern = order >= 1 && order <= steps.length ? steps[order - 1].pattern : {};
    document.querySelectorAll("#guide-chart .region").forEach(function (r) {
      r.classList.remove("pattern-essential", "pattern-spillover", "pattern-site");
      const kind = pattern[r.dataset.region];
      if (kind) r.classList.add("pattern-" + kind);
    });
  }
  function show(next) {
    if (timer && timer.step !== next) stopTimer(false);
    stage = Math.max(0, Math.min(end, next));
    document.querySelectorAll(".g-stage").forEach(function (s) { s.hidden = Number(s.dataset.stage) !== stage; });
    paintChart(stage);
    const url = new URL(window.location.href);
    url.searchParams.set("step", String(stage));
    history.replaceState(null, "", url);
    render();
    const heading = document.querySelector('.g-stage[data-stage="' + stage + '"] h1');
    if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus({ preventScroll: true }); }
  }

  // --- Timer --------------------------------------------------------------------------------
  function ensureAudio() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      if (audio.state === "suspended") audio.resume();
    } catch (e) { audio = null; }
  }
  function beep() {
    if (!audio) return;
    [0, 0.35, 0.7].forEach(function (t) {
      const o = audio.createOscillator();
      const g = audio.createGain();
      o.type = "sine"; o.frequency.value = 880;
      o.connect(g); g.connect(audio.destination);
      const s = audio.currentTime + t;
      g.gain.setValueAtTime(0.0001, s);
      g.gain.exponentialRampToValueAtTime(0.5, s + 0.02);
      g.gain.exponentialRampToValueAtTime(0.0001, s + 0.25);
      o.start(s); o.stop(s + 0.3);
    });
  }
  function timerBox(step) { return document.querySelector('[data-timer][data-step="' + step + '"]'); }
  function fmt(s) { return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0"); }
  function paintTimer(step, left, running, done) {
    const box = timerBox(step);
    if (!box) return;
    box.querySelector(".timer-face").textContent = fmt(left);
    box.querySelector("[data-timer-toggle]").textContent = running ? "Stop" : "Start " + box.dataset.seconds + " s";
    box.classList.toggle("running", running);
    box.classList.toggle("done", !!done);
    box.querySelector(".timer-done").hidden = !done;
  }
  function tick() {
    if (!timer) return;
    const left = Math.max(0, Math.ceil((timer.endAt - Date.now()) / 1000));
    paintTimer(timer.step, left, true, false);
    if (left <= 0) {
      const step = timer.step;
      stopTimer(true);
      beep();
      if (navigator.vibrate) navigator.vibrate([300, 150, 300]);
      root.dataset.cue = String((Number(root.dataset.cue) || 0) + 1);
      paintTimer(step, 0, false, true);
    }
  }
  function startTimer(step, seconds, startAt, quiet) {
    if (held && !quiet) { showHold(null); return; }
    if (timer) stopTimer(false);
    const from = startAt || Date.now();
    timer = { step: step, seconds: seconds, startAt: from, endAt: from + seconds * 1000 };
    if (!quiet) record("timer_started", step, seconds);
    timer.interval = setInterval(tick, 200);
    tick();
  }
  function stopTimer(done) {
    if (!timer) return;
    const t = timer;
    timer = null;
    clearInterval(t.interval);
    const held = Math.min(t.seconds, Math.max(0, Math.round((Date.now() - t.startAt) / 1000)));
    record(done ? "timer_done" : "timer_stopped", t.step, done ? t.seconds : held);
    paintTimer(t.step, done ? 0 : t.seconds, false, done);
  }

  // --- Taps ---------------------------------------------------------------------------------
  document.addEventListener("submit", function (evt) {
    const form = evt.target;
    if (form.id === "finish-form") { evt.preventDefault(); finish(form); return; }
    if (!form.classList.contains("tap-form")) return;
    evt.preventDefault();
    if (finished) return;
    const data = {};
    form.querySelectorAll("input[type=hidden]").forEach(function (i) { data[i.name] = i.value; });
    const b = evt.submitter;
    if (b && b.name) data[b.name] = b.value;
    const step = data.step ? parseInt(data.step, 10) : null;
    const value = data.value !== undefined && data.value !== "" ? Number(data.value) : null;
    const kind = data.kind;
    const leaves = MOVES.indexOf(kind) >= 0 || OUTCOMES.indexOf(kind) >= 0;
    if (kind === "discomfort" && !held && !timer && !summarise().steps[step - 1].timed) {
      // The step's first reading: pressure is on, so its hold starts now.
      const box = timerBox(step);
      ensureAudio();
      if (box) startTimer(step, parseInt(box.dataset.seconds, 10));
    }
    if (leaves && !held && timer && timer.step === step) stopTimer(false);
    const tapped = record(kind, step, value);
    if (kind === "discomfort" && value > ceiling && navigator.vibrate) navigator.vibrate(200);
    if (!tapped) return;
    if (leaves) show(step + 1);
    else if (kind === "step_started") show(step);
    else if (kind === "pain_before") show(steps.length ? 1 : end);
  });
  document.addEventListener("click", function (evt) {
    const go = evt.target.closest("[data-go]");
    if (go) {
      evt.preventDefault();
      const target = parseInt(go.dataset.go, 10);
      if (target >= 1 && target <= steps.length && target !== stage && !finished) record("step_started", target);
      show(target);
      return;
    }
    const toggle = evt.target.closest("[data-timer-toggle]");
    if (toggle) {
      const box = toggle.closest("[data-timer]");
      const step = parseInt(box.dataset.step, 10);
      ensureAudio();
      if (timer && timer.step === step) stopTimer(false);
      else if (!finished) startTimer(step, parseInt(box.dataset.seconds, 10));
      return;
    }
    if (evt.target.closest("[data-ack]")) {
      const step = parseInt(alertBox.dataset.step, 10);
      record("eased_off", step || (stage >= 1 && stage <= steps.length ? stage : 1));
    }
  });
  async function finish(form) {
    const wait = form.querySelector(".finish-wait");
    if (held) { showHold(null); return; }
    if (timer) stopTimer(false);
    await send();
    if (queue.length) {
      wait.hidden = false;
      wait.textContent = queue.length + " entries are still waiting to be saved (no connection). They are kept on this tablet; finish again when the connection is back.";
      return;
    }
    form.submit();
  }

  // --- Start --------------------------------------------------------------------------------
  document.querySelectorAll("[data-timer]").forEach(function (box) {
    box.hidden = false;
    box.querySelector(".timer-face").textContent = fmt(parseInt(box.dataset.seconds, 10));
  });
  const start = summarise();
  if (!new URL(window.location.href).searchParams.has("step") && queue.length) {
    // Taps made here but not yet on the server move the guide on, as they would have.
    stage = start.any ? (start.current == null ? end : start.current) : 0;
  }
  // A timer that was running when the page went away runs on (or ends now).
  start.steps.forEach(function (s, i) {
    if (finished || !s.timer || s.timer.kind !== "timer_started") return;
    const from = Date.parse(s.timer.at);
    const seconds = s.timer.value || parseInt((timerBox(i + 1) || { dataset: {} }).dataset.seconds, 10) || 60;
    startTimer(i + 1, seconds, from, true);
  });
  show(stage);
  send();
})();
