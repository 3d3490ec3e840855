/*
 * Helpdesk: the little JavaScript the pages need. No framework.
 *
 * - Toasts: Django messages rendered into #toasts, toasts added later (out-of-band swaps), and
 *   `window.helpdesk.toast(text, level)` for scripts. An HX-Trigger event named "messages"
 *   ({"messages": [{"message": "...", "level": "success"}]}) shows toasts too.
 * - A failed htmx request shows "Something went wrong — try again".
 * - Buttons with data-copy="text" copy to the clipboard.
 * - The user menu (<details data-menu>) closes on outside click and Escape.
 * - `helpdesk.icon(name)` draws an icon from the sprite, as {% icon %} does in templates;
 *   `helpdesk.csrfToken()` is the token htmx sends, for scripts that post with fetch.
 * The widgets every page may use (dialog and confirmation, combobox, sortable lists) live in
 * static/js/widgets/.
 */
(function () {
  "use strict";

  var DISMISS_AFTER = { error: 10000, warning: 8000 };
  var DEFAULT_DISMISS = 5000;
  var SVG = "http://www.w3.org/2000/svg";

  function icon(name, extraClass) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", extraClass ? "icon " + extraClass : "icon");
    svg.setAttribute("aria-hidden", "true");
    var use = document.createElementNS(SVG, "use");
    use.setAttribute("href", (document.body.getAttribute("data-icon-sprite") || "/static/icons/sprite.svg") + "#icon-" + name);
    svg.appendChild(use);
    return svg;
  }

  function csrfToken() {
    try {
      var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
      if (headers["X-CSRFToken"]) return headers["X-CSRFToken"];
    } catch (e) {
      /* fall through to a form's token */
    }
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function region() {
    var el = document.getElementById("toasts");
    if (!el) {
      el = document.createElement("div");
      el.id = "toasts";
      el.className = "toasts";
      el.setAttribute("role", "status");
      el.setAttribute("aria-live", "polite");
      document.body.appendChild(el);
    }
    return el;
  }

  function levelOf(toast) {
    var match = /toast-(\w+)/.exec(toast.className);
    return match ? match[1] : "info";
  }

  function dismiss(toast) {
    if (!toast || toast.classList.contains("is-leaving")) return;
    toast.classList.add("is-leaving");
    setTimeout(function () {
      toast.remove();
    }, 180);
  }

  function arm(toast) {
    if (toast.dataset.armed) return;
    toast.dataset.armed = "1";
    var delay = DISMISS_AFTER[levelOf(toast)] || DEFAULT_DISMISS;
    var timer = setTimeout(function () {
      dismiss(toast);
    }, delay);
    // Keep a toast while the pointer or keyboard focus is on it.
    toast.addEventListener("mouseenter", function () {
      clearTimeout(timer);
    });
    toast.addEventListener("focusin", function () {
      clearTimeout(timer);
    });
    toast.addEventListener("mouseleave", function () {
      timer = setTimeout(function () {
        dismiss(toast);
      }, 2000);
    });
  }

  function armAll(root) {
    (root || document).querySelectorAll("[data-toast]").forEach(arm);
  }

  function toast(text, level) {
    var el = document.createElement("div");
    el.className = "toast toast-" + (level || "info");
    el.setAttribute("data-toast", "");
    var span = document.createElement("span");
    span.className = "toast-text";
    span.textContent = text; // never innerHTML: messages may carry user text
    var close = document.createElement("button");
    close.type = "button";
    close.className = "toast-close";
    close.setAttribute("data-toast-close", "");
    close.setAttribute("aria-label", "Dismiss");
    close.appendChild(icon("x"));
    el.appendChild(span);
    el.appendChild(close);
    region().appendChild(el);
    arm(el);
    return el;
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try {
        ok = document.execCommand("copy");
      } catch (e) {
        ok = false;
      }
      area.remove();
      if (ok) resolve();
      else reject(new Error("copy failed"));
    });
  }

  document.addEventListener("click", function (event) {
    var close = event.target.closest("[data-toast-close]");
    if (close) {
      dismiss(close.closest("[data-toast]"));
      return;
    }

    var copyButton = event.target.closest("[data-copy]");
    if (copyButton) {
      var value = copyButton.getAttribute("data-copy");
      if (value.charAt(0) === "/") value = window.location.origin + value;
      copy(value).then(
        function () {
          toast(copyButton.getAttribute("data-copy-done") || "Copied to clipboard", "success");
        },
        function () {
          toast("Could not copy — select the text and copy it instead", "error");
        }
      );
      return;
    }

    // Close open menus when clicking elsewhere.
    document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
      menu.removeAttribute("open");
      var summary = menu.querySelector("summary");
      if (summary) summary.focus();
    });
  });

  // htmx: a failed request or an unreachable server gets one calm message.
  document.addEventListener("htmx:responseError", function () {
    toast("Something went wrong — try again", "error");
  });
  document.addEventListener("htmx:sendError", function () {
    toast("Something went wrong — try again", "error");
  });

  // HX-Trigger: {"messages": [{"message": "...", "level": "success"}]}
  document.addEventListener("messages", function (event) {
    var detail = event.detail || {};
    var list = Array.isArray(detail) ? detail : detail.value || detail.messages || [];
    if (!Array.isArray(list)) list = [list];
    list.forEach(function (item) {
      if (typeof item === "string") toast(item, "info");
      else if (item && item.message) toast(item.message, item.level || item.tags || "info");
    });
  });

  // The Content-Security-Policy allows no inline style and no inline script, so
  // markup carries data and these handlers apply it.
  //   data-tag-color="#hex"  → the --tag custom property a tag chip or dot paints with
  //   data-percent="40"      → the width of a progress bar
  function applyDataStyles(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var nodes = Array.prototype.slice.call(scope.querySelectorAll("[data-tag-color], [data-percent]"));
    if (scope.matches && scope.matches("[data-tag-color], [data-percent]")) nodes.push(scope);
    nodes.forEach(function (node) {
      var color = node.getAttribute("data-tag-color");
      if (color) node.style.setProperty("--tag", color);
      var percent = node.getAttribute("data-percent");
      if (percent !== null) {
        var value = Math.max(0, Math.min(100, parseFloat(percent) || 0));
        node.style.width = value + "%";
      }
    });
  }
  if (window.htmx) window.htmx.onLoad(applyDataStyles);

  // data-swap-on-conflict: a 409 answer (someone else saved first) is shown, not treated as an error.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (event.detail.xhr.status !== 409 || !target || !target.closest) return;
    if (!target.closest("[data-swap-on-conflict]")) return;
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  });

  // data-query-from-location: the form sends the list's current query string,
  // which may have changed since the page loaded (filters pushed into the URL).
  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    if (elt && elt.hasAttribute && elt.hasAttribute("data-query-from-location")) {
      event.detail.parameters.query = window.location.search.slice(1);
    }
  });

  function start() {
    var toasts = region();
    applyDataStyles(document);
    armAll(toasts);
    // Toasts added by out-of-band swaps arm themselves too.
    new MutationObserver(function () {
      armAll(toasts);
    }).observe(toasts, { childList: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }

  window.helpdesk = Object.assign(window.helpdesk || {}, { toast: toast, copy: copy, icon: icon, csrfToken: csrfToken });
})();
