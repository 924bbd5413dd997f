// The chat demo's configuration, built from `?transport=` BEFORE widgets.min.js loads.
//
// WebChatService reads `_genesys.widgets.webchat` once, at start-up, so the transport switch on
// the page reloads with the choice in the query string and this file turns it into the config.
// It is a file of its own (not an inline <script>) because the page runs under a strict
// Content-Security-Policy: `script-src 'self'`, no inline scripts or styles.
//
// Every transport talks to the emulator on this page's origin, so one chat server holds the same
// conversation model behind each protocol. Transports not built yet are listed as "coming": the
// switch shows them disabled and `?transport=` falls back to GMS REST for them. Engage v3 comes
// twice: plain, and in async mode with the session kept by this page's own callbacks.
(function () {
  'use strict';

  var origin = location.origin;

  // Engage v3 as the emulator serves it (any x-api-key is accepted there).
  function v3Transport() {
    return {
      type: 'pureengage-v3-rest',
      dataURL: origin + '/nexus/v3/chat/sessions',
      endpoint: 'customer-support',
      headers: { 'x-api-key': 'demo-api-key' },
    };
  }

  // Async mode: this page is "the site" that keeps the chat session itself, here in its own
  // localStorage key (a real site might keep it server-side, or in a cookie with the Cookie
  // helper WebChatService passes). Every call is logged for the page's "Site storage" panel
  // (chat.js), so a tester sees what is stored and when; close the tab, come back, and
  // setSessionData hands it back for WebChatService to restore.
  var SITE_KEY = 'demo-site.async-chat-session';
  var store = {
    key: SITE_KEY,
    calls: [],
    listeners: [],
    current: function () {
      try {
        var text = localStorage.getItem(SITE_KEY);
        return text ? JSON.parse(text) : null;
      } catch (e) {
        return null;
      }
    },
    note: function (call, data) {
      store.calls.push({ at: new Date().toLocaleTimeString(), call: call, data: data });
      store.listeners.forEach(function (f) { f(); });
    },
  };
  var callbacks = {
    enabled: true,
    getSessionData: function (sessionData) {
      try { localStorage.setItem(SITE_KEY, JSON.stringify(sessionData)); } catch (e) { /* full */ }
      store.note('getSessionData', sessionData);
    },
    setSessionData: function () {
      var data = store.current();
      store.note('setSessionData', data);
      return data;
    },
    deleteSessionData: function (errorData) {
      try { localStorage.removeItem(SITE_KEY); } catch (e) { /* disabled */ }
      store.note('deleteSessionData', errorData === undefined ? null : errorData);
    },
  };

  var TRANSPORTS = [
    {
      id: 'gms',
      label: 'GMS REST',
      detail: 'GMS Chat API v2 over REST, polling',
      webchat: function () {
        return { dataURL: origin + '/genesys/2/chat/customer-support' };
      },
    },
    {
      id: 'cloud',
      label: 'Genesys Cloud',
      detail: 'purecloud-v2-sockets: guest chat REST + WebSocket',
      webchat: function () {
        return {
          transport: {
            type: 'purecloud-v2-sockets',
            dataURL: origin,
            deploymentKey: 'demo-deployment',
            orgGuid: 'demo-org',
            interactionData: {
              routing: { targetType: 'QUEUE', targetAddress: 'Support', priority: 2 },
            },
          },
        };
      },
    },
    {
      id: 'v3',
      label: 'Engage v3',
      detail: 'pureengage-v3-rest, polling every 3 s',
      webchat: function () {
        return { transport: v3Transport() };
      },
    },
    {
      id: 'v3-async',
      label: 'Engage v3 async',
      detail: 'pureengage-v3-rest in async mode: this page keeps the session',
      async: true,
      webchat: function () {
        var transport = v3Transport();
        transport.async = callbacks;
        return { transport: transport };
      },
    },
    {
      id: 'cometd',
      label: 'GMS CometD',
      detail: 'GMS Chat API v2 over CometD: Bayeux, WebSocket (long-polling without one)',
      webchat: function () {
        return {
          dataURL: origin + '/genesys/2/chat/customer-support',
          cometD: {
            enabled: true,
            cometURL: origin + '/genesys/cometd',
            channel: '/service/chatV2/customer-support',
            websocketEnabled: true,
          },
        };
      },
    },
  ];

  var requested = new URLSearchParams(location.search).get('transport') || 'gms';
  var active = TRANSPORTS.filter(function (t) { return t.id === requested && !t.coming; })[0] ||
    TRANSPORTS[0];

  // Read by chat.js (the switch and the "active transport" line) and by the browser tests.
  window.DemoTransport = {
    all: TRANSPORTS.map(function (t) {
      return { id: t.id, label: t.label, detail: t.detail, coming: !!t.coming };
    }),
    active: { id: active.id, label: active.label, detail: active.detail, async: !!active.async },
    requested: requested,
    // The async variant's site storage and its call log (see above).
    asyncStore: store,
  };

  window._genesys = {
    widgets: {
      main: { debug: false, theme: 'dark', lang: 'en' },
      webchat: active.webchat(),
    },
  };
})();
