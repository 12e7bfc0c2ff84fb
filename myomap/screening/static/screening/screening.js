// Health checks: show a follow-up question only while the question it follows is answered yes.
// Without JavaScript every follow-up stays visible with its "only if you answered yes" hint,
// and the server ignores a follow-up whose question was not answered yes (and refuses a yes
// under a "no", which would contradict it).
(function () {
  "use strict";
  function update(box) {
    box.querySelectorAll("[data-follow-up-of]").forEach(function (item) {
      const parent = item.dataset.followUpOf;
      const yes = box.querySelector('input[name="' + parent + '"][value="yes"]');
      const parentItem = box.querySelector('[data-question="' + parent + '"]');
      const shown = yes !== null && yes.checked && !(parentItem && parentItem.hidden);
      if (!shown && !item.hidden) {
        // A hidden follow-up keeps no answer: it would contradict the "no" above it.
        item.querySelectorAll("input").forEach(function (input) {
          if (input.type === "radio" || input.type === "checkbox") { input.checked = false; }
          else { input.value = ""; }
        });
      }
      item.hidden = !shown;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-health-checks]").forEach(function (box) {
      box.classList.add("hc-live");
      update(box);
      box.addEventListener("change", function () { update(box); });
    });
  });
})();
