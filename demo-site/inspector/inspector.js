// Bus inspector: a live table of every registration, command (with its outcome and duration)
// and event on the bus, newest first, with a filter box.
//
// It listens through `_genesys.widgets.common.busMonitor(listener)`, which first replays every
// record since page start. All text goes in with textContent: bus data is never parsed as HTML.
(function () {
  'use strict';

  var MAX_ROWS = 500;
  var root = document.getElementById('inspector-root');
  if (!root) return;

  function el(tag, props, children) {
    var node = document.createElement(tag);
    if (props) {
      for (var k in props) {
        if (k === 'text') node.textContent = props[k];
        else if (k === 'className') node.className = props[k];
        else node.setAttribute(k, props[k]);
      }
    }
    (children || []).forEach(function (c) {
      node.appendChild(c);
    });
    return node;
  }

  // Toolbar: filter, kind toggles, pause, clear, counters.
  var filter = el('input', {
    type: 'search',
    placeholder: 'Filter (plugin, command, event, outcome)…',
    'aria-label': 'Filter bus records',
    id: 'inspector-filter',
  });
  var kinds = ['register', 'command', 'publish', 'subscribe'];
  var kindBoxes = {};
  var kindLabels = kinds.map(function (kind) {
    var box = el('input', { type: 'checkbox', 'data-kind': kind });
    box.checked = true;
    kindBoxes[kind] = box;
    return el('label', { className: 'kind-toggle' }, [box, document.createTextNode(' ' + kind)]);
  });
  var pause = el('button', { type: 'button', text: 'Pause' });
  var clear = el('button', { type: 'button', text: 'Clear' });
  var counts = el('span', { className: 'counts', 'aria-live': 'polite' });
  root.appendChild(el('div', { className: 'inspector-toolbar' }, [filter].concat(kindLabels, [pause, clear, counts])));

  var table = el('table', { className: 'inspector-table', id: 'inspector-table' });
  var head = el('tr', null, ['time', 'kind', 'who', 'what', 'outcome', 'ms'].map(function (h) {
    return el('th', { text: h, scope: 'col' });
  }));
  table.appendChild(el('thead', null, [head]));
  var tbody = el('tbody');
  table.appendChild(tbody);
  root.appendChild(el('div', { className: 'inspector-scroll' }, [table]));

  var commandRows = {}; // command id -> row
  var total = { register: 0, command: 0, resolved: 0, rejected: 0, publish: 0, subscribe: 0 };
  var paused = false;
  var held = [];

  function clock(t) {
    if (typeof t !== 'number') return '';
    var d = new Date(t);
    var pad = function (n, w) {
      return String(n).padStart(w || 2, '0');
    };
    return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds()) + '.' + pad(d.getMilliseconds(), 3);
  }

  function describe(value) {
    if (value === undefined) return '';
    if (value instanceof Error) return value.message;
    if (typeof value === 'string') return value;
    try {
      return JSON.stringify(value);
    } catch (e) {
      return String(value);
    }
  }

  function matches(row) {
    var kind = row.getAttribute('data-kind');
    if (kindBoxes[kind] && !kindBoxes[kind].checked) return false;
    var q = filter.value.trim().toLowerCase();
    return !q || row.textContent.toLowerCase().indexOf(q) !== -1;
  }

  function applyFilter(row) {
    row.hidden = !matches(row);
  }

  function updateCounts() {
    counts.textContent =
      total.register + ' registrations · ' + total.command + ' commands (' + total.resolved + ' resolved, ' +
      total.rejected + ' rejected) · ' + total.publish + ' events · ' + total.subscribe + ' subscriptions' +
      (paused ? ' · paused (' + held.length + ' held)' : '');
  }

  function addRow(kind, cells, cls) {
    var row = el('tr', { className: 'row-' + kind + (cls ? ' ' + cls : ''), 'data-kind': kind });
    cells.forEach(function (text, i) {
      row.appendChild(el('td', { text: text, className: 'col-' + i }));
    });
    tbody.insertBefore(row, tbody.firstChild);
    while (tbody.children.length > MAX_ROWS) {
      var last = tbody.lastChild;
      var id = last.getAttribute('data-id');
      if (id) delete commandRows[id];
      tbody.removeChild(last);
    }
    applyFilter(row);
    return row;
  }

  function render(rec) {
    switch (rec.kind) {
      case 'register':
        total.register += 1;
        addRow('register', [clock(rec.time), 'register', rec.plugin, 'plugin registered', '', '']);
        break;
      case 'command': {
        total.command += 1;
        var row = addRow('command', [clock(rec.time), 'command', rec.commander, rec.command, 'pending…', ''], 'pending');
        row.setAttribute('data-id', String(rec.id));
        commandRows[rec.id] = row;
        break;
      }
      case 'settled': {
        total[rec.state] = (total[rec.state] || 0) + 1;
        var target = commandRows[rec.id];
        var outcome = rec.state + (rec.state === 'rejected' && rec.reason !== undefined ? ': ' + describe(rec.reason) : '');
        var ms = typeof rec.ms === 'number' ? rec.ms.toFixed(rec.ms < 10 ? 1 : 0) : '';
        if (target) {
          target.classList.remove('pending');
          target.classList.add(rec.state);
          target.children[4].textContent = outcome;
          target.children[5].textContent = ms;
          applyFilter(target);
        } else {
          addRow('command', [clock(rec.time), 'command', '', rec.command, outcome, ms], rec.state);
        }
        break;
      }
      case 'publish':
        total.publish += 1;
        addRow('publish', [clock(rec.time), 'event', rec.publisher, rec.event, rec.retained ? 'republished (retained)' : 'published', '']);
        break;
      case 'subscribe':
        total.subscribe += 1;
        addRow('subscribe', [clock(rec.time), 'subscribe', rec.plugin, rec.event, 'subscribed', '']);
        break;
      default:
        addRow('other', [clock(rec.time), String(rec.kind), '', describe(rec), '', '']);
    }
    updateCounts();
  }

  function onRecord(rec) {
    if (!rec || typeof rec !== 'object') return;
    if (paused) {
      held.push(rec);
      updateCounts();
      return;
    }
    render(rec);
  }

  filter.addEventListener('input', function () {
    Array.prototype.forEach.call(tbody.children, applyFilter);
  });
  kinds.forEach(function (k) {
    kindBoxes[k].addEventListener('change', function () {
      Array.prototype.forEach.call(tbody.children, applyFilter);
    });
  });
  pause.addEventListener('click', function () {
    paused = !paused;
    pause.textContent = paused ? 'Resume' : 'Pause';
    if (!paused) held.splice(0).forEach(render);
    updateCounts();
  });
  clear.addEventListener('click', function () {
    while (tbody.firstChild) tbody.removeChild(tbody.firstChild);
    commandRows = {};
    total = { register: 0, command: 0, resolved: 0, rejected: 0, publish: 0, subscribe: 0 };
    updateCounts();
  });

  var common = window._genesys && window._genesys.widgets && window._genesys.widgets.common;
  if (!common || typeof common.busMonitor !== 'function') {
    root.appendChild(
      el('p', { className: 'err', text: 'No bus monitor: load /dist/widgets.min.js before inspector.js.' }),
    );
    return;
  }
  updateCounts();
  common.busMonitor(onRecord);
})();
