/* Live code for Math4ML (m4ml_book/live_code.py explains the design).
 *
 * "Live Code" in the rocket menu calls initThebeSBT() (sphinx-book-theme), which adds a
 * status button under the title and calls window.initThebe, defined here:
 *   1. find a Jupyter server: under `make serve`, _live/server.json says where its Jupyter
 *      API is (same origin), and the token comes from this tab's sessionStorage, where the
 *      address that `make serve` printed (…#token=…) put it (live_code.py's TOKEN_PICKUP);
 *      otherwise _static/live-code/config.json names a BinderHub or a JupyterHub, or
 *      nothing, and the reader is told, in the page, how to run the code on their own;
 *   2. load Thebe 0.9.3 (already loaded in the background in a tab that holds a token)
 *      and the MathJax 2 shim from the site itself;
 *   3. turn each shown code cell into an editor, with the page's hidden cells (imports,
 *      glue) in their places but invisible;
 *   4. start a kernel (under `make serve`: this page's own, one that has already imported
 *      the libraries, shut down when the reader leaves the page) and run the hidden set-up
 *      cells at the top of the page. Running a cell first runs, once, every earlier cell
 *      that has not run yet in this kernel, so cells work in any order the reader picks;
 *      a cell run before the kernel is ready waits for it.
 * window.m4mlLive exposes the state for the tests.
 */
