/*
 * The bell (SPEC N1): its unread count stays current without a reload.
 *
 * Where the server says notifications are pushed (a shared channel layer), a WebSocket to
 * /ws/notifications/ brings each change; if it closes, or where nothing is pushed (the embedded
 * default, whose workers cannot reach the web process), the count is polled (every 20 seconds
 * by default, HELPDESK_NOTIFICATION_POLL_SECONDS),
 * and at once when the tab becomes visible again. A socket asks once when it opens, so nothing
 * that arrived while the page loaded is missed. A new item also shows a toast.
 */
(function () {
  "use strict";

  var bell = document.querySelector("[data-bell]");
  if (!bell) return;
  var POLL_EVERY = (parseInt(bell.dataset.pollSeconds, 10) || 20) * 1000;
  var badge = document.getElementById("unread-count");
  var known = badge && !badge.hidden ? parseInt(badge.textContent, 10) || 0 : 0;
  var latestSeen = null;
  var timer = null;

  function show(count, title) {
    if (badge) {
      badge.hidden = count < 1;
      badge.textContent = count > 99 ? "99+" : String(count);
    }
    bell.setAttribute("aria-label", count ? "Notifications, " + count + " unread" : "Notifications");
    if (title && count > known && window.helpdesk && window.helpdesk.toast) {
      window.helpdesk.toast(title, "info");
    }
    known = count;
    document.dispatchEvent(new CustomEvent("helpdesk:unread", { detail: { unread: count } }));
  }

  function poll() {
    fetch(bell.dataset.unreadUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) return;
        var latest = data.latest;
        // The first answer has nothing to compare ids with: a count above the one the page was
        // rendered with means something arrived since, and the newest unread item is it.
        var fresh = latest && (latestSeen === null ? data.unread > known : latest.id !== latestSeen);
        show(data.unread, fresh ? latest.title : null);
        latestSeen = latest ? latest.id : 0;
      })
      .catch(function () {});
  }

  function startPolling() {
    if (timer) return;
    poll();
    timer = setInterval(function () {
      if (!document.hidden) poll();
    }, POLL_EVERY);
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden) poll();
    });
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket;
    try {
      socket = new WebSocket(scheme + location.host + "/ws/notifications/");
    } catch (error) {
      startPolling();
      return;
    }
    // What arrived between the page's render and the subscription is caught up once.
    socket.addEventListener("open", poll);
    socket.addEventListener("message", function (event) {
      var data = JSON.parse(event.data);
      show(data.unread, data.title || null);
    });
    socket.addEventListener("close", startPolling);
  }

  if (bell.dataset.pushed === "1" && "WebSocket" in window) {
    connect();
  } else {
    startPolling();
  }
})();
