/* Write-off calculator: updates the figure as the visitor types. The GET form computes the same
   figure on the server, so the page works without JavaScript. */
(function () {
  "use strict";
  var form = document.getElementById("calc-form");
  var out = document.getElementById("calc-result");
  if (!form || !out) { return; }
  var fmt = function (v) { return "$" + Math.round(v).toLocaleString("en-US"); };
  var update = function () {
    var perMonth = parseFloat(form.elements.per_month.value);
    var average = parseFloat(form.elements.average.value);
    if (!(perMonth > 0) || !(average > 0)) { out.textContent = "Enter two positive numbers."; return; }
    out.textContent = perMonth + " balances/month x " + fmt(average) + " x 12 months = " + fmt(perMonth * average * 12) +
      " of revenue lost per year";
  };
  form.addEventListener("input", update);
})();
