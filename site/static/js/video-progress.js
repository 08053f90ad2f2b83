// Reports what the lesson video actually played, every few seconds, and resumes where it stopped.
// The server decides completion (90 % played, in no less real time); seeking ahead adds nothing.
(function () {
  "use strict";
  var lesson = document.querySelector("[data-video-lesson]");
  if (!lesson) return;
  var video = lesson.querySelector("video[data-lesson-video]");
  if (!video) return;
  var url = lesson.getAttribute("data-report-url");
  var csrf = (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "";
  var status = document.querySelector("[data-video-status]");
  var spanStart = null;
  var lastTime = 0; // the last position reached by playing, before any seek

  var resume = parseFloat(lesson.getAttribute("data-position") || "0");
  // Once: switching 清晰 / 流畅 loads the video again and keeps its own place.
  video.addEventListener("loadedmetadata", function () {
    if (resume > 0 && resume < video.duration - 1) video.currentTime = resume;
  }, { once: true });

  video.addEventListener("timeupdate", function () {
    if (!video.seeking) lastTime = video.currentTime;
  });

  function report() {
    if (spanStart === null) return;
    var end = Math.max(spanStart, lastTime);
    var body = JSON.stringify({ start: spanStart, end: end, position: end });
    spanStart = video.paused ? null : end;
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: body,
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && data.completed && status) {
          status.textContent = status.getAttribute("data-done-text") || "✓";
        }
      })
      .catch(function () {});
  }

  // An empty report when playing starts: the server credits real time from here on.
  video.addEventListener("play", function () {
    spanStart = lastTime = video.currentTime;
    report();
  });
  video.addEventListener("pause", report);
  video.addEventListener("ended", report);
  // A seek ends the span played so far; the new span starts where the viewer landed.
  video.addEventListener("seeking", function () { if (spanStart !== null) report(); });
  video.addEventListener("seeked", function () {
    lastTime = video.currentTime;
    if (!video.paused) spanStart = video.currentTime;
  });
  setInterval(function () { if (!video.paused) report(); }, 5000);
})();
