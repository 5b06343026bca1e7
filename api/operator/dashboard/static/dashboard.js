// The dashboard: fetches every analytics figure for the chosen range and the stalled orders, draws them,
// and does it again every REFRESH_MS. Each figure is drawn on its own: one that fails (Druid down: 503)
// shows its error without blanking the others.
(function () {
  'use strict';
  const REFRESH_MS = 10000;
  // Range → span and a bucket that keeps a chart readable (at most ~100 points).
  const ranges = {
    '15m': { spanMs: 15 * 60000, bucket: '1m' },
    '1h': { spanMs: 3600000, bucket: '1m' },
    '6h': { spanMs: 6 * 3600000, bucket: '5m' },
    '24h': { spanMs: 24 * 3600000, bucket: '15m' },
    '7d': { spanMs: 7 * 86400000, bucket: '1h' },
  };
  const colours = {
    created: '#2f6fde',
    reserved: '#7a5bd6',
    confirmed: '#1f9d61',
    rejected: '#d2443b',
    cancelled: '#d98a1c',
    approve: '#1f9d61',
    review: '#d98a1c',
    reject: '#d2443b',
    sent: '#1f9d61',
    failed: '#d2443b',
    released: '#d98a1c',
    committed: '#1f9d61',
  };
  const palette = ['#2f6fde', '#1f9d61', '#d98a1c', '#7a5bd6', '#d2443b', '#0f9fb5', '#8c6d3f', '#c2459b'];
  const charts = {};

  function query() {
    const choice = ranges[document.getElementById('range').value] || ranges['1h'];
    const to = new Date();
    const from = new Date(to.getTime() - choice.spanMs);
    // Stated on the page, so a reader (or a test) can ask the API for exactly what is shown.
    document.body.dataset.from = from.toISOString();
    document.body.dataset.to = to.toISOString();
    return '?from=' + from.toISOString() + '&to=' + to.toISOString() + '&bucket=' + choice.bucket;
  }

  function setFigure(name, text) {
    document.querySelectorAll('[data-figure="' + name + '"]').forEach(function (el) {
      el.textContent = text;
    });
  }

  function money(minor, currency) {
    try {
      return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency }).format(minor / 100);
    } catch {
      return (minor / 100).toFixed(2) + ' ' + currency;
    }
  }

  function clock(iso) {
    return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }

  function duration(seconds) {
    if (seconds < 90) return Math.round(seconds) + ' s';
    if (seconds < 5400) return Math.round(seconds / 60) + ' min';
    return (seconds / 3600).toFixed(1) + ' h';
  }

  /** Draws (or redraws in place) the chart on canvas `id`. */
  function draw(id, type, labels, datasets, options) {
    const existing = charts[id];
    if (existing && existing.config.type === type) {
      existing.data.labels = labels;
      existing.data.datasets = datasets;
      existing.update('none');
      return;
    }
    if (existing) existing.destroy();
    charts[id] = new Chart(document.getElementById(id), {
      type: type,
      data: { labels: labels, datasets: datasets },
      options: Object.assign(
        {
          animation: false,
          maintainAspectRatio: false,
          plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
          // Few, level time labels: a bucket a minute over an hour is 60 of them.
          scales:
            type === 'doughnut'
              ? undefined
              : {
                  x: { ticks: { maxTicksLimit: 12, maxRotation: 0, autoSkip: true } },
                  y: { beginAtZero: true },
                },
        },
        options || {},
      ),
    });
  }

  function series(buckets, keys, stacked) {
    return keys.map(function (key) {
      return {
        label: key,
        data: buckets.map(function (b) {
          return b[key];
        }),
        borderColor: colours[key],
        backgroundColor: colours[key],
        fill: false,
        tension: 0.2,
        pointRadius: 0,
        stack: stacked ? 'all' : undefined,
      };
    });
  }

  function showError(canvasId, err) {
    const figure = document.getElementById(canvasId).closest('figure');
    figure.classList.add('failed');
    figure.setAttribute('data-error', err.message);
  }

  function clearError(canvasId) {
    const figure = document.getElementById(canvasId).closest('figure');
    figure.classList.remove('failed');
    figure.removeAttribute('data-error');
  }

  function renderStalledOrders(data) {
    setFigure('stalled.total', String(data.total));
    setFigure('stalled.bound', 'unsettled after ' + duration(data.stalledAfterSeconds));
    const note = document.querySelector('[data-figure="stalled.checked"]');
    note.classList.remove('error');
    note.textContent =
      data.total > data.orders.length
        ? 'the ' + data.orders.length + ' longest stalled of ' + data.total
        : '';
    fillOrderTable('#stalled-orders', data.orders, 5, 'No order has stalled.', function (row, order) {
      row.insertCell().textContent =
        (order.status || 'unknown') + (order.reviewDecidedAt ? ' (review decided)' : '');
      row.insertCell().textContent = new Date(order.startedAt).toLocaleString();
      row.insertCell().textContent = duration(
        (Date.parse(data.checkedAt) - Date.parse(order.stalledSince)) / 1000,
      );
      const temporal = row.insertCell();
      if (order.links.temporalUi) {
        const history = document.createElement('a');
        history.href = order.links.temporalUi;
        history.textContent = 'history';
        temporal.appendChild(history);
      }
    });
  }

  /** Fills a table of orders: each row opens with a link to the order's page, `cells` adds the rest. */
  function fillOrderTable(selector, orders, columns, emptyText, cells) {
    const body = document.querySelector(selector + ' tbody');
    body.replaceChildren();
    if (orders.length === 0) {
      const cell = body.insertRow().insertCell();
      cell.colSpan = columns;
      cell.className = 'empty';
      cell.textContent = emptyText;
    }
    orders.forEach(function (order) {
      const row = body.insertRow();
      const link = document.createElement('a');
      link.href = 'dashboard/orders/' + encodeURIComponent(order.orderId);
      link.textContent = order.orderId;
      row.insertCell().appendChild(link);
      cells(row, order);
    });
  }

  const figures = [
    {
      path: 'orders',
      charts: ['chart-orders', 'chart-rejections'],
      render: function (data) {
        ['created', 'reserved', 'confirmed', 'rejected', 'cancelled'].forEach(function (key) {
          setFigure('orders.' + key, String(data.totals[key]));
        });
        const labels = data.buckets.map(function (b) {
          return clock(b.start);
        });
        draw(
          'chart-orders',
          'line',
          labels,
          series(data.buckets, ['created', 'reserved', 'confirmed', 'rejected', 'cancelled']),
        );
        draw(
          'chart-rejections',
          'doughnut',
          data.rejectedByReason.map(function (r) {
            return r.code;
          }),
          [
            {
              data: data.rejectedByReason.map(function (r) {
                return r.orders;
              }),
              backgroundColor: palette,
            },
          ],
        );
      },
    },
    {
      path: 'revenue',
      charts: ['chart-revenue'],
      render: function (data) {
        setFigure(
          'revenue',
          data.totals.length
            ? data.totals
                .map(function (t) {
                  return money(t.revenueMinor, t.currency);
                })
                .join(' · ')
            : '0',
        );
        const starts = [];
        data.buckets.forEach(function (b) {
          if (starts.indexOf(b.start) < 0) starts.push(b.start);
        });
        const datasets = data.totals.map(function (t, i) {
          return {
            label: t.currency,
            data: starts.map(function (start) {
              const bucket = data.buckets.find(function (b) {
                return b.start === start && b.currency === t.currency;
              });
              return bucket ? bucket.revenueMinor / 100 : 0;
            }),
            backgroundColor: palette[i % palette.length],
          };
        });
        draw('chart-revenue', 'bar', starts.map(clock), datasets);
      },
    },
    {
      path: 'fraud',
      charts: ['chart-fraud'],
      render: function (data) {
        const labels = data.buckets.map(function (b) {
          return clock(b.start);
        });
        draw('chart-fraud', 'bar', labels, series(data.buckets, ['approve', 'review', 'reject'], true), {
          scales: {
            x: { stacked: true, ticks: { maxTicksLimit: 8, maxRotation: 0 } },
            y: { stacked: true, beginAtZero: true },
          },
        });
      },
    },
    {
      path: 'top-skus',
      charts: ['chart-skus'],
      render: function (data) {
        draw(
          'chart-skus',
          'bar',
          data.skus.map(function (s) {
            return s.sku;
          }),
          [
            {
              label: 'units',
              data: data.skus.map(function (s) {
                return s.units;
              }),
              backgroundColor: colours.confirmed,
            },
          ],
          { indexAxis: 'y', plugins: { legend: { display: false } } },
        );
      },
    },
    {
      path: 'inventory',
      charts: ['chart-inventory'],
      render: function (data) {
        const skus = data.skus.slice(0, 12);
        draw(
          'chart-inventory',
          'bar',
          skus.map(function (s) {
            return s.sku;
          }),
          ['reserved', 'released', 'committed'].map(function (key) {
            return {
              label: key,
              data: skus.map(function (s) {
                return s[key];
              }),
              backgroundColor: colours[key] || colours.created,
            };
          }),
        );
      },
    },
    {
      path: 'notifications',
      charts: ['chart-notifications'],
      render: function (data) {
        setFigure('notifications.failed', String(data.totals.failed));
        const labels = data.buckets.map(function (b) {
          return clock(b.start);
        });
        draw('chart-notifications', 'line', labels, series(data.buckets, ['sent', 'failed']));
      },
    },
    {
      // Not a Druid figure: the orders stalled now (read from Temporal), whatever the range.
      url: 'v1/operations/stalled-orders',
      charts: [],
      render: renderStalledOrders,
      fail: function (err) {
        const note = document.querySelector('[data-figure="stalled.checked"]');
        note.classList.add('error');
        note.textContent = 'not updated: ' + err.message;
      },
    },
    {
      path: 'review-queue',
      charts: [],
      render: function (data) {
        setFigure('reviews.length', String(data.length));
        setFigure(
          'reviews.oldest',
          data.oldestWaitingSeconds === null
            ? 'none waiting'
            : 'oldest waits ' + duration(data.oldestWaitingSeconds),
        );
        fillOrderTable(
          '#review-queue',
          data.orders,
          4,
          'No order is waiting for a review.',
          function (row, order) {
            row.insertCell().textContent = new Date(order.waitingSince).toLocaleString();
            row.insertCell().textContent = String(order.score);
            row.insertCell().textContent = money(order.totalMinor, order.currency);
          },
        );
      },
    },
  ];

  async function refresh() {
    const suffix = query();
    const results = await Promise.all(
      figures.map(function (figure) {
        return window.fc.api(figure.url || 'v1/analytics/' + figure.path + suffix).then(
          function (data) {
            figure.charts.forEach(clearError);
            figure.render(data);
            return null;
          },
          function (err) {
            figure.charts.forEach(function (id) {
              showError(id, err);
            });
            if (figure.fail) figure.fail(err);
            return err;
          },
        );
      }),
    );
    const failures = results.filter(Boolean);
    const status = document.getElementById('status');
    status.classList.toggle('error', failures.length > 0);
    status.textContent =
      failures.length > 0
        ? 'not updated: ' + failures[0].message
        : 'updated ' + new Date().toLocaleTimeString() + ' · every ' + REFRESH_MS / 1000 + ' s';
    document.body.setAttribute('data-refreshed', String(Date.now()));
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.getElementById('range').addEventListener('change', refresh);
    window.fc.onKey(refresh);
    refresh();
    setInterval(refresh, REFRESH_MS);
  });
})();
