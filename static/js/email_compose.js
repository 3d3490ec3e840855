/*
 * The email editor of the ticket page (SPEC D14, D6, B2): a small rich-text editor of our own.
 *
 * - [data-rich-body] is a contenteditable box; the toolbar's [data-command] buttons make bold,
 *   italic, lists and links (Ctrl+B, Ctrl+I, Ctrl+K). Its HTML goes to the hidden
 *   [data-rich-value] field, which the server cleans with nh3: nothing here is trusted.
 * - Every change fires "draft-changed" on the form; the form's autosave element posts the draft
 *   800 ms after the last one (hx-trigger ... delay), so a reload or a live refresh loses nothing.
 * - Ctrl+Enter sends. Changing From shows that mailbox's signature under the editor.
 * - Starting another email while one with content is open asks first.
 * - While it is open the side panel lists reply templates (#email-templates, swapped in out of
 *   band with the editor); "Show the ticket" hides them again.
 * Delegated from document: the editor is swapped in and out by htmx.
 */
(function () {
  "use strict";

  function form(node) {
    return node && node.closest ? node.closest("[data-composer]") : null;
  }

  function sync(composer) {
    var body = composer.querySelector("[data-rich-body]");
    var value = composer.querySelector("[data-rich-value]");
    if (body && value) value.value = body.innerHTML;
  }

  function changed(composer) {
    sync(composer);
    composer.dispatchEvent(new CustomEvent("draft-changed", { bubbles: false }));
  }

  document.addEventListener("input", function (event) {
    var composer = form(event.target);
    if (composer && !event.target.matches("[data-composer-upload], [data-link-input]")) changed(composer);
  });

  document.addEventListener("change", function (event) {
    var composer = form(event.target);
    if (!composer || event.target.matches("[data-composer-upload], [data-link-input]")) return;
    if (event.target.matches("[data-composer-from]")) showSignature(composer, event.target);
    changed(composer);
  });

  // Every request from the editor carries the body as it is now.
  document.addEventListener("htmx:configRequest", function (event) {
    var composer = form(event.detail.elt);
    if (!composer) return;
    var body = composer.querySelector("[data-rich-body]");
    if (body) event.detail.parameters.body_html = body.innerHTML;
  });

  function showSignature(composer, select) {
    var preview = composer.querySelector("[data-signature-preview]");
    if (!preview) return;
    var option = select.options[select.selectedIndex];
    var text = (option && option.dataset.signature) || "";
    preview.textContent = "";
    preview.hidden = !text.trim();
    ["-- "].concat(text.split(/\r?\n/)).forEach(function (line, index) {
      if (index) preview.appendChild(document.createElement("br"));
      preview.appendChild(document.createTextNode(line));
    });
  }

  // --- formatting ------------------------------------------------------------------------------

  var savedRange = null;

  function saveSelection(body) {
    var selection = window.getSelection();
    if (selection.rangeCount && body.contains(selection.anchorNode)) savedRange = selection.getRangeAt(0).cloneRange();
  }

  function restoreSelection(body) {
    body.focus();
    if (!savedRange) return;
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(savedRange);
  }

  function openLinkRow(composer) {
    var body = composer.querySelector("[data-rich-body]");
    saveSelection(body);
    var row = composer.querySelector("[data-link-row]");
    row.hidden = false;
    var input = row.querySelector("[data-link-input]");
    input.value = "";
    input.focus();
  }

  function closeLinkRow(composer, apply) {
    var row = composer.querySelector("[data-link-row]");
    var body = composer.querySelector("[data-rich-body]");
    var url = row.querySelector("[data-link-input]").value.trim();
    row.hidden = true;
    restoreSelection(body);
    if (!apply || !url) return;
    if (!/^(https?:|mailto:|tel:)/i.test(url)) url = (url.indexOf("@") > 0 ? "mailto:" : "https://") + url;
    var selection = window.getSelection();
    if (selection.isCollapsed) {
      document.execCommand("insertText", false, url);
      var range = selection.getRangeAt(0);
      range.setStart(range.endContainer, Math.max(0, range.endOffset - url.length));
      selection.removeAllRanges();
      selection.addRange(range);
    }
    document.execCommand("createLink", false, url);
    selection.collapseToEnd();
    changed(composer);
  }

  document.addEventListener("mousedown", function (event) {
    // Keep the selection in the editor when a toolbar button is pressed.
    if (event.target.closest("[data-command]")) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    var composer = form(event.target);
    if (!composer) return;
    var button = event.target.closest("[data-command]");
    if (button) {
      var command = button.dataset.command;
      if (command === "createLink") return openLinkRow(composer);
      composer.querySelector("[data-rich-body]").focus();
      document.execCommand(command, false, null);
      changed(composer);
      return;
    }
    if (event.target.closest("[data-link-apply]")) closeLinkRow(composer, true);
    else if (event.target.closest("[data-link-cancel]")) closeLinkRow(composer, false);
  });

  document.addEventListener("keydown", function (event) {
    var composer = form(event.target);
    if (!composer) return;
    var mod = event.ctrlKey || event.metaKey;
    if (event.target.matches("[data-link-input]")) {
      if (event.key === "Enter") {
        event.preventDefault();
        closeLinkRow(composer, true);
      } else if (event.key === "Escape") {
        event.preventDefault();
        closeLinkRow(composer, false);
      }
      return;
    }
    if (mod && event.key === "Enter") {
      event.preventDefault();
      sync(composer);
      composer.requestSubmit();
    } else if (mod && (event.key === "k" || event.key === "K") && event.target.closest("[data-rich-body]")) {
      event.preventDefault();
      openLinkRow(composer);
    }
  });

  // "Show the ticket": the side panel goes back to the ticket's cards while the editor stays open.
  document.addEventListener("click", function (event) {
    var close = event.target.closest && event.target.closest("[data-templates-close]");
    if (!close) return;
    var panel = document.getElementById("email-templates");
    if (panel) panel.hidden = true;
  });

  // --- starting and showing the editor -----------------------------------------------------------

  function hasContent(composer) {
    var body = composer.querySelector("[data-rich-body]");
    return !!(body && body.textContent.trim());
  }

  document.addEventListener("htmx:confirm", function (event) {
    var starter = event.target.closest && event.target.closest("[data-compose-start]");
    var open = document.querySelector("[data-composer]");
    if (!starter || !open || !hasContent(open) || !window.helpdesk || !window.helpdesk.dialog) return;
    event.preventDefault();
    window.helpdesk.dialog
      .confirm("Replace the email you are writing? It is discarded.", { label: "Replace", danger: true })
      .then(function (ok) {
        if (ok) event.detail.issueRequest(true);
      });
  });

  // A new editor (not the same one coming back with errors) gets the focus where typing starts.
  document.addEventListener("htmx:afterSettle", function () {
    var composer = document.querySelector("#composer [data-composer]:not([data-composer-seen])");
    if (!composer) return;
    composer.setAttribute("data-composer-seen", "");
    var menu = document.querySelector(".compose-menu[open]");
    if (menu) menu.removeAttribute("open");
    var invalid = composer.querySelector("[aria-invalid=true]");
    if (invalid) return invalid.focus();
    var to = composer.querySelector("[name=to]");
    var body = composer.querySelector("[data-rich-body]");
    if (to && !to.value.trim()) to.focus();
    else if (body) {
      body.focus();
      var range = document.createRange();
      range.setStart(body, 0);
      range.collapse(true);
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
    }
    composer.scrollIntoView({ block: "nearest" });
  });
})();
