/* The MathJax 2 API that Thebe 0.9 calls to typeset live outputs, mapped onto MathJax 3
 * (served by the site), so that no MathJax 2 is fetched from a CDN.
 * Thebe loads this file as its `mathjaxUrl`, then calls MathJax.Hub.Config, .Configured
 * and .Queue(["Typeset", MathJax.Hub, element]). Loading it twice is harmless.
 * The book's own formulas are typeset at build time (m4ml_book.math_ssr), so pages load
 * no MathJax: this shim loads the site's copy, with the book's macros, the first time an
 * output holds TeX delimiters, and never for outputs without any.
 */
(function () {
  "use strict";
  if (window.m4mlMathJax2Shim) {
    window.m4mlMathJax2Shim.attach();
    return;
  }
  var root = new URL(document.documentElement.dataset.content_root || "./", document.baseURI);

  // The site's MathJax 3, loaded once, with the macros the build used (m4ml_book.math_ssr writes them).
  var loading = null;
  function mathjax3() {
    if (loading) return loading;
    if (window.MathJax && window.MathJax.startup) return (loading = window.MathJax.startup.promise);
    loading = fetch(new URL("_static/m4ml-math/tex-macros.json", root).href)
      .then(function (r) { return r.ok ? r.json() : {}; }, function () { return {}; })
      .then(function (macros) {
        return new Promise(function (resolve, reject) {
          window.MathJax = {
            tex: { inlineMath: [["\\(", "\\)"]], macros: macros },
            startup: { typeset: false, ready: function () { MathJax.startup.defaultReady(); attach(); resolve(); } },
          };
          var script = document.createElement("script");
          script.src = new URL("_static/mathjax/tex-chtml.js", root).href;
          script.onerror = function () { reject(new Error("MathJax could not be loaded from the site")); };
          document.head.appendChild(script);
        });
      });
    return loading;
  }

  // $$..$$, \[..\], \(..\) and $..$ (not \$), in that order of priority.
  var DELIMITED = /\$\$([\s\S]+?)\$\$|\\\[([\s\S]+?)\\\]|\\\(([\s\S]+?)\\\)|(?:^|[^\\])\$((?:\\\$|[^$])+?)\$/g;

  function typesetText(node) {
    var text = node.nodeValue;
    var parts = [];
    var last = 0;
    var match;
    DELIMITED.lastIndex = 0;
    while ((match = DELIMITED.exec(text)) !== null) {
      var start = match.index;
      if (match[4] !== undefined && text[start] !== "$") start += 1; // keep the char before $
      var tex = match[1] || match[2] || match[3] || match[4];
      parts.push(document.createTextNode(text.slice(last, start)));
      parts.push(MathJax.tex2chtmlPromise(tex, { display: Boolean(match[1] || match[2]) }));
      last = DELIMITED.lastIndex;
    }
    if (!parts.length) return Promise.resolve();
    parts.push(document.createTextNode(text.slice(last)));
    return Promise.all(parts).then(function (nodes) {
      var parent = node.parentNode;
      nodes.forEach(function (n) { parent.insertBefore(n, node); });
      parent.removeChild(node);
    });
  }

  function hasTeX(node) {
    DELIMITED.lastIndex = 0;
    return DELIMITED.test(node.nodeValue);
  }

  function typeset(element) {
    var walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    var texts = [];
    while (walker.nextNode()) {
      var node = walker.currentNode;
      if (!node.parentNode.closest("mjx-container, pre, code, script") && hasTeX(node)) texts.push(node);
    }
    if (!texts.length) return Promise.resolve();  // no formula: no MathJax
    return mathjax3().then(function () {
      return Promise.all(texts.map(typesetText));
    }).then(function () {
      MathJax.startup.document.clear();
      MathJax.startup.document.updateDocument(); // adds the CSS of the new formulas
    });
  }

  var queue = Promise.resolve();
  var Hub = {
    Config: function () {},
    Configured: function () {},
    Register: { StartupHook: function (name, callback) { if (callback) queue = queue.then(callback); } },
    // Items are functions or [name, object, args...] as in MathJax 2; only Typeset does anything.
    Queue: function () {
      Array.prototype.forEach.call(arguments, function (item) {
        queue = queue.then(function () {
          if (typeof item === "function") return item();
          if (Array.isArray(item) && item[0] === "Typeset") return typeset(item[2] || document.body);
          return undefined;
        }).catch(function (err) { console.warn("[live code] could not typeset an output:", err); });
      });
      return queue;
    },
    Typeset: function (element, callback) { return Hub.Queue(["Typeset", Hub, element], callback); },
  };

  function attach() {
    if (!window.MathJax) window.MathJax = {};
    window.MathJax.Hub = Hub;
    window.MathJax.Ajax = window.MathJax.Ajax || { Require: function () {} };
    window.MathJax.InputJax = window.MathJax.InputJax || { TeX: { resetEquationNumbers: function () {} } };
  }

  window.m4mlMathJax2Shim = { attach: attach, typeset: typeset };
  attach();
})();
