// Mesure: small progressive enhancements. Everything works without JavaScript.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form && form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// The running timer's elapsed time, updated every second (the page works without it).
function tickTimers() {
  document.querySelectorAll("time[data-elapsed]").forEach(function (el) {
    var start = Date.parse(el.getAttribute("data-elapsed"));
    if (isNaN(start)) return;
    var s = Math.max(0, Math.floor((Date.now() - start) / 1000));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    el.textContent = h + ":" + String(m).padStart(2, "0") + ":" + String(r).padStart(2, "0");
  });
}
setInterval(tickTimers, 1000);
document.addEventListener("DOMContentLoaded", tickTimers);

// Deliverable lists show only the chosen project's deliverables.
function filterDeliverables(projectSelect) {
  var form = projectSelect.form;
  if (!form) return;
  var row = projectSelect.closest("tr") || form;
  row.querySelectorAll("select[name$='deliverable_id'], select[name$='_deliverable']").forEach(function (sel) {
    sel.querySelectorAll("option[data-project]").forEach(function (opt) {
      var show = opt.getAttribute("data-project") === projectSelect.value;
      opt.hidden = !show;
      opt.disabled = !show;
      if (!show && opt.selected) sel.value = "";
    });
  });
}
document.addEventListener("change", function (event) {
  var t = event.target;
  if (t.matches && t.matches("select[name='project_id'], select[name$='_project']")) filterDeliverables(t);
});
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[name='project_id'], select[name$='_project']").forEach(filterDeliverables);
});
