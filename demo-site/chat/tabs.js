// One chat across tabs, made visible: shows whether this tab leads (runs the chat's connection)
// or follows (publishes what the leading tab broadcasts). Open this page in a second tab: both
// show the same chat; close the leading one and watch the other take over.
//
// The runtime keeps its role to itself, so this asks the browser: WebChatService's leader holds
// the Web Lock `_genesys.widgets.webchat.tabs`. A lock this page holds under a name of its own
// gives this tab's client id, which is compared with the holder's.
(function () {
  var NAME = '_genesys.widgets.webchat.tabs';
  var out = document.getElementById('chat-tab-role');
  var locks = navigator.locks;
  if (!out) return;
  if (!locks || typeof locks.query != 'function' || typeof BroadcastChannel != 'function') {
    out.textContent = 'Tabs: this browser runs one chat per tab.';
    return;
  }
  var probe = 'demo-tab-probe-' + Math.random().toString(36).slice(2);
  locks.request(probe, function () {
    return new Promise(function () {});
  });
  function show() {
    locks.query().then(function (state) {
      var me = state.held.filter(function (l) { return l.name === probe; })[0];
      var leader = state.held.filter(function (l) { return l.name === NAME; })[0];
      var waiting = state.pending.filter(function (l) { return l.name === NAME; }).length;
      var tabs = (leader ? 1 : 0) + waiting;
      if (!me || !leader) {
        out.textContent = 'Tabs: no leading tab (one chat per tab, or starting).';
      } else if (leader.clientId === me.clientId) {
        out.textContent = 'Tabs: this tab leads the chat (' + tabs + (tabs == 1 ? ' tab shares' : ' tabs share') + ' it).';
      } else {
        out.textContent = 'Tabs: this tab follows the leading tab (' + tabs + ' tabs share the chat).';
      }
    });
  }
  show();
  setInterval(show, 1000);
})();
