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

  // Suggestions not ranked when the page was made: fetched now, while the page is in use. The
  // panel's link (the editor with them ranked) stays for when the fetch fails.
  var pendingSuggestions = editor.querySelector("[data-suggestions-src]");
  if (pendingSuggestions) {
    var suggestionsStatus = pendingSuggestions.querySelector("[data-suggestions-status]");
    var withoutScripts = suggestionsStatus ? suggestionsStatus.innerHTML : "";
    if (suggestionsStatus) { suggestionsStatus.textContent = "Finding products that share words with this article…"; }
    // 202: a worker is ranking them (the article was just saved); ask again when it says.
    var suggestionTries = 0;
    var fetchSuggestions = function () {
      suggestionTries += 1;
      return fetch(pendingSuggestions.getAttribute("data-suggestions-src"), {
        credentials: "same-origin", headers: { Accept: "text/html" }
      }).then(function (r) {
        if (r.status === 202 && suggestionTries < 40) {
          var wait = (parseInt(r.headers.get("Retry-After"), 10) || 1) * 1000;
          return new Promise(function (resolve) { setTimeout(resolve, wait); }).then(fetchSuggestions);
        }
        return r.status === 200 ? r.text() : Promise.reject(r.status);
      });
    };
    fetchSuggestions()
      .then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html;  // the server's own template, its text escaped
        var panel = holder.querySelector("section");
        if (!panel) { return Promise.reject("empty"); }
        pendingSuggestions.replaceWith(panel);
        showInsertButtons(panel);
      })
      .catch(function () { if (suggestionsStatus) { suggestionsStatus.innerHTML = withoutScripts; } });
  }

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
          var heading = document.querySelector("[data-preview-title]");
          if (heading) { heading.textContent = titleInput ? titleInput.value : ""; }
          preview.innerHTML = result.html;  // sanitised by the server's article renderer
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
    var previewTab = editor.querySelector("#pane-preview");
    if (previewTab) { previewTab.addEventListener("change", refresh); }
  }

  // References: remove a row, or add one without a round trip (the server's "Add a reference
  // row" button still works). Rows are renumbered so the server reads them in order.
  var rows = editor.querySelector("[data-reference-rows]");
  if (rows) {
    var renumber = function () {
      rows.querySelectorAll("[data-reference-row]").forEach(function (row, index) {
        row.querySelectorAll("[data-ref-n]").forEach(function (span) {
          span.textContent = span.textContent.replace(/\d+$/, String(index + 1));
        });
        row.querySelectorAll("input, label, p[id]").forEach(function (el) {
          ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
            var value = el.getAttribute(attr);
            if (value) { el.setAttribute(attr, value.replace(/references-\d+-/g, "references-" + index + "-")); }
          });
        });
      });
    };
    var showRemove = function () {
      rows.querySelectorAll("[data-reference-remove]").forEach(function (b) { b.hidden = false; });
    };
    showRemove();
    rows.addEventListener("click", function (event) {
      var button = event.target.closest("[data-reference-remove]");
      if (!button) { return; }
      event.preventDefault();
      var row = button.closest("[data-reference-row]");
      if (rows.querySelectorAll("[data-reference-row]").length > 1) {
        row.remove();
      } else {
        row.querySelectorAll("input").forEach(function (input) { input.value = ""; });
      }
      renumber();
      scheduleAutosave();
    });
    var addButton = editor.querySelector("[data-reference-add]");
    addButton.addEventListener("click", function (event) {
      var last = rows.querySelector("[data-reference-row]:last-child");
      if (!last) { return; }  // no row to copy: let the server add one
      event.preventDefault();
      var copy = last.cloneNode(true);
      copy.querySelectorAll("input").forEach(function (input) { input.value = ""; input.removeAttribute("aria-invalid"); });
      copy.querySelectorAll(".error").forEach(function (p) { p.remove(); });
      rows.appendChild(copy);
      renumber();
      copy.querySelector("input").focus();
    });
  }

  // Autosave (drafts only): every few seconds after a change, send the text with the version
  // this editor started from. The server refuses (409) when a newer version exists; then both
  // are shown and nothing is sent again until the editor chooses.
  var autosaveUrl = editor.getAttribute("data-autosave-url");
  var versionField = editor.querySelector("input[name=base_version]");
  var autosaveStatus = editor.querySelector("[data-autosave-status]");
  var conflictBox = editor.querySelector("[data-autosave-conflict]");
  var autosaveTimer = null;
  var autosaveStopped = false;
  var inFlight = false;
  function scheduleAutosave() {
    if (!autosaveUrl || autosaveStopped) { return; }
    clearTimeout(autosaveTimer);
    autosaveTimer = setTimeout(autosave, 2000);
  }
  function field(name) {
    var el = editor.querySelector("[name=" + name + "]");
    return el ? el.value : "";
  }
  function say(text) { if (autosaveStatus) { autosaveStatus.textContent = text; } }
  function autosave() {
    if (inFlight) { scheduleAutosave(); return; }
    inFlight = true;
    var data = new FormData();
    data.append("title", field("title"));
    data.append("dek", field("dek"));
    data.append("body", field("body"));
    data.append("base_version", versionField ? versionField.value : "");
    if (csrf) { data.append("csrf_token", csrf.value); }
    fetch(autosaveUrl, { method: "POST", body: data, credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json().then(function (json) { return { status: r.status, json: json }; }); })
      .then(function (answer) {
        inFlight = false;
        if (answer.status === 200) {
          if (versionField) { versionField.value = answer.json.version; }
          say("Draft saved automatically at " + new Date().toLocaleTimeString() + ".");
        } else if (answer.status === 409 && answer.json.conflict) {
          showConflict(answer.json);
        } else if (answer.status === 409) {
          autosaveStopped = true;
          say(answer.json.message || "Autosave is off for this article.");
        } else {
          say("Not saved automatically: " + ((answer.json.errors || []).join(" ") || "try Save draft."));
        }
      })
      .catch(function () { inFlight = false; say("Autosave failed (offline?); your text is still here. Save draft keeps it."); });
  }
  function showConflict(json) {
    autosaveStopped = true;
    say("Autosave stopped: a newer version exists.");
    if (!conflictBox) { return; }
    conflictBox.hidden = false;
    conflictBox.querySelector("[data-conflict-theirs]").value = json.server.body;
    conflictBox.setAttribute("data-server-version", json.server.version);
    conflictBox.setAttribute("data-server-title", json.server.title);
    conflictBox.setAttribute("data-server-dek", json.server.dek);
    conflictBox.scrollIntoView({ block: "nearest" });
  }
  if (conflictBox) {
    conflictBox.querySelector("[data-conflict-keep]").addEventListener("click", function () {
      // The editor chose: their text replaces the newer version, which stays in Revisions.
      if (versionField) { versionField.value = conflictBox.getAttribute("data-server-version"); }
      conflictBox.hidden = true;
      autosaveStopped = false;
      autosave();
    });
    conflictBox.querySelector("[data-conflict-take]").addEventListener("click", function () {
      body.value = conflictBox.querySelector("[data-conflict-theirs]").value;
      editor.querySelector("[name=title]").value = conflictBox.getAttribute("data-server-title");
      editor.querySelector("[name=dek]").value = conflictBox.getAttribute("data-server-dek");
      if (versionField) { versionField.value = conflictBox.getAttribute("data-server-version"); }
      conflictBox.hidden = true;
      autosaveStopped = false;
      say("Now editing the newer version.");
      body.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }
  if (autosaveUrl) {
    ["title", "dek", "body"].forEach(function (name) {
      var el = editor.querySelector("[name=" + name + "]");
      if (el) { el.addEventListener("input", scheduleAutosave); }
    });
  }
})();
