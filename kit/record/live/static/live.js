/* klimakit live class view: follows a recording through server-sent events (kit/record/live).
 *
 * The server sends "init" (the whole run so far: on a first visit, a reload and every
 * reconnect), then "rows", "status", "events", "boards" and at last "end". Every name and
 * number from the boards goes into the page as text (textContent), never as HTML.
 * After each redraw the page fires a "klimakit:drawn" event with the rows it drew, which
 * benchmarks/bench_live.py uses to measure how long a reading takes to reach the page.
 */
(function () {
  "use strict";

  // The words in the user's language (kit/record/live/page.py puts them into the page).
  var WORDS = JSON.parse(document.getElementById("words").textContent);
  var STATES = WORDS.states, EVENTS = WORDS.events, ENDED = WORDS.ended;
  var SAY = WORDS.messages;
  function say(key, values) {
    var text = SAY[key];
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(String(values[name]));
    });
    return text;
  }
  function sayCount(key, count) {
    return WORDS.plurals[key][count === 1 ? 0 : 1].split("{count}").join(String(count));
  }
  var BAD_EVENTS = {unplugged: 1, "wrong program": 1, "reader failed": 1, lost: 1};
  var PALETTE = ["#1f5fbf", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
                 "#e377c2", "#17a2b8", "#a0a000", "#555555"];
  var DASHES = [[], [10, 5], [3, 4], [14, 4, 3, 4]];
  var DRAW_EVERY_MS = 200;

  var run = {title: "", fields: [], duration_s: null};
  var boards = [];      // names, in the server's order (stable colours)
  var series = [];      // per board: {t: [], v: [[...] per field]}
  var status = null;
  var panels = [];      // {unit, fields: [field index], box, chart, key}
  var drawn = [];       // rows added since the last redraw
  var dirty = false;
  var ended = false;
  var el = function (id) { return document.getElementById(id); };

  function colour(i) {
    return i < PALETTE.length ? PALETTE[i]
      : "hsl(" + Math.round((i * 137.508) % 360) + ", 70%, 38%)";
  }

  function clock(seconds) {
    if (seconds === null || seconds === undefined || !isFinite(seconds)) return "–";
    var s = Math.max(0, Math.round(seconds));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    var mm = (h ? String(m).padStart(2, "0") : String(m)) + ":" + String(r).padStart(2, "0");
    return h ? h + ":" + mm : mm;
  }

  function number(v) {
    if (v === null || v === undefined) return "–";
    var text = Math.abs(v) >= 1000 || Number.isInteger(v) ? String(Math.round(v * 10) / 10)
      : String(Math.round(v * 100) / 100);
    return text.replace(".", WORDS.decimal);
  }

  function unitText(unit) {
    return unit === "C" ? "°C" : unit;
  }

  function fieldLabel(f) {
    return f.label || f.name;
  }

  // ----- data --------------------------------------------------------------------------
  function boardSeries(i) {
    while (series.length <= i) {
      series.push({t: [], v: run.fields.map(function () { return []; })});
    }
    return series[i];
  }

  function addRows(rows) {
    for (var k = 0; k < rows.length; k++) {
      var r = rows[k], s = boardSeries(r[0]);
      s.t.push(r[1]);
      for (var f = 0; f < run.fields.length; f++) {
        if (!s.v[f]) s.v[f] = new Array(s.t.length - 1).fill(undefined);
        var value = r[2 + f];
        s.v[f].push(value === undefined ? null : value);
      }
      drawn.push(r);
    }
    if (rows.length) dirty = true;
  }

  function reset(snapshot) {
    run = snapshot.run;
    boards = snapshot.boards;
    series = [];
    drawn = [];
    addRows(snapshot.rows);
    status = snapshot.status;
    ended = false;
    rebuildPanels();
    showEvents(snapshot.events, true);
    showStatus(snapshot.status);
    dirty = true;
  }

  // ----- panels: one per unit, one line per board and field ------------------------------
  function panelGroups() {
    var groups = [], byUnit = {};
    run.fields.forEach(function (f, i) {
      var unit = unitText(f.unit || "");
      if (!(unit in byUnit)) {
        byUnit[unit] = groups.length;
        groups.push({unit: unit, fields: []});
      }
      groups[byUnit[unit]].fields.push(i);
    });
    return groups;
  }

  function rebuildPanels() {
    var box = el("panels");
    panels.forEach(function (p) { if (p.chart) p.chart.destroy(); });
    box.textContent = "";
    panels = panelGroups().map(function (group) {
      var section = document.createElement("section");
      section.className = "panel";
      var title = document.createElement("h2");
      var names = group.fields.map(function (i) { return fieldLabel(run.fields[i]); });
      title.textContent = names.join(", ") + (group.unit ? " (" + group.unit + ")" : "");
      var chart = document.createElement("div");
      chart.className = "chart";
      section.appendChild(title);
      section.appendChild(chart);
      box.appendChild(section);
      return {unit: group.unit, fields: group.fields, box: chart, chart: null};
    });
    panels.forEach(makeChart);
  }

  function makeChart(panel) {
    var lines = [{label: say("time")}];
    boards.forEach(function (name, b) {
      panel.fields.forEach(function (f, k) {
        lines.push({
          label: panel.fields.length > 1 ? name + " · " + fieldLabel(run.fields[f]) : name,
          stroke: colour(b), width: 3, dash: DASHES[k % DASHES.length], spanGaps: false,
          points: {show: false},
          value: function (u, v) { return number(v); }
        });
      });
    });
    var width = Math.max(320, panel.box.clientWidth || 600);
    var opts = {
      width: width, height: Math.round(Math.min(420, Math.max(260, width * 0.42))),
      series: lines,
      scales: {x: {time: false, range: xRange}},
      axes: [
        {label: say("minutes"), values: function (u, ticks) {
          return ticks.map(function (t) { return number(t / 60); }); },
         incrs: [15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200], font: "15px system-ui",
         labelFont: "bold 15px system-ui"},
        {label: panel.unit, font: "15px system-ui", labelFont: "bold 15px system-ui",
         values: function (u, ticks) { return ticks.map(number); }, size: 60}
      ],
      legend: {live: false, show: boards.length <= 12},
      cursor: {drag: {x: false, y: false}}
    };
    panel.chart = new uPlot(opts, chartData(panel), panel.box);
  }

  function xRange(u, min, max) {
    var end = Math.max(run.duration_s || 0, max || 0, 60);
    return [0, end];
  }

  function chartData(panel) {
    var tables = [];
    boards.forEach(function (name, b) {
      var s = series[b] || {t: [], v: []};
      var table = [s.t];
      panel.fields.forEach(function (f) { table.push(s.v[f] || []); });
      tables.push(table);
    });
    if (!tables.length) return [[]];
    return uPlot.join(tables);
  }

  function redraw() {
    if (!dirty) return;
    dirty = false;
    panels.forEach(function (p) { if (p.chart) p.chart.setData(chartData(p)); });
    showTiles();
    var rows = drawn;
    drawn = [];
    window.dispatchEvent(new CustomEvent("klimakit:drawn", {detail: {rows: rows,
                                                                      at: Date.now()}}));
  }

  // ----- tiles, clock, counts ----------------------------------------------------------
  function latestOf(b) {
    var s = series[b];
    if (s && s.t.length) {
      for (var i = s.t.length - 1; i >= 0; i--) {
        var values = s.v.map(function (col) { return col[i]; });
        if (values.some(function (v) { return v !== null && v !== undefined; })) return values;
      }
    }
    var st = status && status.boards.filter(function (x) { return x.name === boards[b]; })[0];
    return st ? st.latest : [];
  }

  function showTiles() {
    var box = el("tiles");
    box.classList.toggle("crowded", boards.length > 12);
    var byName = {};
    (status ? status.boards : []).forEach(function (s) { byName[s.name] = s; });
    boards.forEach(function (name, b) {
      var tile = box.children[b];
      if (!tile) {
        tile = document.createElement("article");
        tile.className = "tile";
        tile.style.setProperty("--board", colour(b));
        ["name", "value", "state", "detail"].forEach(function (part) {
          var node = document.createElement("div");
          node.className = part;
          tile.appendChild(node);
        });
        box.appendChild(tile);
      }
      var st = byName[name];
      var state = st ? st.state : "waiting";
      tile.className = "tile " + state;
      tile.dataset.board = name;
      tile.children[0].textContent = name;
      var values = latestOf(b);
      var parts = run.fields.map(function (f, i) {
        var unit = unitText(f.unit || "");
        var text = number(values[i]) + (unit ? " " + unit : "");
        return run.fields.length > 1 ? fieldLabel(f) + " " + text : text;
      });
      tile.children[1].textContent = parts.length ? parts.join(" · ") : "–";
      tile.children[1].className = "value" + (run.fields.length > 2 ? " many" : "");
      tile.children[2].textContent = STATES[state] || state;
      tile.children[2].className = "state " + state;
      tile.children[3].textContent = st ? sayCount("readings", st.accepted) +
        (st.rejected ? ", " + say("rejected", {count: st.rejected}) : "") +
        (st.lost ? ", " + say("lost", {count: st.lost}) : "") : "";
    });
  }

  function showStatus(s) {
    if (!s) return;
    status = s;
    el("title").textContent = run.title || "klimakit";
    document.title = (run.title || "klimakit") + " · live";
    el("elapsed").textContent = clock(s.elapsed_s);
    if (run.duration_s) {
      el("remaining-box").hidden = false;
      el("remaining").textContent = clock(Math.max(0, run.duration_s - s.elapsed_s));
    }
    var sum = function (key) {
      return s.boards.reduce(function (n, b) { return n + (b[key] || 0); }, 0);
    };
    el("count-boards").textContent = String(s.boards.length);
    el("count-accepted").textContent = String(sum("accepted"));
    el("count-rejected").textContent = String(sum("rejected"));
    el("count-lost").textContent = String(sum("lost"));
    var state = el("run-state");
    if (s.ended || s.closed) {
      state.textContent = s.ended ? say("ended_because", {reason: ENDED[s.ended] || s.ended})
        : say("ended");
      state.className = "run-state";
    } else {
      state.textContent = run.csv ? say("recording_to", {csv: run.csv}) : say("recording");
      state.className = "run-state live";
    }
    showTiles();
  }

  function showEvents(events, replace) {
    var list = el("event-list");
    if (replace) list.textContent = "";
    events.forEach(function (e) {
      if (e.kind === "start" || e.kind === "end") return;
      var item = document.createElement("li");
      item.textContent = clock(e.seconds) + "  " + (e.board ? e.board + ": " : "") +
        (EVENTS[e.kind] || e.kind);
      item.title = e.detail;  // the recorder's technical detail, on hover
      if (BAD_EVENTS[e.kind]) item.className = "bad";
      list.insertBefore(item, list.firstChild);
    });
    while (list.children.length > 12) list.removeChild(list.lastChild);
  }

  // ----- the stream ----------------------------------------------------------------------
  function connect() {
    var source = new EventSource("events");
    var on = function (name, handler) {
      source.addEventListener(name, function (e) { handler(JSON.parse(e.data)); });
    };
    on("init", reset);
    on("rows", function (m) { addRows(m.rows); });
    on("boards", function (m) {
      var fieldsChanged = m.run.fields.length !== run.fields.length;
      run = m.run;
      boards = m.boards;
      if (fieldsChanged) series.forEach(function (s) {
        while (s.v.length < run.fields.length) s.v.push(new Array(s.t.length).fill(undefined));
      });
      rebuildPanels();
      dirty = true;
    });
    on("status", showStatus);
    on("events", function (m) { showEvents(m.events, false); });
    on("end", function () {
      ended = true;
      source.close();
      redraw();
      showStatus(status);
    });
    source.onerror = function () {
      if (ended) return;
      var state = el("run-state");
      state.textContent = say("broken");
      state.className = "run-state broken";
    };
  }

  window.addEventListener("resize", function () {
    panels.forEach(function (p) {
      if (!p.chart) return;
      var width = Math.max(320, p.box.clientWidth || 600);
      p.chart.setSize({width: width,
                       height: Math.round(Math.min(420, Math.max(260, width * 0.42)))});
    });
  });
  setInterval(redraw, DRAW_EVERY_MS);
  connect();
})();
