// Ticket page: the panel ratio switch applies at once (and is saved by htmx), and a form in edit
// mode warns before the page is left with unsaved input.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".ratio-button");
    if (!button) return;
    var panels = document.querySelector("[data-panels]");
    if (panels) panels.setAttribute("data-ratio", button.getAttribute("data-ratio"));
    document.querySelectorAll(".ratio-button").forEach(function (other) {
      other.setAttribute("aria-pressed", other === button ? "true" : "false");
    });
  });

  var dirty = false;
  document.addEventListener("input", function (event) {
    if (event.target.closest("#ticket-form form")) dirty = true;
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "ticket-form") {
      dirty = !!document.querySelector("#ticket-form form") && dirty && event.detail.xhr.status !== 200;
      var first = document.querySelector("#ticket-form .has-error input, #ticket-form .has-error select, #ticket-form .has-error textarea");
      if (first) first.focus();
    }
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && document.querySelector("#ticket-form form")) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
