/*
 * Open ticket tabs and the peek panel (SPEC L9). Loaded by {% open_tabs_bar %}.
 *
 * - Tabs reorder by drag and drop (SortableJS) or by Alt+Shift+Left/Right on a focused tab; the new
 *   order is saved with one POST. Closing a tab swaps the bar (htmx) and keeps keyboard focus nearby.
 * - The "Tickets" home tab returns to the list as it was left (filters, tab, sort live in its URL).
 * - Peek: the list's row buttons load a ticket into <aside id="peek">; it is shown after the swap,
 *   and hidden and emptied by its × button or Escape, with focus back on the row's button.
 * - A 404/409 answer that carries its own message (HX-Trigger "messages") is not a failure: the
 *   message is the whole answer, so the generic "Something went wrong" toast stays away.
 */
(function () {
  "use strict";

  if (window.helpdeskOpenTabs) return; // the bar may be rendered more than once per page load
  var LIST_URL_KEY = "helpdesk:list-url";

  function toast(text, level) {
    if (window.helpdesk && window.helpdesk.toast) window.helpdesk.toast(text, level);
  }

  function csrfToken() {
    try {
      var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
      if (headers["X-CSRFToken"]) return headers["X-CSRFToken"];
    } catch (e) {
      /* fall through */
    }
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // --- tabs ------------------------------------------------------------------------------------

  function bar() {
    return document.querySelector("[data-open-tabs]");
  }

  function saveOrder(list) {
    var nav = list.closest("[data-open-tabs]");
    var body = new URLSearchParams();
    list.querySelectorAll(".open-tab[data-ticket-id]").forEach(function (tab) {
      body.append("order", tab.getAttribute("data-ticket-id"));
    });
    return fetch(nav.getAttribute("data-order-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" },
      body: body,
    })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
      })
      .catch(function () {
        toast("Could not save the order of your tabs — try again", "error");
      });
  }

  function moveTab(link, step) {
    var tab = link.closest(".open-tab");
    var list = tab.parentNode;
    if (step < 0 && tab.previousElementSibling) {
      list.insertBefore(tab, tab.previousElementSibling);
    } else if (step > 0 && tab.nextElementSibling) {
      list.insertBefore(tab.nextElementSibling, tab);
    } else {
      return;
    }
    link.focus();
    saveOrder(list);
  }

  // A property, not an attribute: htmx's history snapshots copy attributes but not the Sortable.
  function setUpBar(nav) {
    if (!nav || nav.openTabsReady) return;
    nav.openTabsReady = true;
    var list = nav.querySelector("[data-open-tabs-list]");
    if (list && window.Sortable) {
      window.Sortable.create(list, {
        animation: 150,
        draggable: ".open-tab",
        filter: ".open-tab-close-form",
        preventOnFilter: false,
        direction: "horizontal",
        ghostClass: "is-drag-ghost",
        chosenClass: "is-drag-chosen",
        dragClass: "is-dragging",
        onEnd: function (event) {
          if (event.oldIndex !== event.newIndex) saveOrder(list);
        },
      });
    }
    rememberOrRestoreListUrl(nav);
  }

  // The list keeps its state in the URL (SPEC L5); the home tab goes back to the list as it was.
  function rememberOrRestoreListUrl(nav) {
    var home = nav.querySelector("[data-open-tabs-home]");
    if (!home) return;
    var listPath = new URL(home.href, window.location.href).pathname;
    try {
      if (window.location.pathname === listPath) {
        window.sessionStorage.setItem(LIST_URL_KEY, window.location.pathname + window.location.search);
      } else {
        var saved = window.sessionStorage.getItem(LIST_URL_KEY);
        if (saved && saved.indexOf(listPath) === 0) home.setAttribute("href", saved);
      }
    } catch (e) {
      /* storage may be disabled: the plain list link still works */
    }
  }

  function rememberListUrl() {
    var nav = bar();
    if (nav) rememberOrRestoreListUrl(nav);
  }

  document.addEventListener("htmx:pushedIntoHistory", rememberListUrl);
  document.addEventListener("htmx:replacedInHistory", rememberListUrl);

  document.addEventListener("keydown", function (event) {
    var link = event.target.closest && event.target.closest(".open-tab-link");
    if (!link || !event.altKey || !event.shiftKey) return;
    if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      event.preventDefault();
      moveTab(link, event.key === "ArrowLeft" ? -1 : 1);
    }
  });

  // Closing a tab replaces the bar; keep keyboard focus on the tab that took its place.
  var closingIndex = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.target.closest && event.target.closest(".open-tab-close-form");
    if (!form) return;
    var tab = form.closest(".open-tab");
    closingIndex = Array.prototype.indexOf.call(tab.parentNode.children, tab);
  });

  // --- peek ------------------------------------------------------------------------------------

  var peekOpener = null;

  function peekPanel() {
    return document.getElementById("peek");
  }

  function markPeekedRow(opener) {
    document.querySelectorAll(".is-peeked").forEach(function (row) {
      row.classList.remove("is-peeked");
    });
    var row = opener && opener.closest && opener.closest("tr");
    if (row) row.classList.add("is-peeked");
  }

  function showPeek(panel, opener) {
    panel.hidden = false;
    peekOpener = opener || peekOpener;
    markPeekedRow(peekOpener);
    var heading = panel.querySelector("#peek-title");
    if (heading) heading.focus({ preventScroll: true });
  }

  function closePeek() {
    var panel = peekPanel();
    if (!panel || panel.hidden) return false;
    panel.hidden = true;
    panel.innerHTML = "";
    markPeekedRow(null);
    if (peekOpener && document.body.contains(peekOpener)) peekOpener.focus({ preventScroll: true });
    peekOpener = null;
    return true;
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-peek-close]")) closePeek();
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    if (document.querySelector("details[data-menu][open]")) return; // Escape closes the menu first
    if (closePeek()) event.preventDefault();
  });

  // --- htmx wiring ------------------------------------------------------------------------------

  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    var trigger = xhr.getResponseHeader("HX-Trigger") || "";
    if ((xhr.status === 404 || xhr.status === 409) && trigger.indexOf('"messages"') !== -1) {
      event.detail.shouldSwap = false;
      event.detail.isError = false; // the message toast already says what happened
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.id === "peek") {
      showPeek(target, event.detail.requestConfig && event.detail.requestConfig.elt);
    }
  });

  document.addEventListener("htmx:historyRestore", function () {
    setUpBar(bar());
  });

  document.addEventListener("htmx:afterSettle", function () {
    var nav = bar();
    if (!nav || nav.openTabsReady) return;
    setUpBar(nav);
    if (closingIndex !== null) {
      var links = nav.querySelectorAll(".open-tab-link");
      var next = links[Math.min(closingIndex, links.length - 1)] || nav.querySelector("[data-open-tabs-home]");
      if (next) next.focus();
      closingIndex = null;
    }
  });

  function start() {
    setUpBar(bar());
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }

  window.helpdeskOpenTabs = { closePeek: closePeek, saveOrder: saveOrder };
})();
