// Math4ML: load plotly.js only when an interactive figure comes near the screen.
//
// m4ml_book.offline_assets puts this script in the <head> of every page that has an interactive
// figure (m4ml.viz.interactive), in place of plotly.js itself (1.5 MB). Each figure's own script
// calls window.m4mlPlotly.whenNear(div, draw): when the div comes within 800 px of the screen, the
// site's copy of plotly.js is loaded once, and every figure that asked is drawn. A reader who never
// scrolls to a figure never downloads the library.
(function () {
  "use strict";
  var PLOTLY = new URL("../plotly/plotly-cartesian.min.js", document.currentScript.src).href;
  var state = "idle";  // idle, loading, ready, failed
  var waiting = [];    // [div, draw] of figures near the screen while plotly.js loads

  function load() {
    state = "loading";
    var script = document.createElement("script");
    script.src = PLOTLY;
    script.onload = function () {
      state = "ready";
      waiting.splice(0).forEach(function (item) { item[1](); });
    };
    script.onerror = function () {
      state = "failed";
      waiting.splice(0).forEach(function (item) {
        item[0].textContent = "This interactive figure needs plotly.js, which did not load.";
      });
    };
    document.head.appendChild(script);
  }

  window.m4mlPlotly = {
    whenNear: function (div, draw) {
      var observer = new IntersectionObserver(function (entries) {
        if (!entries.some(function (e) { return e.isIntersecting; })) return;
        observer.disconnect();
        if (state === "ready") { draw(); return; }
        waiting.push([div, draw]);
        if (state === "idle") load();
      }, {rootMargin: "800px 0px"});
      observer.observe(div);
    }
  };
})();
