import type { FlowBuilder } from './builder';

/**
 * What every dashboard page of the reference flow carries in its head (one ui_template of global scope): the layout
 * rules the templates share, and the one rule of freshness. Each widget the generator marks (`freshnessClass`) shows
 * the age of its data in its corner; a live widget greys out once its data is older than its stale age; while the
 * browser has lost its connection to Node-RED every widget greys out and a banner says since when; the tabs and groups
 * carry the names the plant gave them (twin-plant-view's `dashboard-names`, whichever widget it is sent to, on every
 * page: the dashboard sends each widget's updates to every browser) instead of the flow's titles. The age counts
 * from the time of the readings a message carries (`readingTime`), else from its arrival in the browser; widgets of one
 * feed share it. A live widget's message must carry that time: the dashboard replays it to every page that opens.
 */

/** A widget fed with readings every second goes stale after this long without one (twin-threshold's stale alert too). */
export const LIVE_STALE_AFTER_S = 15;

/**
 * The class a widget's card carries so the page shows the age of its data: with `staleAfterS`, it also greys out
 * past it; without, the widget shows events (work orders, alarms) that may rightly stay unchanged for days. Widgets
 * of one `feed` (an asset's readings) share the age of its newest message: a PLC reports by exception, so a steady
 * speed sends nothing while its connection is alive, and only a silent feed is stale.
 */
export function freshnessClass(staleAfterS: number | null, feed?: string): string {
  return ['twin-age-shown', staleAfterS === null ? '' : `twin-stale-after-${staleAfterS}`, feed ? `twin-feed-${feed}` : ''].filter(Boolean).join(' ');
}

const HEAD_STYLE = `<style>
/* node-red-dashboard stacks a template's buttons 18 px apart; side by side, that staggers them. */
.nr-dashboard-theme .nr-dashboard-template .md-button:not(:first-of-type) { margin-top: 0; }
md-card.twin-age-shown > .twin-age { position: absolute; right: 4px; bottom: 1px; font-size: 10px; line-height: 12px; opacity: 0.6; pointer-events: none; }
md-card.twin-stale { opacity: 0.45; filter: grayscale(1); }
md-card.twin-stale > .twin-age { opacity: 1; font-weight: bold; }
/* The dashboard draws a pop-up's 4 px border all round in its highlight colour: a bar on its left, as on the twin's cards. */
md-toast { border-width: 0 0 0 6px !important; background: #fff; box-shadow: 0 2px 8px rgba(0, 0, 0, 0.3); padding: 0 12px !important; }
/* Below the title bar, which it covered (its own background is transparent: the bar's blue showed through). */
md-toast.md-top { margin-top: 64px; }
.twin-connection-lost { position: fixed; top: 0; left: 50%; transform: translateX(-50%); z-index: 100; background: #ca3838; color: #fff;
  padding: 4px 16px; border-radius: 0 0 4px 4px; font-size: 14px; }
</style>`;

