// Typeset the book's formulas at build time, for m4ml_book.math_ssr.
//
// One process for the whole site. It reads one JSON object from stdin:
//   {"macros": {name: body, ...}, "fontURL": "...", "items": [[tex, display], ...]}
// and writes one JSON object to stdout:
//   {"html": [<mjx-container> markup of each item, same order], "css": "...",
//    "errors": [{"index": i, "tex": ..., "message": ...}, ...]}
// The markup is MathJax 3's CommonHTML with assistive MathML (a hidden <math> element that
// screen readers read). "css" is MathJax's whole stylesheet (every character of its fonts),
// which math_ssr cuts down for each page; its fonts are loaded from "fontURL". Usage:
//   node src/m4ml_book/mathjax_render.mjs <node_modules folder> < request.json > reply.json

import { createRequire } from "node:module";
import path from "node:path";

const nodeModules = process.argv[2];
if (!nodeModules) {
  process.stderr.write("usage: mathjax_render.mjs <node_modules folder>\n");
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(nodeModules), "noop.js"));
const js = (name) => require(`mathjax-full/js/${name}.js`);

const { mathjax } = js("mathjax");
const { TeX } = js("input/tex");
const { CHTML } = js("output/chtml");
const { liteAdaptor } = js("adaptors/liteAdaptor");
const { RegisterHTMLHandler } = js("handlers/html");
const { AssistiveMmlHandler } = js("a11y/assistive-mml");
const { AllPackages } = js("input/tex/AllPackages");

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

const request = await readStdin();
const adaptor = liteAdaptor();
AssistiveMmlHandler(RegisterHTMLHandler(adaptor));

// Every package that MathJax's client-side TeX input loads at once or on demand, except two
// that hide mistakes: with noerrors and noundefined, a formula with a TeX error or an unknown
// macro would be printed as its source or in red instead of being reported to the build.
const packages = AllPackages.filter((name) => !["noerrors", "noundefined", "bussproofs"].includes(name));
const tex = new TeX({ packages, macros: request.macros || {} });
// Not adaptive: the stylesheet covers the pages of earlier builds too, not only this run's.
const chtml = new CHTML({ fontURL: request.fontURL, adaptiveCSS: false });
const doc = mathjax.document("", { InputJax: tex, OutputJax: chtml });

const html = [];
const errors = [];
for (const [index, [source, display]] of request.items.entries()) {
  const node = doc.convert(source, { display: Boolean(display) });
  if (adaptor.tags(node, "mjx-merror").length) {
    errors.push({ index, tex: source, message: adaptor.getAttribute(adaptor.tags(node, "mjx-merror")[0], "data-mjx-error") || "" });
  }
  html.push(adaptor.outerHTML(node));
}
const css = adaptor.textContent(chtml.styleSheet(doc));
process.stdout.write(JSON.stringify({ html, css, errors }));
