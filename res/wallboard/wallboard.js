// ipecs-rx wallboard page: plain browser JavaScript, no build step, no external resource.
// It listens to GET /events (Server-Sent Events) and renders what the server computed: figures, colours
// (thresholds are applied server-side), the group table and the agent list. The last-event age ticks here,
// from the server's clock carried in every `health` event.
'use strict';

(function () {
  var lastHealth = null;
  var clockOffset = 0; // server clock minus browser clock, ms
  var updates = 0;
  var streamOpen = false;
  var everOpened = false;

  function $(sel) { return document.querySelector(sel); }
  function all(sel) { return Array.prototype.slice.call(document.querySelectorAll(sel)); }

  function pad2(n) { return n < 10 ? '0' + n : String(n); }
  function duration(seconds) {
    var s = Math.max(0, Math.round(seconds));
    if (s < 60) return s + ' s';
    var m = Math.floor(s / 60);
    if (m < 60) return m + ':' + pad2(s % 60);
    return Math.floor(m / 60) + 'h' + pad2(m % 60);
  }
  function percent(ratio) { return ratio === null || ratio === undefined ? '–' : Math.round(ratio * 100) + '%'; }

  var FORMAT = {
    longestWaitTime: duration,
    averageSpeedOfAnswer: duration,
    serviceLevel: percent,
    abandonRate: percent,
  };

  function setFigure(name, value) {
    var fmt = FORMAT[name];
    var text = fmt ? fmt(value) : String(value);
    all('[data-figure="' + name + '"]').forEach(function (el) {
      if (el.textContent !== text) el.textContent = text;
    });
  }

  function setLevel(tile, level) {
    var el = $('[data-tile="' + tile + '"]');
    if (!el) return;
    ['green', 'amber', 'red', 'none'].forEach(function (l) { el.classList.toggle('level-' + l, l === level); });
    el.setAttribute('data-level', level);
  }

  function cell(text, level) {
    var td = document.createElement('td');
    td.textContent = text;
    if (level) td.className = 'level-' + level;
    return td;
  }

  function renderGroups(groups) {
    var body = $('#groups tbody');
    var rows = document.createDocumentFragment();
    groups.forEach(function (g) {
      var tr = document.createElement('tr');
      tr.setAttribute('data-group', g.group);
      tr.appendChild(cell(g.group));
      tr.appendChild(cell(String(g.callsInQueue), g.levels.callsInQueue));
      tr.appendChild(cell(duration(g.longestWaitTime), g.levels.longestWaitTime));
      tr.appendChild(cell(String(g.agentsLoggedIn)));
      // Board states, counted like the tiles: an agent on a call is busy, not available.
      tr.appendChild(cell(String(g.board.available)));
      tr.appendChild(cell(String(g.board.busy)));
      tr.appendChild(cell(String(g.board.wrap)));
      tr.appendChild(cell(String(g.totalInboundCalls)));
      tr.appendChild(cell(String(g.totalAnsweredCalls)));
      tr.appendChild(cell(String(g.totalAbandonedCalls)));
      rows.appendChild(tr);
    });
    body.replaceChildren(rows);
  }

  var STATE_TEXT = { available: 'ready', busy: 'busy', wrap: 'wrap', unavailable: 'unavail.' };
  function renderAgents(list) {
    var ul = $('#agents');
    var items = document.createDocumentFragment();
    list.forEach(function (a) {
      var li = document.createElement('li');
      li.className = 'agent-' + a.state;
      li.setAttribute('data-station', a.station);
      li.setAttribute('data-state', a.state);
      li.title = 'station ' + a.station + (a.agentId ? ', agent ' + a.agentId : '') + ', groups ' + a.groups.join(', ');
      var name = document.createElement('span');
      name.textContent = a.station;
      var st = document.createElement('span');
      st.className = 'st';
      st.textContent = STATE_TEXT[a.state] + (a.dnd ? ' · dnd' : '');
      li.appendChild(name);
      li.appendChild(st);
      items.appendChild(li);
    });
    ul.replaceChildren(items);
  }

  function onUpdate(view) {
    var s = view.summary;
    updates += 1;
    $('#updates').textContent = String(updates);
    setFigure('callsInQueue', s.callsInQueue);
    setFigure('longestWaitTime', s.longestWaitTime);
    setFigure('agentsAvailable', view.agents.available);
    setFigure('agentsBusy', view.agents.busy);
    setFigure('agentsWrap', view.agents.wrap);
    setFigure('agentsUnavailable', view.agents.unavailable);
    setFigure('totalAnsweredCalls', s.totalAnsweredCalls);
    setFigure('totalAbandonedCalls', s.totalAbandonedCalls);
    setFigure('serviceLevel', s.serviceLevel);
    setFigure('averageSpeedOfAnswer', s.averageSpeedOfAnswer);
    setFigure('totalInboundCalls', s.totalInboundCalls);
    setFigure('totalOutboundCalls', s.totalOutboundCalls);
    setFigure('activeCalls', s.activeCalls);
    setFigure('abandonRate', s.abandonRate);
    setFigure('stationsConnected', s.stationsConnected);
    Object.keys(view.levels).forEach(function (k) { setLevel(k, view.levels[k]); });
    renderGroups(view.groups);
    renderAgents(view.agentList);
    onHealth(view.health);
  }

  function onHealth(h) {
    lastHealth = h;
    clockOffset = h.now - Date.now();
    renderStatus();
  }

  function renderStatus() {
    var badge = $('#connection');
    var reason = $('#reason');
    var state;
    var cls;
    if (!streamOpen) { state = everOpened ? 'wallboard offline' : 'connecting'; cls = everOpened ? 'badge-down' : 'badge-none'; }
    else if (!lastHealth) { state = 'connecting'; cls = 'badge-none'; }
    else if (lastHealth.ok) { state = 'live'; cls = 'badge-ok'; }
    else if (lastHealth.state === 'open') { state = 'stale'; cls = 'badge-warn'; }
    else { state = lastHealth.state; cls = 'badge-down'; }
    badge.textContent = state;
    badge.className = 'badge ' + cls;
    badge.setAttribute('data-state', state);
    var why = !streamOpen && everOpened ? 'lost the wallboard server; reconnecting…' : lastHealth && !lastHealth.ok ? lastHealth.reason : '';
    reason.hidden = why === '';
    reason.textContent = why;
    tickAge();
  }

  function tickAge() {
    var el = $('#age');
    var box = el.parentNode;
    var now = Date.now() + clockOffset;
    $('#clock').textContent = new Date(now).toLocaleTimeString();
    if (!lastHealth || lastHealth.lastEventAgeSeconds === null) { el.textContent = '–'; return; }
    // Age at the server's last report plus the time since, on the server's clock.
    var age = lastHealth.lastEventAgeSeconds + Math.max(0, now - lastHealth.now) / 1000;
    el.textContent = duration(age);
    box.classList.toggle('stale', age * 1000 > lastHealth.freshnessSeconds * 1000);
  }

  function start() {
    var source = new EventSource('events');
    source.addEventListener('open', function () { streamOpen = true; everOpened = true; renderStatus(); });
    source.addEventListener('error', function () { streamOpen = false; renderStatus(); });
    source.addEventListener('update', function (e) { streamOpen = true; everOpened = true; onUpdate(JSON.parse(e.data)); });
    source.addEventListener('health', function (e) { streamOpen = true; everOpened = true; onHealth(JSON.parse(e.data)); });
    setInterval(tickAge, 1000);
    renderStatus();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
