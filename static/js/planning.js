// Planning page: follows a running solver (elapsed time, best penalty, progress bar), then reloads.
(function () {
  "use strict";
  var box = document.querySelector(".run-progress[data-status-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");

  function show(name, value) {
    var node = box.querySelector('[data-field="' + name + '"]');
    if (!node) { return; }
    if (node.tagName === "PROGRESS") { node.value = value; node.textContent = value + "%"; return; }
    node.textContent = value === null || value === undefined ? "—" : value;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { window.setTimeout(poll, 5000); return; }
        show("status_label", data.status_label);
        show("elapsed", data.elapsed);
        show("best_objective", data.best_objective);
        show("bound", data.bound);
        show("percent", data.percent);
        if (data.active) { window.setTimeout(poll, 1000); } else { window.location.reload(); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
}());
