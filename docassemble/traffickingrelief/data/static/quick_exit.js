/* Quick exit for docassemble.traffickingrelief: the red button on every screen, or the Esc key.
 * 1. asks the server to erase this interview session (the tr_quick_exit event runs
 *    command('exit')), with a keepalive request that survives leaving the page;
 * 2. hides the page at once and replaces it with a neutral site using location.replace, so the
 *    interview page is not kept as a history entry to come Back to.
 * Listeners sit on the document, so they keep working when docassemble swaps screens by AJAX.
 */
(function () {
  "use strict";
  var FALLBACK = "https://www.weather.gov";
  var leaving = false;

  function quickExit(event) {
    if (leaving) { return; }
    leaving = true;
    if (event) { event.preventDefault(); event.stopPropagation(); }
    var link = document.querySelector("a.tr-quick-exit");
    var target = (link && link.getAttribute("href")) || FALLBACK;
    var eraseUrl = link && link.getAttribute("data-tr-exit");
    try { document.documentElement.style.visibility = "hidden"; document.title = ""; } catch (e) { /* keep going */ }
    try {
      if (eraseUrl && window.fetch) {
        window.fetch(eraseUrl, { method: "GET", credentials: "same-origin", keepalive: true, cache: "no-store", redirect: "manual" });
      }
    } catch (e) { /* leaving matters more than the answer */ }
    try { window.sessionStorage.clear(); } catch (e) { /* not available */ }
    window.location.replace(target);
  }

  document.addEventListener("click", function (event) {
    var el = event.target && event.target.closest ? event.target.closest("a.tr-quick-exit") : null;
    if (el) { quickExit(event); }
  }, true);

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc" || event.keyCode === 27) { quickExit(event); }
  }, true);

  window.trQuickExit = quickExit;
})();
