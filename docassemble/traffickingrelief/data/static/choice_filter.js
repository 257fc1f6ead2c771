/* Type-to-find for long lists of checkboxes (the kinds of charge: more than 30 of them).
 * A survivor or a volunteer on a phone should not have to scroll through every kind of charge to
 * find "Trespassing". Above any group of more than 12 checkboxes this adds a labelled search box;
 * typing hides the choices whose words do not match. It only hides: a ticked choice and the
 * group's "I am not sure" (docassemble's none-of-the-above box) always stay in view, nothing is ever ticked or unticked by the filter,
 * and without JavaScript the plain list still works. Matching ignores case and accents, so
 * "prostitucion" finds "Prostitución".
 */
(function () {
  "use strict";
  var MIN_CHOICES = 12;
  var WORDS = {
    en: { label: "Find in this list", hint: "Type a word, for example: drugs", shown: " shown" },
    es: { label: "Buscar en esta lista", hint: "Escriba una palabra, por ejemplo: drogas", shown: " a la vista" }
  };

  function fold(text) {
    return (text || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").trim();
  }

  function choicesOf(group) {
    // docassemble draws each choice as a hidden checkbox and a button-like label next to it
    // (sometimes in a grid cell or help wrapper of its own): hide the wrapper when it holds only
    // this choice, otherwise the checkbox and its label together.
    var boxes = group.querySelectorAll("input[type=checkbox]");
    var out = [];
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      var label = group.querySelector("label[for='" + box.id + "']");
      var parent = box.parentElement;
      var own = parent !== group && parent.querySelectorAll("input[type=checkbox]").length === 1;
      out.push({ box: box, parts: own ? [parent] : [box, label].filter(Boolean),
                 text: fold(label ? label.textContent : "") });
    }
    return out;
  }

  function addFilter(group, n) {
    if (group.querySelector(".tr-choice-filter")) { return; }
    var choices = choicesOf(group);
    if (choices.length <= MIN_CHOICES) { return; }
    var lang = (document.documentElement.lang || "en").slice(0, 2);
    var words = WORDS[lang] || WORDS.en;
    var wrap = document.createElement("div");
    wrap.className = "tr-choice-filter mb-2";
    var id = "tr-choice-filter-" + n;
    var label = document.createElement("label");
    label.className = "form-label";
    label.setAttribute("for", id);
    label.textContent = words.label;
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.className = "form-control";
    input.setAttribute("placeholder", words.hint);
    input.setAttribute("autocomplete", "off");
    // Not part of docassemble's form: its validation and its answers never see the search box.
    input.setAttribute("form", "tr-choice-filter-none");
    var count = document.createElement("span");
    count.className = "visually-hidden";
    count.setAttribute("aria-live", "polite");
    wrap.appendChild(label);
    wrap.appendChild(input);
    wrap.appendChild(count);
    var first = choices[0].parts[0];
    first.parentNode.insertBefore(wrap, first);
    // Enter in the box must not submit the screen half-answered.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }
    });
    input.addEventListener("input", function () {
      var query = fold(input.value);
      var shown = 0;
      for (var i = 0; i < choices.length; i++) {
        var c = choices[i];
        var keep = !query || c.box.checked || c.text.indexOf(query) !== -1 ||
          c.box.classList.contains("danota-checkbox");
        for (var p = 0; p < c.parts.length; p++) { c.parts[p].hidden = !keep; }
        if (keep) { shown += 1; }
      }
      count.textContent = shown + words.shown;
    });
  }

  function filterLongLists() {
    var groups = document.querySelectorAll("#daquestion fieldset, #daquestion [role=group]");
    for (var g = 0; g < groups.length; g++) {
      if (groups[g].parentElement && groups[g].parentElement.closest("fieldset, [role=group]")) { continue; }
      addFilter(groups[g], g);
    }
  }

  // After docassemble has set up the screen (daPageLoad, also after each AJAX screen): added earlier, the
  // box would be in the page while docassemble's own start-up code reads the form.
  if (window.jQuery) {
    window.jQuery(document).on("daPageLoad", filterLongLists);
  } else {
    document.addEventListener("DOMContentLoaded", filterLongLists);
  }
})();
