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

  // Add to cart without leaving the page: the same form, posted with fetch. The server answers
  // JSON (the line added and the new count, or a message with a 4xx status); the notification
  // shows it, the live region announces it, focus goes to the notification's heading, and
  // Escape or "Close" brings focus back to the button that was pressed.
  var panel = document.querySelector("[data-cart-notification]");
  if (!panel || !window.fetch || !window.FormData) { return; }
  var live = document.querySelector("[data-cart-live]");
  var title = panel.querySelector("[data-cart-notification-title]");
  var message = panel.querySelector("[data-cart-notification-message]");
  var links = panel.querySelector("[data-cart-notification-links]");
  var image = document.createElement("img");
  image.className = "cart-notification-image";
  image.alt = "";
  image.width = image.height = 56;
  image.hidden = true;
  panel.insertBefore(image, panel.firstChild);
  var closer = panel.querySelector("[data-cart-notification-close]");
  var returnTo = null;
  closer.hidden = false;

  function close() {
    panel.hidden = true;
    if (returnTo && document.contains(returnTo)) { returnTo.focus(); }
    returnTo = null;
  }

  function link(href, text, secondary) {
    var a = document.createElement("a");
    a.className = secondary ? "button button-secondary" : "button";
    a.href = href;
    a.textContent = text;
    return a;
  }

  function setLinks(data) {
    links.textContent = "";
    if (data.cart_url) { links.appendChild(link(data.cart_url, "View cart", false)); }
    if (data.checkout_url) { links.appendChild(link(data.checkout_url, "Check out", true)); }
  }

  function show(ok, heading, text, imageUrl, opener) {
    returnTo = opener;
    panel.classList.toggle("is-refused", !ok);
    title.textContent = heading;
    message.textContent = text;
    links.hidden = !ok;
    image.hidden = !imageUrl;
    panel.classList.toggle("has-image", !!imageUrl);
    if (imageUrl) { image.src = imageUrl; }
    panel.hidden = false;
    title.focus();
    // Emptied first so the same text twice in a row is announced twice.
    live.textContent = "";
    window.setTimeout(function () { live.textContent = heading + ". " + text; }, 50);
  }

  function answered(data, opener) {
    if (typeof data.cart_count === "number") {
      document.querySelectorAll("[data-cart-count]").forEach(function (el) { el.textContent = String(data.cart_count); });
    }
    setLinks(data);
    if (data.ok) {
      show(true, "Added to your cart", data.message + (data.warning ? " " + data.warning : ""), data.line && data.line.image_url, opener);
    } else {
      show(false, "Could not add to your cart", data.error || "Please try again.", null, opener);
    }
  }

  closer.addEventListener("click", close);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden) { close(); }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-add-to-cart]") || form.dataset.busy) { return; }
    event.preventDefault();
    var opener = event.submitter || form.querySelector("[type=submit]");
    form.dataset.busy = "1";
    form.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().catch(function () {
        return { ok: false, error: "Sorry, something went wrong. Please reload the page and try again." };
      });
    }).then(function (data) {
      // A refused CSRF token answers {error, detail}: show the detail, it says what to do.
      if (!data.ok && data.detail) { data.error = data.detail; }
      answered(data, opener);
    }).catch(function () {
      show(false, "Could not add to your cart", "We could not reach the shop. Check your connection and try again.", null, opener);
    }).then(function () {
      delete form.dataset.busy;
      form.removeAttribute("aria-busy");
    });
  });
})();
