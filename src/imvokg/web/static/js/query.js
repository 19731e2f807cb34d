// The query page: CodeMirror 5 editor with SPARQL highlighting and completion of prefixes,
// keywords and imvo: terms; run with Ctrl+Enter or the button; results as a table whose IRIs
// are links shown by label; count and time; CSV/TSV/JSON download; a shareable link.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("page-data").textContent);
  var T = data.text;
  var BASE = "https://w3id.org/imvokg/";
  var textarea = document.getElementById("query");
  var form = document.getElementById("query-form");
  var statusEl = document.getElementById("result-status");
  var errorEl = document.getElementById("result-error");
  var resultsEl = document.getElementById("results");
  var downloadsEl = document.getElementById("downloads");
  var running = null;
  var lastQuery = null;

  var KEYWORDS = ["SELECT", "DISTINCT", "WHERE", "FILTER", "OPTIONAL", "UNION", "MINUS", "GRAPH", "BIND", "VALUES",
    "ORDER BY", "GROUP BY", "HAVING", "LIMIT", "OFFSET", "CONSTRUCT", "DESCRIBE", "ASK", "PREFIX", "COUNT", "SAMPLE",
    "GROUP_CONCAT", "LANG", "LANGMATCHES", "CONTAINS", "STRSTARTS", "LCASE", "STR", "COALESCE", "EXISTS", "NOT EXISTS",
    "DESC", "ASC", "REGEX", "IRI", "BOUND", "IF", "YEAR", "NOW"];
  var terms = null;  // imvo:, skos:, rdfs: local names, fetched once on first completion

  // --- editor ---------------------------------------------------------------
  var editor = CodeMirror.fromTextArea(textarea, {
    mode: "application/sparql-query",
    lineNumbers: true,
    lineWrapping: true,
    indentUnit: 2,
    screenReaderLabel: document.querySelector("label[for=query]").textContent,
    extraKeys: {
      "Ctrl-Enter": function () { run(); },
      "Cmd-Enter": function () { run(); },
      "Ctrl-Space": function (cm) { cm.showHint({ hint: complete, completeSingle: false }); },
      "Tab": false,        // Tab and Shift+Tab move focus out: the editor never traps the keyboard
      "Shift-Tab": false,
      "Esc": function (cm) { cm.getInputField().blur(); }
    }
  });
  var input = editor.getInputField();
  input.setAttribute("aria-describedby", "editor-help");
  input.setAttribute("aria-multiline", "true");
  input.id = "query-input";
  document.querySelector("label[for=query]").setAttribute("for", "query-input");
  editor.on("inputRead", function (cm, change) {
    if (change.text.length === 1 && /[:A-Za-z_]$/.test(change.text[0]) && !cm.state.completionActive) {
      var token = cm.getTokenAt(cm.getCursor());
      if (/:/.test(change.text[0]) || token.string.length >= 2) {
        cm.showHint({ hint: complete, completeSingle: false });
      }
    }
  });

  function declared(text) {
    var found = {};
    text.replace(/PREFIX\s+([A-Za-z][\w-]*)?:\s*<([^>]*)>/gi, function (m, p, ns) { found[p || ""] = ns; return m; });
    return found;
  }

  function loadTerms() {
    if (terms !== null) { return; }
    terms = [];
    var q = "SELECT DISTINCT ?t WHERE { { ?t a ?k } UNION { ?s ?t ?o } FILTER(ISIRI(?t) && STRSTARTS(STR(?t), \"" +
      BASE + "ont#\")) } LIMIT 2000";
    fetch("/sparql", { method: "POST", headers: { "Content-Type": "application/sparql-query",
      "Accept": "application/sparql-results+json" }, body: q })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (json) {
        if (!json) { return; }
        terms = json.results.bindings.map(function (b) { return "imvo:" + b.t.value.split("#")[1]; }).sort();
      }).catch(function () { /* completion works without the terms */ });
  }

  // Completion: "PREFIX x" -> full declaration; "x" -> "prefix:" (declaring it when missing);
  // "imvo:Ag" -> ontology terms; otherwise keywords.
  function complete(cm) {
    loadTerms();
    var cur = cm.getCursor();
    var line = cm.getLine(cur.line);
    var start = cur.ch;
    while (start > 0 && /[\w:-]/.test(line.charAt(start - 1))) { start -= 1; }
    var word = line.slice(start, cur.ch);
    var before = line.slice(0, start);
    var from = CodeMirror.Pos(cur.line, start), to = cur;
    var list = [];
    if (/^\s*PREFIX\s+$/i.test(before)) {
      Object.keys(data.prefixes).forEach(function (p) {
        if (p.indexOf(word.replace(/:$/, "")) === 0) {
          list.push({ text: p + ": <" + data.prefixes[p] + ">", displayText: p + ": <" + data.prefixes[p] + ">" });
        }
      });
      return { list: list, from: from, to: to };
    }
    var colon = word.indexOf(":");
    if (colon >= 0) {
      var prefix = word.slice(0, colon);
      var ns = data.prefixes[prefix];
      if (prefix === "imvo" && terms) {
        terms.forEach(function (t) { if (t.toLowerCase().indexOf(word.toLowerCase()) === 0) { list.push(t); } });
      }
      return { list: list.slice(0, 60), from: from, to: to, ns: ns };
    }
    Object.keys(data.prefixes).forEach(function (p) {
      if (word && p.indexOf(word) === 0) {
        list.push({
          text: p + ":", displayText: p + ":  " + data.prefixes[p],
          hint: function (cm2, self, item) {
            cm2.replaceRange(item.text, self.from, self.to);
            if (!(p in declared(cm2.getValue()))) {
              cm2.replaceRange("PREFIX " + p + ": <" + data.prefixes[p] + ">\n", CodeMirror.Pos(0, 0));
            }
          }
        });
      }
    });
    if (word) {
      KEYWORDS.forEach(function (k) { if (k.toLowerCase().indexOf(word.toLowerCase()) === 0 && k !== word) { list.push(k); } });
    }
    return { list: list, from: from, to: to };
  }

  // --- running ---------------------------------------------------------------
  function kindOf(text) {
    var body = text.replace(/#[^\n]*/g, " ").replace(/(PREFIX|BASE)\s+[^>]*>/gi, " ");
    var m = /\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b/i.exec(body);
    return m ? m[1].toUpperCase() : "SELECT";
  }

  function setStatus(text) { statusEl.textContent = text; }

  function showError(title, detail) {
    errorEl.hidden = false;
    errorEl.textContent = "";
    var strong = document.createElement("strong");
    strong.textContent = title;
    errorEl.appendChild(strong);
    if (detail) { errorEl.appendChild(document.createTextNode(detail)); }
  }

  function run() {
    var text = editor.getValue();
    if (running) { running.abort(); }
    var controller = new AbortController();
    running = controller;
    var kind = kindOf(text);
    var graph = kind === "CONSTRUCT" || kind === "DESCRIBE";
    var accept = graph ? "application/n-triples" : "application/sparql-results+json";
    errorEl.hidden = true;
    downloadsEl.hidden = true;
    resultsEl.textContent = "";
    setStatus(T.running);
    shareUrl(text, true);
    var started = performance.now();
    var timer = setTimeout(function () { controller.abort("timeout"); }, (data.timeout_s + 20) * 1000);
    fetch("/sparql", {
      method: "POST", signal: controller.signal,
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": accept },
      body: new URLSearchParams({ query: text })
    }).then(function (response) {
      return response.text().then(function (body) { return { response: response, body: body }; });
    }).then(function (answer) {
      clearTimeout(timer);
      var ms = Math.round(performance.now() - started);
      var r = answer.response;
      if (!r.ok) {
        var detail = answer.body, code = "";
        try { var problem = JSON.parse(answer.body); detail = problem.detail || detail; code = problem.error || ""; }
        catch (e) { /* not JSON: show the text as it came */ }
        setStatus("");
        showError(code === "query_timeout" ? T.timeout : T.error + " (" + r.status + ")", "\n" + detail);
        return;
      }
      lastQuery = { text: text, graph: graph };
      if (graph) {
        var triples = parseNTriples(answer.body);
        renderTable(["subject", "predicate", "object"], triples, ms);
      } else {
        var json = JSON.parse(answer.body);
        if (typeof json.boolean === "boolean") {
          resultsEl.textContent = "";
          var p = document.createElement("p");
          p.className = "ask-answer";
          p.textContent = "ASK: " + (json.boolean ? T["true"] : T["false"]);
          resultsEl.appendChild(p);
          setStatus(T.rows.replace("%(num)s", "1").replace("%(ms)s", ms));
        } else {
          renderTable(json.head.vars, json.results.bindings, ms);
        }
      }
      downloadsEl.hidden = false;
    }).catch(function (err) {
      clearTimeout(timer);
      if (controller.signal.aborted && controller.signal.reason !== "timeout" && running !== controller) { return; }
      setStatus("");
      showError(controller.signal.reason === "timeout" ? T.timeout : T.error, "\n" + String(err && err.message || err));
    }).finally(function () { if (running === controller) { running = null; } });
  }

  function parseNTriples(text) {
    var term = /(<[^>]*>|_:\S+|"(?:[^"\\]|\\.)*"(?:@[\w-]+|\^\^<[^>]*>)?)/g;
    return text.split("\n").filter(function (l) { return l.trim() && l.trim()[0] !== "#"; }).map(function (line) {
      var parts = line.match(term) || [];
      var out = {};
      ["subject", "predicate", "object"].forEach(function (name, i) { out[name] = toBinding(parts[i] || ""); });
      return out;
    });
  }

  function toBinding(n) {
    if (n[0] === "<") { return { type: "uri", value: n.slice(1, -1) }; }
    if (n.slice(0, 2) === "_:") { return { type: "bnode", value: n.slice(2) }; }
    var m = /^"((?:[^"\\]|\\.)*)"(?:@([\w-]+)|\^\^<([^>]*)>)?$/.exec(n) || [null, n, null, null];
    var value = m[1].replace(/\\n/g, "\n").replace(/\\"/g, "\"").replace(/\\\\/g, "\\");
    var b = { type: "literal", value: value };
    if (m[2]) { b["xml:lang"] = m[2]; }
    if (m[3]) { b.datatype = m[3]; }
    return b;
  }

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

  function renderTable(vars, rows, ms) {
    var table = document.createElement("table");
    table.className = "results-table";
    var cap = document.createElement("caption");
    cap.className = "visually-hidden";
    cap.textContent = document.getElementById("results-heading").textContent;
    table.appendChild(cap);
    var head = table.createTHead().insertRow();
    vars.forEach(function (v) { var th = document.createElement("th"); th.scope = "col"; th.textContent = v; head.appendChild(th); });
    var body = table.createTBody();
    var iris = {};
    rows.forEach(function (row) {
      var tr = body.insertRow();
      vars.forEach(function (v) {
        var td = tr.insertCell();
        var b = row[v];
        if (!b) { return; }
        if (b.type === "uri") {
          var a = document.createElement("a");
          a.href = localHref(b.value);
          a.textContent = shortName(b.value);
          a.title = b.value;
          a.dataset.iri = b.value;
          td.appendChild(a);
          iris[b.value] = true;
        } else if (b.type === "bnode") {
          td.textContent = "_:" + b.value;
        } else {
          td.appendChild(document.createTextNode(b.value));
          if (b["xml:lang"]) { var l = document.createElement("span"); l.className = "lit-lang"; l.textContent = "@" + b["xml:lang"]; td.appendChild(l); }
          else if (b.datatype && /#(integer|decimal|double|float|int)$/.test(b.datatype)) { td.className = "num"; }
        }
      });
    });
    resultsEl.textContent = "";
    resultsEl.appendChild(table);
    setStatus(T.rows.replace("%(num)s", rows.length).replace("%(ms)s", ms));
    labelIris(Object.keys(iris));
  }

  // IRIs are shown by their label in the page language (English when there is none).
  function labelIris(iris) {
    var ours = iris.filter(function (i) { return i.indexOf("https://w3id.org/imvokg/") === 0; }).slice(0, 400);
    if (!ours.length) { return; }
    var q = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n" +
      "SELECT ?s ?l WHERE { VALUES ?s { " + ours.map(function (i) { return "<" + i + ">"; }).join(" ") + " }\n" +
      "  ?s rdfs:label|skos:prefLabel ?l FILTER(LANG(?l) = \"" + data.lang + "\" || LANG(?l) = \"en\") }";
    fetch("/sparql", { method: "POST", headers: { "Content-Type": "application/sparql-query",
      "Accept": "application/sparql-results+json" }, body: q })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (json) {
        if (!json) { return; }
        var names = {};
        json.results.bindings.forEach(function (b) {
          var lang = b.l["xml:lang"];
          if (!names[b.s.value] || lang === data.lang) { names[b.s.value] = b.l.value; }
        });
        resultsEl.querySelectorAll("a[data-iri]").forEach(function (a) {
          var name = names[a.dataset.iri];
          if (name) { a.textContent = name; a.title = a.dataset.iri; }
        });
      }).catch(function () { /* IRIs stay as prefixed names */ });
  }

  // --- downloads, sharing, examples ---------------------------------------------
  var MEDIA = {
    csv: ["text/csv", "csv"], tsv: ["text/tab-separated-values", "tsv"], json: ["application/sparql-results+json", "json"],
    gcsv: ["text/turtle", "ttl"], gtsv: ["application/n-triples", "nt"], gjson: ["application/ld+json", "jsonld"]
  };
  downloadsEl.querySelectorAll("button[data-download]").forEach(function (button) {
    button.addEventListener("click", function () {
      if (!lastQuery) { return; }
      var key = (lastQuery.graph ? "g" : "") + button.dataset.download;
      var media = MEDIA[key];
      fetch("/sparql", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": media[0] },
        body: new URLSearchParams({ query: lastQuery.text }) })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.blob(); })
        .then(function (blob) {
          var a = document.createElement("a");
          a.href = URL.createObjectURL(blob);
          a.download = "query-result." + media[1];
          document.body.appendChild(a);
          a.click();
          setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
        }).catch(function (e) { showError(T.error, "\n" + e); });
    });
  });

  function shareUrl(text, replace) {
    var url = location.pathname + "?" + new URLSearchParams({ query: text, lang: data.lang }).toString();
    if (replace) { history.replaceState(null, "", url); }
    return location.origin + url;
  }
  document.getElementById("share").addEventListener("click", function () {
    var url = shareUrl(editor.getValue(), true);
    var done = function () { document.getElementById("share-status").textContent = T.copied; };
    if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(url).then(done, done); } else { done(); }
  });

  form.addEventListener("submit", function (event) { event.preventDefault(); run(); });

  document.querySelectorAll(".load-example").forEach(function (button) {
    button.addEventListener("click", function () {
      editor.setValue(data.examples[button.dataset.name]);
      editor.focus();
      editor.setCursor(0, 0);
    });
  });
  var filter = document.getElementById("example-filter");
  filter.addEventListener("input", function () {
    var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    document.querySelectorAll("#example-list .example").forEach(function (li) {
      li.hidden = !words.every(function (w) { return li.dataset.search.indexOf(w) >= 0; });
    });
  });

  if (data.autorun) { run(); }
})();