const HEAD_SCRIPT = `<script>
(function () {
  if (window.twinFreshness) return;
  var events = angular.element(document.body).injector().get('UiEvents');
  var dataAt = {};
  var lostAt = null;
  // The plant's names by node id (twin-plant-view's dashboard-names), null until they arrive.
  var tabName = null;
  var groupName = null;
  events.on(function (update) {
    if (update && update.msg && update.msg.topic === 'dashboard-names' && update.msg.payload) {
      tabName = {};
      groupName = {};
      update.msg.payload.tabs.forEach(function (t) { tabName[t.id] = t.name; });
      update.msg.payload.groups.forEach(function (g) { groupName[g.id] = g.name; });
      namesDue();
      return;
    }
    if (update && update.id) dataAt[update.id] = readingTime(update);
  });
  /**
   * When the data of a widget's update was read: its msg.ts, its payload's ts (or its items' newest), a chart's newest
   * point; else its arrival. The dashboard replays each widget's last update to a page that opens or reconnects: a
   * value replayed without its time would look new, and a silent machine's frozen gauges live.
   */
  function readingTime(update) {
    var newest;
    function take(t) { if (typeof t === 'number' && isFinite(t) && !(newest >= t)) newest = t; }
    var msg = update.msg;
    if (msg) {
      take(msg.ts);
      if (Array.isArray(msg.payload)) msg.payload.forEach(function (item) { if (item) take(item.ts); });
      else if (msg.payload && typeof msg.payload === 'object') take(msg.payload.ts);
    }
    (Array.isArray(update.value) ? update.value : []).forEach(function (chart) {
      var data = chart && chart.values && chart.values.data;
      if (Array.isArray(data)) data.forEach(function (series) { (Array.isArray(series) ? series : []).forEach(function (point) { if (point) take(point.x); }); });
      else if (data) take(data.x);
    });
    return newest === undefined ? Date.now() : newest;
  }
  // The dashboard draws the flow's titles again on every tab change and reconnect: the names follow in the same frame.
  var namesPending = false;
  function namesDue() {
    if (namesPending || !tabName) return;
    namesPending = true;
    requestAnimationFrame(function () { namesPending = false; showNames(); });
  }
  new MutationObserver(namesDue).observe(document.body, { childList: true, characterData: true, subtree: true });
  /** The text of an element whose first text node node-red-dashboard binds to the flow's title. */
  function retitle(element, name) {
    if (!element || !name) return;
    var text = element.firstChild;
    if (!text || text.nodeType !== 3) { element.insertBefore(document.createTextNode(name), element.firstChild); return; }
    var wanted = element.tagName === 'P' && element.classList.contains('nr-dashboard-cardtitle') ? name + ' ' : name;
    if (text.nodeValue !== wanted) text.nodeValue = wanted;
  }
  /** The plant's names for tabs and groups (twin-plant-view) in place of the flow's, in the menu, title and cards. */
  function showNames() {
    // The menu asks the dashboard's main controller for each entry's name (scopes are not reachable: no debug info).
    var main = angular.element(document.querySelector('[ng-controller]')).controller();
    if (main && main.getMenuName) {
      if (!main.twinTabNames) {
        var flowMenuName = main.getMenuName;
        main.getMenuName = function (obj) { return (obj && main.twinTabNames[obj.id]) || flowMenuName(obj); };
      }
      if (main.twinTabNames !== tabName) {
        main.twinTabNames = tabName;
        angular.element(document.body).injector().get('$rootScope').$applyAsync();
      }
    }
    // The title bar's heading of the open tab (its other heading, the site's name, has no tab's id).
    document.querySelectorAll('md-toolbar h1[node-id]').forEach(function (title) { retitle(title, tabName[title.getAttribute('node-id')]); });
    document.querySelectorAll('ui-card-panel[node-id]').forEach(function (card) {
      retitle(card.querySelector('.nr-dashboard-cardtitle'), groupName[card.getAttribute('node-id')]);
    });
  }
  events.on('disconnect', function () { if (lostAt === null) lostAt = Date.now(); render(); });
  events.on('connect', function () { lostAt = null; render(); });
  function age(ms) {
    var s = Math.max(0, Math.round(ms / 1000));
    if (s < 60) return s + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min';
    if (s < 172800) return Math.floor(s / 3600) + ' h';
    return Math.floor(s / 86400) + ' d';
  }
  function clock(t) { return new Date(t).toLocaleTimeString(); }
  function render() {
    var now = Date.now();
    var banner = document.querySelector('.twin-connection-lost');
    if (lostAt !== null && !banner) {
      banner = document.createElement('div');
      banner.className = 'twin-connection-lost';
      banner.setAttribute('data-twin', 'connection-lost');
      document.body.appendChild(banner);
    }
    if (banner && lostAt === null) banner.remove();
    if (banner && lostAt !== null) banner.textContent = 'No connection to Node-RED since ' + clock(lostAt) + ': the values shown are frozen';
    var cards = document.querySelectorAll('md-card.twin-age-shown[node-id]');
    var feedAt = {};
    cards.forEach(function (card) {
      var feed = /(?:^|\\s)(twin-feed-\\S+)/.exec(card.className);
      var at = dataAt[card.getAttribute('node-id')];
      if (feed && at !== undefined && !(feedAt[feed[1]] >= at)) feedAt[feed[1]] = at;
    });
    cards.forEach(function (card) {
      var feed = /(?:^|\\s)(twin-feed-\\S+)/.exec(card.className);
      var at = feed ? feedAt[feed[1]] : dataAt[card.getAttribute('node-id')];
      var limit = /(?:^|\\s)twin-stale-after-(\\d+)/.exec(card.className);
      var label = card.querySelector(':scope > .twin-age');
      if (!label) {
        label = document.createElement('span');
        label.className = 'twin-age';
        card.appendChild(label);
      }
      label.textContent = at === undefined ? 'no data' : age(now - at);
      label.title = at === undefined ? 'nothing received since this page opened' : 'data from ' + new Date(at).toLocaleString();
      var stale = lostAt !== null || (limit !== null && (at === undefined || now - at > Number(limit[1]) * 1000));
      card.classList.toggle('twin-stale', stale);
    });
  }
  window.twinFreshness = { render: render };
  setInterval(render, 1000);
})();
</script>`;

/**
 * The head template; a ui_template of global scope needs no group and is added once for the whole dashboard. It takes
 * no input: the dashboard replaces a global template's content with each message's `msg.template`, so it listens to
 * the other widgets' updates (twin-plant-view's tab and group names reach every browser through the names form).
 */
export function uiHead(flow: FlowBuilder, tab: string, column: number, row: number): string {
  return flow.place('dashboard:head', tab, column, row, {
    type: 'ui_template', name: 'HMI style, data freshness, tab and group names', group: '', order: 0, width: 0, height: 0, format: `${HEAD_STYLE}\n${HEAD_SCRIPT}`,
    storeOutMessages: false, fwdInMessages: false, resendOnRefresh: false, templateScope: 'global', className: '', outputs: 0,
  });
}
