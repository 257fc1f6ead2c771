/* Quick exit for docassemble.traffickingrelief: the red button on every screen, or the Esc key.
 * The button is a plain link to the interview's tr_quick_exit action, which erases the session on
 * the server and redirects to a neutral site, so it works without JavaScript. With JavaScript:
 * 1. the erase request is sent in the background (keepalive, so it survives leaving the page);
 * 2. the page is hidden at once and replaced with the neutral site using location.replace, so the
 *    interview page is not kept as a history entry to come Back to.
 * Listeners sit on the document, so they keep working when docassemble swaps screens by AJAX.
 *
 * Also, on every screen: links styled as buttons that act as buttons get role="button" and answer
 * the Space key; a required field says "(required)" in words, not only with a red asterisk; and
 * docassemble's required choice groups get valid ARIA (see improveScreen).
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
    var target = (link && link.getAttribute("data-tr-neutral")) || FALLBACK;
    var eraseUrl = link && link.getAttribute("href");
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
    if (event.key === "Escape" || event.key === "Esc" || event.keyCode === 27) { quickExit(event); return; }
    var el = event.target;
    if ((event.key === " " || event.key === "Spacebar") && el && el.tagName === "A" && el.getAttribute("role") === "button") {
      event.preventDefault();
      el.click();
    }
  }, true);

  var REQUIRED = { es: "(obligatorio)", en: "(required)" };

  function improveScreen() {
    // Links that run an action or submit (docassemble's action, review and table buttons) are buttons.
    var links = document.querySelectorAll("#daquestion a.btn:not([role]), #daquestion a.da-review-action:not([role])");
    for (var i = 0; i < links.length; i++) {
      var href = links[i].getAttribute("href") || "";
      if (links[i].hasAttribute("download") || /\/uploadedfile|\/storedfile|\/tempfile/.test(href)) { continue; }
      links[i].setAttribute("role", "button");
    }
    // docassemble marks a required group of choices with aria-required on role="group", which ARIA
    // does not allow (axe: aria-allowed-attr). A group of radio buttons is a radiogroup, where it is
    // allowed; elsewhere the words "(required)" below carry it.
    var groups = document.querySelectorAll("#daquestion [role=group][aria-required]");
    for (var g = 0; g < groups.length; g++) {
      if (groups[g].querySelector("input[type=radio]") && !groups[g].querySelector("input[type=checkbox]")) {
        groups[g].setAttribute("role", "radiogroup");
      } else {
        groups[g].removeAttribute("aria-required");
      }
    }
    // Under a neutral short address (/run/<name>/, the server's `dispatch`), an action link keeps that
    // address: url_action() writes /interview?i=<package file>&action=..., which would put the
    // package's name in the address bar and the history.
    if (/^\/run\/[^\/]+\/$/.test(window.location.pathname)) {
      var actions = document.querySelectorAll("a[href*='/interview?'][href*='action=']");
      for (var k = 0; k < actions.length; k++) {
        try {
          var target = new URL(actions[k].href, window.location.href);
          var action = target.searchParams.get("action");
          if (action && target.searchParams.get("i") && target.origin === window.location.origin) {
            actions[k].setAttribute("href", window.location.pathname + "?action=" + encodeURIComponent(action));
          }
        } catch (e) { /* leave the link as it is */ }
      }
    }
    var lang = (document.documentElement.lang || "en").slice(0, 2);
    var word = REQUIRED[lang] || REQUIRED.en;
    var marked = document.querySelectorAll("#daquestion .darequired > .da-form-label, #daquestion .darequired > legend");
    for (var j = 0; j < marked.length; j++) {
      if (marked[j].querySelector(".tr-required")) { continue; }
      var span = document.createElement("span");
      span.className = "tr-required";
      span.textContent = " " + word;
      marked[j].appendChild(span);
    }
  }

  if (window.jQuery) {
    window.jQuery(document).on("daPageLoad", improveScreen);
  }
  document.addEventListener("DOMContentLoaded", improveScreen);

  window.trQuickExit = quickExit;
})();
