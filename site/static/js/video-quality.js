// 清晰 / 流畅: switches the lesson video between its copies, keeping the place and play state.
// Starts with 流畅 where the browser says the connection is slow or data saving is on.
(function () {
  "use strict";
  document.querySelectorAll("[data-video-quality]").forEach(function (group) {
    var video = group.parentNode.querySelector("video");
    var buttons = group.querySelectorAll("button[data-src]");
    if (!video || !buttons.length) return;
    group.hidden = false;

    function choose(button) {
      var src = button.getAttribute("data-src");
      buttons.forEach(function (b) { b.setAttribute("aria-pressed", b === button ? "true" : "false"); });
      if (video.currentSrc && video.currentSrc.indexOf(src) !== -1) return;
      var time = video.currentTime;
      var playing = !video.paused;
      var source = video.querySelector("source");
      source.setAttribute("src", src);
      video.load();
      video.addEventListener("loadedmetadata", function () {
        if (time) video.currentTime = time;
        if (playing) video.play();
      }, { once: true });
    }

    buttons.forEach(function (button) {
      button.addEventListener("click", function () { choose(button); });
    });
    var connection = navigator.connection;
    var slow = connection && (connection.saveData || /(^|-)(2g|3g)$/.test(connection.effectiveType || ""));
    var smooth = group.querySelector("[data-smooth]");
    if (slow && smooth) choose(smooth);
  });
})();
