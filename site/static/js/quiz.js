// Quiz page: saves each answer as it changes and shows the server's remaining time.
// Without script the form still works: the submit button sends every answer at once.
(function () {
  "use strict";

  // 交卷 summary: list the questions flagged on the attempt page (same key), to jump back to.
  var flaggedList = document.querySelector("[data-flagged-list]");
  if (flaggedList) {
    var saved = {};
    try { saved = JSON.parse(sessionStorage.getItem(flaggedList.getAttribute("data-flag-key")) || "{}"); } catch (e) { saved = {}; }
    var any = false;
    flaggedList.querySelectorAll("[data-flag-for]").forEach(function (item) {
      var on = !!saved[item.getAttribute("data-flag-for")];
      item.hidden = !on;
      any = any || on;
    });
    flaggedList.hidden = !any;
  }

  var form = document.querySelector("[data-quiz-form]");
  if (!form) return;
  var status = document.querySelector("[data-save-status]");
  var counter = document.querySelector("[data-answered-count]");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var submitting = false;

  function show(text, bad) {
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("quiz-save-status--error", !!bad);
  }

  function countAnswered() {
    if (!counter) return;
    var n = 0;
    form.querySelectorAll("[data-question]").forEach(function (fieldset) {
      var answered = !!fieldset.querySelector("input:checked");
      if (answered) n += 1;
      var cell = document.querySelector('[data-grid-for="' + fieldset.getAttribute("data-question") + '"]');
      if (cell) cell.classList.toggle("quiz-grid__item--answered", answered);
    });
    counter.textContent = n;
  }

  function save(fieldset) {
    var choices = [];
    fieldset.querySelectorAll("input:checked").forEach(function (input) {
      choices.push(parseInt(input.value, 10));
    });
    return fetch(form.getAttribute("data-autosave-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ question: parseInt(fieldset.getAttribute("data-question"), 10), choices: choices })
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      show(form.getAttribute("data-saved-text"), false);
    }).catch(function () {
      show(form.getAttribute("data-error-text"), true);
    });
  }

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("[data-question]");
    if (fieldset) {
      countAnswered();
      save(fieldset);
    }
  });
  form.addEventListener("submit", function () { submitting = true; });

  // Flags are the learner's own reminders to look again: kept in this tab only, never sent.
  var flagKey = "quiz-flags:" + form.getAttribute("action");
  var flags = {};
  try { flags = JSON.parse(sessionStorage.getItem(flagKey) || "{}"); } catch (e) { flags = {}; }
  form.querySelectorAll("[data-question]").forEach(function (fieldset) {
    var id = fieldset.getAttribute("data-question");
    var cell = document.querySelector('[data-grid-for="' + id + '"]');
    var button = document.createElement("button");
    button.type = "button";
    button.className = "quiz-flag";
    var paint = function () {
      var on = !!flags[id];
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.textContent = on ? form.getAttribute("data-flagged-text") : form.getAttribute("data-flag-text");
      if (cell) cell.classList.toggle("quiz-grid__item--flagged", on);
    };
    button.addEventListener("click", function () {
      flags[id] = !flags[id];
      try { sessionStorage.setItem(flagKey, JSON.stringify(flags)); } catch (e) { /* private mode */ }
      paint();
    });
    fieldset.appendChild(button);
    paint();
  });

  // The timer only displays the server's deadline; the server refuses late answers itself.
  var timer = document.querySelector("[data-remaining-seconds]");
  if (timer) {
    var end = Date.now() + parseInt(timer.getAttribute("data-remaining-seconds"), 10) * 1000;
    var tick = function () {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      timer.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      timer.classList.toggle("quiz-timer--low", left <= 60);
      if (left === 0) {
        clearInterval(handle);
        if (!submitting) {
          submitting = true;
          show(form.getAttribute("data-timeup-text"), false);
          form.submit();
        }
      }
    };
    var handle = setInterval(tick, 1000);
    tick();
  }
})();
