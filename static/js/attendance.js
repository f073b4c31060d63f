// Registers: show only the fields that apply to each line (the form works without this file).
(function () {
  "use strict";
  var form = document.getElementById("register-form");
  if (!form) { return; }
  document.documentElement.classList.add("js-att");

  function refresh(line) {
    var checked = line.querySelector("input[data-status]:checked");
    var status = checked ? checked.value : "";
    var reason = line.querySelector("select[data-reason]");
    line.classList.toggle("is-present", status === "present");
    line.classList.toggle("is-absent", status === "absent");
    line.classList.toggle("is-other", status === "absent" && reason && reason.value === "other");
  }

  var lines = form.querySelectorAll("[data-line]");
  Array.prototype.forEach.call(lines, function (line) {
    refresh(line);
    line.addEventListener("change", function () { refresh(line); });
  });
})();
