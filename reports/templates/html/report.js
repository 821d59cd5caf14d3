/* osi-check HTML report: draws the inventory and findings from their JSON blocks.
   Every value from the scanned tree is written with textContent, never as markup. */
(function () {
  "use strict";
  var INITIAL_ROWS = 250;

  function readData(id) {
    var block = document.getElementById(id);
    return block ? JSON.parse(block.textContent) : null;
  }

  function make(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  /* ---- inventory: filter, sort, show a first page, then all on request or for printing ---- */
  var inventory = readData("inventory-data");
  var body = document.getElementById("inventory-body");
  var filterInput = document.getElementById("inventory-filter");
  var categorySelect = document.getElementById("inventory-category");
  var status = document.getElementById("inventory-status");
  var moreButton = document.getElementById("inventory-more");
  var headers = document.querySelectorAll("#inventory thead th");
  var rows = inventory ? inventory.rows : [];
  var NUMERIC_COLUMN = 9;
  var haystacks = rows.map(function (row) { return row.join("\u0001").toLowerCase(); });
  var state = { column: -1, descending: false, query: "", category: "", limit: INITIAL_ROWS };
  var order = rows.map(function (_, i) { return i; });

  function sortOrder() {
    order = rows.map(function (_, i) { return i; });
    if (state.column < 0) { return; }
    var c = state.column;
    var keys = rows.map(function (row) {
      return c === NUMERIC_COLUMN ? Number(row[c]) : String(row[c]).toLowerCase();
    });
    var sign = state.descending ? -1 : 1;
    order.sort(function (a, b) {
      if (keys[a] < keys[b]) { return -sign; }
      if (keys[a] > keys[b]) { return sign; }
      return a - b;
    });
  }

  function renderInventory() {
    if (!body) { return; }
    var query = state.query;
    var matching = [];
    for (var k = 0; k < order.length; k++) {
      var i = order[k];
      if (query && haystacks[i].indexOf(query) === -1) { continue; }
      if (state.category && rows[i][6] !== state.category) { continue; }
      matching.push(i);
    }
    var shown = Math.min(matching.length, state.limit);
    var fragment = document.createDocumentFragment();
    for (var n = 0; n < shown; n++) {
      var row = rows[matching[n]];
      var tr = document.createElement("tr");
      for (var col = 0; col < row.length; col++) {
        var cell = make(col === 0 ? "th" : "td", col === 8 ? "small" : "", row[col]);
        if (col === 0) { cell.scope = "row"; }
        tr.appendChild(cell);
      }
      fragment.appendChild(tr);
    }
    body.replaceChildren(fragment);
    status.textContent = "Showing " + shown + " of " + matching.length + " matching components (" + rows.length + " in all)";
    moreButton.hidden = shown >= matching.length;
    moreButton.textContent = "Show all " + matching.length;
  }

  if (body) {
    filterInput.addEventListener("input", function () {
      state.query = filterInput.value.trim().toLowerCase();
      renderInventory();
    });
    categorySelect.addEventListener("change", function () {
      state.category = categorySelect.value;
      renderInventory();
    });
    moreButton.addEventListener("click", function () {
      state.limit = Infinity;
      renderInventory();
    });
    Array.prototype.forEach.call(headers, function (th) {
      var button = th.querySelector("button");
      button.addEventListener("click", function () {
        var column = Number(button.getAttribute("data-column"));
        state.descending = state.column === column ? !state.descending : false;
        state.column = column;
        Array.prototype.forEach.call(headers, function (other) { other.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", state.descending ? "descending" : "ascending");
        sortOrder();
        renderInventory();
      });
    });
    renderInventory();
  }

  /* ---- findings: each rule's group is drawn when it is first opened ---- */
  /* The findings block is plain JSON, or for a large report gzip in base64 (data-encoding), which
     DecompressionStream reads. Either way it is data: rows store each distinct string once, in
     `strings`, and every number in a row is an index into it. */
  var findingsBlock = document.getElementById("findings-data");
  var findingData = null;
  var findingsLoading = null;

  function loadFindings() {
    if (findingsLoading) { return findingsLoading; }
    if (!findingsBlock) {
      findingData = { strings: [], rows: [] };
      findingsLoading = Promise.resolve();
    } else if (findingsBlock.getAttribute("data-encoding") === "gzip-base64") {
      if (typeof DecompressionStream === "undefined") {
        findingsLoading = Promise.reject(new Error("this browser cannot read the compressed findings; use the JSON report"));
      } else {
        var binary = atob(findingsBlock.textContent.trim());
        var bytes = new Uint8Array(binary.length);
        for (var b = 0; b < binary.length; b++) { bytes[b] = binary.charCodeAt(b); }
        var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
        findingsLoading = new Response(stream).text().then(function (text) { findingData = JSON.parse(text); });
      }
    } else {
      findingData = JSON.parse(findingsBlock.textContent);
      findingsLoading = Promise.resolve();
    }
    findingsLoading.then(function () { document.documentElement.setAttribute("data-findings", "ready"); },
      function (error) {
        document.documentElement.setAttribute("data-findings", "failed");
        Array.prototype.forEach.call(document.querySelectorAll("ol.finding-list"), function (list) {
          list.replaceChildren(make("li", "", error.message));
        });
      });
    return findingsLoading;
  }

  function decode(value) {
    if (typeof value === "number") { return findingData.strings[value]; }
    if (Array.isArray(value)) { return value.map(decode); }
    return value;
  }

  function renderFinding(f) {
    var severity = f[0], subject = f[1], location = f[2], message = f[3], evidence = f[4], facts = f[5],
      waiver = f[6], waiting = f[7], kind = f[8];
    var li = make("li", waiver ? "waived" : "");
    var head = make("div");
    head.appendChild(make("span", "sev sev-" + severity, severity));
    head.appendChild(document.createTextNode(" "));
    if (waiver) {
      head.appendChild(make("span", "badge-waived", "waived"));
      head.appendChild(document.createTextNode(" "));
    }
    head.appendChild(make("span", "finding-subject", subject));
    head.appendChild(document.createTextNode(" "));
    head.appendChild(make("code", "small", location));
    if (kind === "needs-info") { head.appendChild(make("span", "muted", " · needs information")); }
    li.appendChild(head);
    li.appendChild(make("p", "finding-message", message));
    if (waiver) {
      var parts = ["Waived (" + waiver[0] + "): " + waiver[1]];
      if (waiver[2]) { parts.push("owner " + waiver[2]); }
      if (waiver[3]) { parts.push("expires " + waiver[3]); }
      if (waiver[4]) { parts.push("decided in " + waiver[4]); }
      li.appendChild(make("p", "muted", parts.join(" · ")));
    }
    if (evidence.length) {
      var list = make("ul", "evidence");
      evidence.forEach(function (e) {
        var item = make("li");
        item.appendChild(document.createTextNode(e[0] + " at " + e[1] + ": "));
        item.appendChild(make("q", "", e[2]));
        if (e[3]) { item.appendChild(document.createTextNode(" (" + e[3] + ")")); }
        list.appendChild(item);
      });
      li.appendChild(list);
    }
    if (facts.length) {
      li.appendChild(make("p", "small muted", "Facts used: " + facts.map(function (p) { return p[0] + " = " + p[1]; }).join("; ")));
    }
    if (waiting.length > 1) {
      li.appendChild(make("p", "small muted", "Rules waiting on this answer: " + waiting.join(", ")));
    }
    return li;
  }

  function drawGroup(details) {
    if (details.getAttribute("data-drawn")) { return; }
    details.setAttribute("data-drawn", "1");
    var list = details.querySelector("ol.finding-list");
    var fragment = document.createDocumentFragment();
    var end = Number(details.getAttribute("data-end"));
    for (var i = Number(details.getAttribute("data-start")); i < end; i++) {
      fragment.appendChild(renderFinding(decode(findingData.rows[i])));
    }
    list.appendChild(fragment);
  }

  function fillGroup(details) {
    loadFindings().then(function () { drawGroup(details); });
  }

  var groups = document.querySelectorAll("details.finding-group");
  Array.prototype.forEach.call(groups, function (details) {
    details.addEventListener("toggle", function () { if (details.open) { fillGroup(details); } });
  });

  function expandAll() {
    Array.prototype.forEach.call(groups, function (details) { details.open = true; });
    Array.prototype.forEach.call(document.querySelectorAll("details.license-text"), function (d) { d.open = true; });
    if (state.limit !== Infinity) { state.limit = Infinity; renderInventory(); }
    if (findingData !== null) {  /* printing cannot wait: draw now what is loaded (it is, by then) */
      Array.prototype.forEach.call(groups, drawGroup);
    }
  }

  var expandButton = document.getElementById("expand-all");
  if (expandButton) { expandButton.addEventListener("click", expandAll); }
  window.addEventListener("beforeprint", expandAll);
  performance.mark("osi-check-ready");
  /* Read the findings once the first screen is up, so they are ready before anyone prints. */
  window.setTimeout(loadFindings, 0);
}());
