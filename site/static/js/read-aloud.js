// Read aloud: the browser's own speech synthesis reads the lesson, one block at a time, in Chinese.
// No external service: where the browser has no speech synthesis the button never appears.
(function () {
  "use strict";

  var box = document.querySelector("[data-read-aloud]");
  var synth = window.speechSynthesis;
  if (!box || !synth || typeof window.SpeechSynthesisUtterance !== "function") return;

  var button = box.querySelector("[data-read-aloud-button]");
  var label = button.querySelector("[data-read-aloud-label]");
  var source = document.querySelector(box.getAttribute("data-read-aloud"));
  var lang = box.getAttribute("data-lang") || "zh-CN";
  // Long utterances stop silently after about 15 s in Chromium, so each block is read alone
  // and a long block is cut at sentence ends.
  var MAX_CHARS = 180;
  var BLOCKS = "h1, h2, h3, h4, p, li, figcaption, blockquote, th, td, dt, dd";
  var reading = false;
  var current = null;

  function pickVoice() {
    var voices = synth.getVoices() || [];
    for (var i = 0; i < voices.length; i++) {
      if (voices[i].lang && voices[i].lang.replace("_", "-").toLowerCase().indexOf("zh") === 0) {
        return voices[i];
      }
    }
    return null;
  }

  function pieces(text) {
    var parts = text.match(/[^。！？!?；;\n]+[。！？!?；;]*/g) || [];
    var out = [];
    var chunk = "";
    parts.forEach(function (part) {
      part = part.trim();
      if (!part) return;
      if (chunk && (chunk + part).length > MAX_CHARS) {
        out.push(chunk);
        chunk = "";
      }
      chunk += part;
      while (chunk.length > MAX_CHARS) {
        out.push(chunk.slice(0, MAX_CHARS));
        chunk = chunk.slice(MAX_CHARS);
      }
    });
    if (chunk) out.push(chunk);
    return out;
  }

  function blocks() {
    var found = [];
    var heading = document.querySelector("h1");
    if (heading) found.push(heading);
    if (!source) return found;
    source.querySelectorAll(BLOCKS).forEach(function (element) {
      // A list item inside a paragraph-level block is read with that block, not twice.
      if (element.parentElement && element.parentElement.closest(BLOCKS)) return;
      if (element.closest("[aria-hidden=true], .visually-hidden, script, style")) return;
      found.push(element);
    });
    return found;
  }

  function mark(element) {
    if (current) current.classList.remove("is-being-read");
    current = element;
    if (element) {
      element.classList.add("is-being-read");
      if (element.scrollIntoView) element.scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
  }

  function show(on) {
    reading = on;
    button.setAttribute("aria-pressed", on ? "true" : "false");
    label.textContent = button.getAttribute(on ? "data-stop-text" : "data-start-text");
    if (!on) mark(null);
  }

  function start() {
    synth.cancel();
    var voice = pickVoice();
    var queue = [];
    blocks().forEach(function (element) {
      pieces(element.innerText || element.textContent || "").forEach(function (text) {
        queue.push({ element: element, text: text });
      });
    });
    if (!queue.length) return;
    show(true);
    queue.forEach(function (item, index) {
      var utterance = new window.SpeechSynthesisUtterance(item.text);
      utterance.lang = lang;
      if (voice) utterance.voice = voice;
      // A little slower than the default: the course is written for older listeners too.
      utterance.rate = 0.9;
      utterance.onstart = function () { if (reading) mark(item.element); };
      if (index === queue.length - 1) {
        utterance.onend = function () { show(false); };
        utterance.onerror = function () { show(false); };
      }
      synth.speak(utterance);
    });
  }

  function stop() {
    synth.cancel();
    show(false);
  }

  button.addEventListener("click", function () {
    if (reading) stop(); else start();
  });
  // Speech outlives the page in some browsers: leaving the lesson ends it.
  window.addEventListener("pagehide", stop);
  box.hidden = false;
})();
