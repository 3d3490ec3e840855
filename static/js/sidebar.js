/*
 * The ticket list's views sidebar (SPEC L7) and filter schemes menu (SPEC L8).
 *
 * - Requests from the sidebar and the schemes menu carry the list's current query (`from`, and
 *   `query` for "Save as"): the list refreshes by htmx and pushes its URL, so the query rendered
 *   into the page may be stale.
 * - "+ Add View" and the view forms open in #views-dialog (static/js/widgets/dialog.js); closing it
 *   after adding a view reloads the list so the sidebar shows the change.
 * - Edit mode: dragging reorders and nests (static/js/widgets/sortable.js; one level, folders stay
 *   at the top level), the bin removes an entry from My views, arrow keys on a handle do the same
 *   without a mouse, and "Done" saves the whole arrangement in one POST.
 */
(function () {
  "use strict";

  if (window.helpdeskViews) return; // the sidebar template may be rendered more than once
  var CURSORS = ["after", "before", "page"];
  var sortables = [];
  var dirty = false;

  // --- the list's state -----------------------------------------------------------------------

  function currentBack() {
    var params = new URLSearchParams(window.location.search);
    CURSORS.forEach(function (key) {
      params.delete(key);
    });
    return params.toString();
  }

  function currentQuery() {
    var params = new URLSearchParams(currentBack());
    params.delete("view");
    params.delete("scheme");
    return params.toString();
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt || !elt.closest || !elt.closest("[data-list-state]")) return;
    if (event.detail.verb === "get") {
      var url = new URL(event.detail.path, window.location.href);
      if (url.searchParams.has("from")) {
        url.searchParams.set("from", currentBack());
        event.detail.path = url.pathname + url.search;
      }
      return;
    }
    event.detail.parameters["from"] = currentBack();
    if (event.detail.parameters["query"] !== undefined) event.detail.parameters["query"] = currentQuery();
  });

  // --- the dialog (Add view panel, new/edit view forms) -----------------------------------------

  function dialog() {
    return document.getElementById("views-dialog");
  }

  function backUrl() {
    var back = currentBack();
    return window.location.pathname + (back ? "?" + back : "");
  }

  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail.elt;
    var box = dialog();
    var added = event.detail.xhr && event.detail.xhr.status === 200;
    if (box && elt && box.contains(elt) && added && event.detail.requestConfig.verb === "post") {
      box.dataset.changed = "1";
    }
  });

  document.addEventListener("close", function (event) {
    var box = event.target;
    if (box.id !== "views-dialog") return;
    var body = document.getElementById("views-dialog-body");
    if (body) body.innerHTML = "";
    if (box.dataset.changed) window.location.assign(backUrl());
  }, true);

  // --- edit mode ----------------------------------------------------------------------------------

  function nav() {
    return document.getElementById("views-nav");
  }

  function announce(text) {
    var region = nav() && nav().querySelector("[data-views-announce]");
    if (region) region.textContent = text;
  }

  function nameOf(item) {
    var name = item.querySelector(":scope > .view-row .view-name");
    return name ? name.textContent.trim() : "view";
  }

  function itemsOf(list) {
    return Array.prototype.filter.call(list.children, function (child) {
      return child.classList.contains("view-item");
    });
  }

  function isRootList(list) {
    return list && list.getAttribute("data-view-list") === "root";
  }

  function childList(item) {
    return item.querySelector(":scope > .view-children");
  }

  // One level of nesting: a view (not a folder, not one with sub-views) may go into a top-level item.
  function canNest(item, list) {
    if (!list) return false;
    if (isRootList(list)) return true;
    var owner = list.closest(".view-item");
    if (!owner || owner === item || item.contains(owner)) return false;
    if (!isRootList(owner.parentElement)) return false; // only top-level items take sub-views
    if (item.hasAttribute("data-folder")) return false; // folders stay at the top level
    var own = childList(item);
    return !own || itemsOf(own).length === 0; // a view with sub-views cannot become one
  }

  // Nothing is saved while dragging: "Done" posts the whole arrangement.
  function makeSortable(root) {
    destroySortables();
    root.querySelectorAll("[data-view-list]").forEach(function (list) {
      sortables.push(
        window.helpdesk.sortable(list, {
          items: ".view-item",
          ignore: ".view-remove",
          changed: function (to, item) {
            dirty = true;
            announce("Moved " + nameOf(item) + ".");
          },
          sortable: {
            group: {
              name: "my-views",
              put: function (to, from, dragged) {
                return canNest(dragged, to.el);
              },
            },
            forceFallback: true,
            fallbackOnBody: true,
            fallbackTolerance: 3,
            swapThreshold: 0.65,
            emptyInsertThreshold: 10,
            ghostClass: "is-ghost",
            chosenClass: "is-chosen",
            dragClass: "is-dragged",
            onStart: function () {
              root.classList.add("is-dragging");
            },
            onEnd: function () {
              root.classList.remove("is-dragging");
            },
          },
        })
      );
    });
  }

  function destroySortables() {
    sortables.forEach(function (sortable) {
      sortable.destroy();
    });
    sortables = [];
  }

  function setEditing(root, editing) {
    root.classList.toggle("is-editing", editing);
    var edit = root.querySelector("[data-views-edit]");
    if (edit) edit.setAttribute("aria-pressed", editing ? "true" : "false");
    if (editing) {
      makeSortable(root);
      announce("Editing My views. Drag views to reorder or nest them, then press Done to save.");
      var done = root.querySelector("[data-views-done]");
      if (done) done.focus();
    } else {
      destroySortables();
    }
  }

  function layoutOf(root) {
    var list = root.querySelector('[data-view-list="root"]');
    return itemsOf(list).map(function (item) {
      var children = [];
      itemsOf(childList(item)).forEach(function (child) {
        children.push(Number(child.getAttribute("data-view-id")));
        // Never deeper than one level: anything nested further is lifted to this level.
        var deeper = childList(child);
        if (deeper) {
          itemsOf(deeper).forEach(function (grandchild) {
            children.push(Number(grandchild.getAttribute("data-view-id")));
          });
        }
      });
      return { id: Number(item.getAttribute("data-view-id")), children: children };
    });
  }

  function save(root) {
    var done = root.querySelector("[data-views-done]");
    var layout = JSON.stringify(layoutOf(root));
    destroySortables();
    dirty = false;
    window.htmx
      .ajax("POST", root.getAttribute("data-layout-url"), {
        source: done,
        target: root,
        swap: "outerHTML",
        values: { layout: layout, from: currentBack() },
      })
      .then(function () {
        var edit = nav() && nav().querySelector("[data-views-edit]");
        if (edit) edit.focus();
      });
  }

  function refreshEmpty(root) {
    var empty = root.querySelector("[data-views-empty]");
    var list = root.querySelector('[data-view-list="root"]');
    if (empty && list) empty.hidden = itemsOf(list).length > 0;
  }

  function remove(item) {
    var root = nav();
    var list = item.parentElement;
    var next = item.nextElementSibling || item.previousElementSibling || item.parentElement.closest(".view-item");
    // Sub-views of a removed view or folder stay in My views, where it was.
    var children = childList(item);
    if (children) {
      itemsOf(children).forEach(function (child) {
        list.insertBefore(child, item);
      });
    }
    item.remove();
    dirty = true;
    refreshEmpty(root);
    announce("Removed " + nameOf(item) + " from My views. Press Done to save.");
    var focusTarget = next && next.isConnected && next.querySelector("[data-view-handle]");
    (focusTarget || root.querySelector("[data-views-done]")).focus();
  }

  // Arrow keys on a handle: ↑/↓ move among siblings (and out of a group at its ends), → nests into
  // the view above, ← lifts a sub-view out to the top level.
  function moveByKey(item, key) {
    var list = item.parentElement;
    var parentItem = isRootList(list) ? null : list.closest(".view-item");
    var previous = item.previousElementSibling;
    var next = item.nextElementSibling;
    if (key === "ArrowUp") {
      if (previous) list.insertBefore(item, previous);
      else if (parentItem) parentItem.parentElement.insertBefore(item, parentItem);
      else return false;
    } else if (key === "ArrowDown") {
      if (next) list.insertBefore(next, item);
      else if (parentItem) parentItem.parentElement.insertBefore(item, parentItem.nextElementSibling);
      else return false;
    } else if (key === "ArrowRight") {
      if (!previous || !canNest(item, childList(previous))) return false;
      childList(previous).appendChild(item);
    } else if (key === "ArrowLeft") {
      if (!parentItem) return false;
      parentItem.parentElement.insertBefore(item, parentItem.nextElementSibling);
    } else {
      return false;
    }
    return true;
  }

  document.addEventListener("keydown", function (event) {
    var handle = event.target.closest && event.target.closest("[data-view-handle]");
    if (!handle || !nav() || !nav().classList.contains("is-editing")) return;
    var item = handle.closest(".view-item");
    if (["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight"].indexOf(event.key) === -1) return;
    event.preventDefault();
    if (moveByKey(item, event.key)) {
      dirty = true;
      handle.focus();
      var where = isRootList(item.parentElement) ? "" : " inside " + nameOf(item.parentElement.closest(".view-item"));
      announce("Moved " + nameOf(item) + where + ".");
    } else {
      announce(nameOf(item) + " cannot move further that way.");
    }
  });

  document.addEventListener("click", function (event) {
    var root = nav();
    var target = event.target;

    if (target.closest("[data-views-edit]") && root) {
      setEditing(root, true);
      return;
    }
    if (target.closest("[data-views-done]") && root) {
      save(root);
      return;
    }
    var bin = target.closest("[data-view-remove]");
    if (bin && root && root.classList.contains("is-editing")) {
      remove(bin.closest(".view-item"));
      return;
    }
    // While editing, a click on a view arranges it instead of following it.
    if (root && root.classList.contains("is-editing") && target.closest(".view-link") && root.contains(target)) {
      event.preventDefault();
      return;
    }

    var saveAs = target.closest("[data-scheme-save-as]");
    if (saveAs) {
      var form = document.getElementById("scheme-save-form");
      saveAs.hidden = true;
      saveAs.setAttribute("aria-expanded", "true");
      if (form) {
        form.hidden = false;
        form.querySelector("input[name=name]").focus();
      }
    }
  });

  // A folder added in edit mode arrives out of band: make it draggable too.
  document.addEventListener("htmx:afterSettle", function () {
    var root = nav();
    if (!root) return;
    refreshEmpty(root);
    if (root.classList.contains("is-editing")) makeSortable(root);
  });

  // After "Save as" or a delete, the menu is re-rendered: keep focus inside it.
  var schemesFocus = false;
  document.addEventListener("htmx:beforeRequest", function (event) {
    schemesFocus = !!(event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("#filter-schemes"));
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!schemesFocus) return;
    schemesFocus = false;
    var menu = document.getElementById("filter-schemes");
    if (!menu) return;
    var focus = menu.querySelector("[autofocus]") || menu.querySelector("summary");
    if (focus) focus.focus();
  });

  window.addEventListener("beforeunload", function (event) {
    if (dirty && nav() && nav().classList.contains("is-editing")) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  window.helpdeskViews = { layout: function () { return nav() ? layoutOf(nav()) : []; } };
})();
