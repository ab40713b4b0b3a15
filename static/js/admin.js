// Staff area enhancements. Everything here is optional: every form works without it.
(function () {
  "use strict";
})();
