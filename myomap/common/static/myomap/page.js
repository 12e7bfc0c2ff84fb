// Small behaviours for every page, kept out of the markup (the Content-Security-Policy allows
// no inline script): a private link's field selects its whole text when clicked.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    const field = event.target.closest && event.target.closest("[data-select-on-click]");
    if (field) field.select();
  });
})();
