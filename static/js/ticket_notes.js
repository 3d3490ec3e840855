/*
 * The ticket page's left panel: Activities / History tabs, the note composer and the history snapshot.
 *
 * - Tabs (SPEC D2): role=tablist, arrows / Home / End move between tabs, the choice is kept in the
 *   URL hash (#activities, #history) so a reload or a shared link opens the same tab.
 * - Notes (SPEC D5): a live character counter (warning near the limit; Save disabled past it or
 *   when empty), an emoji grid inserted at the caret, @mention autocomplete from a JSON endpoint
 *   (the combobox of static/js/widgets/combobox.js: arrows, Enter/Tab to pick, Escape to close).
 *   The server enforces the same rules.
 * - History (SPEC D7): the entry whose snapshot is open is marked; Close empties the snapshot.
 * - Emails (SPEC D13): "Load remote images" gives one message's images their addresses.
 * Everything is delegated from document, so rows swapped in by htmx work without re-binding.
 */
(function () {
  "use strict";

  var WARN_AT = 0.9; // the counter turns to a warning at 90 % of the limit
  var EMOJI = [
    ["👍", "thumbs up"], ["👎", "thumbs down"], ["👌", "OK"], ["🙏", "thanks"], ["👏", "clap"],
    ["🙌", "hooray"], ["💪", "strong"], ["👀", "looking"], ["✅", "done"], ["❌", "no"],
    ["⚠️", "warning"], ["❗", "important"], ["❓", "question"], ["💡", "idea"], ["📌", "pinned"],
    ["📎", "attachment"], ["📞", "phone"], ["📧", "email"], ["💬", "message"], ["📅", "date"],
    ["⏰", "alarm"], ["⏳", "waiting"], ["🔥", "urgent"], ["🚀", "shipped"], ["🐛", "bug"],
    ["🔧", "fix"], ["🔒", "locked"], ["💰", "money"], ["📦", "parcel"], ["🚚", "delivery"],
    ["🎉", "celebrate"], ["❤️", "heart"], ["😀", "smile"], ["😊", "happy"], ["😉", "wink"],
    ["😅", "phew"], ["🤔", "thinking"], ["😕", "confused"], ["😢", "sad"], ["😡", "angry"],
  ];

  /* ---------------- Tabs ---------------- */

  function panelTabs(root) {
    return Array.prototype.slice.call(root.querySelectorAll('[role="tab"]'));
  }

  function selectTab(tab, focus) {
    var root = tab.closest("[data-left-panel]");
    panelTabs(root).forEach(function (other) {
      var selected = other === tab;
      other.setAttribute("aria-selected", selected ? "true" : "false");
      other.tabIndex = selected ? 0 : -1;
      var panel = document.getElementById(other.getAttribute("aria-controls"));
      if (panel) panel.hidden = !selected;
    });
    if (focus) tab.focus();
    var hash = "#" + tab.getAttribute("data-tab");
    if (window.location.hash !== hash) history.replaceState(history.state, "", hash);
  }

  function tabFromHash() {
    var name = window.location.hash.replace("#", "");
    if (!name) return;
    var tab = document.querySelector('[data-left-panel] [role="tab"][data-tab="' + name + '"]');
    if (tab) selectTab(tab, false);
  }

  document.addEventListener("click", function (event) {
    var tab = event.target.closest('[data-left-panel] [role="tab"]');
    if (tab) selectTab(tab, false);
  });

  document.addEventListener("keydown", function (event) {
    var tab = event.target.closest('[data-left-panel] [role="tab"]');
    if (!tab) return;
    var tabs = panelTabs(tab.closest("[data-left-panel]"));
    var index = tabs.indexOf(tab);
    var next = null;
    if (event.key === "ArrowRight") next = tabs[(index + 1) % tabs.length];
    else if (event.key === "ArrowLeft") next = tabs[(index - 1 + tabs.length) % tabs.length];
    else if (event.key === "Home") next = tabs[0];
    else if (event.key === "End") next = tabs[tabs.length - 1];
    if (next) {
      event.preventDefault();
      selectTab(next, true);
    }
  });

  window.addEventListener("hashchange", tabFromHash);

  /* ---------------- Counter ---------------- */

  function lengthOf(text) {
    // Python counts code points; so does Array.from (an emoji is one, not two UTF-16 units).
    return Array.from(text.trim()).length;
  }

  function updateCounter(input) {
    var form = input.closest("form");
    if (!form) return;
    var max = parseInt(input.getAttribute("data-max"), 10) || 500;
    var length = lengthOf(input.value);
    var counter = form.querySelector("[data-note-counter]");
    var submit = form.querySelector("[data-note-submit]");
    if (counter) {
      counter.textContent = length + " / " + max;
      counter.classList.toggle("is-warning", length >= Math.floor(max * WARN_AT) && length <= max);
      counter.classList.toggle("is-over", length > max);
      counter.setAttribute(
        "aria-label",
        length > max ? length + " characters, " + (length - max) + " over the limit of " + max : length + " of " + max + " characters"
      );
    }
    if (submit) submit.disabled = length === 0 || length > max;
    input.classList.toggle("is-invalid", length > max);
  }

  function initInputs(root) {
    (root || document).querySelectorAll("[data-note-input]").forEach(updateCounter);
  }

  document.addEventListener("input", function (event) {
    var input = event.target.closest && event.target.closest("[data-note-input]");
    if (!input) return;
    updateCounter(input);
    mentionLookup(input);
  });

  /* ---------------- Inserting text at the caret ---------------- */

  function insertAt(input, text, start, end) {
    start = start == null ? input.selectionStart : start;
    end = end == null ? input.selectionEnd : end;
    input.focus();
    input.setRangeText(text, start, end, "end");
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }

  /* ---------------- Emoji picker ---------------- */

  function closeEmoji(picker, focusToggle) {
    var grid = picker.querySelector(".emoji-grid");
    var toggle = picker.querySelector("[data-emoji-toggle]");
    if (grid) grid.hidden = true;
    toggle.setAttribute("aria-expanded", "false");
    if (focusToggle) toggle.focus();
  }

  function openEmoji(picker) {
    var grid = picker.querySelector(".emoji-grid");
    if (!grid) {
      grid = document.createElement("div");
      grid.className = "emoji-grid";
      grid.setAttribute("role", "group");
      grid.setAttribute("aria-label", "Emoji");
      EMOJI.forEach(function (item) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "emoji-option";
        button.setAttribute("data-emoji", item[0]);
        button.setAttribute("aria-label", item[1]);
        button.title = item[1];
        button.textContent = item[0];
        grid.appendChild(button);
      });
      picker.appendChild(grid);
    }
    grid.hidden = false;
    picker.querySelector("[data-emoji-toggle]").setAttribute("aria-expanded", "true");
    grid.querySelector("button").focus();
  }

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-emoji-toggle]");
    if (toggle) {
      var picker = toggle.closest("[data-emoji-picker]");
      var input = picker.closest("form").querySelector("[data-note-input]");
      // Remember the caret: focusing the grid moves it away from the textarea.
      picker._caret = [input.selectionStart, input.selectionEnd];
      if (toggle.getAttribute("aria-expanded") === "true") closeEmoji(picker, false);
      else openEmoji(picker);
      return;
    }
    var option = event.target.closest("[data-emoji]");
    if (option) {
      var owner = option.closest("[data-emoji-picker]");
      var field = owner.closest("form").querySelector("[data-note-input]");
      var caret = owner._caret || [field.value.length, field.value.length];
      insertAt(field, option.getAttribute("data-emoji"), caret[0], caret[1]);
      owner._caret = null;
      closeEmoji(owner, false);
      return;
    }
    document.querySelectorAll("[data-emoji-picker]").forEach(function (picker) {
      if (!picker.contains(event.target)) closeEmoji(picker, false);
    });
    // A click elsewhere, the textarea included (the caret moved), ends the mention being typed.
    if (!event.target.closest(".mention-list")) closeMentions();
  });

  document.addEventListener("keydown", function (event) {
    var grid = event.target.closest && event.target.closest(".emoji-grid");
    if (!grid) return;
    var options = Array.prototype.slice.call(grid.querySelectorAll("button"));
    var index = options.indexOf(event.target);
    var perRow = 8;
    var moves = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: perRow, ArrowUp: -perRow };
    if (event.key === "Escape") {
      event.preventDefault();
      closeEmoji(grid.closest("[data-emoji-picker]"), true);
    } else if (moves[event.key] !== undefined) {
      event.preventDefault();
      var next = options[index + moves[event.key]];
      if (next) next.focus();
    }
  });

  /* ---------------- @mention autocomplete ---------------- */

  // The composer ([data-note-compose]) is a combobox in suggest mode (static/js/widgets/combobox.js):
  // its list shows only while the text before the caret is an @mention being typed.
  var mention = { input: null, list: null, start: -1, request: 0, timer: null };
  var MENTION_BEFORE_CARET = /(^|[^\w@])@([\w.+-]{1,30})$/;

  function mentionList() {
    if (!mention.list) {
      var list = document.createElement("ul");
      list.className = "mention-list";
      list.id = "mention-list";
      list.setAttribute("role", "listbox");
      list.setAttribute("aria-label", "Agents to mention");
      list.setAttribute("data-combobox-list", "");
      list.hidden = true;
      mention.list = list;
    }
    return mention.list;
  }

  function closeMentions() {
    var compose = mention.list && mention.list.closest("[data-note-compose]");
    if (compose) window.helpdesk.combobox.close(compose);
  }

  function mentionLookup(input) {
    var before = input.value.slice(0, input.selectionStart);
    var match = MENTION_BEFORE_CARET.exec(before);
    if (!match) {
      closeMentions();
      return;
    }
    var query = match[2];
    mention.start = input.selectionStart - query.length - 1;
    clearTimeout(mention.timer);
    mention.timer = setTimeout(function () {
      var ticket = ++mention.request;
      var url = input.getAttribute("data-mentions-url") + "?q=" + encodeURIComponent(query);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          if (ticket !== mention.request) return; // a newer keystroke won
          showMentions(input, data.results || []);
        })
        .catch(closeMentions);
    }, 120);
  }

  function showMentions(input, results) {
    var list = mentionList();
    var compose = input.closest("[data-note-compose]");
    if (list.parentNode !== compose) {
      closeMentions();
      compose.appendChild(list);
    }
    mention.input = input;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    list.innerHTML = "";
    results.forEach(function (user, index) {
      var item = document.createElement("li");
      item.id = "mention-option-" + index;
      item.className = "mention-option";
      item.setAttribute("role", "option");
      item.setAttribute("data-value", user.username);
      var name = document.createElement("span");
      name.className = "mention-name";
      name.textContent = user.name;
      var handle = document.createElement("span");
      handle.className = "mention-handle";
      handle.textContent = "@" + user.username;
      item.appendChild(name);
      item.appendChild(handle);
      list.appendChild(item);
    });
    window.helpdesk.combobox.refresh(compose);
  }

  document.addEventListener("combobox:pick", function (event) {
    var input = event.detail.input;
    if (!input || input !== mention.input || !input.matches("[data-note-input]")) return;
    insertAt(input, "@" + event.detail.value + " ", mention.start, input.selectionStart);
  });

  /* ---------------- htmx hooks ---------------- */

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    // A note saved: the list came back with it on top; clear the composer.
    if (form && form.id === "note-form" && event.detail.xhr && event.detail.xhr.status === 200) {
      var input = form.querySelector("[data-note-input]");
      if (input) {
        input.value = "";
        updateCounter(input);
      }
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    initInputs(event.detail.elt && event.detail.elt.parentNode ? event.detail.elt.parentNode : document);
    var input = event.detail.elt && event.detail.elt.querySelector && event.detail.elt.querySelector(".note-edit-form [data-note-input]");
    if (input) {
      input.focus();
      input.setSelectionRange(input.value.length, input.value.length);
    }
  });

  // A refusal comes with its own message (a toast from HX-Trigger): no second, generic one.
  document.addEventListener(
    "htmx:responseError",
    function (event) {
      var xhr = event.detail.xhr;
      var inPanel = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("[data-left-panel]");
      if (inPanel && xhr && /"messages"/.test(xhr.getResponseHeader("HX-Trigger") || "")) {
        event.stopImmediatePropagation();
      }
    },
    true
  );

  /* ---------------- History snapshot ---------------- */

  document.addEventListener("click", function (event) {
    var open = event.target.closest("[data-as-was]");
    if (open) {
      document.querySelectorAll("[data-as-was]").forEach(function (button) {
        var mine = button === open;
        button.setAttribute("aria-expanded", mine ? "true" : "false");
        button.closest(".history-entry").classList.toggle("is-selected", mine);
      });
      return;
    }
    var reset = event.target.closest("[data-snapshot-reset]");
    if (reset) {
      document.querySelectorAll("[data-as-was]").forEach(function (button) {
        button.setAttribute("aria-expanded", "false");
        button.closest(".history-entry").classList.remove("is-selected");
      });
      return;
    }
    var close = event.target.closest("[data-snapshot-close]");
    if (close) {
      var region = document.getElementById("history-snapshot");
      if (region) region.innerHTML = "";
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    // Bring the snapshot into view when it opens from an entry far down the list.
    if (event.detail.target && event.detail.target.id === "history-snapshot" && event.detail.target.firstElementChild) {
      event.detail.target.scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
  });

  /* ---------------- Email: remote images on request ---------------- */

  // An email's remote images come with their address in data-remote-src, so nothing is fetched
  // (no tracking pixel fires) until the agent asks for this one message's images.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-load-images]");
    if (!button) return;
    var item = button.closest(".activity");
    item.querySelectorAll("[data-email-body] img[data-remote-src]").forEach(function (image) {
      image.setAttribute("src", image.getAttribute("data-remote-src"));
      image.removeAttribute("data-remote-src");
    });
    var body = item.querySelector("[data-email-body]");
    button.remove();
    if (body) {
      body.setAttribute("tabindex", "-1");
      body.focus();
    }
  });

  function start() {
    tabFromHash();
    initInputs(document);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
