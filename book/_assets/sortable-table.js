// Sort the rows of every table.m4ml-sortable by a column when its heading is activated.
// Numbers sort as numbers, text in natural order ("4.2" before "4.10"); a second activation
// reverses the order. A row with class m4ml-total (the totals) always stays last.
// Headings become buttons so that keyboards and screen readers can use them; aria-sort says
// how the table is currently sorted.
(function () {
  "use strict";
  function cellValue(row, column) {
    var cell = row.cells[column];
    return cell ? cell.textContent.trim() : "";
  }
  function compare(a, b) {
    var x = parseFloat(a), y = parseFloat(b);
    var numeric = /^-?[0-9.]+$/;
    if (numeric.test(a) && numeric.test(b) && !isNaN(x) && !isNaN(y)) return x - y;
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
  }
  function sortBy(table, column, heading) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var totals = rows.filter(function (r) { return r.classList.contains("m4ml-total"); });
    var data = rows.filter(function (r) { return !r.classList.contains("m4ml-total"); });
    var ascending = heading.getAttribute("aria-sort") !== "ascending";
    data.sort(function (r, s) {
      var order = compare(cellValue(r, column), cellValue(s, column));
      return ascending ? order : -order;
    });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) { th.removeAttribute("aria-sort"); });
    heading.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    data.concat(totals).forEach(function (r) { body.appendChild(r); });
  }
  function setUp(table) {
    if (!table.tHead || !table.tBodies.length) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "m4ml-sort-button";
      button.style.cssText = "background:none;border:0;padding:0;font:inherit;color:inherit;cursor:pointer;text-align:inherit";
      while (th.firstChild) button.appendChild(th.firstChild);
      button.title = "Sort by this column";
      button.addEventListener("click", function () { sortBy(table, column, th); });
      th.appendChild(button);
    });
  }
  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("table.m4ml-sortable"), setUp);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
