// ipecs-rx wallboard page: plain browser JavaScript, no build step, no external resource.
// It listens to GET /events (Server-Sent Events) and renders what the server computed: figures, colours
// (thresholds are applied server-side), the queue table, the agent board with names and time in state, and the
// feed's status in words (live, stale, not connected) with since when. Times of day are shown on a 24-hour clock
// in the browser's locale; ages tick here, on the server's clock carried in every event.
'use strict';

(function () {
  var lastHealth = null;
  var lastView = null;
  var clockOffset = 0; // server clock minus browser clock, ms
  var streamOpen = false;
  var everOpened = false;
  var lostAt = null; // when this page lost the wallboard server (server clock)

  function $(sel) { return document.querySelector(sel); }
  function all(sel) { return Array.prototype.slice.call(document.querySelectorAll(sel)); }
  function serverNow() { return Date.now() + clockOffset; }

  var locale = (navigator.languages && navigator.languages[0]) || navigator.language || undefined;
  var HM = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  var HMS = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

  function pad2(n) { return n < 10 ? '0' + n : String(n); }
  /** A wait or a time in state: 0:45, 12:05, 1:02:03. */
  function clock(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    var h = Math.floor(s / 3600);
    var m = Math.floor((s % 3600) / 60);
    return h > 0 ? h + ':' + pad2(m) + ':' + pad2(s % 60) : m + ':' + pad2(s % 60);
  }
  /** A short average: 18 s, 1:05. */
  function short(seconds) { return seconds < 60 ? Math.round(seconds) + ' s' : clock(seconds); }
  function percent(ratio) { return ratio === null || ratio === undefined ? '–' : Math.round(ratio * 100) + '%'; }

  var FORMAT = { longestWaitTime: clock, averageSpeedOfAnswer: short, serviceLevel: percent, abandonRate: percent };

  function setFigure(name, value) {
    var fmt = FORMAT[name];
    var text = value === null || value === undefined ? '–' : fmt ? fmt(value) : String(value);
    all('[data-figure="' + name + '"]').forEach(function (el) {
      if (el.textContent !== text) el.textContent = text;
    });
  }

  /** Shrinks a figure that does not fit its tile (a long wait, a big queue), never grows it past the CSS size. */
  function fit(el) {
    el.style.fontSize = '';
    if (el.scrollWidth > el.clientWidth && el.clientWidth > 0) {
      var size = parseFloat(getComputedStyle(el).fontSize);
      el.style.fontSize = Math.floor(size * el.clientWidth / el.scrollWidth) + 'px';
    }
  }
  function fitAll() { all('.tile .value').forEach(fit); }

  /** After the page changed (figures, the banner, the window): fit the figures, then clip the agent board, once a frame. */
  var relayoutPending = false;
  function relayout() {
    if (relayoutPending) return;
    relayoutPending = true;
    requestAnimationFrame(function () {
      relayoutPending = false;
      fitAll();
      clipAgents();
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
    var rows = document.createDocumentFragment();
    groups.forEach(function (g) {
      var tr = document.createElement('tr');
      tr.setAttribute('data-group', g.group);
      tr.appendChild(cell(g.name || g.group));
      tr.appendChild(cell(String(g.callsInQueue), g.levels.callsInQueue));
      tr.appendChild(cell(clock(g.longestWaitTime), g.levels.longestWaitTime));
      // Board states, counted like the tiles: an agent on a call is on a call, not ready.
      tr.appendChild(cell(String(g.board.ready)));
      tr.appendChild(cell(String(g.board.on_call)));
      tr.appendChild(cell(String(g.board.wrap)));
      tr.appendChild(cell(String(g.totalInboundCalls)));
      tr.appendChild(cell(String(g.totalAnsweredCalls)));
      tr.appendChild(cell(String(g.totalAbandonedCalls)));
      rows.appendChild(tr);
    });
    $('#groups tbody').replaceChildren(rows);
  }

  var STATE_TEXT = { ready: 'ready', on_call: 'on a call', wrap: 'wrap-up', not_ready: 'not ready' };
  function stateLine(a) {
    return STATE_TEXT[a.state] + (a.dnd ? ' · DND' : '') + ' ' + (a.atLeast ? '≥' : '') + clock((serverNow() - a.since) / 1000);
  }
  function renderAgents(list) {
    var items = document.createDocumentFragment();
    list.forEach(function (a) {
      var li = document.createElement('li');
      li.className = 'agent-' + a.state;
      li.setAttribute('data-station', a.station);
      li.setAttribute('data-state', a.state);
      li.title = 'station ' + a.station + (a.agentId ? ', agent ' + a.agentId : '') + ', groups ' + a.groups.join(', ');
      var name = document.createElement('span');
      name.className = 'name';
      name.textContent = a.name || a.station;
      var st = document.createElement('span');
      st.className = 'st';
      st.textContent = stateLine(a);
      li.appendChild(name);
      li.appendChild(st);
      items.appendChild(li);
    });
    $('#agents').replaceChildren(items);
    relayout();
  }
  /** Hides the agents that do not fit whole in their panel (a cut chip reads as broken) and says how many. */
  function clipAgents() {
    var ul = $('#agents');
    var items = all('#agents li');
    items.forEach(function (li) { li.hidden = false; });
    var bottom = ul.getBoundingClientRect().bottom;
    var hidden = 0;
    items.forEach(function (li) {
      if (li.getBoundingClientRect().bottom > bottom + 1) hidden += 1;
    });
    // Hide from the end, so what is shown stays in station order.
    for (var i = items.length - hidden; i < items.length; i++) items[i].hidden = true;
    $('#agents-count').textContent = items.length === 0 ? '' : '(' + items.length + ' logged in' + (hidden > 0 ? ', ' + hidden + ' not shown' : '') + ')';
  }
  function tickAgents() {
    if (!lastView) return;
    var byStation = {};
    lastView.agentList.forEach(function (a) { byStation[a.station] = a; });
    all('#agents li').forEach(function (li) {
      var a = byStation[li.getAttribute('data-station')];
      if (a) li.querySelector('.st').textContent = stateLine(a);
    });
  }

  function onUpdate(view) {
    lastView = view;
    var s = view.summary;
    setFigure('callsInQueue', s.callsInQueue);
    setFigure('longestWaitTime', s.longestWaitTime);
    setFigure('serviceLevel', s.serviceLevel);
    setFigure('agentsReady', view.agents.ready);
    setFigure('abandonRate', s.abandonRate);
    setFigure('totalAnsweredCalls', s.totalAnsweredCalls);
    setFigure('totalAbandonedCalls', s.totalAbandonedCalls);
    setFigure('averageSpeedOfAnswer', s.totalAnsweredCalls > 0 ? s.averageSpeedOfAnswer : null);
    setFigure('agentsOnCall', view.agents.on_call);
    setFigure('agentsWrap', view.agents.wrap);
    setFigure('agentsNotReady', view.agents.not_ready);
    setFigure('totalInboundCalls', s.totalInboundCalls);
    setFigure('totalOutboundCalls', s.totalOutboundCalls);
    setFigure('activeCalls', s.activeCalls);
    setFigure('stationsConnected', s.stationsConnected);
    $('#sl-seconds').textContent = view.serviceLevelSeconds === null ? '' : 'answered within ' + view.serviceLevelSeconds + ' s';
    $('#asof').textContent = HMS.format(new Date(s.at));
    // What the figures cover (docs/cold-start.md): a client started mid-day says since when, and what it cannot know.
    var c = view.coverage;
    var coverage = (c.wholePeriod ? 'figures for the whole period' : 'figures since ' + HM.format(new Date(c.since))) + (c.note ? '; ' + c.note : '');
    var cov = $('#coverage');
    if (cov.textContent !== coverage) { cov.textContent = coverage; cov.title = coverage; }
    Object.keys(view.levels).forEach(function (k) { setLevel(k, view.levels[k]); });
    renderGroups(view.groups);
    renderAgents(view.agentList);
    onHealth(view.health);
  }

  function onHealth(h) {
    lastHealth = h;
    clockOffset = h.now - Date.now();
    lostAt = null;
    renderStatus();
  }

  var BADGE = { live: 'Live', stale: 'Stale', down: 'No connection', starting: 'Connecting', offline: 'Offline' };

  function renderStatus() {
    var level;
    var headline;
    var detail = '';
    var since = null;
    if (!streamOpen && everOpened) {
      level = 'offline';
      headline = 'This screen lost the wallboard server';
      detail = 'The figures are frozen. Reconnecting…';
      since = lostAt;
    } else if (!lastHealth) {
      level = 'starting';
      headline = 'Connecting to the wallboard server…';
    } else {
      var b = lastHealth.board;
      level = b.level;
      headline = b.headline;
      detail = b.detail;
      since = b.since;
    }
    var badge = $('#connection');
    badge.textContent = BADGE[level];
    badge.setAttribute('data-state', level);
    document.body.setAttribute('data-feed', level);
    var banner = $('#banner');
    banner.hidden = level === 'live';
    $('#banner-headline').textContent = headline;
    $('#banner-since').textContent = since === null ? '' : 'since ' + HM.format(new Date(since));
    $('#banner-detail').textContent = detail;
    relayout();
    tick();
  }

  function tick() {
    $('#clock').textContent = HM.format(new Date(serverNow()));
    tickAgents();
  }

  function start() {
    var source = new EventSource('events');
    source.addEventListener('open', function () { streamOpen = true; everOpened = true; renderStatus(); });
    source.addEventListener('error', function () {
      if (streamOpen) lostAt = serverNow();
      streamOpen = false;
      renderStatus();
    });
    source.addEventListener('update', function (e) { streamOpen = true; everOpened = true; onUpdate(JSON.parse(e.data)); });
    source.addEventListener('health', function (e) { streamOpen = true; everOpened = true; onHealth(JSON.parse(e.data)); });
    setInterval(tick, 1000);
    window.addEventListener('resize', relayout);
    renderStatus();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
