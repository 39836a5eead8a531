/* Naba search widget loader. Paste on any page:
 *
 *   <div data-naba-search data-source="رويترز" data-theme="light" data-limit="5"></div>
 *   <script src="https://NABA-HOST/embed.js" async></script>
 *
 * Each [data-naba-search] element gets an iframe showing NABA-HOST/embed with the
 * element's options (data-source, data-theme, data-limit, data-q, data-lang="en" for the
 * English interface). The framed page
 * reports its height with postMessage; a message is believed only if it comes from
 * Naba's origin (event.origin) and from one of our own iframes (event.source), so no
 * other frame or window on the host page can resize anything.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !script.src) return;
  var nabaOrigin = new URL(script.src).origin;
  var OPTIONS = ["source", "theme", "limit", "q", "lang"];
  var TITLES = { ar: "بحث نبأ", en: "Naba search" };
  var MAX_HEIGHT = 5000;
  var frames = [];

  function mount(element) {
    if (element.getAttribute("data-naba-mounted")) return;
    element.setAttribute("data-naba-mounted", "1");
    var url = new URL("/embed", nabaOrigin);
    OPTIONS.forEach(function (name) {
      var value = element.getAttribute("data-" + name);
      if (value) url.searchParams.set(name, value);
    });
    var frame = document.createElement("iframe");
    frame.src = url.href;
    frame.title = element.getAttribute("data-title") ||
      TITLES[element.getAttribute("data-lang")] || TITLES.ar;
    frame.setAttribute("loading", "lazy");
    // The widget needs its scripts and forms; links open the article in a new tab,
    // outside the sandbox. It gets nothing else (no top navigation, no downloads).
    frame.setAttribute(
      "sandbox",
      "allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox"
    );
    frame.style.width = "100%";
    frame.style.height = "4.5rem";
    frame.style.border = "0";
    frame.style.display = "block";
    element.appendChild(frame);
    frames.push(frame);
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== nabaOrigin) return;
    var data = event.data;
    if (!data || data.type !== "naba:resize" || typeof data.height !== "number") return;
    for (var i = 0; i < frames.length; i++) {
      if (event.source === frames[i].contentWindow) {
        var height = Math.max(0, Math.min(MAX_HEIGHT, Math.ceil(data.height)));
        frames[i].style.height = height + "px";
        return;
      }
    }
  });

  function mountAll() {
    document.querySelectorAll("[data-naba-search]").forEach(mount);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mountAll);
  } else {
    mountAll();
  }
})();
