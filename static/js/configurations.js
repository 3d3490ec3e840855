/*
 * Configurations: drag and drop (or Alt+Shift+Arrow keys on a sub-status's Edit link) reorders the
 * sub-statuses of one main status; the new order is saved with one POST (SPEC C1, T2).
 * The dragging and the keys are static/js/widgets/sortable.js.
 */
(function () {
  "use strict";

  function say(text, isError) {
    var status = document.querySelector("[data-reorder-status]");
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("is-error", !!isError);
  }

  function saveOrder(list) {
    var grid = list.closest("[data-reorder-url]");
    var fields = [["status", list.dataset.status]];
    list.querySelectorAll("li[data-id]").forEach(function (item) {
      fields.push(["order", item.dataset.id]);
    });
    say("Saving the order…");
    window.helpdesk.sortable
      .post(grid.dataset.reorderUrl, fields)
      .then(function (response) {
        if (response.ok) {
          say("Order saved.");
          return null;
        }
        return response.json().then(function (data) {
          say(data.error || "The order could not be saved. Reload the page and try again.", true);
        });
      })
      .catch(function () {
        say("The order could not be saved: no connection. Reload the page and try again.", true);
      });
  }

  function setUp() {
    document.querySelectorAll("[data-substatus-list]").forEach(function (list) {
      if (list.sortableReady) return;
      list.sortableReady = true;
      window.helpdesk.sortable(list, {
        items: "li[data-id]",
        ignore: ".config-sub-actions",
        keys: "a",
        changed: saveOrder,
        sortable: { group: "substatus-" + list.dataset.status }, // only within its own status
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
