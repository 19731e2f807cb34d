// The coverage matrix: a chosen cell shows the commitments and provisions behind it; the
// matrix exports as SVG (drawn from the table) and as PNG (the SVG painted on a canvas).
(function () {
  "use strict";
  var table = document.getElementById("matrix");
  if (!table) { return; }
  var detail = document.getElementById("cell-detail-body");
  var pressed = null;

  table.addEventListener("click", function (event) {
    var button = event.target.closest(".cell-button");
    if (!button) { return; }
    if (pressed) { pressed.setAttribute("aria-pressed", "false"); }
    pressed = button;
    button.setAttribute("aria-pressed", "true");
    var source = document.getElementById(button.dataset.detail);
    detail.textContent = "";
    var copy = source.cloneNode(true);
    copy.hidden = false;
    copy.removeAttribute("id");
    detail.appendChild(copy);
  });

  // --- export ------------------------------------------------------------------
  var COLOURS = {
    covered: ["#d8f0de", "#1f7a3a", "●"], partly_covered: ["#fdebc8", "#8a5a00", "◐"],
    not_covered: ["#f1f3f5", "#7a8794", "○"], gap: ["#fde7e5", "#b3261e", "○"]
  };

  function esc(s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  function buildSvg() {
    var cols = Array.prototype.map.call(table.querySelectorAll("thead th.agreement-col a"), function (a) { return a.textContent.trim(); });
    var rows = Array.prototype.map.call(table.querySelectorAll("tbody tr"), function (tr) {
      return {
        label: tr.querySelector("th a").textContent.trim(),
        score: tr.querySelector(".salience .score").textContent.trim(),
        gap: tr.classList.contains("gap"),
        cells: Array.prototype.map.call(tr.querySelectorAll("td.cell"), function (td) { return td.dataset.status; })
      };
    });
    var longest = Math.min(34, Math.max.apply(null, cols.map(function (c) { return c.length; }).concat([4])));
    var legend = Array.prototype.map.call(document.querySelectorAll(".legend li"), function (li) {
      return li.textContent.replace(/\s+/g, " ").trim();
    });
    var left = 300, top = 60 + Math.ceil(longest * 6.2), cw = 46, rh = 28;
    var width = left + 60 + cols.length * cw + Math.ceil(longest * 4.5) + 20;
    var height = top + rows.length * rh + 30 + legend.length * 18;
    var out = [];
    out.push('<svg xmlns="http://www.w3.org/2000/svg" width="' + width + '" height="' + height + '" viewBox="0 0 ' + width + " " + height +
      '" font-family="system-ui, sans-serif" font-size="13" role="img" aria-label="' + esc(table.dataset.title) + '">');
    out.push('<title>' + esc(table.dataset.title) + "</title>");
    out.push('<rect width="100%" height="100%" fill="#ffffff"/>');
    out.push('<text x="10" y="24" font-size="17" font-weight="700">' + esc(table.dataset.title) + "</text>");
    cols.forEach(function (name, i) {
      var x = left + 60 + i * cw + cw / 2;
      out.push('<text transform="translate(' + x + "," + (top - 8) + ') rotate(-55)" font-size="12">' + esc(name.length > 34 ? name.slice(0, 33) + "…" : name) + "</text>");
    });
    out.push('<text x="' + (left + 30) + '" y="' + (top - 8) + '" text-anchor="middle" font-weight="700">' + esc(table.querySelector("thead th:nth-child(2)").textContent.trim()) + "</text>");
    rows.forEach(function (row, r) {
      var y = top + r * rh;
      if (row.gap) { out.push('<rect x="4" y="' + y + '" width="' + (left + 52) + '" height="' + (rh - 2) + '" fill="#fde7e5"/>'); }
      out.push('<text x="10" y="' + (y + 18) + '"' + (row.gap ? ' fill="#b3261e" font-weight="700"' : "") + ">" + esc(row.label) + "</text>");
      out.push('<text x="' + (left + 30) + '" y="' + (y + 18) + '" text-anchor="middle">' + esc(row.score) + "</text>");
      row.cells.forEach(function (status, c) {
        var colour = COLOURS[row.gap ? "gap" : status] || COLOURS.not_covered;
        var x = left + 60 + c * cw;
        out.push('<rect x="' + (x + 2) + '" y="' + y + '" width="' + (cw - 4) + '" height="' + (rh - 2) + '" rx="3" fill="' + colour[0] + '"/>');
        out.push('<text x="' + (x + cw / 2) + '" y="' + (y + 19) + '" text-anchor="middle" fill="' + colour[1] + '" font-size="15">' + colour[2] + "</text>");
      });
    });
    legend.forEach(function (line, i) {
      var ly = top + rows.length * rh + 26 + i * 18;
      out.push('<text x="10" y="' + ly + '" font-size="12" fill="#5b6776">' + esc(line) + "</text>");
    });
    out.push("</svg>");
    return { text: out.join("\n"), width: width, height: height };
  }

  function save(blob, name) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  var base = "coverage-" + (table.dataset.sector || "sector");
  document.getElementById("export-svg").addEventListener("click", function () {
    save(new Blob([buildSvg().text], { type: "image/svg+xml" }), base + ".svg");
  });
  document.getElementById("export-png").addEventListener("click", function () {
    var svg = buildSvg();
    var image = new Image();
    image.onload = function () {
      var canvas = document.createElement("canvas");
      canvas.width = svg.width * 2;
      canvas.height = svg.height * 2;
      var ctx = canvas.getContext("2d");
      ctx.scale(2, 2);
      ctx.drawImage(image, 0, 0);
      canvas.toBlob(function (blob) { save(blob, base + ".png"); }, "image/png");
    };
    image.src = "data:image/svg+xml;base64," + btoa(unescape(encodeURIComponent(svg.text)));
  });
})();
