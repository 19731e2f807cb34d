// The new-submission form: an uploaded file is shown in the text box, and the text is checked
// against the minimum requirements as it is typed (POST /workspace/check with the form's CSRF
// token; nothing is stored). Everything the server sends is put in the page as text, never HTML.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("new-submission");
  if (!form) { return; }
  var text = document.getElementById("text");
  var syntax = document.getElementById("media_type");
  var upload = document.getElementById("upload");
  var tableBox = document.getElementById("check-table");
  var problem = document.getElementById("check-problem");
  var rdf = document.getElementById("rdf-text");
  var words = document.getElementById("status-words").content;
  var empty = document.getElementById("empty-table").content;
  var timer = null;
  var asked = 0;
  var byExtension = { ttl: "text/turtle", jsonld: "application/ld+json", json: "application/ld+json",
                      rdf: "application/rdf+xml", xml: "application/rdf+xml", nt: "application/n-triples" };

  function statusWord(status) {
    var word = words.querySelector('[data-status="' + status + '"]');
    return word ? word.cloneNode(true) : document.createTextNode(status);
  }

  function fieldFor(path) {
    var found = null;
    Array.prototype.forEach.call(form.querySelectorAll("[data-path], fieldset[data-link]"), function (el) {
      if (!found && (el.getAttribute("data-path") === path || el.getAttribute("data-link") === path)) { found = el; }
    });
    return found;
  }

  function show(answer) {
    problem.hidden = !answer.problem;
    problem.textContent = answer.problem || "";
    rdf.textContent = answer.ntriples || "";
    tableBox.textContent = "";
    if (!answer.requirements || !answer.requirements.length) { return; }
    var table = empty.cloneNode(true);
    var body = table.querySelector("tbody");
    answer.requirements.forEach(function (r) {
      var row = document.createElement("tr");
      row.setAttribute("data-requirement", r.id);
      row.setAttribute("data-status", r.status);
      var head = document.createElement("th");
      head.scope = "row";
      head.textContent = r.id + " " + (r.title || "");
      var state = document.createElement("td");
      var mark = statusWord(r.status);
      mark.className = "req-status " + r.status.replace("_", "-");
      state.appendChild(mark);
      var said = document.createElement("td");
      r.messages.forEach(function (m) {
        var p = document.createElement("p");
        p.textContent = m + " ";
        said.appendChild(p);
      });
      if (r.status !== "met") {
        said.appendChild(words.querySelector("[data-fix]").cloneNode(true));
        // the field or part of the form the requirement's shapes start from (its property)
        var target = (r.paths || []).map(fieldFor).filter(Boolean)[0];
        if (target) {
          var link = words.querySelector("[data-field]").cloneNode(true);
          link.setAttribute("href", "#" + target.id);
          said.appendChild(document.createTextNode(" "));
          said.appendChild(link);
        }
      }
      row.appendChild(head); row.appendChild(state); row.appendChild(said);
      body.appendChild(row);
    });
    tableBox.appendChild(table);
  }

  function check() {
    var mine = ++asked;
    var data = new URLSearchParams();
    data.set("csrf", form.elements.csrf.value);
    data.set("text", text.value);
    data.set("media_type", syntax.value);
    fetch(form.getAttribute("data-check"), { method: "POST", body: data, credentials: "same-origin",
                                             headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (answer) { if (answer && mine === asked) { show(answer); } })
      .catch(function () { /* the Check button still works without this */ });
  }

  function later() { clearTimeout(timer); timer = setTimeout(check, 500); }
  text.addEventListener("input", later);
  syntax.addEventListener("change", later);
  upload.addEventListener("change", function () {
    var file = upload.files && upload.files[0];
    if (!file) { return; }
    var kind = byExtension[(file.name.split(".").pop() || "").toLowerCase()];
    if (kind) { syntax.value = kind; }
    file.text().then(function (content) { text.value = content; check(); });
  });
  form.addEventListener("submit", function (event) {
    // one submission per idempotency key: a second click while the first is on its way is ignored
    var button = event.submitter;
    if (button && button.value === "submit") {
      if (form.getAttribute("data-sent")) { event.preventDefault(); return; }
      form.setAttribute("data-sent", "1");
    }
  });
  // a field whose value is a resource of a class: what the register knows by that name, as options
  Array.prototype.forEach.call(form.querySelectorAll("[data-pick]"), function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var pickTimer = null;
    var pickAsked = 0;
    function find() {
      var mine = ++pickAsked;
      var typed = input.value.trim();
      if (typed.length < 2 || /^https?:/.test(typed)) { return; }
      fetch(input.getAttribute("data-pick") + "&q=" + encodeURIComponent(typed),
            { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (answer) {
          if (!answer || mine !== pickAsked) { return; }
          list.textContent = "";
          answer.options.forEach(function (o) {
            var option = document.createElement("option");
            option.value = o.value;
            option.label = o.label;
            option.textContent = o.label;
            list.appendChild(option);
          });
        })
        .catch(function () { /* the IRI can still be typed */ });
    }
    input.addEventListener("input", function () { clearTimeout(pickTimer); pickTimer = setTimeout(find, 250); });
  });
  if (text.value.trim()) { check(); }
});
