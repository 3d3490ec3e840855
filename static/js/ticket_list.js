// Ticket list: selection for the bulk bar, confirmation of destructive bulk actions, and the
// New ticket dialog. The list region is swapped by htmx, so handlers are delegated.
(function () {
  "use strict";

  function bulkForm() { return document.getElementById("bulk-form"); }

  function selected() {
    return Array.prototype.slice.call(document.querySelectorAll('input[name="ids"][form="bulk-form"]:checked'));
  }

  function refreshBulkBar() {
    var form = bulkForm();
    if (!form) return;
    var count = selected().length;
    form.hidden = count === 0;
    var label = form.querySelector("[data-bulk-count]");
    if (label) label.textContent = String(count);
    var all = document.querySelector("[data-select-all]");
    var boxes = document.querySelectorAll('input[name="ids"][form="bulk-form"]');
    if (all) {
      all.checked = boxes.length > 0 && count === boxes.length;
      all.indeterminate = count > 0 && count < boxes.length;
    }
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("[data-select-all]")) {
      document.querySelectorAll('input[name="ids"][form="bulk-form"]').forEach(function (box) {
        box.checked = target.checked;
      });
    }
    if (target.matches("[data-select-all], input[name='ids']")) refreshBulkBar();
  });

  document.addEventListener("click", function (event) {
    var clear = event.target.closest("[data-bulk-clear]");
    if (clear) {
      selected().forEach(function (box) { box.checked = false; });
      refreshBulkBar();
    }
    var confirmButton = event.target.closest("[data-confirm]");
    if (confirmButton && !window.confirm(confirmButton.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
    var close = event.target.closest("[data-dialog-close]");
    if (close) {
      var dialog = close.closest("dialog");
      if (dialog) dialog.close();
    }
  });

  // The New ticket form arrives by htmx into the dialog, which then opens with focus on the title.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "new-ticket-body") {
      var dialog = document.getElementById("new-ticket-dialog");
      if (dialog && !dialog.open) dialog.showModal();
      var first = dialog && dialog.querySelector("input, textarea, select");
      if (first) first.focus();
    }
    if (event.detail.target && event.detail.target.id === "list-region") refreshBulkBar();
  });
  // A form re-rendered with errors keeps focus on the first field in error.
  document.addEventListener("htmx:afterSettle", function (event) {
    var invalid = event.detail.target && event.detail.target.querySelector && event.detail.target.querySelector(".has-error input, .has-error select, .has-error textarea");
    if (invalid) invalid.focus();
  });
})();
