// sigmeet's only script: live run and send progress (polling every second) and table filters.
(function () {
  "use strict";

  function text(id, value) {
    var el = document.getElementById(id);
    if (el) { el.textContent = value; }
  }
  function number(v) {
    return v === null || v === undefined ? "–" : Math.round(v).toLocaleString("en");
  }

  // Poll a job's progress (a run or a send) every second and show it; reload when it ends.
  function watch(boxId, barId, show) {
    var box = document.getElementById(boxId);
    if (!box) { return; }
    var url = box.getAttribute("data-url");
    function tick() {
      fetch(url, { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { return r.json(); })
        .then(function (p) {
          if (!p.active) { window.location.reload(); return; }
          var bar = document.getElementById(barId);
          if (bar) { bar.value = p.percent; bar.textContent = p.percent + " %"; }
          show(p);
          setTimeout(tick, 1000);
        })
        .catch(function () { setTimeout(tick, 2000); });
    }
    setTimeout(tick, 1000);
  }

  function watchProgress() {
    watch("progress", "bar", function (p) {
      text("p-phase", p.status === "queued" ? "waiting for a free solver" :
           (p.status === "stopping" ? "stopping: keeping the best schedule" : p.phase));
      text("p-seconds", p.seconds.toFixed(1));
      text("p-objective", number(p.objective));
      text("p-bound", number(p.bound));
      text("p-gap", p.gap === null ? "–" : (100 * p.gap).toFixed(2) + " %");
      if (p.status === "running") {
        text("p-hint", "The page updates by itself; the results appear here when the search ends.");
      }
    });
  }

  function watchSending() {
    watch("send-progress", "s-bar", function (p) {
      text("s-sent", p.sent);
      text("s-already", p.already);
      text("s-failed", p.failed);
      text("s-to-go", p.to_go);
    });
  }

  function filters() {
    var inputs = document.querySelectorAll("input[data-filter]");
    Array.prototype.forEach.call(inputs, function (input) {
      var rows = document.querySelectorAll(input.getAttribute("data-filter"));
      var count = document.querySelector(input.getAttribute("data-count"));
      input.addEventListener("input", function () {
        var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
        var shown = 0;
        Array.prototype.forEach.call(rows, function (row) {
          var hay = row.textContent.toLowerCase();
          var ok = words.every(function (w) { return hay.indexOf(w) !== -1; });
          row.hidden = !ok;
          if (ok) { shown += 1; }
        });
        if (count) { count.textContent = shown; }
      });
    });
  }

  function selectOnFocus() {
    var feed = document.getElementById("feed");
    if (feed) { feed.addEventListener("focus", function () { feed.select(); }); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    watchProgress();
    watchSending();
    filters();
    selectOnFocus();
  });
})();
