// Attendance in seconds (templates/training/_attendance_list.html): a running count of who is
// marked present, and buttons to mark everyone or nobody. The list works without this script.
(function () {
  function setUp(list) {
    var boxes = list.querySelectorAll('input[type="checkbox"]');
    var count = list.querySelector("[data-attendance-count]");
    function update() {
      var n = 0;
      boxes.forEach(function (box) { if (box.checked) { n += 1; } });
      if (count) { count.textContent = String(n); }
    }
    function markAll(value) {
      boxes.forEach(function (box) { box.checked = value; });
      update();
    }
    list.addEventListener("change", update);
    var all = list.querySelector("[data-attendance-all]");
    var none = list.querySelector("[data-attendance-none]");
    if (all) { all.hidden = false; all.addEventListener("click", function () { markAll(true); }); }
    if (none) { none.hidden = false; none.addEventListener("click", function () { markAll(false); }); }
    update();
  }
  document.querySelectorAll("[data-attendance]").forEach(setUp);
})();
