/*
 * Sending and logging from the Activities tab, and each activity's "⋯" actions (SPEC D6, D14).
 *
 * - The compose menu's choices load their form into #compose-area; Cancel (or Escape in the form)
 *   empties it and gives focus back to the menu.
 * - The SMS form counts as you type: characters and SMS segments, GSM-7 or UCS-2, the way
 *   notifications/sms.py:sms_length counts them (160 / 153 per part; 70 / 67 once any character
 *   is outside the GSM alphabet). Picking a template fills in the text.
 * - The move dialog's search gets its options from the server; the picker itself is the one of
 *   static/js/ticket_relations.js (a pick submits the form).
 */
(function () {
  "use strict";

  if (window.helpdeskCompose) return;
  window.helpdeskCompose = true;

  var GSM_BASIC =
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var GSM_EXTENDED = "\f^{}\\[~]|€";

  function smsLength(text) {
    var gsm = true;
    var septets = 0;
    for (var i = 0; i < text.length; i++) {
      var char = text.charAt(i);
      if (GSM_EXTENDED.indexOf(char) >= 0) septets += 2;
      else if (GSM_BASIC.indexOf(char) >= 0) septets += 1;
      else { gsm = false; break; }
    }
    var units = gsm ? septets : text.length; // a JavaScript string counts UTF-16 code units, as UCS-2 does
    var single = gsm ? 160 : 70;
    var multi = gsm ? 153 : 67;
    var segments = units === 0 ? 0 : units <= single ? 1 : Math.ceil(units / multi);
    return { encoding: gsm ? "GSM-7" : "UCS-2", units: units, segments: segments };
  }

  function updateCounter(form) {
    var body = form.querySelector("[data-sms-body]");
    var counter = form.querySelector("[data-sms-counter]");
    if (!body || !counter) return;
    var length = smsLength(body.value);
    var max = parseInt(form.getAttribute("data-max-segments"), 10) || 10;
    counter.textContent =
      length.units + " character" + (length.units === 1 ? "" : "s") + " · " + length.segments + " SMS · " + length.encoding;
    counter.classList.toggle("is-over", length.segments > max);
    counter.classList.toggle("is-warning", length.segments > 1 && length.segments <= max);
  }

  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("[data-sms-form]");
    if (form && event.target.matches("[data-sms-body]")) updateCounter(form);
  });

  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("[data-template-pick]")) return;
    var option = select.options[select.selectedIndex];
    var form = select.closest("[data-sms-form]");
    if (!option || !option.value || !form) return;
    var body = form.querySelector("[data-sms-body]");
    body.value = option.getAttribute("data-body") || "";
    updateCounter(form);
    body.focus();
  });

  function closeCompose(area) {
    area.textContent = "";
    var toggle = document.querySelector(".compose-menu > summary");
    if (toggle) toggle.focus();
  }

  document.addEventListener("click", function (event) {
    var closer = event.target.closest && event.target.closest("[data-compose-close]");
    if (closer) {
      event.preventDefault();
      closeCompose(closer.closest("#compose-area") || document.getElementById("compose-area"));
      return;
    }
    // Picking from the compose menu closes the menu.
    var opener = event.target.closest && event.target.closest("[data-compose-open]");
    if (opener) {
      var menu = opener.closest("details[data-menu]");
      if (menu) menu.removeAttribute("open");
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    var area = event.target.closest && event.target.closest("#compose-area");
    if (area && area.children.length) {
      event.preventDefault();
      closeCompose(area);
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (!target) return;
    if (target.id === "compose-area") {
      var form = target.querySelector("[data-compose]");
      if (form) {
        if (form.matches("[data-sms-form]")) updateCounter(form);
        var invalid = form.querySelector("[aria-invalid=true]");
        var first = invalid || form.querySelector("textarea, input:not([type=hidden]):not([type=radio]), select");
        if (first) first.focus();
      }
    } else if (target.id === "move-results" && window.helpdesk && window.helpdesk.combobox) {
      window.helpdesk.combobox.refresh(target.closest("[data-combobox]"));
    }
    // A menu item that opened a dialog or a form leaves its menu closed.
    if (target.id === "activity-dialog-body" || target.id === "compose-area") {
      document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
        menu.removeAttribute("open");
      });
    }
  });
})();
