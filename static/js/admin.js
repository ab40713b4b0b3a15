// Staff area enhancements. Everything here is optional: every form works without it
// (Preview and Search products are ordinary submit buttons handled by the server).
(function () {
  "use strict";

  var editor = document.getElementById("article-editor");
  if (!editor) { return; }
  var body = editor.querySelector("textarea[name=body]");
  var preview = document.querySelector("[data-preview]");
  var previewStatus = document.querySelector("[data-preview-status]");
  var pickerInput = editor.querySelector("[data-picker-input]");
  var pickerResults = editor.querySelector("[data-picker-results]");
  var csrf = editor.querySelector("input[name=csrf_token]");

  function showInsertButtons(root) {
    root.querySelectorAll(".picker-insert").forEach(function (button) { button.hidden = false; });
  }

  // Insert a shortcode where the cursor was in the body, on a line of its own.
  function insertShortcode(code) {
    if (!body) { return; }
    var start = body.selectionStart != null ? body.selectionStart : body.value.length;
    var end = body.selectionEnd != null ? body.selectionEnd : start;
    var before = body.value.slice(0, start);
    var after = body.value.slice(end);
    var prefix = before === "" || /\n\n$/.test(before) ? "" : (/\n$/.test(before) ? "\n" : "\n\n");
    var suffix = /^\n\n/.test(after) ? "" : (/^\n/.test(after) ? "\n" : "\n\n");
    body.value = before + prefix + code + suffix + after;
    var caret = (before + prefix + code).length;
    body.focus();
    body.setSelectionRange(caret, caret);
    body.dispatchEvent(new Event("input", { bubbles: true }));
  }

  editor.addEventListener("click", function (event) {
    var button = event.target.closest(".picker-insert");
    if (button) {
      event.preventDefault();
      insertShortcode(button.getAttribute("data-shortcode"));
    }
  });
  showInsertButtons(editor);

  function renderResults(results, query) {
    pickerResults.textContent = "";
    if (!results.length) {
      var none = document.createElement("p");
      none.textContent = "No product matches “" + query + "”.";
      pickerResults.appendChild(none);
      return;
    }
    var list = document.createElement("ul");
    list.className = "picker-list";
    results.forEach(function (item) {
      var li = document.createElement("li");
      var title = document.createElement("span");
      title.className = "picker-title";
      title.textContent = item.title + (item.status !== "active" ? " (" + item.status + ")" : "");
      var code = document.createElement("code");
      code.className = "picker-code";
      code.textContent = item.shortcode;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button-secondary picker-insert";
      button.setAttribute("data-shortcode", item.shortcode);
      button.textContent = "Insert";
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = " " + item.title;
      button.appendChild(hidden);
      li.append(title, code, button);
      list.appendChild(li);
    });
    pickerResults.appendChild(list);
  }

  function searchProducts() {
    var query = pickerInput.value.trim();
    if (!query) { return; }
    var url = editor.getAttribute("data-picker-url") + "?format=json&q=" + encodeURIComponent(query);
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) { renderResults(data.results || [], query); })
      .catch(function () { pickerResults.textContent = "Search failed; press Search products to try without scripts."; });
  }

  if (pickerInput) {
    var searchButton = editor.querySelector("[data-picker-search]");
    searchButton.addEventListener("click", function (event) {
      event.preventDefault();
      searchProducts();
    });
    pickerInput.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); searchProducts(); }
    });
    var timer = null;
    pickerInput.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(searchProducts, 300);
    });
  }

  // Live preview: re-render on the server a moment after typing stops.
  if (body && preview) {
    var pending = null;
    var titleInput = editor.querySelector("input[name=title]");
    var slugInput = editor.querySelector("input[name=slug]");
    function refresh() {
      var data = new FormData();
      data.append("body", body.value);
      data.append("slug", slugInput ? slugInput.value : "");
      if (csrf) { data.append("csrf_token", csrf.value); }
      fetch(editor.getAttribute("data-preview-url"), {
        method: "POST", body: data, credentials: "same-origin", headers: { Accept: "application/json" }
      })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (result) {
          var heading = document.createElement("p");
          heading.className = "preview-title";
          heading.textContent = titleInput ? titleInput.value : "";
          preview.innerHTML = result.html;  // sanitised by the server's article renderer
          preview.insertBefore(heading, preview.firstChild);
          previewStatus.textContent = "";
          (result.errors || []).forEach(function (message) {
            var p = document.createElement("p");
            p.className = "error";
            p.textContent = message;
            previewStatus.appendChild(p);
          });
          var words = document.createElement("p");
          words.textContent = result.word_count + " words, about " + result.reading_minutes + " min read (live preview).";
          previewStatus.appendChild(words);
        })
        .catch(function () { /* keep the last preview; the Preview button still works */ });
    }
    body.addEventListener("input", function () {
      clearTimeout(pending);
      pending = setTimeout(refresh, 600);
    });
  }
})();
