// Checkout, progressive enhancement only: the page works without this file (the "Update total"
// button re-renders the page with the chosen delivery option's total).
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }

  var form = document.getElementById("checkout-form");
  if (!form) { return; }
  var total = document.getElementById("checkout-total");
  var delivery = document.getElementById("checkout-delivery");
  var label = document.getElementById("checkout-delivery-label");
  // The figures are the server's (data attributes); the server computes the real total again on submit.
  form.querySelectorAll("input[name=shipping_method]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      if (!radio.checked) { return; }
      delivery.textContent = radio.dataset.delivery;
      total.textContent = radio.dataset.total;
      label.textContent = radio.dataset.deliveryLabel;
    });
  });
  var recalculate = form.querySelector("[data-recalculate]");
  if (recalculate) { recalculate.remove(); }
})();
