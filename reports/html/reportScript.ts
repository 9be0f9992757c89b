/**
 * The one script of an HTML report (inlined; its hash is in the page's Content-Security-Policy). It draws
 * every chart with vega-embed (SVG renderer, CSP-safe expression interpreter, no editor links), exposes the
 * views as `window.slmbenchReport.views` (for tests and the console), marks the page
 * `data-charts-ready="true"` when every chart has settled, and makes `table.sortable` headers sort on click.
 */
export const REPORT_SCRIPT = `(function () {
  'use strict';
  var state = { views: {}, errors: [], ready: null };
  window.slmbenchReport = state;
  var charts = JSON.parse(document.getElementById('slmbench-charts').textContent);
  var options = {
    renderer: 'svg',
    ast: true,
    actions: { export: true, source: false, compiled: false, editor: false },
    tooltip: { theme: 'light' },
    downloadFileName: 'slmbench-chart'
  };
  function message(error) { return String((error && error.message) || error); }
  state.ready = Promise.all(charts.map(function (chart) {
    var figure = document.getElementById(chart.id);
    var host = figure.querySelector('.chart-body');
    return vegaEmbed(host, chart.spec, options).then(function (result) {
      state.views[chart.id] = result.view;
      figure.setAttribute('data-rendered', 'true');
    }, function (error) {
      state.errors.push({ id: chart.id, message: message(error) });
      host.textContent = 'This chart could not be drawn: ' + message(error);
      figure.setAttribute('data-rendered', 'error');
      console.error('slmbench: chart ' + chart.id + ': ' + message(error));
    });
  })).then(function () {
    document.documentElement.setAttribute('data-charts-ready', 'true');
  });

  function sortKey(cell) {
    if (!cell) return '';
    var value = cell.getAttribute('data-sort');
    if (value === null) value = cell.textContent || '';
    var n = Number(value);
    return value !== '' && !isNaN(n) ? n : value.toLowerCase();
  }
  function compare(a, b) {
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    if (typeof a === 'number') return -1;
    if (typeof b === 'number') return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  function sortBy(table, index, th) {
    var ascending = th.getAttribute('aria-sort') !== 'ascending';
    Array.prototype.forEach.call(th.parentNode.cells, function (c) { c.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var ka = sortKey(a.cells[index]);
      var kb = sortKey(b.cells[index]);
      if (ka === '' && kb !== '') return 1;
      if (kb === '' && ka !== '') return -1;
      return compare(ka, kb) * (ascending ? 1 : -1);
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
    if (!table.tHead) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      th.tabIndex = 0;
      th.title = 'sort';
      th.addEventListener('click', function () { sortBy(table, index, th); });
      th.addEventListener('keydown', function (event) {
        if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); sortBy(table, index, th); }
      });
    });
  });
})();
`;
