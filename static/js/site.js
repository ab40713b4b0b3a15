// Progressive enhancement only: every feature works without this file.
(function () {
  "use strict";
  // Listing filters: apply as soon as a checkbox or the sort changes.
  document.querySelectorAll("form.facets").forEach(function (form) {
    form.addEventListener("change", function (event) {
      var t = event.target;
      if (t.matches("input[type=checkbox], select")) { form.requestSubmit ? form.requestSubmit() : form.submit(); }
    });
  });
})();
