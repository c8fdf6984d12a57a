/* The MathJax 2 API that Thebe 0.9 calls to typeset live outputs, mapped onto the
 * page's own MathJax 3 (served by the site), so that no MathJax 2 is fetched from a CDN.
 * Thebe loads this file as its `mathjaxUrl`, then calls MathJax.Hub.Config, .Configured
 * and .Queue(["Typeset", MathJax.Hub, element]). Loading it twice is harmless.
 */
(function () {
  "use strict";
  if (window.m4mlMathJax2Shim) {
    window.m4mlMathJax2Shim.attach();
    return;
  }
  var root = new URL(document.documentElement.dataset.content_root || "./", document.baseURI);

  // Pages without formulas have no MathJax 3 yet: load the site's copy.
  function mathjax3() {
    if (window.MathJax && window.MathJax.startup) {
      return window.MathJax.startup.promise;
    }
    return new Promise(function (resolve, reject) {
      window.MathJax = {
        tex: { inlineMath: [["\\(", "\\)"]] },
        startup: { typeset: false, ready: function () { MathJax.startup.defaultReady(); attach(); resolve(); } },
      };
      var script = document.createElement("script");
      script.src = new URL("_static/mathjax/tex-chtml.js", root).href;
      script.onerror = function () { reject(new Error("MathJax could not be loaded from the site")); };
      document.head.appendChild(script);
    });
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

  function typeset(element) {
    return mathjax3().then(function () {
      var walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      var texts = [];
      while (walker.nextNode()) {
        if (!walker.currentNode.parentNode.closest("mjx-container, pre, code, script")) texts.push(walker.currentNode);
      }
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
