// Suggestions as you type in the header search: an ARIA combobox with a listbox popup.
// Progressive enhancement only: without this file (or without fetch) the form submits to /search.
(function () {
  "use strict";
  var input = document.querySelector("input[data-suggest]");
  if (!input || !window.fetch) { return; }
  var form = input.form;
  var endpoint = input.getAttribute("data-suggest");
  var listId = input.id + "-suggestions";
  var list = document.createElement("ul");
  list.id = listId;
  list.className = "suggestions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Suggestions");
  list.hidden = true;
  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  form.classList.add("has-suggestions");
  form.appendChild(list);
  form.appendChild(status);

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", listId);
  input.setAttribute("autocomplete", "off");

  var options = [];
  var active = -1;
  var timer = null;
  var controller = null;
  var asked = 0;

  function setActive(index) {
    if (active >= 0 && options[active]) { options[active].setAttribute("aria-selected", "false"); }
    active = index;
    if (active >= 0 && options[active]) {
      options[active].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function close() {
    setActive(-1);
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
  }

  function open() {
    if (!options.length) { return; }
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function option(text, kind, href) {
    var li = document.createElement("li");
    li.id = listId + "-" + options.length;
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", "false");
    li.setAttribute("data-href", href);
    li.className = "suggestion suggestion-" + kind;
    var label = document.createElement("span");
    label.className = "suggestion-text";
    label.textContent = text;
    li.appendChild(label);
    if (kind !== "search") {
      var tag = document.createElement("span");
      tag.className = "suggestion-kind";
      tag.textContent = kind === "product" ? " Product" : " Article";
      li.appendChild(tag);
    }
    options.push(li);
    list.appendChild(li);
  }

  function show(data) {
    list.textContent = "";
    options = [];
    active = -1;
    data.products.forEach(function (p) { option(p.title, "product", p.url); });
    data.articles.forEach(function (a) { option(a.title, "article", a.url); });
    if (data.query) { option("Search for “" + (data.corrected || data.query) + "”", "search", data.search_url); }
    var count = data.products.length + data.articles.length;
    status.textContent = (data.corrected ? "Showing suggestions for " + data.corrected + ". " : "") +
      count + (count === 1 ? " suggestion" : " suggestions") + ". Use the arrow keys to choose.";
    if (count) { open(); } else { close(); }
  }

  function ask() {
    var q = input.value.trim();
    if (q.length < 2) { close(); list.textContent = ""; options = []; return; }
    if (controller) { controller.abort(); }
    controller = window.AbortController ? new AbortController() : null;
    var mine = ++asked;
    fetch(endpoint + "?q=" + encodeURIComponent(q), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal: controller ? controller.signal : undefined
    }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data && mine === asked && document.activeElement === input) { show(data); } })
      .catch(function () { /* offline or aborted: the form still submits */ });
  }

  function go(index) {
    var href = options[index] && options[index].getAttribute("data-href");
    if (href) { close(); window.location.assign(href); }
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 150);
  });

  input.addEventListener("keydown", function (event) {
    var open_ = !list.hidden;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!options.length) { return; }
      event.preventDefault();
      if (!open_) { open(); }
      var step = event.key === "ArrowDown" ? 1 : -1;
      var next = active + step;
      if (next >= options.length) { next = 0; }
      if (next < 0) { next = options.length - 1; }
      setActive(next);
    } else if (event.key === "Enter") {
      if (open_ && active >= 0) { event.preventDefault(); go(active); }
    } else if (event.key === "Escape") {
      if (open_) { event.preventDefault(); close(); }
    } else if (event.key === "Tab") {
      close();
    }
  });

  input.addEventListener("blur", function () { window.setTimeout(close, 150); });
  input.addEventListener("focus", function () { if (options.length && input.value.trim().length >= 2) { open(); } });
  list.addEventListener("mousedown", function (event) { event.preventDefault(); });
  list.addEventListener("click", function (event) {
    var li = event.target.closest("[role=option]");
    if (li) { go(options.indexOf(li)); }
  });
})();
