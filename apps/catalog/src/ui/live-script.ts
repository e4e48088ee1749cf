export const LIVE_SCRIPT_PATH = '/ui/live.js';
export const LIVE_EVENTS_PATH = '/live/events';

/**
 * The one script the UI runs (served from this origin; the CSP allows no other). It listens to the catalog's
 * server-sent change events and, when a change concerns the page (its body's `data-live` topics), fetches the page
 * again and swaps in its `data-live-region` elements, at most about three times a second. A page whose entity is gone
 * shows the not-found page in place. `data-live-poll` refreshes on a timer instead. The body's `data-live-state` says
 * whether the stream is open (the header's "live" dot), and `data-refreshes` counts the swaps.
 */
export const LIVE_SCRIPT = `(function () {
  'use strict';
  var body = document.body;
  var topics = (body.getAttribute('data-live') || '').split(' ').filter(Boolean);
  var pollSeconds = Number(body.getAttribute('data-live-poll') || 0);
  var timer = null;
  var busy = false;
  var again = false;

  function schedule(delay) {
    if (timer !== null) return;
    timer = setTimeout(function () { timer = null; refresh(); }, delay);
  }

  function swap(html, status) {
    var fresh = new DOMParser().parseFromString(html, 'text/html');
    var regions = document.querySelectorAll('[data-live-region]');
    var missing = status === 404 || regions.length === 0;
    regions.forEach(function (region) {
      var next = fresh.getElementById(region.id);
      if (next) region.replaceWith(document.importNode(next, true));
      else missing = true;
    });
    if (missing) {
      var main = fresh.querySelector('main');
      if (main) document.querySelector('main').replaceWith(document.importNode(main, true));
    }
    body.setAttribute('data-refreshes', String(Number(body.getAttribute('data-refreshes') || 0) + 1));
  }

  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(location.href, { cache: 'no-store', credentials: 'same-origin' })
      .then(function (response) { return response.text().then(function (text) { swap(text, response.status); }); })
      .catch(function () { /* the next change or reconnect tries again */ })
      .then(function () {
        busy = false;
        if (again) { again = false; schedule(0); }
      });
  }

  function concerns(change) {
    return topics.indexOf('*') >= 0 || topics.indexOf('blueprint:' + change.blueprint) >= 0;
  }

  if (topics.length > 0 && 'EventSource' in window) {
    var source = new EventSource('${LIVE_EVENTS_PATH}');
    var dropped = false;
    source.addEventListener('open', function () {
      body.setAttribute('data-live-state', 'open');
      // Changes made while the stream was down were not sent: catch up.
      if (dropped) schedule(0);
      dropped = false;
    });
    source.addEventListener('error', function () { dropped = true; body.setAttribute('data-live-state', 'reconnecting'); });
    source.addEventListener('change', function (event) {
      var change;
      try { change = JSON.parse(event.data); } catch (error) { return; }
      if (concerns(change)) schedule(300);
    });
    source.addEventListener('resync', function () { schedule(0); });
    window.addEventListener('pagehide', function () { source.close(); });
  }
  if (pollSeconds > 0) setInterval(function () { schedule(0); }, pollSeconds * 1000);
})();
`;
