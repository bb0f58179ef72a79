/*
 * sse-chaos report: draws the charts with uPlot from the JSON embedded in the page.
 * Plain browser JavaScript, no build step, no network: it is inlined into report.html.
 * Fault windows are shaded by a small uPlot plugin so a reviewer sees cause and effect together.
 */
/* global uPlot, document, window */
(function () {
  'use strict';

  var COLORS = {
    p50: '#1a7f37',
    p95: '#bf8700',
    p99: '#cf222e',
    max: '#6e7781',
    connected: '#0969da',
    reconnects: '#8250df',
    gaps: '#bc4c00',
    published: '#0969da',
    delivered: '#1a7f37',
    // Client profiles: the real browser stands out; the models are quieter.
    profile: {
      'chromium (real browser)': '#cf222e',
      'browser (model)': '#8250df',
      'backoff (model)': '#6e7781',
    },
    profileOther: '#0969da',
    faultFill: 'rgba(207, 34, 46, 0.10)',
    faultEdge: 'rgba(207, 34, 46, 0.55)',
    faultText: 'rgba(160, 20, 30, 0.9)',
  };

  function alpha(hex, a) {
    var n = parseInt(hex.slice(1), 16);
    return 'rgba(' + ((n >> 16) & 255) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + a + ')';
  }

  /** uPlot plugin: shades each fault window (under the series) and labels it (over them). */
  function faultWindowsPlugin(faults) {
    function spans(u) {
      var left = u.bbox.left;
      var right = u.bbox.left + u.bbox.width;
      return faults
        .map(function (f) {
          var x0 = Math.max(left, u.valToPos(f.start, 'x', true));
          var x1 = Math.min(right, u.valToPos(f.end, 'x', true));
          return { f: f, x0: x0, x1: Math.max(x1, x0 + 2 * uPlot.pxRatio) };
        })
        .filter(function (s) {
          return s.x0 < right && s.x1 > left;
        });
    }
    return {
      hooks: {
        drawClear: [
          function (u) {
            var ctx = u.ctx;
            ctx.save();
            spans(u).forEach(function (s) {
              ctx.fillStyle = COLORS.faultFill;
              ctx.fillRect(s.x0, u.bbox.top, s.x1 - s.x0, u.bbox.height);
              ctx.fillStyle = COLORS.faultEdge;
              ctx.fillRect(s.x0, u.bbox.top, uPlot.pxRatio, u.bbox.height);
              ctx.fillRect(s.x1 - uPlot.pxRatio, u.bbox.top, uPlot.pxRatio, u.bbox.height);
            });
            ctx.restore();
          },
        ],
        draw: [
          function (u) {
            var ctx = u.ctx;
            ctx.save();
            ctx.font = 10 * uPlot.pxRatio + 'px system-ui, sans-serif';
            ctx.fillStyle = COLORS.faultText;
            ctx.textBaseline = 'top';
            spans(u).forEach(function (s, i) {
              var label = s.f.name + (s.f.leg ? ' @' + s.f.leg : '');
              ctx.fillText(label, s.x0 + 3 * uPlot.pxRatio, u.bbox.top + (2 + (i % 3) * 11) * uPlot.pxRatio);
            });
            ctx.restore();
          },
        ],
      },
    };
  }

  var secondsAxis = {
    label: 'seconds since start',
    labelSize: 18,
    labelFont: '11px system-ui, sans-serif',
    font: '11px system-ui, sans-serif',
    values: function (u, splits) {
      return splits.map(function (v) {
        return v + ' s';
      });
    },
  };

  function yAxis(label, side, scale) {
    return {
      label: label,
      labelSize: 18,
      labelFont: '11px system-ui, sans-serif',
      font: '11px system-ui, sans-serif',
      side: side === undefined ? 3 : side,
      size: 52,
      scale: scale || 'y',
      grid: { show: side === undefined || side === 3 },
    };
  }

  function line(label, color, extra) {
    // uPlot shows points by itself when they are sparse (isolated samples between gaps stay visible).
    var s = { label: label, stroke: color, width: 1.5 };
    for (var k in extra || {}) s[k] = extra[k];
    return s;
  }

  function fmt(unit) {
    return function (u, v) {
      if (v == null) return '–';
      var r = Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 100) / 100;
      return r.toLocaleString('en-US') + (unit ? ' ' + unit : '');
    };
  }

  /** One stepped line per client profile (the chart's labels), the real browser in its own colour. */
  function perClient(chart, unit, axis) {
    return {
      series: (chart.labels || []).map(function (label) {
        return line(label, COLORS.profile[label] || COLORS.profileOther, {
          value: fmt(unit),
          paths: uPlot.paths.stepped({ align: 1 }),
        });
      }),
      axes: [yAxis(axis)],
    };
  }

  /** Per chart kind: uPlot series, axes, scales and bands. */
  var KINDS = {
    latency: function () {
      return {
        series: [
          line('p50', COLORS.p50, { value: fmt('ms') }),
          line('p95', COLORS.p95, { value: fmt('ms') }),
          line('p99', COLORS.p99, { value: fmt('ms') }),
          line('max', COLORS.max, { value: fmt('ms'), dash: [4, 4], width: 1 }),
        ],
        bands: [
          { series: [3, 2], fill: alpha(COLORS.p99, 0.12) },
          { series: [2, 1], fill: alpha(COLORS.p95, 0.15) },
        ],
        axes: [yAxis('ms')],
      };
    },
    connected: function () {
      return {
        series: [
          line('connected', COLORS.connected, {
            fill: alpha(COLORS.connected, 0.1),
            value: fmt(''),
            paths: uPlot.paths.stepped({ align: 1 }),
          }),
        ],
        axes: [yAxis('subscribers')],
      };
    },
    reconnects: function () {
      return {
        series: [
          line('reconnects/s', COLORS.reconnects, {
            fill: alpha(COLORS.reconnects, 0.15),
            value: fmt('/s'),
            paths: uPlot.paths.stepped({ align: 1 }),
          }),
        ],
        axes: [yAxis('per second')],
      };
    },
    gaps: function () {
      return {
        series: [
          {
            label: 'longest gap',
            stroke: COLORS.gaps,
            fill: alpha(COLORS.gaps, 0.35),
            value: fmt('ms'),
            paths: function () {
              return null;
            },
            points: {
              show: true,
              size: 4,
              space: 0,
              stroke: COLORS.gaps,
              fill: alpha(COLORS.gaps, 0.35),
              width: 1,
            },
          },
        ],
        axes: [yAxis('ms')],
        cursorPoints: false,
      };
    },
    clientsConnected: function (chart) {
      return perClient(chart, '', 'subscribers');
    },
    clientsReconnects: function (chart) {
      return perClient(chart, '/s', 'per second');
    },
    flow: function () {
      return {
        series: [
          line('published', COLORS.published, { value: fmt(''), scale: 'pub' }),
          line('delivered', COLORS.delivered, { value: fmt(''), scale: 'del', dash: [6, 3] }),
        ],
        axes: [yAxis('published / bucket', 3, 'pub'), yAxis('delivered / bucket', 1, 'del')],
        scales: { pub: { range: fromZero }, del: { range: fromZero } },
      };
    },
  };

  var charts = [];

  /** Counts and latencies read best from a zero baseline; a little headroom keeps peaks off the frame. */
  function fromZero(u, min, max) {
    var top = max == null || max <= 0 ? 1 : max * 1.08;
    return [Math.min(0, min == null ? 0 : min), top];
  }

  function chartWidth(el) {
    return Math.max(280, Math.floor(el.clientWidth));
  }

  function renderChart(el, chart, faults, xMax) {
    var kind = KINDS[chart.key](chart);
    var opts = {
      width: chartWidth(el),
      height: 220,
      plugins: [faultWindowsPlugin(faults)],
      scales: Object.assign(
        {
          // Same x range on every chart of a scenario, so a fault lines up across them.
          x: {
            time: false,
            range: function (u, min, max) {
              return [0, Math.max(xMax || 0, max == null ? 0 : max, 1)];
            },
          },
          y: { range: fromZero },
        },
        kind.scales || {},
      ),
      series: [{ label: 'time', value: fmt('s') }].concat(kind.series),
      axes: [secondsAxis].concat(kind.axes),
      legend: { live: true },
      cursor: { drag: { x: true, y: false }, points: { show: kind.cursorPoints !== false } },
    };
    if (kind.bands) opts.bands = kind.bands;
    var u = new uPlot(opts, [chart.x].concat(chart.ys), el);
    el.setAttribute('data-rendered', 'true');
    charts.push({ el: el, u: u });
  }

  function main() {
    var dataEl = document.getElementById('report-data');
    var scenarios = JSON.parse(dataEl.textContent || '[]');
    scenarios.forEach(function (scenario) {
      scenario.charts.forEach(function (chart) {
        var el = document.getElementById(scenario.id + '-' + chart.key);
        if (!el) return;
        try {
          renderChart(el, chart, scenario.faults, scenario.xMax);
        } catch (err) {
          el.innerHTML = '';
          var msg = document.createElement('div');
          msg.className = 'chart-error';
          msg.textContent =
            '✘ This chart could not be drawn: ' + (err && err.message ? err.message : String(err));
          el.appendChild(msg);
          console.error('sse-chaos report: chart ' + el.id + ' failed', err);
        }
      });
    });

    var pending = 0;
    window.addEventListener('resize', function () {
      window.cancelAnimationFrame(pending);
      pending = window.requestAnimationFrame(function () {
        charts.forEach(function (c) {
          c.u.setSize({ width: chartWidth(c.el), height: 220 });
        });
      });
    });
    document.documentElement.setAttribute('data-charts-ready', String(charts.length));
  }

  main();
})();