(function () {
  "use strict";
  var root = new URL(document.documentElement.dataset.content_root || "./", document.baseURI);
  var staticUrl = function (path) { return new URL("_static/" + path, root).href; };
  var live = (window.m4mlLive = { status: "off", events: [] });

  function say(message, status) {
    live.status = status || live.status;
    live.events.push([Math.round(performance.now()), live.status, message]);
    var button = document.querySelector(".thebe-launch-button");
    if (button) {
      button.textContent = message;
      button.setAttribute("aria-live", "polite");
      button.dataset.status = live.status;
    }
  }

  function getJson(url) {
    return fetch(url, { cache: "no-store", credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(url + ": HTTP " + r.status);
      return r.json();
    });
  }

  function askOnce(key, question) {
    var value = sessionStorage.getItem(key);
    if (!value) {
      value = (window.prompt(question) || "").trim();
      if (value) sessionStorage.setItem(key, value); // this tab only; never part of the site
    }
    return value;
  }

  var TOKEN_KEY = "m4ml-live-token"; // written by live_code.py's TOKEN_PICKUP

  // An error that the page explains in words and links (see showHelp) rather than by its message.
  function needsHelp(kind) {
    var err = new Error("live code: " + kind);
    err.help = kind;
    return err;
  }

  // `make serve`: the Jupyter API on this origin, with the token this tab was given.
  function localServer(settings, folder) {
    var base = new URL(settings.baseUrl, location.href).href;
    var token = sessionStorage.getItem(TOKEN_KEY);
    if (!token) return Promise.reject(needsHelp("token"));
    return fetch(base + "api/status", {
      cache: "no-store", credentials: "omit", headers: { Authorization: "token " + token },
    }).then(function (r) {
      if (r.status === 403) { // a token of an earlier start of `make serve`
        sessionStorage.removeItem(TOKEN_KEY);
        throw needsHelp("token");
      }
      if (!r.ok) throw new Error(base + "api/status: HTTP " + r.status);
      return { where: "this computer", local: true, useBinder: false, path: folder, serverSettings: {
        baseUrl: base, token: token, appendToken: true } };
    });
  }

  // A course JupyterHub: check the reader's server and token before Thebe starts. A name and
  // token that do not open a server are forgotten, so that reloading the page asks again
  // (the tab used to keep them, and every later try failed the same way). The page cannot
  // tell a refused token from a server that is not running: neither answer is readable
  // from another origin.
  function hubServer(hub, base, token) {
    var refused = function () {
      sessionStorage.removeItem("m4ml-hub-user");
      sessionStorage.removeItem("m4ml-hub-token");
      throw new Error("no server of yours on " + hub + " accepts this user name and token; "
        + "start your server at " + hub + "/hub/home, then reload the page to give them again");
    };
    return fetch(base + "api/status", {
      cache: "no-store", credentials: "omit", headers: { Authorization: "token " + token },
    }).then(function (r) { if (!r.ok) refused(); }, refused);
  }

  // A published site: _static/live-code/config.json names a BinderHub or a JupyterHub.
  function configuredServer(folder) {
    return getJson(staticUrl("live-code/config.json")).then(function (c) {
      var bookPath = [c.path_to_book, folder].filter(Boolean).join("/");
      if (c.provider === "binder") {
        return { where: c.binderhub_url, useBinder: true, path: bookPath, binderOptions: {
          binderUrl: c.binderhub_url, repo: c.repository, ref: c.ref || "main",
          repoProvider: c.repo_provider || "git" } };
      }
      if (c.provider === "jupyterhub") {
        var hub = c.jupyterhub_url.replace(/\/+$/, "");
        var user = askOnce("m4ml-hub-user", "Your user name on " + hub + ":");
        var token = askOnce("m4ml-hub-token", "A token from " + hub + "/hub/token (kept in this tab only):");
        if (!user || !token) throw new Error("no JupyterHub user name or token given");
        var base = hub + "/user/" + encodeURIComponent(user) + "/";
        return hubServer(hub, base, token).then(function () {
          return { where: hub, useBinder: false, path: bookPath, serverSettings: {
            baseUrl: base, token: token, appendToken: true } };
        });
      }
      throw needsHelp("none");
    }, function () { throw needsHelp("none"); });
  }

  // Thebe's options for where to run: `make serve`'s own server, a BinderHub or a JupyterHub.
  function serverOptions(folder) {
    if (location.protocol === "file:") return Promise.reject(needsHelp("none"));
    return getJson(new URL("_live/server.json", root).href).then(function (s) {
      return localServer(s, folder);
    }, function () {
      return configuredServer(folder);
    });
  }

  // Build an element: el("a", {href: u}, ["text", child, ...]).
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function code(text) { return el("code", {}, [text]); }

  // What to do when this copy of the book cannot run the page's code, in the page itself.
  function showHelp(kind, template) {
    var box = el("div", { "class": "admonition note m4ml-live-help", role: "note" });
    var repo = template && template.dataset.repository;
    if (kind === "token") {
      box.append(el("p", { "class": "admonition-title" }, ["Live code: open the printed address"]),
        el("p", {}, ["This page comes from ", code("make serve"), ", whose Jupyter server runs "
          + "code only for the browser tab that opened the address it printed, the one that "
          + "ends in ", code("#token=…"), ". Open that address again (it changes each time ",
          code("make serve"), " starts), then come back to this page."]));
    } else {
      var link = document.querySelector("a.btn-download-notebook-button");
      var name = link ? decodeURIComponent(link.pathname.split("/").pop()) : "the notebook";
      var steps = el("ol");
      steps.append(el("li", {}, link ? ["Download this page as a notebook: ",
        el("a", { href: link.href, download: name }, [name]), "."]
        : ["Download this page as a notebook (the download menu at the top)."]));
      steps.append(el("li", {}, repo ? ["Install Jupyter and the book's package, ",
        code("m4ml"), ":", el("pre", {}, [code('pip install jupyterlab "m4ml @ git+' + repo + '"')])]
        : ["Install Jupyter and the book's package, ", code("m4ml"), "."]));
      steps.append(el("li", {}, ["Open it: ", code("jupyter lab " + name), "."]));
      box.append(el("p", { "class": "admonition-title" }, ["Run this page's code on your computer"]),
        el("p", {}, ["Live code needs a Jupyter server, and this copy of the book has none. "
          + "To run and change the code of this page:"]), steps);
      if (repo) {
        box.append(el("p", {}, ["Or clone ", el("a", { href: repo }, ["the book's repository"]),
          " and run ", code("make serve"), ": the whole book then runs its code where you read it."]));
      }
    }
    var button = document.querySelector(".thebe-launch-button");
    var old = document.querySelector(".m4ml-live-help");
    if (old) old.remove();
    if (button) button.after(box);
    else (document.querySelector("article") || document.body).prepend(box);
    return box;
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src;
      s.onload = resolve;
      s.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.appendChild(s);
    });
  }

  // Thebe's 1.5 MB script, loaded once (in the background under `make serve`, see below).
  var thebeScript = null;
  function loadThebeScript() {
    if (!thebeScript) {
      window.thebeRequireJsUrl = staticUrl("thebe/require.js"); // read by the patched index.js
      thebeScript = window.thebelab ? Promise.resolve() : loadScript(staticUrl("thebe/index.js"));
      thebeScript.catch(function () { thebeScript = null; });
    }
    return thebeScript;
  }

  // Its style sheet and the MathJax 2 shim only once the reader asks for live code.
  function loadThebe() {
    if (!document.querySelector("link[href$='thebe/thebe.css']")) {
      var css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = staticUrl("thebe/thebe.css");
      document.head.appendChild(css);
    }
    return loadThebeScript().then(function () {
      return loadScript(staticUrl("live-code/mathjax2-shim.js"));
    });
  }

  // A tab that holds a `make serve` token will likely ask for live code: fetch and compile
  // Thebe while the reader reads, so that Live Code does not wait for it.
  function hasToken() {
    try { return Boolean(sessionStorage.getItem(TOKEN_KEY)); } catch (e) { return false; }
  }
  if (document.getElementById("m4ml-live-cells") && hasToken()) {
    window.addEventListener("load", function () {
      var later = window.requestIdleCallback || function (f) { return setTimeout(f, 500); };
      later(function () { loadThebeScript().catch(function () {}); }, { timeout: 5000 });
    });
  }

  // Mark inputs and outputs for Thebe, which pairs the n-th input with the n-th output:
  // every cell gets exactly one output element, an empty one when the page shows none.
  function prepareCells(template) {
    var article = document.querySelector("article") || document.body;
    var shown = Array.prototype.slice.call(article.querySelectorAll("div.cell"));
    var expected = Number(template ? template.dataset.shown : shown.length);
    if (template) {
      var pres = Array.prototype.slice.call(template.content.querySelectorAll("pre"));
      if (shown.length !== expected) {
        console.warn("[live code] expected " + expected + " cells, found " + shown.length + "; hidden cells go first");
      }
      pres.forEach(function (pre) {
        var k = shown.length === expected ? Number(pre.dataset.before) : 0;
        var cell = document.createElement("div");
        cell.className = "cell m4ml-hidden-cell";
        cell.hidden = true;
        var input = document.createElement("pre");
        input.textContent = pre.textContent;
        cell.appendChild(input);
        if (k < shown.length) shown[k].parentNode.insertBefore(cell, shown[k]);
        else if (shown.length) shown[shown.length - 1].after(cell);
        else article.appendChild(cell);
      });
    }
    article.querySelectorAll("div.cell").forEach(function (cell) {
      var input = cell.classList.contains("m4ml-hidden-cell") ? cell.querySelector("pre")
        : cell.querySelector(".cell_input pre");
      if (!input) return; // output-only cell: stays as built
      cell.querySelectorAll("button.copybtn").forEach(function (b) { b.remove(); });
      input.setAttribute("data-executable", "true");
      input.setAttribute("data-language", "python");
      var output = cell.querySelector(".cell_output");
      if (!output) {
        output = document.createElement("div");
        output.className = "cell_output m4ml-live-output";
        (input.closest(".cell_input") || input).after(output);
      }
      output.setAttribute("data-output", "");
    });
  }

  // Run a cell after every earlier cell that has not run yet in this kernel. A cell run
  // before the kernel is ready (the buttons appear first) waits for it.
  function wireRunButtons(notebook, kernelReady) {
    var done = new Set();
    var chain = kernelReady;
    live.executed = done;
    function runThrough(index) {
      chain = chain.then(function () {
        var todo = notebook.cells.slice(0, index + 1).filter(function (c, i) { return i === index || !done.has(c.id); });
        return todo.reduce(function (p, c) {
          return p.then(function () { done.add(c.id); return c.execute(c.source); });
        }, Promise.resolve());
      });
      return chain;
    }
    live.runThrough = runThrough;
    document.querySelectorAll(".thebe-cell").forEach(function (box) {
      var index = notebook.cells.findIndex(function (c) { return c.id === box.dataset.thebeId; });
      var run = box.querySelector(".thebe-run-button");
      var runAll = box.querySelector(".thebe-runall-button");
      var restart = box.querySelector(".thebe-restart-button");
      var restartAll = box.querySelector(".thebe-restartall-button");
      if (run) run.onclick = function () { return runThrough(index); };
      if (runAll) runAll.onclick = function () { return runThrough(notebook.cells.length - 1); };
      var forget = function () { done.clear(); };
      if (restart) restart.onclick = function () {
        return notebook.session.kernel.restart().then(forget);
      };
      if (restartAll) restartAll.onclick = function () {
        return notebook.session.kernel.restart().then(forget).then(function () {
          return runThrough(notebook.cells.length - 1);
        });
      };
    });
  }

  // Under `make serve`, a session of its own for this page in this tab: Jupyter gives every
  // session path one kernel, so two pages of a folder (or two tabs) must not name the same
  // one. The notebook need not exist; its kernel starts in the folder that holds it. (On a
  // JupyterHub the pages of a folder share one kernel, which nothing here shuts down.)
  function sessionPath(dir) {
    var page = decodeURIComponent(location.pathname.split("/").pop() || "index").replace(/\.html$/, "");
    var id = Math.random().toString(36).slice(2, 10);
    return [dir, page + "-" + id + ".ipynb"].filter(Boolean).join("/");
  }

  // `make serve`: the kernel is this tab's; leaving the page shuts it down (not when the page
  // only goes into the back-forward cache, from which it may come back).
  function shutDownOnLeave(where) {
    window.addEventListener("pagehide", function (evt) {
      if (evt.persisted || !live.session) return;
      fetch(where.serverSettings.baseUrl + "api/sessions/" + live.session.id, {
        method: "DELETE", keepalive: true, credentials: "omit",
        headers: { Authorization: "token " + where.serverSettings.token },
      });
    });
  }

  function start() {
    var template = document.getElementById("m4ml-live-cells");
    var folder = template ? template.dataset.folder : "";
    say("Looking for a Jupyter server…", "connecting");
    return serverOptions(folder).then(function (where) {
      say("Loading live code…", "loading");
      return loadThebe().then(function () {
        prepareCells(template);
        thebelab.on("status", function (evt, data) {
          if (live.status !== "ready") say("Live code (" + where.where + "): " + data.status, "starting");
        });
        var options = {
          requestKernel: true, useBinder: where.useBinder, useJupyterLite: false,
          mountActivateWidget: false, mountStatusWidget: false, predefinedOutput: true,
          mathjaxUrl: staticUrl("live-code/mathjax2-shim.js"),
          codeMirrorConfig: { mode: "python", theme: "default" },
          kernelOptions: { kernelName: template ? template.dataset.kernel : "python3",
                           path: where.local ? sessionPath(where.path) : where.path || "/" },
          savedSessionOptions: { enabled: false },
        };
        if (where.serverSettings) options.serverSettings = where.serverSettings;
        if (where.binderOptions) options.binderOptions = where.binderOptions;
        var started = thebelab.bootstrap(options); // cells are rendered before its first await
        if (window.thebe.notebook) wireRunButtons(window.thebe.notebook, started);
        return started;
      }).then(function () {
        live.session = window.thebe.session;
        if (where.local) shutDownOnLeave(where);
        say("Live code is on (" + where.where + "): edit a cell and select run.", "ready");
        // Run the hidden set-up cells at the top (imports) now, while the reader edits.
        var boxes = Array.prototype.slice.call(document.querySelectorAll(".thebe-cell"));
        var firstShown = boxes.findIndex(function (b) { return !b.closest(".m4ml-hidden-cell"); });
        if (firstShown > 0 && live.runThrough) {
          live.warmup = live.runThrough(firstShown - 1).then(function () { live.warmedAt = performance.now(); });
        }
      });
    }).catch(function (err) {
      console.warn("[live code]", err);
      if (err.help) {
        showHelp(err.help, template);
        say(err.help === "token" ? "Live code is off in this tab: see below."
          : "Live code is not available on this copy of the book: see below.", "failed");
      } else {
        say("Live code is not available on this copy of the book (" + err.message + ").", "failed");
      }
    });
  }

  window.initThebe = function () {
    if (!live.started) {
      live.clickedAt = performance.now();
      live.started = start();
    }
    return live.started;
  };
})();
