// Customer-style use of the bus API; compiled with `tsc --noEmit` against bus-shim/widgets.d.ts.
// Lines marked @ts-expect-error must NOT type-check.

window._genesys = {
  widgets: {
    main: { debug: true, theme: 'dark', lang: 'en' },
    webchat: { transport: { type: 'purecloud-v2-sockets', dataURL: 'https://example.invalid' } },
    extensions: {
      MyExtension($, bus, Common) {
        Common.log('extension started', typeof $);
        const oExt = bus.registerPlugin('MyExtension');
        if (oExt) oExt.subscribe('App.ready', (e) => Common.log(e.publisher, e.data));
      },
    },
    onReady(quickBus) {
      quickBus.command('App.getTheme').done((theme: string) => console.log(theme));
    },
  },
};

const oMyPlugin = CXBus.registerPlugin('MyPlugin');
if (oMyPlugin !== false) {
  oMyPlugin.registerEvents(['opened', 'closed']);
  oMyPlugin.registerCommand('open', (e) => {
    const caller: string = e.commander;
    const full: string = e.command;
    const when: number = e.time;
    e.deferred.notify('working');
    e.deferred.resolve({ caller, full, when });
  });
  oMyPlugin.registerCommand('poll', (e) => e.deferred.resolveWith(null, [1, 2]), { private: true });
  const hooked: boolean = oMyPlugin.before('MyPlugin.open', (data: { who?: string }) => ({ ...data, hooked: true }));
  oMyPlugin.ready();
  oMyPlugin.publish('opened', { at: Date.now() });
  oMyPlugin.republish('state', 'open');
  oMyPlugin.publishDirect('tick');
  const evt: string | false = oMyPlugin.subscribe<{ at: number }>('MyPlugin.opened', (e) => {
    const at: number = e.data.at;
    console.log(e.time, e.publisher, e.event, at);
  });
  const removed: boolean = oMyPlugin.unsubscribe('MyPlugin.opened');
  const stored: number = oMyPlugin.data('count', 5);
  const read = oMyPlugin.data<boolean>('WebChat.open');
  const whole = oMyPlugin.data();
  const last = whole.count?.last;
  const reg = oMyPlugin.registry();
  const cmds: string[] = reg.MyPlugin.commands;
  const subs: Record<string, string[]> = oMyPlugin.subscribers();
  const ns: string = oMyPlugin.namespace();
  console.log(hooked, evt, removed, stored, read, last, cmds, subs, ns);

  // The deferred: jQuery style…
  const p = oMyPlugin.command('WebChat.open', { userData: { a: 1 } });
  p.done((v) => console.log(v), [(v) => console.log(v)])
    .fail((reason) => console.error(reason))
    .always(() => undefined)
    .progress((n: unknown) => console.log(n));
  const st: 'pending' | 'resolved' | 'rejected' = p.state();
  const flags: boolean[] = [p.isResolved(), p.isRejected()];
  p.then(
    (v) => v,
    (e) => e,
    (n) => console.log(n),
  );
  p.pipe((v: number) => v * 2).done((doubled: number) => console.log(doubled));
  console.log(st, flags, p.promise().state());

  // …and Promise style.
  (async () => {
    const theme = await CXBus.command<string>('App.getTheme');
    const upper: string = theme.toUpperCase();
    try {
      await oMyPlugin.command('App.setTheme', { theme: 'nope' });
    } catch (reason) {
      console.log(upper, reason);
    }
    const chained: number = await oMyPlugin
      .command<number>('MyPlugin.count')
      .then((n) => n + 1)
      .catch(() => 0)
      .finally(() => undefined);
    const all = await Promise.all([CXBus.command('App.about'), Promise.resolve(CXBus.command('App.getTheme'))]);
    console.log(chained, all);
  })();

  // @ts-expect-error non-object data is not allowed
  oMyPlugin.command('App.setTheme', 'light');
  // @ts-expect-error a handler takes one event argument, not a string
  oMyPlugin.registerCommand('bad', (e: string) => e);
}

