/*
 * Configurations: drag and drop (or Alt+Shift+Arrow keys on a sub-status's Edit link) reorders the
 * sub-statuses of one main status; the new order is saved with one POST (SPEC C1, T2).
 */
(function () {
  "use strict";

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function say(text, isError) {
    var status = document.querySelector("[data-reorder-status]");
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("is-error", !!isError);
  }

  function saveOrder(list) {
    var grid = list.closest("[data-reorder-url]");
    var body = new URLSearchParams();
    body.append("status", list.dataset.status);
    list.querySelectorAll("li[data-id]").forEach(function (item) {
      body.append("order", item.dataset.id);
    });
    say("Saving the order…");
    fetch(grid.dataset.reorderUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/x-www-form-urlencoded" },
      body: body,
    })
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
      if (list.sortableReady || !window.Sortable) return;
      list.sortableReady = true;
      window.Sortable.create(list, {
        group: "substatus-" + list.dataset.status, // only within its own status
        animation: 150,
        draggable: "li[data-id]",
        filter: ".config-sub-actions",
        preventOnFilter: false,
        ghostClass: "is-drag-ghost",
        onEnd: function (event) {
          if (event.oldIndex !== event.newIndex) saveOrder(list);
        },
      });
    });
  }

  document.addEventListener("keydown", function (event) {
    var link = event.target.closest && event.target.closest("[data-substatus-list] a");
    if (!link || !event.altKey || !event.shiftKey) return;
    if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
    var item = link.closest("li[data-id]");
    var list = item.parentNode;
    event.preventDefault();
    if (event.key === "ArrowUp" && item.previousElementSibling) {
      list.insertBefore(item, item.previousElementSibling);
    } else if (event.key === "ArrowDown" && item.nextElementSibling) {
      list.insertBefore(item.nextElementSibling, item);
    } else {
      return;
    }
    link.focus();
    saveOrder(list);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
