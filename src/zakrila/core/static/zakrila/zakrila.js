// Small behaviours for the layout. No inline scripts anywhere: the Content-Security-Policy
// allows scripts from our own origin only.
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
    var question = target.getAttribute("data-dirty-question");
    if (question && document.querySelector("main form[data-dirty]") && !window.confirm(question)) {
      // Stay, with the form as it is: the select goes back to the unit shown.
      for (var i = 0; i < target.options.length; i++) {
        target.options[i].selected = target.options[i].defaultSelected;
      }
      return;
    }
    target.form.submit();
  }
});

// On a phone the header's controls and the main menu fold behind one button. Without
// JavaScript nothing is folded (the CSS folds only under the "js" class).
document.documentElement.classList.add("js");
document.addEventListener("click", function (event) {
  var target = event.target;
  var button = target instanceof Element ? target.closest("[data-menu-toggle]") : null;
  if (!button) {
    return;
  }
  var open = document.body.classList.toggle("menu-open");
  button.setAttribute("aria-expanded", open ? "true" : "false");
});

// A half-filled form is never thrown away without asking: changing the unit in the header
// reloads the page, so with unsaved typing in a form of the page it asks first (#12 §4.11).
document.addEventListener("input", markDirty);
document.addEventListener("change", markDirty);
function markDirty(event) {
  var target = event.target;
  var form = target instanceof Element ? target.closest("main form") : null;
  if (form && (form.method || "").toLowerCase() === "post" && !target.hasAttribute("data-autosubmit")) {
    form.setAttribute("data-dirty", "");
  }
}
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form instanceof HTMLFormElement) {
    form.removeAttribute("data-dirty");
  }
});
