/* Oscar's dashboard tables are not wrapped in Bootstrap's .table-responsive, so on a phone
   a wide table (orders, customers, reports) widened the whole page past the screen. Each
   table goes into a .table-responsive-md wrapper here: below 768px it scrolls sideways in
   its own box and the page keeps the screen's width; wider, the wrapper does nothing.
   (A CSS-only `display: block` on the table broke its caption, which Oscar styles as the
   card's header.) */
document.querySelectorAll("table.table").forEach(function (table) {
  if (table.closest("[class*=table-responsive]")) {
    return;
  }
  var wrapper = document.createElement("div");
  wrapper.className = "table-responsive-md";
  table.parentNode.insertBefore(wrapper, table);
  wrapper.appendChild(table);
});
