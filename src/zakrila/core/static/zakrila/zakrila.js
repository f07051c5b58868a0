// Small behaviours for the layout. No inline scripts anywhere: the Content-Security-Policy
// allows scripts from our own origin only.
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
    target.form.submit();
  }
});
