// The supervisor page's charts (Chart.js 4, its UMD build served from /static/vendor).
// The figures come in each canvas's data-values attribute: the CSP allows no inline script.
/* global Chart */
(function () {
  'use strict';
  var COLORS = ['#0b5cad', '#1a7f37', '#b42318', '#8a5a00', '#6941c6', '#0e7490', '#c11574', '#4d5761'];
  function draw(canvas) {
    var v = JSON.parse(canvas.getAttribute('data-values'));
    var kind = canvas.getAttribute('data-chart');
    var common = { responsive: true, maintainAspectRatio: false, animation: false };
    var config;
    if (kind === 'stacked') {
      // Decisions per day, one stacked bar per day, a colour per reviewer.
      config = {
        type: 'bar',
        data: {
          labels: v.labels,
          datasets: v.series.map(function (s, i) {
            return { label: s.label, data: s.data, backgroundColor: COLORS[i % COLORS.length] };
          }),
        },
        options: Object.assign({}, common, {
          scales: { x: { stacked: true, ticks: { autoSkip: true, maxRotation: 0 } }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
          plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
        }),
      };
    } else {
      // One horizontal bar per label: reasons by count, cameras by reject rate (percent).
      var valueAxis = v.percent
        ? { beginAtZero: true, max: 100, ticks: { callback: function (x) { return x + ' %'; } } }
        : { beginAtZero: true, ticks: { precision: 0 } };
      config = {
        type: 'bar',
        data: { labels: v.labels, datasets: [{ data: v.data, backgroundColor: v.color || COLORS[0] }] },
        options: Object.assign({}, common, { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: valueAxis } }),
      };
    }
    canvas.chart = new Chart(canvas, config);
    canvas.setAttribute('data-drawn', 'true');
  }
  function start() {
    if (typeof Chart === 'undefined') return;
    document.querySelectorAll('canvas[data-chart]').forEach(draw);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
