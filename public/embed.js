/* callcard embed (issue 12): put this on your page where the card should be —
 *   <script src="https://<callcard>/embed.js" data-card="<card>" async></script>
 * It inserts the card's frame right after itself and keeps the frame as tall as the card,
 * trusting height messages only from that frame. Optional: data-lang="ko|en|ja|zh". */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) return;
  var origin = new URL(script.src).origin;
  var slug = script.getAttribute("data-card") || "";
  if (!/^[a-z0-9-]{3,40}$/.test(slug)) {
    console.error("callcard: data-card must be a card's address name, like data-card=\"hong-gildong\"");
    return;
  }
  var lang = script.getAttribute("data-lang");
  var frame = document.createElement("iframe");
  frame.src = origin + "/embed/" + slug + (lang && /^(ko|en|ja|zh)$/.test(lang) ? "?lang=" + lang : "");
  frame.title = script.getAttribute("data-title") || "callcard";
  frame.allow = "microphone";
  frame.loading = "lazy";
  frame.setAttribute("data-callcard", slug);
  frame.style.cssText = "border:0;display:block;width:100%;max-width:420px;height:520px";
  script.parentNode.insertBefore(frame, script.nextSibling);
  window.addEventListener("message", function (event) {
    // Only our own frame may resize it: any other window's message is ignored.
    if (event.origin !== origin || event.source !== frame.contentWindow) return;
    var data = event.data;
    if (!data || data.type !== "callcard:height") return;
    var height = Number(data.height);
    if (!isFinite(height) || height <= 0) return;
    frame.style.height = Math.min(Math.max(Math.ceil(height), 120), 4000) + "px";
  });
})();
