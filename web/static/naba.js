/* Naba's own page script: the little that htmx attributes cannot say.
 *
 * - Facet checkboxes and the "exact" toggle ([data-autosubmit]) submit their form on
 *   change, so htmx (hx-trigger="submit" on the form) fetches the new results. Without
 *   JavaScript the same form submits with its button.
 * - The search box gets completions from /api/suggest in its <datalist>.
 * - The search box follows the URL when results change under it (history, "did you
 *   mean" link, Enter), but never while the reader is typing in it.
 * - A search is not fetched twice when Enter follows typing.
 * - Typing makes one history entry per search, not one per pause: the first request
 *   of a run of typing pushes the address, the next ones replace it (a header tells
 *   the server, which answers HX-Replace-Url instead of HX-Push-Url).
 * - After results change, the count is read out (a live region outside the swapped
 *   block) and the focus stays on the box or link the reader used, or moves to the
 *   results heading, never to <body>.
 * - "/" focuses the search box; the arrow keys move between result titles.
 * - On a phone the facet panel starts folded and stays as the reader left it.
 * - The language switch leads to the page the reader is on now, not the one loaded
 *   (htmx has moved the address since).
 * - Search boxes lose their maxlength: it keeps a form sent without JavaScript within a
 *   URL's length, while htmx posts, so a pasted paragraph reaches the server, which
 *   searches its first part and says so.
 * No eval, no inline code: the page's CSP allows only script files from this origin.
 */
