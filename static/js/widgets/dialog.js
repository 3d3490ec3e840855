/*
 * Dialogs: one <dialog> behaviour for every page, and the one way to ask "are you sure?" (SPEC X3).
 *
 * - <dialog class="dialog"> with a [data-dialog-body]: content htmx swaps into the body opens the
 *   dialog as a modal, with focus on the new content's [autofocus] element, else its first field,
 *   link or button; an empty answer swapped into it (a form that succeeded) closes it.
 *   [data-dialog-close] inside an open dialog closes it (a link that closes stays a link where the
 *   same content is a page of its own). Escape closes too, and the browser gives focus back to
 *   where it was.
 * - Confirmation: hx-confirm="Question?" on htmx elements, data-confirm="Question?" on a plain form
 *   or on one of its submit buttons. Both ask in the same dialog, never window.confirm.
 *   data-confirm-label names the confirming button ("Archive"; "OK" if absent) and
 *   data-confirm-danger paints it red. The confirming button has focus, so Enter confirms; Escape
 *   or Cancel does nothing at all.
 * - Scripts: helpdesk.dialog.confirm(question, {label, danger}) resolves to true or false;
 *   helpdesk.dialog.open(dialog) and helpdesk.dialog.close(dialog).
 */
(function () {
  "use strict";

  window.helpdesk = window.helpdesk || {};
  if (window.helpdesk.dialog) return;

  var FOCUSABLE = "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), a[href], button:not([disabled])";

  function focusIn(scope) {
    var target = scope.querySelector("[autofocus]") || scope.querySelector(FOCUSABLE);
    if (target) target.focus();
  }

  function open(box, scope) {
    if (!box.open) box.showModal();
    focusIn(scope || box);
  }

  function close(box) {
    if (box && box.open) box.close();
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var body = event.detail.target;
    if (!body || !body.matches || !body.matches("[data-dialog-body]")) return;
    var box = body.closest("dialog");
    if (!box) return;
    if (body.children.length) open(box, body);
    else close(box); // a form that succeeded answers with nothing: its dialog is done
  });

  document.addEventListener("click", function (event) {
    var closer = event.target.closest && event.target.closest("[data-dialog-close]");
    var box = closer && closer.closest("dialog");
    if (!box || !box.open) return;
    event.preventDefault();
    close(box);
  });

  // --- confirmation ---------------------------------------------------------------------------

  var confirmBox = null;
  var settle = null;

  function confirmDialog() {
    if (confirmBox && confirmBox.isConnected) return confirmBox;
    var box = document.createElement("dialog");
    box.id = "confirm-dialog";
    box.className = "dialog dialog-confirm";
    box.setAttribute("role", "alertdialog");
    box.setAttribute("aria-labelledby", "confirm-dialog-question");
    // method=dialog: either button closes the dialog with its value as returnValue.
    box.innerHTML =
      '<form method="dialog" class="dialog-confirm-form">' +
      '<p class="dialog-confirm-question" id="confirm-dialog-question"></p>' +
      '<div class="dialog-actions">' +
      '<button type="submit" value="cancel" class="btn btn-secondary" data-confirm-cancel>Cancel</button>' +
      '<button type="submit" value="confirm" class="btn btn-primary" data-confirm-accept>OK</button>' +
      "</div></form>";
    // Keys pressed in the question answer it, and nothing behind it (Escape must not also close
    // the peek panel or a menu).
    box.addEventListener("keydown", function (event) {
      event.stopPropagation();
    });
    box.addEventListener("close", function () {
      var done = settle;
      settle = null;
      if (done) done(box.returnValue === "confirm");
    });
    document.body.appendChild(box);
    confirmBox = box;
    return box;
  }

  function ask(question, options) {
    options = options || {};
    var box = confirmDialog();
    if (settle) {
      settle(false); // a second question replaces an unanswered one
      settle = null;
    }
    box.querySelector(".dialog-confirm-question").textContent = question; // text: questions quote user input
    var accept = box.querySelector("[data-confirm-accept]");
    accept.textContent = options.label || "OK";
    accept.className = "btn " + (options.danger ? "btn-danger" : "btn-primary");
    box.returnValue = "";
    return new Promise(function (resolve) {
      settle = resolve;
      if (!box.open) box.showModal();
      accept.focus();
    });
  }

  function optionsFrom(element) {
    var labelled = element.closest("[data-confirm-label]");
    return {
      label: labelled ? labelled.getAttribute("data-confirm-label") : "",
      danger: !!element.closest("[data-confirm-danger]"),
    };
  }

  // hx-confirm: htmx asks us instead of window.confirm, and sends the request once confirmed.
  document.addEventListener("htmx:confirm", function (event) {
    var question = event.detail.question;
    if (!question) return;
    event.preventDefault();
    ask(question, optionsFrom(event.detail.elt)).then(function (ok) {
      if (ok) event.detail.issueRequest(true);
    });
  });

  // data-confirm: held in the capture phase, before htmx or the browser act on the submit, then
  // submitted again (with the same button, so its name and value go along) once confirmed.
  var confirmedForms = new WeakSet();

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var submitter = event.submitter || null;
      var source = submitter && submitter.hasAttribute("data-confirm") ? submitter : form.hasAttribute("data-confirm") ? form : null;
      if (!source) return;
      if (confirmedForms.has(form)) {
        confirmedForms.delete(form);
        return;
      }
      event.preventDefault();
      event.stopImmediatePropagation();
      ask(source.getAttribute("data-confirm"), optionsFrom(source)).then(function (ok) {
        if (!ok || !form.isConnected) return;
        confirmedForms.add(form);
        if (submitter) form.requestSubmit(submitter);
        else form.requestSubmit();
      });
    },
    true
  );

  window.helpdesk.dialog = { open: open, close: close, confirm: ask };
})();
