// Health checks: show a follow-up question only while the question it follows is answered yes.
// Without JavaScript every follow-up stays visible with its "only if you answered yes" hint,
// and the server ignores a follow-up whose question was not answered yes.
(function () {
  "use strict";
  function update(box) {
    box.querySelectorAll("[data-follow-up-of]").forEach(function (item) {
      const parent = item.dataset.followUpOf;
      const yes = box.querySelector('input[name="' + parent + '"][value="yes"]');
      const parentItem = box.querySelector('[data-question="' + parent + '"]');
      const shown = yes !== null && yes.checked && !(parentItem && parentItem.hidden);
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
