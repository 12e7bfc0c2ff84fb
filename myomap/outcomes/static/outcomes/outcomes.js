// On a phone, a questionnaire form shows one section at a time with Back and Next; the form
// still works as one page without JavaScript (and on wide screens).
(function () {
  "use strict";
  function init(form) {
    const sections = Array.from(form.querySelectorAll("[data-section]"));
    if (sections.length < 2 || !window.matchMedia("(max-width: 600px)").matches) return;
    form.classList.add("paged");
    const finish = Array.from(form.querySelectorAll(".session-number, .btn-row, .btn-row ~ p"));
    const nav = document.createElement("div");
    nav.className = "pager-nav";
    nav.innerHTML = '<button type="button" class="btn btn-secondary" data-go="-1">Back</button>' +
      '<span class="small muted" aria-live="polite"></span>' +
      '<button type="button" class="btn" data-go="1">Next</button>';
    sections[sections.length - 1].after(nav);
    let current = 0;
    const firstError = sections.findIndex(function (s) { return s.querySelector(".errorlist"); });
    if (firstError >= 0) current = firstError;
    function show(index, focus) {
      current = Math.max(0, Math.min(sections.length - 1, index));
      sections.forEach(function (s, i) { s.hidden = i !== current; });
      const last = current === sections.length - 1;
      finish.forEach(function (el) { el.hidden = !last; });
      nav.querySelector('[data-go="-1"]').disabled = current === 0;
      nav.querySelector('[data-go="1"]').hidden = last;
      nav.querySelector("span").textContent = "Part " + (current + 1) + " of " + sections.length;
      if (focus) {
        const heading = sections[current].querySelector("h2");
        if (heading) { heading.tabIndex = -1; heading.focus(); }
        sections[current].scrollIntoView({ block: "start" });
      }
    }
    nav.addEventListener("click", function (event) {
      const go = event.target.closest("[data-go]");
      if (go) show(current + Number(go.dataset.go), true);
    });
    show(current, false);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.documentElement.classList.add("js");
    document.querySelectorAll("form[data-pager]").forEach(init);
  });
})();
