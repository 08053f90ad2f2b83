// Small enhancements only: every feature here also works without script.
(function () {
  "use strict";

  // Large type: switch at once, and keep the server-side cookie in step for the next page.
  var form = document.querySelector("[data-text-size]");
  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var root = document.documentElement;
      var large = !root.classList.contains("large-type");
      root.classList.toggle("large-type", large);
      document.cookie = "large_type=" + (large ? "1" : "0") + "; path=/; max-age=31536000; samesite=lax";
      var button = form.querySelector("[data-text-size-button]");
      if (button) button.setAttribute("aria-pressed", large ? "true" : "false");
      var input = form.querySelector("input[name=large]");
      if (input) input.value = large ? "0" : "1";
    });
  }
})();
