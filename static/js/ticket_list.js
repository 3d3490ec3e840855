// Ticket list: selection for the bulk bar, and the New ticket dialog's errors. The list region is
// swapped by htmx, so handlers are delegated. Bulk delete asks first (data-confirm) and the New
// ticket form opens in a <dialog data-dialog>: both through static/js/widgets/dialog.js.
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
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "list-region") refreshBulkBar();
  });
  // A form re-rendered with errors keeps focus on the first field in error.
  document.addEventListener("htmx:afterSettle", function (event) {
    var invalid = event.detail.target && event.detail.target.querySelector && event.detail.target.querySelector(".has-error input, .has-error select, .has-error textarea");
    if (invalid) invalid.focus();
  });
})();
