/*
 * Tags, linked tickets, attachments and archiving on the ticket page (SPEC T4, T5, T6, D8, D10).
 * Loaded once by {% archive_control %}; the cards themselves are re-rendered by htmx after each change.
 *
 * - Pickers ([data-picker]): comboboxes (static/js/widgets/combobox.js). The tag picker filters its
 *   options as you type; the link search gets its options from the server (htmx) and also takes a
 *   typed reference on Enter. Picking fills the hidden input and submits the form (htmx posts it).
 * - "Link ticket" shows the search box; the Linked tickets card collapses, remembered per browser.
 * - Choosing files uploads them at once. Archive asks first (data-confirm, static/js/widgets/dialog.js).
 * - After a card is swapped, focus returns to where it was, or to the card's picker.
 */
(function () {
  "use strict";

  if (window.helpdeskRelations) return;
  window.helpdeskRelations = true;

  var COLLAPSED_KEY = "helpdesk:links-collapsed";

  // --- pickers ----------------------------------------------------------------------------------

  var combobox = window.helpdesk.combobox;

  function pick(picker, value) {
    picker.querySelector("[data-picker-value]").value = value;
    picker.requestSubmit();
  }

  document.addEventListener("combobox:pick", function (event) {
    var picker = event.target.closest("[data-picker]");
    if (picker) pick(picker, event.detail.value);
  });

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (event.defaultPrevented || !input.matches || !input.matches("[data-picker] [data-combobox-input]")) return;
    var picker = input.closest("[data-picker]");
    if (event.key === "Enter") {
      event.preventDefault(); // a picker submits only what was picked
      if (!picker.hasAttribute("data-combobox-filter") && input.value.trim()) {
        pick(picker, input.value.trim()); // a typed reference such as T-000123
      }
    } else if (event.key === "Escape" && picker.id === "link-search") {
      event.preventDefault();
      toggleLinkSearch(false);
    }
  });

  // The link search's options arrive from the server.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.id === "link-results") combobox.refresh(target.closest("[data-combobox]"));
  });

  // --- linked tickets: search box and collapsing ----------------------------------------------

  function toggleLinkSearch(show) {
    var form = document.getElementById("link-search");
    var button = document.querySelector("[data-link-open]");
    if (!form || !button) return;
    if (show) setCollapsed(false);
    form.hidden = !show;
    button.setAttribute("aria-expanded", show ? "true" : "false");
    if (show) form.querySelector("[data-combobox-input]").focus();
    else button.focus();
  }

  function storedCollapsed() {
    try {
      return window.localStorage.getItem(COLLAPSED_KEY) === "1";
    } catch (e) {
      return false;
    }
  }

  function setCollapsed(collapsed, remember) {
    var card = document.querySelector("[data-collapsible=links]");
    if (!card) return;
    var body = card.querySelector("[data-collapse-body]");
    var toggle = card.querySelector("[data-collapse-toggle]");
    body.hidden = collapsed;
    card.classList.toggle("is-collapsed", collapsed);
    toggle.setAttribute("aria-expanded", collapsed ? "false" : "true");
    if (remember !== false) {
      try {
        window.localStorage.setItem(COLLAPSED_KEY, collapsed ? "1" : "0");
      } catch (e) {
        /* private mode: the state just isn't kept */
      }
    }
  }

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-collapse-toggle]");
    if (toggle) {
      setCollapsed(toggle.getAttribute("aria-expanded") === "true");
      return;
    }
    var open = event.target.closest("[data-link-open]");
    if (open) {
      var form = document.getElementById("link-search");
      toggleLinkSearch(!form || form.hidden);
    }
  });

  // --- uploads ------------------------------------------------------------------------------------

  document.addEventListener("change", function (event) {
    if (!event.target.matches("[data-upload-input]") || !event.target.files.length) return;
    event.target.closest("form").requestSubmit();
  });

  // --- focus after a card is swapped ---------------------------------------------------------------

  var returnFocusTo = null;
  var CARDS = ["ticket-tags", "ticket-links", "ticket-attachments"];

  document.addEventListener("htmx:beforeRequest", function (event) {
    var card = event.target.closest && event.target.closest(".rel-card");
    if (!card || CARDS.indexOf(card.id) === -1) return;
    if (event.detail && event.detail.target && event.detail.target.id === "link-results") return;
    var active = document.activeElement;
    returnFocusTo = { card: card.id, id: active && active.id, picker: !!(active && active.closest("[data-picker]")) };
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.elt;
    if (!returnFocusTo) return;
    var card = document.getElementById(returnFocusTo.card);
    if (!card || (target && target.id !== returnFocusTo.card && !card.contains(target))) return;
    if (card.id === "ticket-links") setCollapsed(storedCollapsed(), false);
    var focus =
      (returnFocusTo.id && document.getElementById(returnFocusTo.id)) ||
      card.querySelector("[data-combobox-input]:not([hidden])") ||
      card.querySelector("h2");
    var searchForm = document.getElementById("link-search");
    if (card.id === "ticket-links" && returnFocusTo.picker && searchForm && searchForm.hidden) {
      focus = card.querySelector("[data-link-open]") || focus;
    }
    returnFocusTo = null;
    if (focus && focus.offsetParent !== null) {
      if (focus.tagName === "H2") focus.setAttribute("tabindex", "-1");
      combobox.focusQuietly(focus);
    }
  });

  function start() {
    if (storedCollapsed()) setCollapsed(true, false);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