CXBus.configure({ debug: true, pluginsPath: '/plugins/', pluginMap: { chat: false } });
CXBus.configure({ unlocked: true });
const iface = CXBus.getPluginInterface?.('App');
const master = CXBus.registerMaster();
CXBus.loadPlugin('MyLazy').done(() => undefined);
CXBus.loadFile('/extra.js').fail((reason: string) => console.log(reason));
CXBus.registerModule('util', { x: 1 });
console.log(iface, master, CXBus.loadModule('util'), CXBus.data('App.ready'));

const quick = window._genesys.widgets.bus;
if (quick) {
  const other = quick.registerPlugin('ViaQuickBus');
  console.log(other);
}
const common = window._genesys.widgets.common;
if (common) {
  const stop = common.busMonitor((r) => {
    switch (r.kind) {
      case 'command':
        console.log(r.id, r.commander, r.command);
        break;
      case 'settled':
        console.log(r.id, r.state, r.ms, r.reason);
        break;
      case 'publish':
        console.log(r.publisher, r.event, r.retained);
        break;
      default:
        console.log(r.time);
    }
  });
  stop();
}

// GMS over CometD (README, "Chat servers"): the options are typed.
const cometChat: GenesysWidgets.WebChatConfig = {
  dataURL: 'https://gms.example.invalid/genesys/2/chat/customer-support',
  cometD: { enabled: true, cometURL: 'https://gms.example.invalid/genesys/cometd', websocketEnabled: false },
};
console.log(cometChat);
// @ts-expect-error websocketEnabled is a boolean
const badComet: GenesysWidgets.WebChatConfig = { cometD: { websocketEnabled: 'yes' } };
console.log(badComet);

// One chat across tabs (README): on by default, `tabs: false` opts out.
const oneTabOneChat: GenesysWidgets.WebChatConfig = { dataURL: 'https://gms.example.invalid/x', tabs: false };
console.log(oneTabOneChat);
// @ts-expect-error tabs is a boolean
const badTabs: GenesysWidgets.WebChatConfig = { tabs: 'off' };
console.log(badTabs);

// Engage v3 async mode as seed 004 writes it: the site keeps the session through the callbacks,
// here with the Cookie helper they receive.
const asyncWebchat: NonNullable<NonNullable<typeof window._genesys>['widgets']>['webchat'] = {
  transport: {
    type: 'pureengage-v3-rest',
    dataURL: 'https://nexus.example.invalid/nexus/v3/chat/sessions',
    endpoint: 'xxxxxxxxx',
    headers: { 'x-api-key': 'xxxxxxx' },
    async: {
      enabled: true,
      getSessionData(sessionData, Cookie, CookieOptions) {
        const sid: string = sessionData.sessionId;
        Cookie.set('customer-defined-session-cookie', JSON.stringify(sessionData), CookieOptions);
        console.log(sid);
      },
      setSessionData(Open, Cookie) {
        const open: boolean = Open;
        return open ? undefined : Cookie.get('customer-defined-session-cookie');
      },
      deleteSessionData(errorData, Cookie, CookieOptions) {
        Cookie.remove('customer-defined-session-cookie', { ...CookieOptions, expires: 1 });
      },
    },
  },
};
console.log(asyncWebchat);

// An extension registered later gets Cookies and URI too.
const lateExtension: GenesysWidgets.Extension = ($, bus, Common, Cookies, URI) => {
  if (!Cookies || !URI) return;
  const pref: string | undefined = Cookies.get('pref');
  const all: Record<string, string> = Cookies.get();
  Cookies.set('pref', { dark: true }, { expires: 7, path: '/' });
  Cookies.remove('pref');
  const campaign = URI(location.href).search(true).campaign;
  const host: string = new URI().hostname();
  const parts: string[] = URI('/a/b').segment();
  Common.log(pref, all, campaign, host, parts, URI.parseQuery('?a=1').a);
  // @ts-expect-error URI views are read-only: no setter takes a string
  URI().search('?x=1');
};
CXBus.command('App.registerExtension', { name: 'Late', extension: lateExtension });
