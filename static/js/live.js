/*
 * Live collaboration (SPEC D11, D12, X1).
 *
 * - A ticket page or peek ([data-live-ticket]) holds a WebSocket to /ws/tickets/<id>/. It says
 *   whether this page is editing (the form is in edit mode with unsaved input or focus in it),
 *   heartbeats every few seconds, shows who else is viewing or editing ([data-presence]), and
 *   refreshes the parts someone else changed. A form with unsaved input is never replaced: a
 *   notice offers the new values instead, and says whether Save would keep both changes or be
 *   refused because the person changed one of the same fields (D3).
 * - Pages with the open ticket tabs or the list hold a WebSocket to /ws/tickets/: a tab gets a dot
 *   when someone else changes its ticket, and the list offers to refresh.
 * Sockets reconnect by themselves after a server restart or a lost network.
 */
(function () {
  "use strict";

  var me = parseInt(document.body.dataset.userId || "0", 10);
  if (!me || !("WebSocket" in window)) return;
  var scheme = location.protocol === "https:" ? "wss://" : "ws://";

  // A server that never accepted a socket (no WebSocket support behind this address) is asked
  // three times, then left alone: the page works without live updates. One that did accept is
  // asked again and again (a restart, a lost network), up to every 30 seconds.
  var NEVER_OPENED_TRIES = 3;

  function socket(path, handlers) {
    var ws = null;
    var closed = false;
    var wait = 1000;
    var opened = false;
    var failures = 0;
    function open() {
      ws = new WebSocket(scheme + location.host + path);
      ws.addEventListener("open", function () {
        wait = 1000;
        opened = true;
        if (handlers.open) handlers.open();
      });
      ws.addEventListener("message", function (event) {
        var data;
        try {
          data = JSON.parse(event.data);
        } catch (error) {
          return;
        }
        handlers.message(data);
      });
      ws.addEventListener("close", function (event) {
        if (closed || event.code === 4403) return;
        if (!opened && ++failures >= NEVER_OPENED_TRIES) return;
        setTimeout(open, wait);
        wait = Math.min(wait * 2, 30000);
      });
    }
    open();
    return {
      send: function (data) {
        if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(data));
      },
      close: function () {
        closed = true;
        if (ws) ws.close();
      },
    };
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text; // never innerHTML: names are user text
    return node;
  }

  function describe(others) {
    var editors = others.filter(function (person) {
      return person.editing;
    });
    if (others.length === 1) return others[0].name + (editors.length ? " is editing" : " is viewing");
    var text = others.length + " others here";
    if (editors.length === 1) return text + " · " + editors[0].name + " is editing";
    if (editors.length > 1) return text + " · " + editors.length + " editing";
    return text;
  }

  function renderPresence(root, people) {
    var others = people.filter(function (person) {
      return person.id !== me;
    });
    root.querySelectorAll("[data-presence]").forEach(function (box) {
      box.textContent = "";
      box.classList.toggle("is-empty", others.length === 0);
      if (!others.length) return;
      var faces = el("span", "presence-faces");
      others.slice(0, 5).forEach(function (person) {
        var face = el("span", "avatar av-" + person.colour + " presence-face" + (person.editing ? " is-editing" : ""), person.initials);
        face.title = person.name + (person.editing ? " · editing" : " · viewing");
        face.setAttribute("data-presence-person", person.name);
        face.setAttribute("aria-hidden", "true");
        if (person.editing) face.appendChild(el("span", "presence-pencil"));
        faces.appendChild(face);
      });
      if (others.length > 5) faces.appendChild(el("span", "presence-more", "+" + (others.length - 5)));
      box.appendChild(faces);
      box.appendChild(el("span", "presence-text", describe(others)));
    });
  }

  // --- a ticket page or peek ---------------------------------------------------------------------

  var SWAPPED = [
    "ticket-header", "archive-control", "ticket-description", "ticket-tags", "ticket-links",
    "ticket-attachments", "ticket-time-spent", "activity-list", "history-list",
  ];

  function formState() {
    var form = document.querySelector("#ticket-form form");
    return { open: !!form, form: form };
  }

  function TicketLive(root) {
    var id = root.dataset.liveTicket;
    var beat = (parseInt(root.dataset.heartbeat, 10) || 15) * 1000;
    var people = [];
    var dirty = false;
    var editing = false;
    var pendingNotice = null;
    var theirFields = []; // what others changed since this edit began
    var timer = null;

    function computeEditing() {
      var state = formState();
      if (root.dataset.livePeek || !state.open) return false;
      return dirty || state.form.contains(document.activeElement);
    }

    function report() {
      var now = computeEditing();
      if (now !== editing) {
        editing = now;
        live.send({ type: "editing", editing: editing });
      }
    }

    var live = socket("/ws/tickets/" + id + "/", {
      open: function () {
        editing = computeEditing();
        live.send({ type: "heartbeat", editing: editing });
      },
      message: function (data) {
        if (data.type === "presence") {
          people = data.people || [];
          renderPresence(root, people);
        } else if (data.type === "change" && data.actor !== me) {
          schedule(data);
        }
      },
    });

    timer = setInterval(function () {
      if (!root.isConnected) return stop();
      editing = computeEditing();
      live.send({ type: "heartbeat", editing: editing });
    }, beat);

    function stop() {
      clearInterval(timer);
      live.close();
      observer.disconnect();
    }

    var observer = new MutationObserver(function () {
      if (!root.isConnected) stop();
    });
    observer.observe(document.body, { childList: true, subtree: true });

    if (!root.dataset.livePeek) {
      document.addEventListener("input", function (event) {
        if (event.target.closest("#ticket-form form")) {
          dirty = true;
          report();
        }
      });
      document.addEventListener("focusin", report);
      document.addEventListener("focusout", function () {
        setTimeout(report, 0);
      });
      document.addEventListener("htmx:afterSwap", function (event) {
        var target = event.detail.target;
        if (target && target.id === "ticket-form" && !formState().open) dirty = false;
        if (target && (target.id === "ticket-form" || target.id === "ticket-header")) {
          report();
          renderPresence(root, people);
        }
      });
    }

    // Changes that come in a burst (a bulk edit, a colleague saving twice) are fetched once.
    var pending = null;
    function schedule(change) {
      if (pending && pending.kind === "delivery" && change.kind !== "delivery") {
        pending = change; // a real change refreshes everything, the delivery included
        return;
      }
      if (pending) {
        pending.labels = (pending.labels || []).concat(
          (change.labels || []).filter(function (label) {
            return (pending.labels || []).indexOf(label) < 0;
          })
        );
        return;
      }
      pending = change;
      setTimeout(function () {
        var latest = pending;
        pending = null;
        if (root.dataset.livePeek) refreshPeek();
        else refreshPage(latest);
      }, 250);
    }

    function refreshPeek() {
      var aside = root.closest("#peek") || root.parentNode;
      if (window.htmx && aside && aside.id) {
        window.htmx.ajax("GET", root.dataset.livePeek, { target: "#" + aside.id, swap: "innerHTML" });
      }
    }

    function refreshPage(change) {
      fetch(root.dataset.liveUrl, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) {
          return response.ok ? response.text() : null;
        })
        .then(function (html) {
          if (!html) return;
          var fresh = new DOMParser().parseFromString(html, "text/html");
          if (change.kind === "delivery") {
            // A message's delivery state moved: only the Activities show it; the ticket did not change.
            if (!document.querySelector(".activity.is-editing")) swap("activity-list", fresh);
            return;
          }
          SWAPPED.forEach(function (part) {
            if (part === "activity-list" && document.querySelector(".activity.is-editing")) return;
            swap(part, fresh);
          });
          if (computeEditing() || dirty) {
            showNotice(change, fresh);
          } else {
            swap("ticket-form", fresh);
          }
          renderPresence(root, people);
        });
    }

    function swap(part, fresh) {
      var current = document.getElementById(part);
      var replacement = fresh.getElementById(part);
      if (!current || !replacement) return;
      var node = document.importNode(replacement, true);
      current.replaceWith(node);
      if (window.htmx) window.htmx.process(node);
    }

    // What the person changed in the form: each field posts the value it was loaded with beside its
    // own (initial-<name>), as the server compares them; names as the history knows them.
    function editedFields(form) {
      var values = {};
      var checkable = {};
      Array.prototype.forEach.call(form ? form.elements : [], function (control) {
        if (!control.name || control.name === "version" || control.name === "csrfmiddlewaretoken") return;
        var list = values[control.name] || (values[control.name] = []);
        if (control.type === "checkbox" || control.type === "radio") {
          checkable[control.name] = true;
          if (control.checked) list.push(control.value);
        } else {
          list.push(control.value);
        }
      });
      return Object.keys(values).filter(function (name) {
        if (name.indexOf("initial-") === 0) return false;
        var loaded = values["initial-" + name] || (checkable[name] ? [] : null);
        return loaded !== null && loaded.slice().sort().join("\u0000") !== values[name].slice().sort().join("\u0000");
      }).map(function (name) {
        if (name === "customer") return "contact";
        return name.indexOf("cf_") === 0 ? "custom:" + name.slice(3) : name;
      });
    }

    function clashes(theirs, mine) {
      return theirs.some(function (field) {
        if (mine.indexOf(field) >= 0) return true;
        // Which custom fields a ticket has depends on its category.
        return field === "category" && mine.some(function (name) { return name.indexOf("custom:") === 0; });
      });
    }

    function showNotice(change, fresh) {
      var card = document.getElementById("ticket-form");
      if (!card) return;
      pendingNotice = fresh;
      var notice = card.querySelector("[data-live-notice]");
      if (!notice) {
        theirFields = []; // a new notice: a form not shown with one before
        notice = el("div", "live-notice");
        notice.setAttribute("data-live-notice", "");
        notice.setAttribute("role", "status");
        var text = el("span", "live-notice-text");
        var button = el("button", "btn btn-secondary btn-sm", "Discard my edits and show theirs");
        button.type = "button";
        button.addEventListener("click", function () {
          dirty = false;
          if (pendingNotice) swap("ticket-form", pendingNotice);
          pendingNotice = null;
          theirFields = [];
          report();
        });
        notice.appendChild(text);
        notice.appendChild(button);
        var header = card.querySelector(".card-header");
        if (header) header.insertAdjacentElement("afterend", notice);
        else card.prepend(notice);
      }
      (change.fields || []).forEach(function (field) {
        if (theirFields.indexOf(field) < 0) theirFields.push(field);
      });
      var what = (change.labels || []).join(", ") || "the ticket";
      var outcome = clashes(theirFields, editedFields(card.querySelector("form")))
        ? "You changed that too: your input is kept, but saving it would be refused."
        : "Your input is kept, and saving it keeps their change.";
      notice.querySelector(".live-notice-text").textContent =
        (change.actor_name || "Someone") + " changed " + what + " while you were editing. " + outcome;
    }
  }

  function initTickets(scope) {
    scope = scope || document;
    var roots = Array.prototype.slice.call(scope.querySelectorAll("[data-live-ticket]"));
    if (scope.matches && scope.matches("[data-live-ticket]")) roots.unshift(scope);
    roots.forEach(function (root) {
      if (root.dataset.liveStarted) return;
      root.dataset.liveStarted = "1";
      TicketLive(root);
    });
  }

  // --- the list and the open ticket tabs ----------------------------------------------------------

  function initList() {
    if (!document.querySelector("[data-open-tabs]") && !document.querySelector("[data-list-hint]")) return;
    var changed = {};

    function hideHint() {
      changed = {};
      var hint = document.querySelector("[data-list-hint]");
      if (hint) hint.hidden = true;
    }

    socket("/ws/tickets/", {
      open: function () {
        document.body.dataset.liveList = "open"; // for whoever needs to know changes will be heard
      },
      message: function (data) {
        if (data.type !== "change" || data.actor === me) return;
        var current = document.querySelector("[data-live-ticket]:not([data-live-peek])");
        var onIt = current && String(data.ticket) === current.dataset.liveTicket;
        document.querySelectorAll('.open-tab[data-ticket-id="' + data.ticket + '"]').forEach(function (tab) {
          if (onIt || tab.classList.contains("is-active")) return;
          tab.classList.add("has-update");
          var label = tab.querySelector("[data-update-label]");
          if (label) label.textContent = " (changed since you last looked)";
        });
        var hint = document.querySelector("[data-list-hint]");
        if (!hint) return;
        changed[data.ticket] = true;
        var count = Object.keys(changed).length;
        hint.querySelector("[data-list-hint-text]").textContent =
          count === 1
            ? "A ticket was added or changed since this list was loaded."
            : count + " tickets were added or changed since this list was loaded.";
        hint.hidden = false;
      },
    });

    document.addEventListener("click", function (event) {
      if (!event.target.closest("[data-list-refresh]")) return;
      hideHint();
      if (window.htmx) {
        window.htmx.ajax("GET", location.pathname + location.search, { target: "#list-region", swap: "innerHTML" });
      }
    });
    document.addEventListener("htmx:afterSwap", function (event) {
      var target = event.detail.target;
      if (target && (target.id === "list-region" || target.id === "list-main")) hideHint();
    });
  }

  initTickets(document);
  initList();
  document.addEventListener("htmx:load", function (event) {
    initTickets(event.target);
  });
})();
