/*
 * Tags, linked tickets, attachments and archiving on the ticket page (SPEC T4, T5, T6, D8, D10).
 * Loaded once by {% archive_control %}; the cards themselves are re-rendered by htmx after each change.
 *
 * - Pickers ([data-picker]): a combobox input over a listbox. The tag picker filters its options as
 *   you type; the link search gets its options from the server (htmx). Arrow keys move, Enter picks,
 *   Escape closes; picking fills the hidden input and submits the form (htmx posts it).
 * - "Link ticket" shows the search box; the Linked tickets card collapses, remembered per browser.
 * - Choosing files uploads them at once. Forms with data-confirm ask first (Archive).
 * - After a card is swapped, focus returns to where it was, or to the card's picker.
 */
(function () {
  "use strict";

  if (window.helpdeskRelations) return;
  window.helpdeskRelations = true;

  var COLLAPSED_KEY = "helpdesk:links-collapsed";

  // --- pickers ------------------------------------------------------------------------------------

  function parts(picker) {
    return {
      input: picker.querySelector("[data-picker-input]"),
      list: picker.querySelector("[data-picker-list]"),
      value: picker.querySelector("[data-picker-value]"),
      empty: picker.querySelector("[data-picker-empty]"),
    };
  }

  function visibleOptions(list) {
    return Array.prototype.filter.call(list.querySelectorAll("[role=option]"), function (option) {
      return !option.hidden;
    });
  }

  function setActive(picker, option) {
    var p = parts(picker);
    p.list.querySelectorAll("[role=option]").forEach(function (item) {
      var on = item === option;
      item.classList.toggle("is-active", on);
      item.setAttribute("aria-selected", on ? "true" : "false");
    });
    if (option) {
      p.input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      p.input.removeAttribute("aria-activedescendant");
    }
  }

  function activeOption(picker) {
    return parts(picker).list.querySelector("[role=option].is-active");
  }

  function openList(picker) {
    var p = parts(picker);
    var hasContent = p.list.children.length > 0;
    if (picker.hasAttribute("data-picker-filter")) {
      var any = visibleOptions(p.list).length > 0;
      p.list.hidden = !any;
      if (p.empty) p.empty.hidden = any;
      p.input.setAttribute("aria-expanded", any ? "true" : "false");
      return;
    }
    p.list.hidden = !hasContent;
    p.input.setAttribute("aria-expanded", hasContent ? "true" : "false");
  }

  function closeList(picker) {
    var p = parts(picker);
    p.list.hidden = true;
    if (p.empty) p.empty.hidden = true;
    p.input.setAttribute("aria-expanded", "false");
    setActive(picker, null);
  }

  function filterOptions(picker) {
    var p = parts(picker);
    var text = p.input.value.trim().toLowerCase();
    p.list.querySelectorAll("[role=option]").forEach(function (option) {
      option.hidden = text !== "" && option.getAttribute("data-label").indexOf(text) === -1;
    });
    var visible = visibleOptions(p.list);
    // The first match is preselected while typing, so Enter picks it.
    setActive(picker, text && visible.length ? visible[0] : null);
    openList(picker);
  }

  function pick(picker, value) {
    var p = parts(picker);
    p.value.value = value;
    closeList(picker);
    picker.requestSubmit();
  }

  function move(picker, step) {
    var p = parts(picker);
    if (p.list.hidden) openList(picker);
    var options = visibleOptions(p.list);
    if (!options.length) return;
    var index = options.indexOf(activeOption(picker));
    index = index === -1 ? (step > 0 ? 0 : options.length - 1) : (index + step + options.length) % options.length;
    setActive(picker, options[index]);
  }

  document.addEventListener("input", function (event) {
    var picker = event.target.closest("[data-picker]");
    if (!picker || !event.target.matches("[data-picker-input]")) return;
    if (picker.hasAttribute("data-picker-filter")) filterOptions(picker);
  });

  var quietFocus = false; // focus moved back by a swap should not pop the list open

  document.addEventListener("focusin", function (event) {
    if (quietFocus) return;
    var picker = event.target.closest("[data-picker]");
    if (picker && event.target.matches("[data-picker-input]") && picker.hasAttribute("data-picker-filter")) {
      filterOptions(picker);
    }
  });

  document.addEventListener("focusout", function (event) {
    var picker = event.target.closest("[data-picker]");
    if (!picker) return;
    setTimeout(function () {
      if (!picker.contains(document.activeElement)) closeList(picker);
    }, 120);
  });

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-picker-input]")) return;
    var picker = input.closest("[data-picker]");
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      move(picker, event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter") {
      event.preventDefault();
      var option = activeOption(picker);
      if (option && !parts(picker).list.hidden) {
        pick(picker, option.getAttribute("data-value"));
      } else if (!picker.hasAttribute("data-picker-filter") && input.value.trim()) {
        pick(picker, input.value.trim()); // a typed reference such as T-000123
      }
    } else if (event.key === "Escape") {
      if (!parts(picker).list.hidden) {
        event.preventDefault();
        closeList(picker);
      } else if (picker.id === "link-search") {
        event.preventDefault();
        toggleLinkSearch(false);
      }
    }
  });

  // Options are picked on mousedown, before the input's blur closes the list.
  document.addEventListener("mousedown", function (event) {
    var option = event.target.closest("[data-picker-list] [role=option]");
    if (!option) return;
    event.preventDefault();
    pick(option.closest("[data-picker]"), option.getAttribute("data-value"));
  });

  // The link search's options arrive from the server.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.id === "link-results") {
      var picker = target.closest("[data-picker]");
      setActive(picker, null);
      if (document.activeElement === parts(picker).input) openList(picker);
      var first = visibleOptions(target)[0];
      if (first) setActive(picker, first);
    }
  });

  // --- linked tickets: search box and collapsing ----------------------------------------------

  function toggleLinkSearch(show) {
    var form = document.getElementById("link-search");
    var button = document.querySelector("[data-link-open]");
    if (!form || !button) return;
    if (show) setCollapsed(false);
    form.hidden = !show;
    button.setAttribute("aria-expanded", show ? "true" : "false");
    if (show) parts(form).input.focus();
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

  // --- uploads and confirmations -----------------------------------------------------------------

  document.addEventListener("change", function (event) {
    if (!event.target.matches("[data-upload-input]") || !event.target.files.length) return;
    event.target.closest("form").requestSubmit();
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
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
      card.querySelector("[data-picker-input]:not([hidden])") ||
      card.querySelector("h2");
    var searchForm = document.getElementById("link-search");
    if (card.id === "ticket-links" && returnFocusTo.picker && searchForm && searchForm.hidden) {
      focus = card.querySelector("[data-link-open]") || focus;
    }
    returnFocusTo = null;
    if (focus && focus.offsetParent !== null) {
      if (focus.tagName === "H2") focus.setAttribute("tabindex", "-1");
      quietFocus = true;
      focus.focus();
      quietFocus = false;
    }
  });

  function start() {
    if (storedCollapsed()) setCollapsed(true, false);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
