/*
 * Open ticket tabs and the peek panel (SPEC L9). Loaded by {% open_tabs_bar %}.
 *
 * - Tabs reorder by drag and drop or by Alt+Shift+Left/Right on a focused tab
 *   (static/js/widgets/sortable.js); the new order is saved with one POST. Closing a tab swaps the bar (htmx) and keeps keyboard focus nearby.
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

  // --- tabs ------------------------------------------------------------------------------------

  function bar() {
    return document.querySelector("[data-open-tabs]");
  }

  function saveOrder(list) {
    var nav = list.closest("[data-open-tabs]");
    var fields = [];
    list.querySelectorAll(".open-tab[data-ticket-id]").forEach(function (tab) {
      fields.push(["order", tab.getAttribute("data-ticket-id")]);
    });
    return window.helpdesk.sortable
      .post(nav.getAttribute("data-order-url"), fields, { "HX-Request": "true" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
      })
      .catch(function () {
        toast("Could not save the order of your tabs — try again", "error");
      });
  }

  // A property, not an attribute: htmx's history snapshots copy attributes but not the Sortable.
  function setUpBar(nav) {
    if (!nav || nav.openTabsReady) return;
    nav.openTabsReady = true;
    var list = nav.querySelector("[data-open-tabs-list]");
    if (list) {
      window.helpdesk.sortable(list, {
        items: ".open-tab",
        ignore: ".open-tab-close-form",
        horizontal: true,
        keys: ".open-tab-link",
        changed: saveOrder,
        sortable: { chosenClass: "is-drag-chosen", dragClass: "is-dragging" },
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
