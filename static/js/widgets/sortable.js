/*
 * Sortable-then-save: every list people put in order (sub-statuses, open ticket tabs, My views)
 * goes through here (SPEC X3). SortableJS does the dragging; the same move works from the keyboard;
 * and one callback hears of every change of order, whichever way it came.
 *
 *   helpdesk.sortable(list, {
 *     items: "li[data-id]",      the draggable children
 *     ignore: ".row-actions",    parts of an item that never start a drag (its buttons and links)
 *     horizontal: false,         a row: Alt+Shift+Left/Right move an item instead of Up/Down
 *     keys: "a",                 the part of an item where Alt+Shift+arrows move it one place
 *     changed: function (list, item) {},   after a drag or a key move changed the order
 *     sortable: {}               further SortableJS options (groups, nesting, class names)
 *   })  ->  the Sortable (call .destroy() to stop)
 *
 *   helpdesk.sortable.post(url, fields, headers)  ->  Promise of the fetch Response: a form-encoded
 *     POST with the page's CSRF token, for saving an order ([[name, value], ...]).
 */
(function () {
  "use strict";

  window.helpdesk = window.helpdesk || {};
  if (window.helpdesk.sortable) return;

  var pending = [];

  // base.html loads SortableJS before this file; a page that lacks it gets it on first use.
  function withSortable(callback) {
    if (window.Sortable) return callback();
    pending.push(callback);
    if (pending.length > 1) return;
    var script = document.createElement("script");
    script.src = (document.querySelector('script[src*="sortable"]') || {}).src || "/static/vendor/sortable.min.js";
    script.onload = function () {
      pending.splice(0).forEach(function (run) {
        run();
      });
    };
    document.head.appendChild(script);
  }

  function create(list, options) {
    var changed = options.changed || function () {};
    var settings = Object.assign(
      {
        animation: 150,
        draggable: options.items,
        filter: options.ignore,
        preventOnFilter: false, // the ignored parts stay clickable
        direction: options.horizontal ? "horizontal" : "vertical",
        ghostClass: "is-drag-ghost",
      },
      options.sortable || {}
    );
    var onEnd = settings.onEnd;
    settings.onEnd = function (event) {
      if (onEnd) onEnd(event);
      if (event.oldIndex !== event.newIndex || event.from !== event.to) changed(event.to, event.item);
    };

    if (options.keys && !list.sortableKeys) {
      list.sortableKeys = true;
      var back = options.horizontal ? "ArrowLeft" : "ArrowUp";
      var ahead = options.horizontal ? "ArrowRight" : "ArrowDown";
      list.addEventListener("keydown", function (event) {
        if (!event.altKey || !event.shiftKey || (event.key !== back && event.key !== ahead)) return;
        var handle = event.target.closest(options.keys);
        var item = handle && handle.closest(options.items);
        if (!item || item.parentNode !== list) return;
        event.preventDefault();
        if (event.key === back && item.previousElementSibling) {
          list.insertBefore(item, item.previousElementSibling);
        } else if (event.key === ahead && item.nextElementSibling) {
          list.insertBefore(item.nextElementSibling, item);
        } else {
          return;
        }
        handle.focus();
        changed(list, item);
      });
    }

    var sortable = null;
    withSortable(function () {
      sortable = window.Sortable.create(list, settings);
    });
    return {
      destroy: function () {
        if (sortable) sortable.destroy();
        sortable = null;
      },
    };
  }

  function post(url, fields, headers) {
    var body = new URLSearchParams();
    (fields || []).forEach(function (pair) {
      body.append(pair[0], pair[1]);
    });
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: Object.assign(
        { "X-CSRFToken": window.helpdesk.csrfToken(), "Content-Type": "application/x-www-form-urlencoded" },
        headers || {}
      ),
      body: body,
    });
  }

  create.post = post;
  window.helpdesk.sortable = create;
})();
