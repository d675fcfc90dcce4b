/* Charts of the recovery projection. Data comes from the json_script element (no inline script). */
(function () {
  "use strict";
  var node = document.getElementById("projection-data");
  if (!node || typeof Chart === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  var money = function (v) { return "$" + Math.round(v).toLocaleString("en-US"); };
  var moneyAxis = { ticks: { callback: money }, beginAtZero: true };
  Chart.defaults.animation = false;

  new Chart(document.getElementById("chart-months"), {
    type: "line",
    data: {
      labels: data.months,
      datasets: [
        { label: "P90", data: data.cumulative.p90, borderColor: "#7cc4ab", backgroundColor: "rgba(124,196,171,0.25)", fill: "+2", pointRadius: 0 },
        { label: "P50 (likely)", data: data.cumulative.p50, borderColor: "#0b6e4f", borderWidth: 3 },
        { label: "P10", data: data.cumulative.p10, borderColor: "#7cc4ab", pointRadius: 0 }
      ]
    },
    options: { scales: { y: moneyAxis }, plugins: { tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + money(c.parsed.y); } } } } }
  });

  new Chart(document.getElementById("chart-segments"), {
    type: "bar",
    data: {
      labels: data.segments.labels,
      datasets: [
        { label: "Balances", data: data.segments.placed, backgroundColor: "#d9dee5" },
        { label: "Likely recovery", data: data.segments.expected, backgroundColor: "#0b6e4f" }
      ]
    },
    options: { scales: { y: moneyAxis } }
  });

  new Chart(document.getElementById("chart-ages"), {
    type: "bar",
    data: {
      labels: data.ages.labels,
      datasets: [{ label: "Likely recovery rate (%)", data: data.ages.rate, backgroundColor: "#0b6e4f" }]
    },
    options: {
      scales: { y: { beginAtZero: true, max: 100, ticks: { callback: function (v) { return v + "%"; } } } },
      plugins: { subtitle: { display: true, text: "Commercial collectability for reference: " +
        data.commercial.map(function (c) { return c.label + " " + c.rate + "%"; }).join(", ") } }
    }
  });
  document.body.setAttribute("data-charts", "ready");
})();
