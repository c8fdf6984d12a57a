// Math4ML: load Bootstrap's script (81 kB) when the reader first reaches for what needs it.
//
// The theme loads Bootstrap on every page for two things only: the header's dropdown menus
// (launch and download) and the tooltips of its buttons. m4ml_book.patches.drop_page_scripts puts
// this loader in its place, with Bootstrap's address in data-bootstrap. Bootstrap is fetched when
// the pointer comes over, or the keyboard focus reaches, a control that needs it; a click on a
// dropdown before it has arrived is held and then opens the menu. Bootstrap then sets up the
// tooltips itself, as it does when the page loads it.
(function () {
  "use strict";
  var me = document.currentScript;
  var SRC = new URL(me.getAttribute("data-bootstrap"), document.baseURI).href;
  var NEEDS = "[data-bs-toggle]";
  var loading = null;

  function load() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = SRC;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  function near(event) {
    if (event.target.closest && event.target.closest(NEEDS)) load();
  }

  document.addEventListener("pointerover", near, {passive: true});
  document.addEventListener("focusin", near);
  document.addEventListener("click", function (event) {
    if (window.bootstrap || !event.target.closest) return;
    var toggle = event.target.closest('[data-bs-toggle="dropdown"]');
    if (!toggle) return;
    event.preventDefault();
    event.stopPropagation();
    load().then(function () { window.bootstrap.Dropdown.getOrCreateInstance(toggle).toggle(); });
  }, true);
})();