(function () {
  "use strict";

  var NARROW = window.matchMedia("(max-width: 46rem)");
  var facetsOpen = !NARROW.matches;

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input instanceof HTMLInputElement && input.hasAttribute("data-autosubmit") && input.form) {
      input.form.requestSubmit();
    }
  });

  // --- completions ------------------------------------------------------------
  var suggestTimer = null;
  var suggestController = null;

  function lastWord(text) {
    var match = /(\S*)$/.exec(text);
    return match ? match[1] : "";
  }

  function fillSuggestions(input, list, completions) {
    var head = input.value.slice(0, input.value.length - lastWord(input.value).length);
    list.replaceChildren();
    completions.forEach(function (completion) {
      var option = document.createElement("option");
      // A completion of the last word becomes a completion of the whole query, so the
      // browser (which matches options against the whole value) keeps showing it; a
      // title is offered as it is.
      option.value = completion.indexOf(head) === 0 || completion.indexOf(" ") !== -1
        ? completion : head + completion;
      list.appendChild(option);
    });
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (input instanceof HTMLInputElement && input.id === "q") synced = null;
    if (!(input instanceof HTMLInputElement) || !input.dataset.suggestUrl || !input.list) return;
    var list = input.list;
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(function () {
      var word = lastWord(input.value);
      if (word.length < 2) { list.replaceChildren(); return; }
      if (suggestController) suggestController.abort();
      suggestController = new AbortController();
      // The whole query, for completions of it and titles; a pasted paragraph's last
      // word only (it would not fit in the URL, and no title starts so).
      var typed = input.value.length <= 120 ? input.value : word;
      var url = input.dataset.suggestUrl + "?q=" + encodeURIComponent(typed);
      fetch(url, { signal: suggestController.signal, headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) { fillSuggestions(input, list, data.suggestions || []); })
        .catch(function () { /* aborted by newer typing, or offline: no completions */ });
    }, 150);
  });

  // --- one fetch per search ----------------------------------------------------
  // Enter right after typing submits at once; the typing's delayed trigger would then
  // fetch the same results again and replace the list under the reader's focus. A
  // typing-triggered request for the parameters just requested is dropped.
  var lastRequest = null;
  var typing = false;  // a run of typing has already made its history entry
  var lastSubmitted = false;  // the last request was the form's (Enter, the button)
  var synced = null;  // what the last forced sync wrote in the box, until the reader types
  function searchKey(path, form) {
    return path + "?" + new URLSearchParams(new FormData(form)).toString();
  }
  // Dropped at htmx:confirm, before hx-sync="closest form:replace" aborts the form's
  // request in flight: dropped later (htmx:configRequest), a slow answer to Enter would
  // be aborted by the typing trigger that is then dropped, leaving no request at all.
  document.addEventListener("htmx:confirm", function (event) {
    var elt = event.detail.elt;
    if (!(elt instanceof HTMLInputElement) || elt.id !== "q" || !elt.form) return;
    if (synced !== null || searchKey(event.detail.path, elt.form) === lastRequest) {
      // the same search again, or a pause in typing that Enter's answer already
      // rewrote in the box (the typing timer fires with the rewritten value)
      event.preventDefault();
    }
  });
  document.addEventListener("htmx:configRequest", function (event) {
    var detail = event.detail;
    var typed = detail.elt && detail.elt.id === "q";
    var form = detail.elt && (detail.elt.form || detail.elt.closest("form"));
    lastRequest = form ? searchKey(detail.path, form) : null;
    // Typing after its first request, or Enter ending a run of typing, replaces the
    // entry that run made; any other change (a box, a link, a new search) pushes.
    var submitted = detail.elt && detail.elt.id === "search-form";
    if (typing && (typed || submitted)) detail.headers["X-Naba-History"] = "replace";
    typing = typed;
    lastSubmitted = submitted;
  });
  window.addEventListener("popstate", function () { typing = false; });

  // --- keep the search box in step with the URL --------------------------------
  function syncFromUrl(force) {
    var params = new URLSearchParams(window.location.search);
    var box = document.getElementById("q");
    if (box && (force || document.activeElement !== box)) {
      box.value = params.get("q") || "";
      if (force) synced = box.value;
    }
    var exact = document.querySelector('input[name="mode"][value="exact"]');
    if (exact) exact.checked = params.get("mode") === "exact";
  }

  // After Enter the box shows the search as the server read it (a filter typed in it,
  // "المصدر:رويترز", became a chip); while typing, it is left alone.
  function afterHistory() { syncFromUrl(lastSubmitted); }
  document.addEventListener("htmx:pushedIntoHistory", afterHistory);
  document.addEventListener("htmx:replacedInHistory", afterHistory);
  document.addEventListener("htmx:historyRestore", function () { syncFromUrl(true); });

  // --- after new results: read the count out, keep the focus -------------------
  var focusBefore = null;

  function describe(element) {
    if (!(element instanceof HTMLElement) || !document.getElementById("results")) return null;
    if (!document.getElementById("results").contains(element)) return null;
    if (element instanceof HTMLInputElement) {
      return 'input[name="' + CSS.escape(element.name) + '"][value="' + CSS.escape(element.value) + '"]';
    }
    if (element instanceof HTMLAnchorElement) {
      var label = element.getAttribute("aria-label");
      if (label) return 'a[aria-label="' + CSS.escape(label) + '"]';
      var href = element.getAttribute("href");
      return href ? 'a[href="' + CSS.escape(href) + '"]' : null;
    }
    return null;
  }

  document.addEventListener("htmx:beforeSwap", function () {
    focusBefore = describe(document.activeElement);
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    var results = document.getElementById("results");
    if (!results || !target || target.id !== "results") return;
    var heading = document.getElementById("results-heading");
    var status = document.getElementById("live-status");
    if (status && heading) status.textContent = heading.textContent.replace(/\s+/g, " ").trim();
    if (focusBefore) {
      var again = results.querySelector(focusBefore);
      if (again) again.focus();
      else if (heading) heading.focus();
    } else if (document.activeElement === document.body && heading) {
      heading.focus();
    }
    focusBefore = null;
  });

  // --- keyboard: "/" to search, arrows between results -------------------------
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    var editing = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement ||
      target instanceof HTMLSelectElement || (target instanceof HTMLElement && target.isContentEditable);
    if (event.key === "/" && !editing) {
      var box = document.getElementById("q");
      if (box) {
        event.preventDefault();
        box.focus();
        box.select();
      }
      return;
    }
    if ((event.key === "ArrowDown" || event.key === "ArrowUp") && target instanceof HTMLAnchorElement &&
        target.closest(".hit-title")) {
      var titles = Array.from(document.querySelectorAll(".hit-title a"));
      var next = titles[titles.indexOf(target) + (event.key === "ArrowDown" ? 1 : -1)];
      if (next) {
        event.preventDefault();
        next.focus();
      }
    }
  });

  // --- the language switch follows the address ------------------------------------
  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest("a[data-language-switch]") : null;
    if (!link) return;
    var url = new URL(window.location.href);
    var language = link.getAttribute("data-language-switch");
    if (language) url.searchParams.set("lang", language);
    else url.searchParams.delete("lang");
    link.href = url.href;
  });

  // --- long queries -------------------------------------------------------------
  function dropMaxlength() {
    document.querySelectorAll('input[name="q"][maxlength]').forEach(function (box) {
      box.removeAttribute("maxlength");
    });
  }

  // --- facet panel on narrow screens -------------------------------------------
  function applyFacetState() {
    document.querySelectorAll("details[data-collapsible]").forEach(function (details) {
      if (NARROW.matches) details.open = facetsOpen;
      else details.open = true;
    });
  }

  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (details instanceof HTMLDetailsElement && details.hasAttribute("data-collapsible") && NARROW.matches) {
      facetsOpen = details.open;
    }
  }, true);

  document.addEventListener("htmx:afterSwap", applyFacetState);
  NARROW.addEventListener("change", applyFacetState);
  document.addEventListener("htmx:afterSwap", dropMaxlength);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", applyFacetState);
    document.addEventListener("DOMContentLoaded", dropMaxlength);
  } else {
    applyFacetState();
    dropMaxlength();
  }
})();
