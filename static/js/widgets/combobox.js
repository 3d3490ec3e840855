/*
 * One combobox for every "type, then pick from a list" control (the WAI-ARIA combobox pattern with
 * list autocomplete): the tag picker, the linked-ticket search and @mentions in notes (SPEC X3).
 *
 * Markup: a root [data-combobox] holding the text field [data-combobox-input] (role=combobox,
 * aria-controls), the listbox [data-combobox-list] (role=listbox) whose [role=option] items carry
 * data-value (and data-label, for filtering), and optionally [data-combobox-empty], shown when
 * filtering leaves nothing. Two modes, as attributes on the root:
 *   data-combobox-filter   every option is in the page; typing hides the ones whose label does not
 *                          contain the text, and focusing the field shows the list
 *   data-combobox-suggest  the list shows only when a script opens it, so in a textarea the arrows
 *                          move the caret until there are suggestions; Tab picks as Enter does
 * Keys: Down/Up open the list and move through it (wrapping), Enter picks, Escape closes. A pointer
 * picks on mousedown, before the field's blur closes the list. A pick fires "combobox:pick" on the
 * root with detail {value, option, input}; the owner decides what a pick does. Scripts that change
 * the options call helpdesk.combobox.refresh(root) afterwards.
 *
 * Everything is delegated from document, so comboboxes swapped in by htmx need no setting up.
 */
(function () {
  "use strict";

  window.helpdesk = window.helpdesk || {};
  if (window.helpdesk.combobox) return;

  var CLOSE_AFTER_BLUR = 120; // ms; lets a click on an option land before the list goes

  function parts(root) {
    return {
      input: root.querySelector("[data-combobox-input]"),
      list: root.querySelector("[data-combobox-list]"),
      empty: root.querySelector("[data-combobox-empty]"),
    };
  }

  function optionsOf(root, visibleOnly) {
    var list = parts(root).list;
    if (!list) return [];
    return Array.prototype.filter.call(list.querySelectorAll("[role=option]"), function (option) {
      return !visibleOnly || !option.hidden;
    });
  }

  function isOpen(root) {
    var list = parts(root).list;
    return !!list && !list.hidden;
  }

  function activeOption(root) {
    var list = parts(root).list;
    return list ? list.querySelector("[role=option].is-active") : null;
  }

  function activate(root, option) {
    var p = parts(root);
    optionsOf(root).forEach(function (item) {
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

  function setExpanded(root, expanded) {
    var p = parts(root);
    p.list.hidden = !expanded;
    p.input.setAttribute("aria-expanded", expanded ? "true" : "false");
  }

  // Shows the list if there is something to show: a visible option, or (when the server sends the
  // options) any row, such as "No ticket matches". A filter that matches nothing shows the empty note.
  function open(root) {
    var p = parts(root);
    if (!p.list) return;
    if (root.hasAttribute("data-combobox-filter")) {
      var any = optionsOf(root, true).length > 0;
      setExpanded(root, any);
      if (p.empty) p.empty.hidden = any;
      return;
    }
    setExpanded(root, p.list.children.length > 0);
  }

  function close(root) {
    var p = parts(root);
    if (!p.list || !p.input) return;
    setExpanded(root, false);
    if (p.empty) p.empty.hidden = true;
    activate(root, null);
  }

  function filter(root) {
    var p = parts(root);
    var text = p.input.value.trim().toLowerCase();
    optionsOf(root).forEach(function (option) {
      var label = option.getAttribute("data-label") || option.textContent.trim().toLowerCase();
      option.hidden = text !== "" && label.indexOf(text) === -1;
    });
    var visible = optionsOf(root, true);
    // The first match is preselected while typing, so Enter picks it.
    activate(root, text && visible.length ? visible[0] : null);
    open(root);
  }

  // After a script or a swap replaced the options: the first one is active, and the list shows
  // while the field has focus.
  function refresh(root) {
    var p = parts(root);
    activate(root, null);
    if (document.activeElement === p.input) open(root);
    else close(root);
    var first = optionsOf(root, true)[0];
    if (first && isOpen(root)) activate(root, first);
  }

  function move(root, step) {
    if (!isOpen(root)) {
      if (root.hasAttribute("data-combobox-suggest")) return false;
      open(root);
    }
    var options = optionsOf(root, true);
    if (!options.length) return true;
    var index = options.indexOf(activeOption(root));
    index = index === -1 ? (step > 0 ? 0 : options.length - 1) : (index + step + options.length) % options.length;
    activate(root, options[index]);
    return true;
  }

  function pick(root, option) {
    var input = parts(root).input;
    close(root);
    root.dispatchEvent(
      new CustomEvent("combobox:pick", {
        bubbles: true,
        detail: { value: option.getAttribute("data-value"), option: option, input: input },
      })
    );
  }

  function rootOf(target) {
    if (!target || !target.closest || !target.matches("[data-combobox-input]")) return null;
    return target.closest("[data-combobox]");
  }

  document.addEventListener("keydown", function (event) {
    var root = rootOf(event.target);
    if (!root) return;
    var key = event.key;
    if (key === "ArrowDown" || key === "ArrowUp") {
      if (move(root, key === "ArrowDown" ? 1 : -1)) event.preventDefault();
    } else if (key === "Enter" || (key === "Tab" && root.hasAttribute("data-combobox-suggest"))) {
      var option = activeOption(root);
      if (option && isOpen(root)) {
        event.preventDefault();
        pick(root, option);
      }
    } else if (key === "Escape" && isOpen(root)) {
      // Handled here only: Escape must not also close the dialog, panel or form around the field.
      event.preventDefault();
      event.stopPropagation();
      close(root);
    }
  });

  document.addEventListener("input", function (event) {
    var root = rootOf(event.target);
    if (root && root.hasAttribute("data-combobox-filter")) filter(root);
  });

  var quiet = false; // focus moved by a script (after a swap) should not pop the list open

  document.addEventListener("focusin", function (event) {
    var root = rootOf(event.target);
    if (!quiet && root && root.hasAttribute("data-combobox-filter")) filter(root);
  });

  document.addEventListener("focusout", function (event) {
    var root = event.target.closest && event.target.closest("[data-combobox]");
    if (!root) return;
    setTimeout(function () {
      if (!root.contains(document.activeElement)) close(root);
    }, CLOSE_AFTER_BLUR);
  });

  document.addEventListener("mousedown", function (event) {
    var option = event.target.closest && event.target.closest("[data-combobox-list] [role=option]");
    if (!option) return;
    event.preventDefault(); // keep the focus in the field
    pick(option.closest("[data-combobox]"), option);
  });

  window.helpdesk.combobox = {
    open: open,
    close: close,
    refresh: refresh,
    filter: filter,
    isOpen: isOpen,
    active: activeOption,
    // Focus a combobox's field without opening its list (focus returning after a swap).
    focusQuietly: function (element) {
      quiet = true;
      try {
        element.focus();
      } finally {
        quiet = false;
      }
    },
  };
})();
