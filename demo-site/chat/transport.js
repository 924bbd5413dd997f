// The chat demo's configuration, built from `?transport=` BEFORE widgets.min.js loads.
//
// WebChatService reads `_genesys.widgets.webchat` once, at start-up, so the transport switch on
// the page reloads with the choice in the query string and this file turns it into the config.
// It is a file of its own (not an inline <script>) because the page runs under a strict
// Content-Security-Policy: `script-src 'self'`, no inline scripts or styles.
//
// Every transport talks to the emulator on this page's origin, so one chat server holds the same
// conversation model behind each protocol. Transports not built yet are listed as "coming": the
// switch shows them disabled and `?transport=` falls back to GMS REST for them.
(function () {
  'use strict';

  var origin = location.origin;
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
    { id: 'v3', label: 'Engage v3', detail: 'pureengage-v3-rest', coming: true },
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
    active: { id: active.id, label: active.label, detail: active.detail },
    requested: requested,
  };

  window._genesys = {
    widgets: {
      main: { debug: false, theme: 'dark', lang: 'en' },
      webchat: active.webchat(),
    },
  };
})();
