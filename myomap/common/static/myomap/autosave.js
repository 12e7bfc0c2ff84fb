// Saves a form in the background as the person types, so closing the tab loses nothing.
(function () {
  "use strict";
  function init(form) {
    const url = form.dataset.autosaveUrl;
    const note = form.querySelector(".saved-note");
    let timer = null, dirty = false;
    function say(text) { if (note) note.textContent = text; }
    function save() {
      if (!dirty) return Promise.resolve();
      dirty = false;
      return fetch(url, { method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" } })
        .then(function (r) { say(r.ok ? "Saved" : "Not saved yet: please check the highlighted answers"); })
        .catch(function () { dirty = true; say("Offline: your answers will be saved when the connection is back"); });
    }
    function schedule() { dirty = true; say("Saving…"); clearTimeout(timer); timer = setTimeout(save, 800); }
    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    window.addEventListener("online", save);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && dirty) {
        navigator.sendBeacon(url, new FormData(form)); dirty = false;
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-autosave-url]").forEach(init);
  });
})();
