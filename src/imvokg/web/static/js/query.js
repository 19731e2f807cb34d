// The query page, built on YASGUI (@zazuko/yasgui, vendored): tabs, persistent queries, prefixes,
// Ctrl+Enter. This script adds what is ours: completion of classes, properties, concepts and
// resources by name in the page language (/sparql/completions, from the server's label index);
// result views for charts (Chart.js), graphs (Cytoscape.js) and timelines; IRIs shown by label
// and linked to this server's pages; downloads in the format each button names; a local query
// history; a share link; the "Code" panel with the query as a program.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("page-data").textContent);
  var T = data.text;
  var BASE = "https://w3id.org/imvokg/";
  var ENDPOINT = location.origin + "/sparql";
  var Yasqe = Yasgui.Yasqe, Yasr = Yasgui.Yasr;
  var statusEl = document.getElementById("result-status");
  var errorEl = document.getElementById("result-error");
  var downloadsEl = document.getElementById("downloads");
  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var NUMERIC = /#(integer|decimal|double|float|int|long|short|nonNegativeInteger|positiveInteger)$/;
  var DATE = /#(date|dateTime|gYear|gYearMonth)$/;

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (m, k) { return k in values ? values[k] : m; });
  }

  function kindOf(text) {
    var body = text.replace(/#[^\n]*/g, " ").replace(/(PREFIX|BASE)\s+[^>]*>/gi, " ");
    var m = /\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b/i.exec(body);
    return m ? m[1].toUpperCase() : "SELECT";
  }

  function isGraph(text) { var k = kindOf(text); return k === "CONSTRUCT" || k === "DESCRIBE"; }

  function localHref(iri) {
    if (iri.indexOf(BASE + "ont#") === 0) { return "/ontology#" + iri.split("#")[1]; }
    if (iri.indexOf(BASE + "id/") === 0 || iri.indexOf(BASE + "scheme/") === 0) { return "/" + iri.slice(BASE.length); }
    return iri;
  }

  function shortName(iri) {
    var best = null;
    Object.keys(data.prefixes).forEach(function (p) {
      var ns = data.prefixes[p];
      if (iri.indexOf(ns) === 0 && (!best || ns.length > data.prefixes[best].length)) { best = p; }
    });
    return best ? best + ":" + iri.slice(data.prefixes[best].length) : iri;
  }

  // --- names of IRIs, in the page language, asked for as they are shown ---------------
  var names = {};
  var pendingNames = {};
  var nameTimer = null;
  var nameListeners = [];

  function wantNames(iris, done) {
    if (done) { nameListeners.push(done); }
    iris.forEach(function (i) { if (i.indexOf(BASE) === 0 && !(i in names)) { pendingNames[i] = true; } });
    if (nameTimer) { return; }
    nameTimer = setTimeout(fetchNames, 0);
  }

  function fetchNames() {
    nameTimer = null;
    var ours = Object.keys(pendingNames).slice(0, 400);
    var listeners = nameListeners;
    nameListeners = [];
    if (!ours.length) { listeners.forEach(function (f) { f(); }); return; }
    ours.forEach(function (i) { delete pendingNames[i]; names[i] = null; });
    var q = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n" +
      "SELECT ?s ?l WHERE { VALUES ?s { " + ours.map(function (i) { return "<" + i + ">"; }).join(" ") + " }\n" +
      "  ?s rdfs:label|skos:prefLabel ?l FILTER(LANG(?l) = \"" + data.lang + "\" || LANG(?l) = \"en\") }";
    fetch("/sparql", { method: "POST", headers: { "Content-Type": "application/sparql-query",
      "Accept": "application/sparql-results+json" }, body: q })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (json) {
        if (json) {
          var langs = {};
          json.results.bindings.forEach(function (b) {
            var lang = b.l["xml:lang"];
            if (!names[b.s.value] || lang === data.lang && langs[b.s.value] !== data.lang) {
              names[b.s.value] = b.l.value;
              langs[b.s.value] = lang;
            }
          });
        }
        listeners.forEach(function (f) { f(); });
        if (Object.keys(pendingNames).length) { fetchNames(); }
      }).catch(function () { /* IRIs stay as prefixed names */ });
  }

  // Links in the table: to this server's pages, shown by name (the IRI in the title).
  function relabel(root) {
    var links = Array.prototype.slice.call(root.querySelectorAll("a.iri:not([data-iri])"));
    if (!links.length) { return; }
    links.forEach(function (a) {
      var iri = a.getAttribute("href");
      a.dataset.iri = iri;
      a.href = localHref(iri);
      a.removeAttribute("target");
      a.title = iri;
    });
    wantNames(links.map(function (a) { return a.dataset.iri; }), function () {
      root.querySelectorAll("a[data-iri]").forEach(function (a) {
        var name = names[a.dataset.iri];
        if (name && a.textContent !== name) { a.textContent = name; }
      });
    });
  }

  // --- completion from the graph ---------------------------------------------------------
  var offered = {};  // IRI -> completion, for the hint lines

  function askCompletions(kind, token) {
    var text = token.autocompletionString || token.string || "";
    var namespace = "";
    if (token.tokenPrefixUri && text.indexOf(token.tokenPrefixUri) === 0) {
      namespace = token.tokenPrefixUri;
      text = text.slice(namespace.length);
    } else if (/^https?:/.test(text)) {
      var cut = Math.max(text.lastIndexOf("#"), text.lastIndexOf("/")) + 1;
      namespace = text.slice(0, cut);
      text = text.slice(cut);
    }
    var url = "/sparql/completions?" + new URLSearchParams({ kind: kind, text: text, namespace: namespace, lang: data.lang });
    return fetch(url).then(function (r) { return r.ok ? r.json() : { completions: [] }; }).then(function (json) {
      return json.completions.map(function (c) { offered[c.iri] = c; return c.iri; });
    }).catch(function () { return []; });
  }

  function describeHints(yasqe, hints) {
    hints.forEach(function (h) {
      var iri = h.text.charAt(0) === "<" ? h.text.slice(1, -1) : (yasqe.getPrefixesFromQuery()[h.text.split(":")[0]] || "") + h.text.split(":").slice(1).join(":");
      var c = offered[iri];
      if (c) {
        h.displayText = c.label + (c.matched !== c.label ? " (" + c.matched + ")" : "") + "  " + h.text + "  " + c.kind;
      }
    });
    return hints;
  }

  function ours(name, kind) {
    var base = Yasqe.Autocompleters[name];
    Yasqe.registerAutocompleter(Object.assign({}, base, {
      get: function (yasqe, token) { return askCompletions(kind, token || { string: "" }); },
      postprocessHints: describeHints,
      bulk: false, autoShow: true
    }));
  }
  ours("class", "class");
  ours("property", "property");
  // a resource anywhere else a name may go, by its name in any language (Ctrl+Space)
  Yasqe.registerAutocompleter({
    name: "resource",
    bulk: false,
    autoShow: false,
    isValidCompletionPosition: function (yasqe) {
      var token = yasqe.getCompleteToken();
      var s = token.string;
      if (!s || /^[?$"'@]/.test(s) || /^\s*$/.test(s)) { return false; }
      return !Yasqe.Autocompleters["class"].isValidCompletionPosition(yasqe) &&
        !Yasqe.Autocompleters.property.isValidCompletionPosition(yasqe) &&
        !Yasqe.Autocompleters.prefixes.isValidCompletionPosition(yasqe);
    },
    preProcessToken: function (yasqe, token) {
      var t = Yasqe.Autocompleters["class"].preProcessToken(yasqe, token);
      if (t.string.indexOf(":") < 0 && t.string.indexOf("<") < 0) { t.tokenPrefix = ""; }
      return t;
    },
    get: function (yasqe, token) { return askCompletions("resource", token || { string: "" }); },
    postProcessSuggestion: function (yasqe, token, iri) {
      var prefixes = yasqe.getPrefixesFromQuery();
      for (var p in prefixes) { if (iri.indexOf(prefixes[p]) === 0 && /^[\w-]*$/.test(iri.slice(prefixes[p].length))) { return p + ":" + iri.slice(prefixes[p].length); } }
      return "<" + iri + ">";
    },
    postprocessHints: describeHints
  });
  // prefixes: the project's own list (nothing is fetched from elsewhere)
  Yasqe.registerAutocompleter(Object.assign({}, Yasqe.Autocompleters.prefixes, {
    get: Object.keys(data.prefixes).map(function (p) { return p + ": <" + data.prefixes[p] + ">"; }),
    persistenceId: null
  }));

  // --- result views ------------------------------------------------------------------------
  function bindingsOf(yasr) { return yasr.results ? yasr.results.getBindings() : []; }

  function columnsOf(yasr, test) {
    var vars = yasr.results.getVariables();
    var rows = bindingsOf(yasr);
    return vars.filter(function (v) {
      var seen = 0, ok = 0;
      for (var i = 0; i < rows.length && seen < 50; i += 1) {
        if (rows[i][v]) { seen += 1; if (test(rows[i][v])) { ok += 1; } }
      }
      return seen > 0 && ok === seen;
    });
  }
  function numeric(b) { return b.type !== "uri" && b.type !== "bnode" && (NUMERIC.test(b.datatype || "") || (!b.datatype && !b["xml:lang"] && /^-?\d+(\.\d+)?$/.test(b.value))); }
  function dated(b) { return b.type !== "uri" && (DATE.test(b.datatype || "") || /^\d{4}-\d\d-\d\d(T|$)/.test(b.value)); }
  function shown_(b) { return b.type === "uri" ? (names[b.value] || shortName(b.value)) : b.value; }
  var MAX_POINTS = 500;

  function select(labelText, options, onChange) {
    var label = document.createElement("label");
    label.textContent = labelText + " ";
    var sel = document.createElement("select");
    options.forEach(function (o) { var opt = document.createElement("option"); opt.value = o[0]; opt.textContent = o[1]; sel.appendChild(opt); });
    sel.addEventListener("change", onChange);
    label.appendChild(sel);
    return { label: label, select: sel };
  }

  function icon(text) { var s = document.createElement("span"); s.textContent = text; s.setAttribute("aria-hidden", "true"); return s; }

  // What the chart and the timeline share: which results they take, the rows, the label column, the canvas.
  function handles(yasr, test) {
    return !!yasr.results && yasr.results.getType() === "json" && !yasr.results.getBoolean() &&
      bindingsOf(yasr).length > 0 && columnsOf(yasr, test).length > 0;
  }
  function canvasView(plugin, className, title, test) {
    var yasr = plugin.yasr;
    var columns = columnsOf(yasr, test);
    var labelVar = yasr.results.getVariables().filter(function (v) { return columns.indexOf(v) < 0; })[0] || null;
    var rows = bindingsOf(yasr).slice(0, MAX_POINTS);
    var wrap = document.createElement("div");
    wrap.className = className;
    var canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", title + ": " + columns.join(", "));
    wrap.appendChild(canvas);
    if (bindingsOf(yasr).length > MAX_POINTS) {
      var note = document.createElement("p");
      note.className = "muted";
      note.textContent = fmt(T.first_rows, { num: MAX_POINTS });
      wrap.appendChild(note);
    }
    yasr.resultsEl.appendChild(wrap);
    return { columns: columns, labelVar: labelVar, rows: rows, wrap: wrap, canvas: canvas };
  }
  function nameOf(view, row, i) { return view.labelVar && row[view.labelVar] ? shown_(row[view.labelVar]) : String(i + 1); }
  function redrawWithNames(plugin, view, render) {
    render();
    if (!view.labelVar) { return; }
    wantNames(view.rows.map(function (r) { return r[view.labelVar] && r[view.labelVar].type === "uri" ? r[view.labelVar].value : ""; }), function () {
      if (plugin.chart && plugin.chart.canvas === view.canvas) { render(); }
    });
  }
  function destroyChart() { if (this.chart) { this.chart.destroy(); this.chart = null; } }

  function ChartPlugin(yasr) { this.yasr = yasr; this.label = T.chart; this.priority = 5; this.chart = null; }
  ChartPlugin.prototype.canHandleResults = function () { return handles(this.yasr, numeric); };
  ChartPlugin.prototype.getIcon = function () { return icon("📊"); };
  ChartPlugin.prototype.draw = function () {
    var self = this;
    var view = canvasView(this, "chart-view", T.chart, numeric);
    var kind = select(T.chart, [["bar", "bar"], ["line", "line"], ["pie", "pie"]], function () { render(); });
    kind.select.className = "chart-kind";
    view.wrap.insertBefore(kind.label, view.canvas);
    function render() {
      if (self.chart) { self.chart.destroy(); }
      var type = kind.select.value;
      var labels = view.rows.map(function (r, i) { return nameOf(view, r, i); });
      var sets = (type === "pie" ? view.columns.slice(0, 1) : view.columns).map(function (v) {
        return { label: v, data: view.rows.map(function (r) { return r[v] ? Number(r[v].value) : null; }) };
      });
      self.chart = new Chart(view.canvas, { type: type, data: { labels: labels, datasets: sets },
        options: { animation: false, responsive: true, plugins: { legend: { display: type === "pie" || sets.length > 1 } } } });
      view.wrap.dataset.kind = type;
      view.wrap.dataset.points = String(view.rows.length);
    }
    redrawWithNames(this, view, render);
  };
  ChartPlugin.prototype.destroy = destroyChart;

  function TimelinePlugin(yasr) { this.yasr = yasr; this.label = T.timeline; this.priority = 4; this.chart = null; }
  TimelinePlugin.prototype.canHandleResults = function () { return handles(this.yasr, dated); };
  TimelinePlugin.prototype.getIcon = function () { return icon("📅"); };
  TimelinePlugin.prototype.draw = function () {
    var self = this;
    var view = canvasView(this, "timeline-view", T.timeline, dated);
    function render() {
      if (self.chart) { self.chart.destroy(); }
      var names_ = [];
      var sets = view.columns.map(function (v) {
        return { label: v, showLine: false, pointRadius: 5, data: view.rows.map(function (r, i) {
          if (!r[v]) { return null; }
          names_[i] = nameOf(view, r, i);
          return { x: Date.parse(r[v].value.length === 4 ? r[v].value + "-01-01" : r[v].value), y: i, name: names_[i], when: r[v].value };
        }).filter(Boolean) };
      });
      self.chart = new Chart(view.canvas, { type: "scatter", data: { datasets: sets }, options: {
        animation: false,
        scales: {
          x: { type: "linear", ticks: { callback: function (value) { return new Date(value).toISOString().slice(0, 10); } } },
          y: { reverse: true, ticks: { autoSkip: false, stepSize: 1, callback: function (value) { return names_[value] || ""; } } }
        },
        plugins: { tooltip: { callbacks: { label: function (ctx) { return ctx.raw.name + ": " + ctx.raw.when; } } } }
      } });
      view.wrap.dataset.points = String(view.rows.length);
    }
    redrawWithNames(this, view, render);
  };
  TimelinePlugin.prototype.destroy = destroyChart;

  var MAX_EDGES = 1000;
  function GraphPlugin(yasr) { this.yasr = yasr; this.label = T.graph; this.priority = 20; this.cy = null; }
  GraphPlugin.prototype.canHandleResults = function () {
    return !!this.yasr.results && this.yasr.results.getType() === "ttl" && this.yasr.results.getStatements().length > 0;
  };
  GraphPlugin.prototype.getIcon = function () { return icon("🕸"); };
  GraphPlugin.prototype.draw = function () {
    var self = this;
    var quads = this.yasr.results.getStatements().slice(0, MAX_EDGES);
    var nodes = {}, edges = [], labels = {};
    var LABEL = ["http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel"];
    quads.forEach(function (q) {
      if (LABEL.indexOf(q.predicate.value) >= 0 && q.object.termType === "Literal" &&
          (!labels[q.subject.value] || q.object.language === data.lang)) { labels[q.subject.value] = q.object.value; }
    });
    function node(term) {
      var id = term.termType === "Literal" ? "lit:" + Object.keys(nodes).length : term.value;
      if (!nodes[id]) {
        nodes[id] = { data: { id: id, iri: term.termType === "NamedNode" ? term.value : "",
          label: term.termType === "Literal" ? term.value.slice(0, 60) : (labels[term.value] || names[term.value] || shortName(term.value)),
          kind: term.termType } };
      }
      return id;
    }
    quads.forEach(function (q, i) {
      if (LABEL.indexOf(q.predicate.value) >= 0 && q.object.termType === "Literal") { return; }
      edges.push({ data: { id: "e" + i, source: node(q.subject), target: node(q.object), label: shortName(q.predicate.value) } });
    });
    var box = document.createElement("div");
    box.className = "graph-view";
    box.setAttribute("role", "img");
    box.setAttribute("aria-label", T.graph);
    this.yasr.resultsEl.appendChild(box);
    var elements = Object.keys(nodes).map(function (k) { return nodes[k]; }).concat(edges);
    box.dataset.nodes = String(Object.keys(nodes).length);
    box.dataset.edges = String(edges.length);
    this.cy = cytoscape({ container: box, elements: elements, layout: { name: elements.length > 400 ? "grid" : "cose", animate: false },
      style: [
        { selector: "node", style: { label: "data(label)", "font-size": 10, "background-color": "#2c5d8a", width: 14, height: 14, "text-wrap": "ellipsis", "text-max-width": 140 } },
        { selector: "node[kind = 'Literal']", style: { shape: "round-rectangle", "background-color": "#b7c4d1" } },
        { selector: "edge", style: { label: "data(label)", "font-size": 8, width: 1, "curve-style": "bezier", "target-arrow-shape": "triangle", "line-color": "#99a", "target-arrow-color": "#99a" } }
      ] });
    this.cy.on("tap", "node", function (e) { var iri = e.target.data("iri"); if (iri) { location.href = localHref(iri); } });
  };
  GraphPlugin.prototype.destroy = function () { if (this.cy) { this.cy.destroy(); this.cy = null; } };

  Yasr.registerPlugin("chart", ChartPlugin);
  Yasr.registerPlugin("timeline", TimelinePlugin);
  Yasr.registerPlugin("graph", GraphPlugin);

  // --- the editor and its tabs ---------------------------------------------------------
  Yasqe.defaults.value = data.start;
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: ENDPOINT, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: ENDPOINT }]; } },
    persistenceId: "imvokg-query-tabs",
    populateFromUrl: false,
    autofocus: false,
    tabName: T.tab,
    yasqe: { value: data.start, prefixCcApi: null, createShareableLink: null, resizeable: true, editorHeight: "320px" },
    yasr: {
      prefixes: data.prefixes,
      pluginOrder: ["table", "chart", "timeline", "graph", "response"],
      defaultPlugin: "table",
      plugins: { table: { dynamicConfig: {} } }
    }
  });
  var table = Yasr.plugins.table;
  if (table && table.defaults) {
    table.defaults.openIriInNewWindow = false;
    table.defaults.tableConfig = Object.assign({}, table.defaults.tableConfig, {
      pageLength: 50,
      language: Object.assign({}, (table.defaults.tableConfig || {}).language, {
        search: T.search, emptyTable: T.empty, zeroRecords: T.empty, infoEmpty: T.empty,
        thousands: new Intl.NumberFormat(data.lang).format(1000).replace(/\d/g, "") || ",",
        info: fmt(T.info, { start: "_START_", end: "_END_", total: "_TOTAL_" }),
        infoFiltered: fmt(T.filtered, { max: "_MAX_" })
      })
    });
  }

  function current() { return yasgui.getTab(); }

  // YASGUI's own words, in the page language (it has no catalogue of its own)
  function say(root, selector, text, attributes) {
    root.querySelectorAll(selector).forEach(function (el) {
      if (!attributes) { el.textContent = text; }
      (attributes || []).forEach(function (a) { el.setAttribute(a, text); });
    });
  }
  function translate(tab) {
    var header = tab.getYasr().headerEl || tab.getYasr().rootEl;
    say(header, ".select_table span", T.table);
    say(header, ".select_table", T.table, ["title", "aria-label"]);
    say(header, ".select_response span", T.response);
    say(header, ".select_response", T.response, ["title", "aria-label"]);
    [["chart", T.chart], ["timeline", T.timeline], ["graph", T.graph]].forEach(function (p) {
      say(header, ".select_" + p[0], p[1], ["title", "aria-label"]);
    });
    var switches = header.querySelectorAll(".tableControls .switch .label");
    if (switches[0]) { switches[0].textContent = T.simple; }
    if (switches[1]) { switches[1].textContent = T.ellipse; }
    say(header, ".tableFilter", T.search, ["placeholder", "aria-label"]);
    say(header, ".pageSizerLabel", T.page_size + ": ");
    say(header, '.tableSizer option[value="-1"]', T.all);
    say(header, ".yasr_downloadIcon", T.download, ["title", "aria-label"]);
    say(tab.getYasqe().rootEl, ".yasqe_queryButton", T.run, ["title", "aria-label"]);
  }

  function watchTab(tab) {
    if (!tab || tab.imvokgWatched) { return; }
    tab.imvokgWatched = true;
    var yasqe = tab.getYasqe();
    var input = yasqe.getInputField();
    input.setAttribute("aria-label", document.querySelector("label[for=query]").textContent);
    input.setAttribute("aria-describedby", "editor-help");
    yasqe.setOption("extraKeys", Object.assign({}, yasqe.getOption("extraKeys"), {
      Tab: false, "Shift-Tab": false, Esc: function (cm) { cm.getInputField().blur(); }
    }));
    tab.on("queryBefore", function () {
      errorEl.hidden = true;
      downloadsEl.hidden = true;
      statusEl.textContent = T.running;
    });
    var yasr = tab.getYasr();
    yasr.on("drawn", function () { translate(tab); relabel(yasr.resultsEl); shown(tab); });
    translate(tab);
    new MutationObserver(function () { relabel(yasr.resultsEl); }).observe(yasr.resultsEl, { childList: true, subtree: true });
  }

  // the status, downloads and errors sit between the editor and the results of the tab in view
  function placeToolbar(tab) {
    var yasrEl = tab.getYasr().rootEl;
    var section = document.getElementById("results-section");
    if (section.nextSibling !== yasrEl) { yasrEl.parentNode.insertBefore(section, yasrEl); }
  }

  function shown(tab) {
    if (tab !== current()) { return; }
    placeToolbar(tab);
    var yasr = tab.getYasr();
    var results = yasr.results;
    var text = tab.getQuery();
    if (!results) { return; }
    if (results.hasError()) {
      var e = results.getError();
      var detail = e.text || "", code = "";
      try { var problem = JSON.parse(detail); detail = problem.detail || detail; code = problem.error || ""; } catch (x) { /* text */ }
      statusEl.textContent = "";
      errorEl.hidden = false;
      errorEl.textContent = "";
      var strong = document.createElement("strong");
      strong.textContent = code === "query_timeout" ? T.timeout : (e.status ? T.error + " (" + e.status + ")" : T.error);
      errorEl.appendChild(strong);
      errorEl.appendChild(document.createTextNode("\n" + detail));
      return;
    }
    var count = results.getBoolean() !== undefined && results.getType() === "json" && yasr.results.getVariables().length === 0
      ? 1 : (results.getType() === "ttl" ? results.getStatements().length : results.getBindings().length);
    statusEl.textContent = fmt(T.rows, { num: count, ms: results.getResponseTime() });
    var graph = isGraph(text);
    downloadsEl.querySelector('[data-for="select"]').hidden = graph;
    downloadsEl.querySelector('[data-for="graph"]').hidden = !graph;
    downloadsEl.hidden = false;
    remember(text);
    shareUrl(text, true);
  }

  yasgui.on("tabSelect", function (y, id) {
    setTimeout(function () {
      var tab = y.getTab(id);
      watchTab(tab);
      placeToolbar(tab);
      statusEl.textContent = "";
      downloadsEl.hidden = true;
      errorEl.hidden = true;
      if (tab.getYasr().results) { shown(tab); }
      codeText();
    }, 0);
  });
  yasgui.on("tabAdd", function (y, id) { setTimeout(function () { watchTab(y.getTab(id)); }, 0); });
  watchTab(current());
  placeToolbar(current());

  function run() { current().getYasqe().query(); }
  document.getElementById("run-js").addEventListener("click", run);

  // --- downloads: always the format the button names ------------------------------------
  var MEDIA = {
    csv: ["text/csv", "csv"], tsv: ["text/tab-separated-values", "tsv"], json: ["application/sparql-results+json", "json"],
    ttl: ["text/turtle", "ttl"], nt: ["application/n-triples", "nt"], jsonld: ["application/ld+json", "jsonld"]
  };
  downloadsEl.querySelectorAll("button[data-download]").forEach(function (button) {
    button.addEventListener("click", function () {
      var media = MEDIA[button.dataset.download];
      fetch("/sparql", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": media[0] },
        body: new URLSearchParams({ query: current().getQuery() }) })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.blob(); })
        .then(function (blob) {
          var a = document.createElement("a");
          a.href = URL.createObjectURL(new Blob([blob], { type: media[0] }));
          a.download = "query-result." + media[1];
          document.body.appendChild(a);
          a.click();
          setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
        }).catch(function (e) { errorEl.hidden = false; errorEl.textContent = T.error + "\n" + e; });
    });
  });

  // --- share link and history -------------------------------------------------------------
  function shareUrl(text, replace) {
    var url = location.pathname + "?" + new URLSearchParams({ query: text, lang: data.lang }).toString();
    if (replace) { history.replaceState(null, "", url); }
    return location.origin + url;
  }
  document.getElementById("share").addEventListener("click", function () {
    var url = shareUrl(current().getQuery(), true);
    var done = function () { document.getElementById("share-status").textContent = T.copied; };
    if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(url).then(done, done); } else { done(); }
  });

  var HISTORY = "imvokg-query-history";
  function readHistory() { try { return JSON.parse(localStorage.getItem(HISTORY) || "[]"); } catch (e) { return []; } }
  function remember(text) {
    var list = readHistory().filter(function (h) { return h.query !== text; });
    list.unshift({ query: text, at: new Date().toISOString() });
    try { localStorage.setItem(HISTORY, JSON.stringify(list.slice(0, 50))); } catch (e) { /* full: history is a convenience */ }
    drawHistory();
  }
  function drawHistory() {
    var ol = document.getElementById("history-list");
    ol.textContent = "";
    readHistory().forEach(function (h) {
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button";
      b.className = "history-item";
      b.textContent = h.query.replace(/^(PREFIX[^\n]*\n)+/i, "").replace(/\s+/g, " ").slice(0, 90);
      b.title = h.query;
      b.addEventListener("click", function () { yasgui.addTab(true, { yasqe: { value: h.query } }); });
      var time = document.createElement("time");
      time.dateTime = h.at;
      time.textContent = " " + h.at.slice(0, 16).replace("T", " ");
      li.appendChild(b);
      li.appendChild(time);
      ol.appendChild(li);
    });
  }
  drawHistory();

  // --- the Code panel -------------------------------------------------------------------------
  function pyString(s) { return JSON.stringify(s); }
  function shellQuote(s) { return "'" + s.replace(/'/g, "'\\''") + "'"; }
  var CODE = {
    curl: function (q, graph) {
      return "curl -H " + shellQuote("Accept: " + (graph ? "text/turtle" : "text/csv")) +
        " --data-urlencode " + shellQuote("query=" + q) + " " + ENDPOINT;
    },
    sparqlwrapper: function (q, graph) {
      return "from SPARQLWrapper import SPARQLWrapper, " + (graph ? "TURTLE" : "JSON") + "\n\n" +
        "endpoint = SPARQLWrapper(" + pyString(ENDPOINT) + ")\n" +
        "endpoint.setQuery(" + pyString(q) + ")\n" +
        "endpoint.setMethod(\"POST\")\n" +
        "endpoint.setReturnFormat(" + (graph ? "TURTLE" : "JSON") + ")\n" +
        (graph ? "print(endpoint.query().convert().decode(\"utf-8\"))\n"
          : "for row in endpoint.query().convert()[\"results\"][\"bindings\"]:\n    print({name: cell[\"value\"] for name, cell in row.items()})\n");
    },
    httpx: function (q, graph) {
      return "import httpx\n\n" +
        "answer = httpx.post(\n    " + pyString(ENDPOINT) + ",\n    data={\"query\": " + pyString(q) + "},\n" +
        "    headers={\"Accept\": " + pyString(graph ? "text/turtle" : "application/sparql-results+json") + "},\n    timeout=60,\n)\n" +
        "answer.raise_for_status()\n" +
        (graph ? "print(answer.text)\n" : "for row in answer.json()[\"results\"][\"bindings\"]:\n    print({name: cell[\"value\"] for name, cell in row.items()})\n");
    },
    r: function (q, graph) {
      return "library(httr)\n\n" +
        "answer <- POST(" + JSON.stringify(ENDPOINT) + ",\n  body = list(query = " + JSON.stringify(q) + "),\n  encode = \"form\",\n" +
        "  add_headers(Accept = " + JSON.stringify(graph ? "text/turtle" : "text/csv") + "))\nstop_for_status(answer)\n" +
        (graph ? "cat(content(answer, as = \"text\", encoding = \"UTF-8\"))\n"
          : "rows <- read.csv(text = content(answer, as = \"text\", encoding = \"UTF-8\"))\nprint(rows)\n");
    },
    js: function (q, graph) {
      return "const answer = await fetch(" + JSON.stringify(ENDPOINT) + ", {\n  method: \"POST\",\n" +
        "  headers: { Accept: " + JSON.stringify(graph ? "text/turtle" : "application/sparql-results+json") + " },\n" +
        "  body: new URLSearchParams({ query: " + JSON.stringify(q) + " }),\n});\n" +
        (graph ? "console.log(await answer.text());\n" : "const { results } = await answer.json();\nfor (const row of results.bindings) console.log(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v.value])));\n");
    }
  };
  var codeKind = "curl";
  function codeText() {
    var tab = current();
    if (!tab) { return; }
    var q = tab.getQuery();
    document.getElementById("code-text").textContent = CODE[codeKind](q, isGraph(q));
  }
  document.querySelectorAll(".code-tabs [data-code]").forEach(function (b) {
    b.addEventListener("click", function () {
      codeKind = b.dataset.code;
      document.querySelectorAll(".code-tabs [data-code]").forEach(function (o) { o.setAttribute("aria-selected", String(o === b)); });
      codeText();
    });
  });
  document.getElementById("code-panel").addEventListener("toggle", codeText);
  document.getElementById("code-copy").addEventListener("click", function () {
    var text = document.getElementById("code-text").textContent;
    if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(text); }
  });
  current().getYasqe().on("change", function () { if (document.getElementById("code-panel").open) { codeText(); } });

  // --- examples: searchable; the form puts the query, with its values, into a new tab ------------
  var filter = document.getElementById("example-filter");
  filter.addEventListener("input", function () {
    var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    document.querySelectorAll("#example-list .example").forEach(function (li) {
      li.hidden = !words.every(function (w) { return li.dataset.search.indexOf(w) >= 0; });
    });
  });

  // A query from the address (a shared link, an example form): in a tab of its own, run.
  if (data.autorun) {
    setTimeout(function () {
      var tab = current();
      if (tab.getQuery() !== data.start) {
        tab = yasgui.addTab(true, { yasqe: { value: data.start } }, { avoidDuplicateTabs: true });
      }
      watchTab(tab);
      placeToolbar(tab);
      tab.getYasqe().query();
    }, 0);
  }
})();
