// Quiz editor: recount a draw rule's pool when its topic or difficulty changes. Without this
// script the read-out still shows the pool as of the last save, and saving checks it anyway.
(function () {
  "use strict";
  var RULE_FIELD = /^draw_rules-\d+-(tag|difficulty)$/;

  function recount(child) {
    var readout = child.querySelector("[data-rule-pool-readout]");
    var tag = child.querySelector("input[name$='-tag']");
    var difficulty = child.querySelector("select[name$='-difficulty']");
    if (!readout || !tag || !tag.value) return;
    var url = readout.dataset.url + "?" + new URLSearchParams({
      tag: tag.value,
      difficulty: difficulty ? difficulty.value : "",
    });
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        readout.textContent = data.text || data.error || readout.dataset.errorText;
      })
      .catch(function () { readout.textContent = readout.dataset.errorText; });
  }

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!field.name || !RULE_FIELD.test(field.name)) return;
    var child = field.closest("[data-inline-panel-child]");
    if (child) recount(child);
  });
})();
