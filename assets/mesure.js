// Mesure: small progressive enhancements. Everything works without JavaScript.
// Loaded in <head> without `defer`, so the `js` class is set before the page is drawn (the
// collapsed phone menu never flashes open); everything touching the page waits for
// DOMContentLoaded or listens on the document.
document.documentElement.classList.add("js");
var NARROW = window.matchMedia("(max-width: 760px)");
var LOADED_AT = Date.now();

document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form && form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// The running timer's elapsed time, updated every second (the page works without it). The
// server's own count (`data-elapsed-seconds`) wins over the browser's clock when present.
function tickTimers() {
  document.querySelectorAll("time[data-elapsed]").forEach(function (el) {
    var s;
    var counted = parseInt(el.getAttribute("data-elapsed-seconds"), 10);
    if (!isNaN(counted)) {
      s = counted + Math.floor((Date.now() - LOADED_AT) / 1000);
    } else {
      var start = Date.parse(el.getAttribute("data-elapsed"));
      if (isNaN(start)) return;
      s = Math.floor((Date.now() - start) / 1000);
    }
    s = Math.max(0, s);
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

// Phones: the main menu folds behind a button (a disclosure: aria-expanded on the button,
// Escape closes it and gives focus back). Without JavaScript the menu is always shown.
function setupMenu() {
  var button = document.querySelector(".menu-toggle");
  var nav = button && document.getElementById(button.getAttribute("aria-controls"));
  if (!nav) return;
  button.hidden = false;
  function set(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    nav.classList.toggle("open", open);
  }
  button.addEventListener("click", function () {
    set(button.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && NARROW.matches && button.getAttribute("aria-expanded") === "true") {
      set(false);
      button.focus();
    }
  });
}
document.addEventListener("DOMContentLoaded", setupMenu);

// The project form shows only the fields of the chosen billing model. The other models'
// fields are disabled as well as hidden, so what is sent is what is seen; without JavaScript
// every model's fields show, each under its own heading.
function setupBilling(select) {
  var form = select.form;
  function apply() {
    form.querySelectorAll("fieldset.model[data-model]").forEach(function (group) {
      var on = group.getAttribute("data-model") === select.value;
      group.hidden = !on;
      group.disabled = !on;
    });
  }
  select.addEventListener("change", apply);
  apply();
}
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-billing] select[name='billing_model']").forEach(setupBilling);
});

// The week grid on a narrow screen: one day's column at a time, with previous / next day
// buttons. Every cell stays in the form, so saving still sends the whole week.
function setupDayPager(table) {
  var form = table.closest("form");
  var pager = form && form.querySelector("[data-day-pager]");
  if (!pager) return;
  var label = pager.querySelector("[data-day-label]");
  var prev = pager.querySelector("[data-day-step='-1']");
  var next = pager.querySelector("[data-day-step='1']");
  var heads = table.querySelectorAll("thead th[data-day]");
  var last = heads.length - 1;
  var day = parseInt(table.getAttribute("data-today"), 10) || 0;
  // A refused save opens on the first day with a marked cell.
  var bad = table.querySelector("td[data-day] [aria-invalid='true']");
  if (bad) day = parseInt(bad.closest("td").getAttribute("data-day"), 10) || 0;
  function apply() {
    var narrow = NARROW.matches;
    pager.hidden = !narrow;
    table.classList.toggle("one-day", narrow);
    table.querySelectorAll("[data-day]").forEach(function (cell) {
      cell.classList.toggle("day-off", narrow && cell.getAttribute("data-day") !== String(day));
    });
    var head = heads[day];
    label.textContent = head ? head.textContent : "";
    // aria-disabled rather than disabled: the focused button keeps the focus at either end.
    prev.setAttribute("aria-disabled", day <= 0 ? "true" : "false");
    next.setAttribute("aria-disabled", day >= last ? "true" : "false");
  }
  function step(by) {
    day = Math.min(last, Math.max(0, day + by));
    apply();
  }
  prev.addEventListener("click", function () { step(-1); });
  next.addEventListener("click", function () { step(1); });
  if (NARROW.addEventListener) NARROW.addEventListener("change", apply);
  apply();
}
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("table.grid[data-today]").forEach(setupDayPager);
});

// The heading a table sits under: the last one before it in the page.
function headingBefore(el) {
  for (var n = el; n && n !== document.body; n = n.parentElement) {
    for (var p = n.previousElementSibling; p; p = p.previousElementSibling) {
      if (/^H[1-6]$/.test(p.tagName)) return p;
      var inner = p.querySelectorAll("h1, h2, h3, h4, h5, h6");
      if (inner.length) return inner[inner.length - 1];
    }
  }
  return null;
}
// A table wider than its frame scrolls sideways inside it (narrow screens): when nothing in it
// can take the keyboard focus, the frame itself takes it (a region named by the table's
// heading), so the arrow keys scroll it (WCAG 2.1.1). Checked again when the window changes size.
function setupScrollers() {
  document.querySelectorAll(".table-wrap").forEach(function (wrap, i) {
    var over = wrap.scrollWidth > wrap.clientWidth + 1;
    var focusable = wrap.querySelector("a[href], button, input, select, textarea, [tabindex]:not(.table-wrap)");
    var heading = over && !focusable && headingBefore(wrap);
    if (heading) {
      if (!heading.id) heading.id = "table-heading-" + i;
      wrap.tabIndex = 0;
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-labelledby", heading.id);
    } else if (wrap.hasAttribute("tabindex")) {
      wrap.removeAttribute("tabindex");
      wrap.removeAttribute("role");
      wrap.removeAttribute("aria-labelledby");
    }
  });
}
document.addEventListener("DOMContentLoaded", setupScrollers);
window.addEventListener("resize", setupScrollers);
