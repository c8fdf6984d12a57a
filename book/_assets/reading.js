/* Math4ML: repairs to what a reader meets on the site (m4ml_book/reading.py says why).
 * Checked in Chromium by tests/test_reading_browser.py. */
"use strict";

(() => {
  /* 1. Solution and dropdown title bars. sphinx-togglebutton listens for clicks on the whole
   * title bar and then looks for its button from the element clicked; for a link in the title
   * ("Solution to Exercise 4.6"), or the path inside the chevron, it finds none and throws
   * "button is not defined". A link in the title is followed and does not toggle; any other
   * click in the title toggles, by clicking the button itself, which the theme handles. */
  document.addEventListener("click", (event) => {
    const target = event.target;
    if (!(target instanceof Element)) return;
    const title = target.closest(".admonition.toggle > .admonition-title");
    if (!title || target === title || target.classList.contains("toggle-button")) return;
    event.stopPropagation();
    if (target.closest("a")) return;
    const button = title.querySelector(".toggle-button");
    if (button) button.click();
  }, true);

  /* 2. Sidebar toggles. Both themes attach their handlers to the first ".primary-toggle" and
   * ".secondary-toggle" in the page: the header's, which is hidden on a wide screen. The
   * article's own buttons, the ones a reader sees, pass their clicks on to those. */
  const forwardToggles = () => {
    for (const kind of ["primary", "secondary"]) {
      const [handled, ...others] = document.querySelectorAll(`.${kind}-toggle`);
      for (const button of others) {
        button.addEventListener("click", (event) => {
          event.preventDefault();
          event.stopImmediatePropagation();
          handled.click();
        });
      }
    }
  };

  /* 3. The page's table of contents follows the text: the entry marked is that of the last
   * section whose heading lies above a line one third of the way down the visible part of the
   * page (below the sticky header); at the top of the page, the first entry. The theme marks
   * an entry only when its heading crosses a narrow band, so a long scroll or a scroll
   * upwards left the mark behind; its choice is overridden whenever it differs from ours.
   * After a click on an entry (or a link to a heading), that entry stays marked until the
   * reader scrolls, since a short last section may never reach the line. */
  const followContents = () => {
    const nav = document.querySelector("#pst-page-toc-nav");
    if (!nav) return;
    const links = Array.from(nav.querySelectorAll("a[href^='#']"));
    const pairs = [];
    for (const link of links) {
      const section = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!section) continue;
      pairs.push([link, section.querySelector("h1, h2, h3, h4, h5, h6") || section]);
    }
    if (!pairs.length) return;
    const entries = Array.from(nav.querySelectorAll(".toc-entry"));
    let pinned = null;

    const wanted = () => {
      if (pinned) return pinned;
      const header = document.querySelector("#pst-header");
      const top = header ? Math.max(0, header.getBoundingClientRect().bottom) : 0;
      const line = top + (window.innerHeight - top) / 3;
      let active = pairs[0][0];
      for (const [link, heading] of pairs) {
        if (heading.getBoundingClientRect().top <= line) active = link;
      }
      return active;
    };
    const mark = () => {
      const active = wanted();
      const marked = nav.querySelectorAll("a.active");
      if (marked.length === 1 && marked[0] === active) return;
      for (const link of links) {
        link.classList.toggle("active", link === active);
        if (link === active) link.setAttribute("aria-current", "true");
        else link.removeAttribute("aria-current");
      }
      for (const entry of entries) entry.classList.toggle("active", entry.contains(active));
    };
    let queued = false;
    const schedule = () => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => { queued = false; mark(); });
    };
    const pin = () => {
      pinned = links.find((link) => link.hash === window.location.hash) || null;
      mark();
    };
    const unpin = () => { if (pinned) { pinned = null; schedule(); } };
    window.addEventListener("scroll", schedule, {passive: true});
    window.addEventListener("resize", schedule);
    window.addEventListener("hashchange", pin);
    for (const kind of ["wheel", "touchmove", "keydown", "mousedown"]) {
      window.addEventListener(kind, unpin, {passive: true});
    }
    // The theme's observer may mark another entry after us: mark ours again.
    new MutationObserver(mark).observe(nav, {subtree: true, attributes: true, attributeFilter: ["class"]});
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      MathJax.startup.promise.then(schedule);  // typesetting moves the headings
    }
    window.addEventListener("load", schedule);
    if (window.location.hash) pin(); else mark();
  };

  /* 4. Search result snippets: the text of the article only (not the buttons around it),
   * without displayed formulas, cell outputs or hidden code, with each inline formula shown
   * as an ellipsis instead of its TeX source, and with runs of white space collapsed. */
  const cleanSearchSnippets = () => {
    if (typeof Search === "undefined" || typeof Search.htmlToText !== "function") return;
    Search.htmlToText = (htmlString, anchor) => {
      const doc = new DOMParser().parseFromString(htmlString, "text/html");
      const main = doc.querySelector("article.bd-article") || doc.querySelector('[role="main"]');
      if (!main) return "";
      const drop = ".headerlink, script, style, div.math, .eqno, .cell_output, .toggle-button, "
        + "details.hide";  // the plotting code a page hides behind "Show code cell source"
      main.querySelectorAll(drop).forEach((el) => el.remove());
      main.querySelectorAll("span.math").forEach((el) => el.replaceWith("\u2026"));
      let root = main;
      if (anchor) {
        const target = doc.getElementById(decodeURIComponent(anchor.slice(1)));
        if (target && main.contains(target)) root = target;
      }
      return root.textContent.replace(/\s+/g, " ").trim();
    };
  };

  const ready = (callback) => {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", callback);
    else callback();
  };
  ready(forwardToggles);
  ready(followContents);
  ready(cleanSearchSnippets);
})();
