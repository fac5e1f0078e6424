/* Inside a callcard embed (issue 12): tells the page around it how tall the card is, whenever
 * that changes, so embed.js can size the frame. A height is no secret, so any parent may read
 * it; which pages may frame a card at all is the card's frame-ancestors policy. */
(function () {
  "use strict";
  if (window.parent === window) return;
  var main = document.querySelector("main");
  if (!main) return;
  var last = 0;
  function report() {
    var style = getComputedStyle(document.body);
    var height = Math.ceil(main.getBoundingClientRect().bottom + window.scrollY +
      parseFloat(style.marginBottom || "0") + parseFloat(style.paddingBottom || "0"));
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: "callcard:height", height: height }, "*");
  }
  new ResizeObserver(report).observe(main);
  report();
})();
