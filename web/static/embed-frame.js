/* Inside the /embed iframe: tell the host page how tall the widget is, whenever that
 * changes (typing, results arriving, fonts loading), so embed.js can size the iframe
 * to fit and the host page never shows a second scrollbar.
 *
 * The message carries only a height, nothing private, so it is posted to any origin:
 * the widget cannot know its host's origin in advance. The receiving side (embed.js)
 * is the one that must check who is talking, and it does.
 */
(function () {
  "use strict";
  if (window.parent === window) return; // opened directly, not framed

  var lastHeight = 0;

  function report() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height !== lastHeight) {
      lastHeight = height;
      window.parent.postMessage({ type: "naba:resize", height: height }, "*");
    }
  }

  if ("ResizeObserver" in window) {
    new ResizeObserver(report).observe(document.documentElement);
  }
  document.addEventListener("htmx:afterSettle", report);
  window.addEventListener("load", report);
  report();
})();
