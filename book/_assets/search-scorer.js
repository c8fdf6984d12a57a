/* Math4ML: how the site's search ranks its results (Sphinx's html_search_scorer, copied by
 * m4ml_book/reading.py into language_data.js, which defines the Scorer of searchtools.js).
 *
 * The weights are Sphinx's own. Sphinx gives the same score to every page that has the query
 * word in any of its section titles, and then orders those pages by name, so for "gradient" the
 * page on gradients came third, after two pages with a section on gradients. `score` adds a
 * bonus to a page (not a section) whose own title contains a query word: 10, plus up to 10 for
 * the share of the title's words that the query matches, so that the shortest title naming the
 * query, the page about it, comes first.
 */
var Scorer = {
  objNameMatch: 11,
  objPartialMatch: 6,
  objPrio: {0: 15, 1: 5, 2: -5},
  objPrioDefault: 0,
  title: 15,
  partialTitle: 7,
  term: 5,
  partialTerm: 2,

  score: (result) => {
    const [, title, anchor, , score] = result;
    if (anchor || !title || typeof Stemmer === "undefined") return score;
    const query = new URLSearchParams(window.location.search).get("q") || "";
    const stemmer = new Stemmer();
    const words = (text) => splitQuery(text.toLowerCase())
      .filter((w) => !/^\d+$/.test(w) && stopwords.indexOf(w) === -1)
      .map((w) => stemmer.stemWord(w));
    const wanted = new Set(words(query));
    const titleWords = words(title);
    const hits = titleWords.filter((w) => wanted.has(w)).length;
    return hits ? score + 10 + (10 * hits) / titleWords.length : score;
  },
};
