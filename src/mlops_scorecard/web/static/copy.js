// Copy buttons beside invitation links. The buttons are hidden until this script runs,
// so without JavaScript the link text (selectable, in a read-only field) is what is
// left. Where the clipboard is refused (an insecure origin, a denied permission), the
// link is selected instead and the button's note says to press Ctrl+C.
(function () {
  "use strict";
  function note(button, text) {
    var out = button.parentNode.querySelector("[data-copy-note]");
    if (out) out.textContent = text;
  }
  function select(field) {
    field.focus();
    field.select();
    field.setSelectionRange(0, field.value.length);
  }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) return;
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      var fallback = function () {
        select(field);
        note(button, "Selected: press Ctrl+C (⌘C) to copy");
      };
      if (!navigator.clipboard || !window.isSecureContext) {
        fallback();
        return;
      }
      navigator.clipboard.writeText(field.value).then(function () {
        // the note is small and may sit off to the side on a phone: the button itself
        // says so for two seconds, where the eye already is
        note(button, "Copied");
        button.textContent = "Copied ✓";
        button.classList.add("copied");
        clearTimeout(button.copiedTimer);
        button.copiedTimer = setTimeout(function () {
          button.textContent = label;
          button.classList.remove("copied");
        }, 2000);
      }, fallback);
    });
  });
  // Focusing a link's field selects all of it, for copying by hand.
  document.querySelectorAll("input[data-link]").forEach(function (field) {
    field.addEventListener("focus", function () { select(field); });
  });
})();
