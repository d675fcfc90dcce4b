// The "why" page: filter the timeline by kind (no inline scripts: CSP).
(function () {
  "use strict";
  var buttons = document.querySelectorAll(".why-filter");
  buttons.forEach(function (button) {
    button.addEventListener("click", function () {
      var kind = button.getAttribute("data-kind");
      buttons.forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
      document.querySelectorAll(".why-timeline tbody tr").forEach(function (row) {
        row.hidden = kind !== "all" && row.getAttribute("data-kind") !== kind;
      });
    });
  });
})();
