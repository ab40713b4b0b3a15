// Shop pages, progressive enhancement only: listings and product pages work without this file.
(function () {
  "use strict";

  // Listings: the filter panel is a closed disclosure on a phone and an open sidebar on a
  // wide screen (the same breakpoint as the CSS's two-column layout).
  var wide = window.matchMedia("(min-width: 48rem)");
  var panels = document.querySelectorAll("[data-facets-panel]");
  function placePanels() {
    panels.forEach(function (panel) { panel.open = wide.matches; });
  }
  if (panels.length) {
    placePanels();
    if (wide.addEventListener) { wide.addEventListener("change", placePanels); }
  }

  // Product page: the price shown follows the chosen option (each option's label also
  // carries its own price, for readers without this script).
  document.querySelectorAll("form.buy-box").forEach(function (form) {
    var shown = document.querySelector("[data-product-price]");
    if (!shown) { return; }
    form.addEventListener("change", function (event) {
      var option = event.target;
      if (!option.matches("input[name=variant_id]")) { return; }
      var label = option.closest("label");
      var price = label && label.querySelector("[data-variant-price]");
      if (price) { shown.innerHTML = price.innerHTML; }
      var quantity = form.querySelector("input[name=quantity]");
      if (quantity && option.dataset.maxQuantity) { quantity.max = option.dataset.maxQuantity; }
    });
  });

  // Gallery: a thumbnail slides the strip to its image instead of jumping the whole page.
  document.querySelectorAll("[data-gallery]").forEach(function (gallery) {
    var strip = gallery.querySelector(".gallery-main");
    var thumbs = gallery.querySelectorAll(".gallery-thumbs a");
    function mark(current) {
      thumbs.forEach(function (a) {
        if (a === current) { a.setAttribute("aria-current", "true"); } else { a.removeAttribute("aria-current"); }
      });
    }
    thumbs.forEach(function (a) {
      a.addEventListener("click", function (event) {
        var target = document.getElementById(a.getAttribute("href").slice(1));
        if (!target || !strip) { return; }
        event.preventDefault();
        strip.scrollTo({ left: target.offsetLeft, behavior: "smooth" });  // the strip is position: relative
        mark(a);
      });
    });
  });
})();
