// The order timeline page (`/dashboard/orders/{orderId}`): reads GET /v1/orders/{orderId}/timeline with the
// operator key (fc-api.js) and draws it as a vertical timeline with one lane per source (commands,
// workflow, Kafka events). Compensations are highlighted; events show `topic[partition]@offset`.
(function () {
  'use strict';

  const lanes = [
    { source: 'command', label: 'Commands (HTTP, Kafka)' },
    { source: 'workflow', label: 'Saga (Temporal)' },
    { source: 'event', label: 'Events (Kafka)' },
  ];

  /** The order id is the last path segment: /dashboard/orders/{orderId}. */
  function orderIdFromPath() {
    const segments = window.location.pathname.split('/').filter(Boolean);
    return decodeURIComponent(segments[segments.length - 1] || '');
  }

  /** A new element with a class and text (text only: nothing from the API is parsed as HTML). */
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function link(href, text) {
    const a = el('a', '', text);
    a.href = href;
    a.target = '_blank';
    a.rel = 'noopener';
    return a;
  }

  const placement = (kafka) => kafka.topic + '[' + kafka.partition + ']@' + kafka.offset;

  function clock(iso) {
    return iso.slice(11, 23);
  }

  function sinceStart(iso, startMs) {
    const seconds = (Date.parse(iso) - startMs) / 1000;
    return '+' + seconds.toFixed(3) + ' s';
  }

  /** The small facts under an entry's title, by source. */
  function facts(entry) {
    const d = entry.details;
    const list = [];
    if (entry.source === 'command') {
      list.push(['channel', d.channel]);
      list.push(['outcome', d.outcome]);
      if (d.apiKey) list.push(['API key', d.apiKey]);
      if (d.kafka) list.push(['read from', placement(d.kafka)]);
      if (d.requestId) list.push(['request id', d.requestId]);
      if (d.reason) list.push(['reason', d.reason]);
      if (typeof d.request.reason === 'string') list.push(['asked', d.request.reason]);
      if (typeof d.request.note === 'string') list.push(['note', d.request.note]);
    } else if (entry.source === 'workflow') {
      if (d.attempt && d.attempt > 1) list.push(['attempts', String(d.attempt)]);
      if (d.updateId) list.push(['update id', d.updateId]);
      if (d.failure) list.push(['failure', d.failure]);
      list.push(['history event', '#' + d.historyEventId]);
    } else {
      list.push(['event id', d.eventId]);
      if (d.publishedAt) list.push(['published', clock(d.publishedAt)]);
    }
    return list;
  }

  function entryItem(entry, startMs) {
    const item = el('li', 'entry lane-' + entry.source);
    item.dataset.source = entry.source;
    item.dataset.compensation = String(entry.compensation);
    if (entry.compensation) item.classList.add('compensation');
    if (entry.source === 'command' && entry.details.outcome === 'refused') item.classList.add('refused');

    const when = el('div', 'when');
    when.append(el('span', 'clock', clock(entry.at)), el('span', 'since', sinceStart(entry.at, startMs)));
    item.append(when);

    const card = el('div', 'card');
    const title = el('div', 'title');
    // The badge says it: the API's "(compensation)" suffix is left out here.
    if (entry.compensation) title.append(el('span', 'badge compensation-badge', 'compensation'));
    title.append(el('span', 'text', entry.title.replace(/ \(compensation\)$/, '')));
    card.append(title);
    if (entry.source === 'event') {
      card.append(
        entry.details.kafka
          ? el('code', 'placement', placement(entry.details.kafka))
          : el('span', 'placement pending', 'not published yet'),
      );
    }
    const dl = el('dl', 'facts');
    facts(entry).forEach(function (pair) {
      dl.append(el('dt', '', pair[0]), el('dd', '', pair[1]));
    });
    card.append(dl);
    item.append(card);
    return item;
  }

  function header(timeline) {
    const box = el('section', 'summary');
    box.append(el('h2', '', 'Order ' + timeline.orderId));
    const links = el('p', 'links');
    if (timeline.links.temporalUi) links.append(link(timeline.links.temporalUi, 'Saga in the Temporal UI'));
    if (timeline.links.mailInbox) links.append(link(timeline.links.mailInbox, 'Mail in MailDev'));
    box.append(links);
    const counts = lanes.map(function (lane) {
      const n = timeline.entries.filter((e) => e.source === lane.source).length;
      return n + ' ' + lane.source + (n === 1 ? '' : 's');
    });
    const compensations = timeline.entries.filter((e) => e.compensation).length;
    box.append(
      el(
        'p',
        'counts',
        counts.join(' · ') + (compensations ? ' · ' + compensations + ' compensation entries' : ''),
      ),
    );
    return box;
  }

  function render(timeline) {
    const root = document.getElementById('timeline');
    root.replaceChildren(header(timeline));
    const legend = el('div', 'lanes-legend');
    legend.append(el('span', 'when', 'time'));
    lanes.forEach(function (lane) {
      legend.append(el('span', 'lane-title lane-' + lane.source, lane.label));
    });
    root.append(legend);
    const startMs = timeline.entries.length ? Date.parse(timeline.entries[0].at) : 0;
    const list = el('ol', 'entries');
    timeline.entries.forEach(function (entry) {
      list.append(entryItem(entry, startMs));
    });
    root.append(list);
    document.title = 'Order ' + timeline.orderId + ' · timeline';
  }

  function showProblem(err) {
    const root = document.getElementById('timeline');
    const status = err && err.status;
    const text =
      status === 404
        ? 'No order ' + orderIdFromPath() + '.'
        : status === 401 || status === 403
          ? 'An operator key is needed to read the timeline.'
          : 'Could not read the timeline: ' + (err && err.message ? err.message : String(err));
    root.replaceChildren(el('p', 'error', text));
  }

  async function load() {
    const orderId = orderIdFromPath();
    try {
      render(await window.fc.api('/v1/orders/' + encodeURIComponent(orderId) + '/timeline'));
    } catch (err) {
      showProblem(err);
    }
  }

  window.fc.onKey(load);
  document.addEventListener('DOMContentLoaded', load);
})();
