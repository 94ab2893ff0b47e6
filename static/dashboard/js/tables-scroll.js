/* Oscar's dashboard tables are not wrapped in Bootstrap's .table-responsive, so on a phone
   a wide table (orders, customers, reports) widened the whole page past the screen. Each
   table goes into such a wrapper here: it scrolls sideways in its own box and the page
   keeps the screen's width. (A CSS-only `display: block` on the table broke its caption,
   which Oscar styles as the card's header.) */
document.querySelectorAll("table.table").forEach(function (table) {
  if (table.closest(".table-responsive")) {
    return;
  }
  var wrapper = document.createElement("div");
  wrapper.className = "table-responsive";
  table.parentNode.insertBefore(wrapper, table);
  wrapper.appendChild(table);
});
