// Shared by every page: mark that scripts run (so script-only controls show and the plain
// fallbacks hide). The language choice is remembered by the server in a cookie.
document.documentElement.classList.add("js");

// Typeahead for a search box marked data-suggest: names from the full-text index
// (/queries/label-search) offered in a <datalist>, in the page language.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input[data-suggest]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    var asked = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var text = input.value.trim();
      if (text.length < 2 || text === asked || !list) { return; }
      timer = setTimeout(function () {
        asked = text;
        var url = "/queries/label-search?text=" + encodeURIComponent(text) +
                  "&lang=" + encodeURIComponent(document.documentElement.lang || "en");
        fetch(url, { headers: { "Accept": "application/sparql-results+json" } })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (json) {
            if (!json || input.value.trim() !== text) { return; }
            list.textContent = "";
            var seen = {};
            json.results.bindings.slice(0, 10).forEach(function (b) {
              var name = b.label.value;
              if (seen[name]) { return; }
              seen[name] = true;
              var option = document.createElement("option");
              option.value = name;
              list.appendChild(option);
            });
          })
          .catch(function () { /* suggestions are a help, never an error */ });
      }, 150);
    });
  });
});
