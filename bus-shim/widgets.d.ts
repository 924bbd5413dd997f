/**
 * TypeScript declarations for the Genesys Widgets–compatible runtime (`widgets.min.js`):
 * the `window.CXBus` message bus, plugin interfaces, the jQuery-like deferred, the
 * `window._genesys.widgets` configuration and the QuickBus.
 *
 * Use it as an ambient declaration file:
 *
 * ```ts
 * /// <reference path="widgets.d.ts" />
 * const oMyPlugin = CXBus.registerPlugin('MyPlugin');
 * if (oMyPlugin) {
 *   oMyPlugin.registerCommand('open', (e) => e.deferred.resolve());
 *   oMyPlugin.ready();
 * }
 * ```
 */

declare namespace GenesysWidgets {
  // ---------------------------------------------------------------------------------------------
  // Deferred / promise
  // ---------------------------------------------------------------------------------------------

  /** A callback, or an array of callbacks, as accepted by `done`, `fail`, `always`, `progress`. */
  type Callbacks<F extends (...args: any[]) => any> = F | ReadonlyArray<F>;

  /** The three states of a deferred. */
  type DeferredState = 'pending' | 'resolved' | 'rejected';

  /**
   * The read-only promise returned by `command()` (a small jQuery-like deferred, not jQuery).
   *
   * - `done`, `fail`, `progress`, `always` take one or more functions (or arrays of functions)
   *   and return `this`. A callback added after settlement runs synchronously, at once.
   * - Only the first resolve or reject counts; progress callbacks run only while pending.
   * - `then`, `catch` and `finally` chain like a standard Promise, so `await` works: it gives
   *   the first resolved argument, and throws the first rejection argument.
   *
   * @typeParam T the first resolved argument.
   */
  interface BusPromise<T = any> extends PromiseLike<T> {
    /** Adds callbacks run with every resolve argument. Returns `this`. */
    done(...callbacks: Array<Callbacks<(value: T, ...rest: any[]) => void>>): this;
    /** Adds callbacks run with every reject argument. Returns `this`. */
    fail(...callbacks: Array<Callbacks<(reason: any, ...rest: any[]) => void>>): this;
    /** Adds callbacks run on resolve or reject, with the settle arguments. Returns `this`. */
    always(...callbacks: Array<Callbacks<(...args: any[]) => void>>): this;
    /** Adds callbacks run on every `notify` while pending. Returns `this`. */
    progress(...callbacks: Array<Callbacks<(...args: any[]) => void>>): this;
    /**
     * Registers `onDone`, `onFail` and `onProgress`, and returns a new thenable that chains like
     * a standard Promise.
     */
    then<R1 = T, R2 = never>(
      onDone?: ((value: T) => R1 | PromiseLike<R1>) | null,
      onFail?: ((reason: any) => R2 | PromiseLike<R2>) | null,
      onProgress?: ((...args: any[]) => void) | null,
    ): BusPromise<R1 | R2>;
    /** Like `Promise.prototype.catch`. */
    catch<R = never>(onFail?: ((reason: any) => R | PromiseLike<R>) | null): BusPromise<T | R>;
    /** Like `Promise.prototype.finally`. */
    finally(onFinally?: (() => void) | null): BusPromise<T>;
    /** Maps the resolved value (jQuery's old `pipe`). */
    pipe<R>(onDone?: (value: T, ...rest: any[]) => R | PromiseLike<R>, onFail?: (reason: any) => any): BusPromise<R>;
    /** The read-only promise of this deferred. */
    promise(): BusPromise<T>;
    /** `"pending"`, `"resolved"` or `"rejected"`. */
    state(): DeferredState;
    /** Whether the deferred was resolved. */
    isResolved(): boolean;
    /** Whether the deferred was rejected. */
    isRejected(): boolean;
  }

  /**
   * The full deferred a command handler receives as `e.deferred`: the promise methods plus the
   * ways to settle it.
   */
  interface Deferred<T = any> extends BusPromise<T> {
    /** Resolves with every argument given. Only the first resolve or reject counts. */
    resolve(value?: T, ...rest: any[]): this;
    /** Rejects with every argument given. Only the first resolve or reject counts. */
    reject(reason?: any, ...rest: any[]): this;
    /** Calls progress callbacks while pending. */
    notify(...args: any[]): this;
    /** Resolves, calling callbacks with `this === context` and the arguments in `args`. */
    resolveWith(context: unknown, args?: ReadonlyArray<any>): this;
    /** Rejects, calling callbacks with `this === context` and the arguments in `args`. */
    rejectWith(context: unknown, args?: ReadonlyArray<any>): this;
    /** Notifies, calling callbacks with `this === context` and the arguments in `args`. */
    notifyWith(context: unknown, args?: ReadonlyArray<any>): this;
  }

  // ---------------------------------------------------------------------------------------------
  // Events
  // ---------------------------------------------------------------------------------------------

  /** What a command handler receives. */
  interface CommandEvent<D = any> {
    /** `Date.now()` when the command was dispatched. */
    time: number;
    /** Name of the calling plugin (`"CXBus"` for the global, `"QuickBus"` for the QuickBus). */
    commander: string;
    /** Full command name, `"Plugin.command"`. */
    command: string;
    /** The full deferred: settle it to answer the caller. */
    deferred: Deferred;
    /** The caller's own data object (by reference), or `{}` when none was given. */
    data: D;
  }

  /** What a subscriber receives: a fresh object per subscriber, data shared by reference. */
  interface BusEvent<D = any> {
    /** `Date.now()` when the event was published. */
    time: number;
    /** Name of the publishing plugin. */
    publisher: string;
    /** Full event name, `"Plugin.event"`. */
    event: string;
    /** The published data (same reference for every subscriber), or `{}` when none. */
    data: D;
  }

  /** A command handler. Its return value is ignored: settle `e.deferred` instead. */
  type CommandHandler<D = any> = (e: CommandEvent<D>) => void;

  /** A subscriber callback. */
  type EventCallback<D = any> = (e: BusEvent<D>) => void;

  /**
   * A before-hook: `data = hook(data)`. Returning anything but a non-null object cancels the
   * command with `"Command was cancelled by a 'before' function."`.
   */
  type BeforeHook<D extends object = any> = (data: D) => D | object | null | undefined | false;

  /** Options of `registerCommand`. */
  interface CommandOptions {
    /**
     * Only the registering plugin may call the command; any other caller is rejected with
     * `"Access Denied to private command. Only <Plugin> is allowed to invoke this command."`.
     */
    private?: boolean;
  }

  /** A plugin's entry in `registry()`. */
  interface RegistryEntry {
    events: string[];
    commands: string[];
  }

  /** A stored plugin data entry. */
  interface DataEntry<V = any> {
    /** The previous value. */
    last: V | undefined;
    /** The current value. */
    value: V;
    /** `Date.now()` when it was written. */
    time: number;
  }

  // ---------------------------------------------------------------------------------------------
  // Plugin interface
  // ---------------------------------------------------------------------------------------------

  /** What `CXBus.registerPlugin(name)` returns. Exactly these fourteen methods. */
  interface PluginInterface {
    /** Publishes `"<Plugin>." + event` to subscribers, asynchronously. Returns `true`. */
    publish(event: string, data?: unknown): true;
    /** Like `publish`, quieter in the debug log, never retained. Returns `true`. */
    publishDirect(event: string, data?: unknown): true;
    /** Publishes and remembers the data; later subscribers get the latest value replayed. */
    republish(event: string, data?: unknown): true;
    /**
     * Subscribes to a full event name (no wildcards, no namespace added). Returns the event
     * name, or `false` when the callback is missing.
     */
    subscribe<K extends WebChatServiceEventName>(
      event: `WebChatService.${K}`,
      callback: EventCallback<WebChatServiceEvents[K]>,
    ): string | false;
    subscribe<D = any, S extends string = string>(event: NotWebChatService<S>, callback: EventCallback<D>): string | false;
    /**
     * Removes this plugin's callbacks for the event (or only `callback`, when given). Returns
     * `true` if the event had an entry.
     */
    unsubscribe(event: string, callback?: EventCallback): boolean;
    /**
     * Sends a command. An unqualified name gets this plugin's namespace. Falsy data becomes
     * `{}`; non-object data is rejected.
     */
    command<K extends WebChatServiceCommandName>(
      command: `WebChatService.${K}`,
      ...data: WebChatServiceCommandData<K>
    ): BusPromise<WebChatServiceCommands[K]['result']>;
    command<T = any, S extends string = string>(command: NotWebChatService<S>, data?: CommandData): BusPromise<T>;
    /** Adds a before-hook for a full `"Plugin.command"` name. `false` for an empty name. */
    before<D extends object = any>(command: string, hook: BeforeHook<D>): boolean;
    /** Registers (or replaces) a command handler. Returns `true`. */
    registerCommand<D = any>(command: string, handler: CommandHandler<D>, options?: CommandOptions): boolean;
    /** Lists event names in `registry()` and `EVENTS` (informational). */
    registerEvents(events: string | ReadonlyArray<string>): void;
    /** The plugin name. */
    namespace(): string;
    /** `{eventName: [subscriber plugin names, duplicates kept]}` for this plugin's events. */
    subscribers(): Record<string, string[]>;
    /** The whole own data map. */
    data(): Record<string, DataEntry>;
    /** Reads an own key, or `"Other.key"` from plugin Other. */
    data<V = any>(key: string): V | undefined;
    /** Writes unless `value` is `undefined` or `null`; returns `value`. */
    data<V>(key: string, value: V): V;
    /** `{Plugin: {events, commands}}` for every plugin: one live object. */
    registry(): Record<string, RegistryEntry>;
    /** Marks the plugin ready and runs its buffered commands. */
    ready(): void;
  }

  /** `window._genesys.widgets.bus`: the QuickBus plugin, plus `registerPlugin`. */
  interface QuickBus extends PluginInterface {
    registerPlugin(name: string): PluginInterface | false;
  }

  /** Options of `CXBus.configure`; options of the wrong type are ignored. */
  interface BusOptions {
    debug?: boolean;
    /** Prefix of lazy-loaded plugin files (`name.toLowerCase() + ".min.js"`); `''` = page-relative. */
    pluginsPath?: string;
    /** Lower-case plugin name → file to load, or `false` to block loading it. */
    pluginMap?: Record<string, string | false>;
    /** Adds `CXBus.getPluginInterface` (debugging aid). */
    unlocked?: boolean;
    [option: string]: unknown;
  }

  /** What `registerMaster()` returns the first time (the App claims it at start). */
  interface Master {
    lock(): void;
    unlock(): void;
    config(options: BusOptions): void;
  }

  /** `window.CXBus`. */
  interface CXBus {
    /** Registers a plugin; `false` if the name is not a string, taken, or registration is locked. */
    registerPlugin(name: string): PluginInterface | false;
    /** `undefined` for customer code: the App claims the master at start. */
    registerMaster(): Master | undefined;
    /** Loads `pluginsPath + name.toLowerCase() + ".min.js"`. */
    loadPlugin(name: string): BusPromise<void>;
    /** Injects a script once; rejects with `"Could not load file: <url>"`. */
    loadFile(url: string): BusPromise<void>;
    /** Reads a module registered with `registerModule`. */
    loadModule(name: string): any;
    /** Registers a module value under a name. */
    registerModule(name: string, value: unknown): any;
    /** Applies options of the right type. Returns `undefined`. */
    configure(options: BusOptions): void;
    /** Sends a command as the `CXBus` pseudo-plugin. */
    command<K extends WebChatServiceCommandName>(
      command: `WebChatService.${K}`,
      ...data: WebChatServiceCommandData<K>
    ): BusPromise<WebChatServiceCommands[K]['result']>;
    command<T = any, S extends string = string>(command: NotWebChatService<S>, data?: CommandData): BusPromise<T>;
    /** Subscribes as the `CXBus` pseudo-plugin. */
    subscribe<K extends WebChatServiceEventName>(
      event: `WebChatService.${K}`,
      callback: EventCallback<WebChatServiceEvents[K]>,
    ): string | false;
    subscribe<D = any, S extends string = string>(event: NotWebChatService<S>, callback: EventCallback<D>): string | false;
    /** Reads or writes data as the `CXBus` pseudo-plugin (`CXBus.data('App.ready')`). */
    data<V = any>(key?: string, value?: V): any;
    /**
     * Present only after `configure({unlocked: true})`, removed by `configure({unlocked: false})`:
     * the interface `registerPlugin` returned for `name`, or `false` for an unknown name.
     */
    getPluginInterface?(name: string): PluginInterface | false;
  }

  // ---------------------------------------------------------------------------------------------
  // WebChatService: every command's options and resolution, every event's payload
  // ---------------------------------------------------------------------------------------------

  /** What `command()` accepts as data: falsy becomes `{}`, a non-object is rejected. */
  type CommandData = object | null | false | 0 | '';

  /**
   * Any name outside WebChatService. Names inside it must be one of
   * {@link WebChatServiceCommands} or {@link WebChatServiceEvents}, so a typo is a type error.
   */
  type NotWebChatService<S extends string> = S extends `WebChatService.${string}` ? never : S;

  /** Options a command takes no keys from. */
  type NoOptions = Record<string, never>;

  /** `type` of a published chat message. */
  type ChatMessageType =
    | 'Message'
    | 'ParticipantJoined'
    | 'ParticipantLeft'
    | 'ParticipantRejoined'
    | 'Notice'
    | 'TypingStarted'
    | 'TypingStopped'
    | 'PushUrl'
    | 'CustomNotice'
    | 'FileUploaded'
    | 'FileDeleted'
    | 'NicknameUpdated'
    | 'IdleAlert'
    | 'IdleClose';

  /** `from.type` of a published chat message. */
  type ChatSenderType = 'Client' | 'Agent' | 'Supervisor' | 'External' | 'Bot';

  /** One transcript message as WebChatService publishes it, on every transport. */
  interface ChatMessage {
    index: number;
    /** The server's id, where the transport has one (Genesys Cloud). */
    id?: string;
    type: ChatMessageType;
    text: string;
    /** Milliseconds since the epoch. */
    timestamp: number;
    from: { name: string; type: ChatSenderType; participantId: string | number };
    /** Transport extras (userData, eventAttributes, url, ...). */
    [extra: string]: unknown;
  }

  /** One agent in `getAgents` and the connected/disconnected events. */
  interface ChatAgent {
    name: string;
    connected: boolean;
    supervisor: boolean;
    connectedTime: number;
    disconnectedTime: number | null;
  }

  /** Agents keyed by participant id. */
  type ChatAgents = Record<string, ChatAgent>;

  /** The entry form of `startChat`, at the top level or under `form` (v3 style). */
  interface StartChatForm {
    nickname?: string;
    firstname?: string;
    lastname?: string;
    email?: string;
    subject?: string;
  }

  /** `getSessionData` on GMS (REST and CometD). */
  interface GmsSessionData {
    secureKey: string;
    sessionID: string;
    alias: string;
    userId: string;
  }

  /** `getSessionData` on Engage v3, and what async mode hands the site's `getSessionData`. */
  interface V3SessionData {
    participantId: string;
    sessionId: string;
    /** The clientToken (a JWT): keep it as safe as a password. */
    token: string;
    transportId: string;
  }

  /** `getSessionData` on Genesys Cloud (no JWT). */
  interface CloudSessionData {
    conversationId: string;
    memberId: string;
  }

  /** `getSessionData`'s answer: the active transport's shape, or `{}` with no chat. */
  type ChatSessionData = Partial<GmsSessionData> | Partial<V3SessionData> | Partial<CloudSessionData>;

  /**
   * A server answer, passed through as the server sent it (GMS envelope, v3 `data`, Cloud entity),
   * or for a rejection the jQuery-like AJAX error object.
   */
  type ServerAnswer = Record<string, any>;

  /** Each public WebChatService command: `options` (optional when `?`) and what it resolves with. */
  interface WebChatServiceCommands {
    startChat: { options: StartChatForm & { userData?: Record<string, unknown>; form?: StartChatForm }; result: ServerAnswer };
    endChat: { options?: NoOptions; result: ServerAnswer };
    sendMessage: { options: { message: string }; result: ServerAnswer };
    sendCustomNotice: { options?: { message?: string }; result: ServerAnswer };
    sendTyping: { options?: { message?: string }; result: ServerAnswer };
    sendFilteredMessage: { options: { message: string; regex: RegExp }; result: ServerAnswer };
    addPrefilter: { options: { filters: RegExp | RegExp[] }; result: RegExp[] };
    updateUserData: { options: Record<string, unknown>; result: Record<string, unknown> };
    startPoll: { options?: NoOptions; result: unknown };
    stopPoll: { options?: NoOptions; result: unknown };
    resetPollExceptions: { options?: NoOptions; result: unknown };
    /** Public in Engage v3 async mode only; `sessionData` is the stored token. */
    restore: { options?: { sessionData?: string }; result: unknown };
    getTranscript: { options?: NoOptions; result: { messages: ChatMessage[] } };
    getAgents: { options?: NoOptions; result: { agents: ChatAgents } };
    getStats: {
      options?: NoOptions;
      result: { agents: ChatAgents; startTime: number | null; endTime: number | null; duration: number | null };
    };
    sendFile: { options: { files: HTMLInputElement | File | FileList }; result: ServerAnswer };
    downloadFile: { options: { fileId: string; fileName?: string }; result: unknown };
    getSessionData: { options?: NoOptions; result: ChatSessionData };
    /** Engage v3 async mode: older messages arrive as `messageReceived`. */
    fetchHistory: { options?: NoOptions; result: unknown };
    registerTypingPreviewInput: { options: { input: HTMLInputElement | HTMLTextAreaElement }; result: unknown };
    registerPreProcessor: { options: { preprocessor: (message: ChatMessage) => ChatMessage | void }; result: unknown };
    verifySession: { options?: NoOptions; result: { sessionActive: boolean } };
  }

  type WebChatServiceCommandName = keyof WebChatServiceCommands;

  /** The data argument of a WebChatService command: required when its options are. */
  type WebChatServiceCommandData<K extends WebChatServiceCommandName> =
    undefined extends WebChatServiceCommands[K]['options']
      ? [data?: Exclude<WebChatServiceCommands[K]['options'], undefined>]
      : [data: WebChatServiceCommands[K]['options']];

  /** The payload of agentConnected, clientDisconnected and the other roster events. */
  interface ChatParticipantEvent {
    message: ChatMessage;
    agents: ChatAgents;
    numAgentsConnected: number;
  }

  /** Events without a payload are delivered with `{}`. */
  type NoPayload = Record<string, never>;

  /** Each WebChatService event (published as `WebChatService.<name>`) and its `e.data`. */
  interface WebChatServiceEvents {
    ready: NoPayload;
    /** The server's answer to the start (without secrets). */
    started: ServerAnswer;
    restored: { async?: boolean };
    restoreTimeout: NoPayload;
    restoreFailed: NoPayload;
    restoredOffline: NoPayload;
    messageReceived: {
      originalMessages: unknown[];
      messages: ChatMessage[];
      restoring: boolean;
      sessionData: ChatSessionData;
    };
    /** The AJAX error object of a failed server call (without the session's secrets), or `{message}`. */
    error: { message?: string; [key: string]: unknown };
    ended: NoPayload;
    agentTypingStarted: ChatMessage;
    agentTypingStopped: ChatMessage;
    agentTypingTimeout: ChatMessage | NoPayload;
    pollingStarted: NoPayload;
    pollingStopped: NoPayload;
    clientConnected: ChatParticipantEvent;
    clientDisconnected: ChatParticipantEvent;
    agentConnected: ChatParticipantEvent;
    agentDisconnected: ChatParticipantEvent;
    supervisorConnected: ChatParticipantEvent;
    supervisorDisconnected: ChatParticipantEvent;
    botConnected: ChatParticipantEvent;
    botDisconnected: ChatParticipantEvent;
    clientTypingStarted: NoPayload;
    clientTypingStopped: NoPayload;
    disconnected: NoPayload;
    reconnected: NoPayload;
    chatServerWentOffline: NoPayload;
    chatServerBackOnline: NoPayload;
    connectionPending: NoPayload;
    connectionRestored: NoPayload;
    /** The server no longer knows the chat: after `error`, before `ended`. */
    sessionLost: NoPayload;
    /** Ours: a customer message waits in the outbox (the server is unreachable or the browser offline). */
    messagePending: PendingChatMessage;
    /** Ours: a pending message reached the server. */
    messageDelivered: { clientId: string; text: string };
    /**
     * Ours: a pending message could not be delivered: `reason` is the outbox's text (its timeout
     * passed, or the chat ended) or the server's refusal.
     */
    messageFailed: { clientId: string; text: string; reason: unknown };
  }

  /** A customer message waiting in the outbox, as `messagePending` carries it. */
  interface PendingChatMessage {
    index: null;
    type: 'Message';
    text: string;
    /** When it was sent (ms since the epoch). */
    timestamp: number;
    from: { type: 'Client' };
    pending: true;
    /** Our id for it, the same across reloads; `messageDelivered`/`messageFailed` carry it. */
    clientId: string;
  }

  type WebChatServiceEventName = keyof WebChatServiceEvents;

  // ---------------------------------------------------------------------------------------------
  // Bus monitor (inspector hook)
  // ---------------------------------------------------------------------------------------------

  type MonitorRecord =
    | { kind: 'register'; plugin: string; time: number }
    | { kind: 'command'; id: number; commander: string; command: string; time: number }
    | {
        kind: 'settled';
        id: number;
        command: string;
        state: 'resolved' | 'rejected';
        time: number;
        /** Milliseconds from the command to its settlement. */
        ms: number;
        reason?: unknown;
      }
    | { kind: 'publish'; publisher: string; event: string; time: number; retained: boolean }
    | { kind: 'subscribe'; plugin: string; event: string; time: number };

  /** `_genesys.widgets.common`: helpers for extensions and plugins. */
  interface Common {
    /** Logs when debug is on. */
    log(...args: unknown[]): void;
    /**
     * Watches every registration, command (with outcome and duration) and event. The listener
     * first gets the records kept since page start. Returns `unsubscribe`.
     */
    busMonitor(listener: (record: MonitorRecord) => void): () => void;
    [helper: string]: unknown;
  }

  // ---------------------------------------------------------------------------------------------
  // Configuration
  // ---------------------------------------------------------------------------------------------

  /** A parsed query: a repeated name collects an array, a name without `=` is `null`. */
  type URIQuery = Record<string, string | null | Array<string | null>>;

  /** One read-only `URI(url)` view (URI.js's getters, over the platform `URL`). */
  interface URIView {
    href(): string;
    toString(): string;
    valueOf(): string;
    /** Without the colon: `'https'`. */
    protocol(): string;
    scheme(): string;
    username(): string;
    password(): string;
    origin(): string;
    /** Host name and port. */
    host(): string;
    hostname(): string;
    /** `''` for the scheme's default port. */
    port(): string;
    /** The last two labels of the host name. */
    domain(): string;
    subdomain(): string;
    tld(): string;
    path(): string;
    pathname(): string;
    directory(): string;
    filename(): string;
    suffix(): string;
    segment(): string[];
    segment(index: number): string | undefined;
    /** `'?a=1'`; with `true`, the query as an object. */
    search(): string;
    search(asObject: true): URIQuery;
    /** `'a=1'`; with `true`, the query as an object. */
    query(): string;
    query(asObject: true): URIQuery;
    /** `'#top'`. */
    hash(): string;
    /** `'top'`. */
    fragment(): string;
    hasQuery(name: string, value?: string | null): boolean;
  }

  /** `URI`: `URI(url?)` or `new URI(url?)`, resolved against the page's address. */
  interface URIFactory {
    (url?: string): URIView;
    new (url?: string): URIView;
    parseQuery(text: string): URIQuery;
  }

  /**
   * An extension: configured ones are called once at start as `fn($, CXBus, Common)`; those
   * registered through `App.registerExtension` as `fn($, CXBus, Common, Cookies, URI)`.
   */
  type Extension = ($: any, CXBus: CXBus, Common: Common, Cookies?: WidgetsCookie, URI?: URIFactory) => void;

  /** `_genesys.widgets.main`. */
  interface MainConfig {
    /** Turns the bus debug log on. */
    debug?: boolean;
    /** Theme name; `App.getTheme` answers `"cx-theme-<theme>"`. Default `"dark"`. */
    theme?: string;
    /** Extra themes: name → CSS class. */
    themes?: Record<string, string>;
    /** Language code. Default `"en"`. */
    lang?: string;
    /** Localised strings per language. */
    i18n?: string | Record<string, unknown>;
    /** Which built-in plugins to load. */
    plugins?: string[];
    /** Prefix of lazy-loaded plugin files. */
    pluginsPath?: string;
    [option: string]: unknown;
  }

  /** Cookie attributes of `Cookie.set` / `Cookie.remove` and `CookieOptions`. */
  interface CookieAttributes {
    path?: string;
    domain?: string;
    /** Days from now, or a date. */
    expires?: number | Date;
    secure?: boolean;
    sameSite?: string;
    [option: string]: unknown;
  }

  /**
   * `Cookie`, the helper the async callbacks receive, and `Cookies`, the fourth argument of
   * extensions registered through `App.registerExtension`: js-cookie style, over
   * `document.cookie`; never throws.
   */
  interface WidgetsCookie {
    /** The decoded value, or `undefined`. */
    get(name: string): string | undefined;
    /** Every readable cookie. */
    get(): Record<string, string>;
    /** Writes a cookie (a non-string value as its JSON text); returns the cookie text. */
    set(name: string, value: unknown, options?: CookieAttributes): string;
    /** Expires a cookie (give the `path`/`domain` it was set with). */
    remove(name: string, options?: CookieAttributes): void;
  }

  /** `transport.async` of Engage v3: the site keeps the chat session. */
  interface V3AsyncConfig {
    enabled?: boolean;
    /** The seed's spelling of `enabled`. */
    enable?: boolean;
    /** Called when a chat starts and whenever its session data changes. */
    getSessionData?: (sessionData: V3SessionData, Cookie: WidgetsCookie, CookieOptions: CookieAttributes) => void;
    /** Called at start-up: session data to restore (the object, its JSON text or the JWT), or nothing. */
    setSessionData?: (open: boolean, Cookie: WidgetsCookie, CookieOptions: CookieAttributes) => unknown;
    /** Called when the session is lost (`errorData`: the error) or over. */
    deleteSessionData?: (errorData: unknown, Cookie: WidgetsCookie, CookieOptions: CookieAttributes) => void;
  }

  /** `_genesys.widgets.webchat` (WebChatService); loosely typed. */
  interface WebChatConfig {
    transport?: {
      type?: string;
      dataURL?: string;
      endpoint?: string;
      headers?: Record<string, string>;
      async?: V3AsyncConfig;
      [option: string]: unknown;
    };
    /** GMS Chat API v2 REST base (`http://host/genesys/2/chat/{serviceName}`); with CometD, file calls still use it. */
    dataURL?: string;
    /** GMS Chat API v2 over CometD (Bayeux) instead of REST polling. */
    cometD?: {
      enabled?: boolean;
      /** The Bayeux endpoint, such as `https://host/genesys/cometd`. */
      cometURL?: string;
      /** Default `"/service/chatV2/customer-support"`. */
      channel?: string;
      /** Default `true`; `false` long-polls. A WebSocket that never opens falls back to long-polling. */
      websocketEnabled?: boolean;
      [option: string]: unknown;
    };
    /**
     * One chat across tabs (default `true`): the tabs of the site share one chat, run by one
     * leading tab; `false` gives every tab its own connection, as before. Ignored (off) in Engage
     * v3 async mode and where the browser has no `BroadcastChannel`.
     */
    tabs?: boolean;
    /**
     * The outbox (README "Sending while offline"): messages sent while the server is unreachable
     * or the browser offline are kept (in the session record, across reloads), shown as
     * `messagePending`, and delivered once each, in order, when it is back.
     */
    outbox?: {
      /** Default `true`; `false` rejects a send that cannot reach the server at once. */
      enabled?: boolean;
      /** Milliseconds a message may wait before it fails (`messageFailed`); default 300000. */
      timeout?: number;
    };
    userData?: Record<string, unknown>;
    emojis?: boolean;
    uploadsEnabled?: boolean;
    enableCustomHeader?: boolean;
    autoInvite?: Record<string, unknown>;
    chatButton?: Record<string, unknown>;
    [option: string]: unknown;
  }

  /** `window._genesys.widgets`, set by the page before loading `widgets.min.js`. */
  interface WidgetsConfig {
    main?: MainConfig;
    webchat?: WebChatConfig;
    /** Called once at start, before `App.ready`, as `fn($, CXBus, Common)`. */
    extensions?: Record<string, Extension>;
    /** Called once with the QuickBus, before any `App.ready` subscriber. */
    onReady?: (bus: QuickBus) => void;
    /** Set by the runtime: the QuickBus. */
    bus?: QuickBus;
    /** Set by the runtime: helpers. */
    common?: Common;
    /**
     * The page uses the Chat Service JS API (`window.widgetsRsChat`): any truthy value makes
     * `widgets.min.js` load a bundle that carries it (`cometd` without `webchat`).
     */
    chatService?: boolean | Record<string, unknown>;
    [section: string]: unknown;
  }
}

/**
 * The Chat Service JS API (the older Web Engagement API: seeds 000, 002, 003), at
 * `window.widgetsRsChat`.
 */
declare namespace WidgetsRsChat {
  /** `event.error` of every fail callback and of `onError`. */
  interface ApiError {
    /**
     * 1 unknown command, 2 mandatory parameter missing, 3 bad parameter value, 50 unknown session,
     * 52 execution error, 100 chat server not available, 101 login failed, 150 network
     * connection interrupted.
     */
    code: 1 | 2 | 3 | 50 | 52 | 100 | 101 | 150;
    /** The code's description, e.g. `"mandatory parameter missing"`. */
    description: string;
    /** What it is about (a parameter name, the server's text), when known. */
    details?: string;
  }

  /** What fail callbacks receive; `error` is absent when `restoreSession` found no chat. */
  interface FailEvent {
    error?: ApiError;
  }

  /** A done/fail promise; also a standard thenable (`await` gives the done value). */
  interface ApiPromise<T = void> extends PromiseLike<T> {
    done(callback: (value: T) => void): this;
    fail(callback: (event: FailEvent) => void): this;
    then<R1 = T, R2 = never>(
      onDone?: ((value: T) => R1 | PromiseLike<R1>) | null,
      onFail?: ((event: FailEvent) => R2 | PromiseLike<R2>) | null,
    ): Promise<R1 | R2>;
    catch<R = never>(onFail?: ((event: FailEvent) => R | PromiseLike<R>) | null): Promise<T | R>;
    finally(callback: () => void): Promise<T>;
  }

  /** `stateStorage`: where the session's state is kept across page loads. */
  interface StateStorage {
    /** The state last written, or `null`/`undefined` for none. */
    read(): unknown;
    /** Keeps `state`; `null` clears it. */
    write(state: object | null): void;
  }

  /** The GMS Chat API v2 REST transport: `{type: 'rest', dataURL}`. */
  interface RestTransport {
    type: 'rest';
    /** `https://host/genesys/2/chat/{serviceName}`. */
    dataURL: string;
    apikey?: string;
  }

  /** Options of `restoreSession` (seed 003). */
  interface RestoreOptions {
    /** Mandatory when `startSession` had one; else the saved state knows the CometD server. */
    transport?: RestTransport;
    stateStorage?: StateStorage;
    /** Seconds the built-in storage keeps the state after the page is left. Default 5. */
    maxOfflineDuration?: number;
    disableWebSockets?: boolean;
    /** Receives each log line (never a session key). Default: `console.log`. */
    logger?: (...args: unknown[]) => void;
  }

  /** Options of `startSession` (seed 003): `serverUrl` or `transport` is mandatory. */
  interface StartOptions extends RestoreOptions {
    /** The CometD endpoint of GMS, e.g. `https://gms.example.com/genesys/cometd`. */
    serverUrl?: string;
    /** Default `"User"`. */
    username?: string;
    subject?: string;
    userData?: Record<string, unknown>;
  }

  /** `{agent: true}`, `{client: true}`, `{external: true}` or `{supervisor: true}`. */
  interface PartyTypeFlags {
    agent?: true;
    client?: true;
    external?: true;
    supervisor?: true;
  }

  interface Party {
    id: string | number;
    name: string;
    type: PartyTypeFlags;
  }

  interface AgentEvent {
    party: Party;
    /** 0-based position in the transcript. */
    index: number;
    timestamp: number;
    restored?: true;
  }

  interface MessageEvent extends AgentEvent {
    content: { text: string; type: { text?: true; url?: true } };
  }

  interface TypingEvent {
    party: { id: string | number; name: string };
    isTyping: boolean;
  }

  interface SessionEndedEvent {
    reason: { leaveRequest?: true; agent?: true; error?: true };
  }

  /** One entry of `getTranscript`'s `event.transcript` (types as strings, as the seed shows). */
  interface TranscriptEntry {
    type: 'AgentConnected' | 'AgentDisconnected' | 'MessageReceived' | 'SessionEnded';
    party?: { id: string | number; name: string; type: 'Agent' | 'Client' | 'External' | 'Supervisor' };
    content?: { text: string; type: 'text' | 'url' };
    reason?: { code: 1 | 2 | 3; description: string };
    index?: number;
    timestamp: number;
  }

  /** A chat session (seed 002): commands return promises, `on*` add callbacks. */
  interface Session {
    getTranscript(options?: { fromIndex?: number }): ApiPromise<{ transcript: TranscriptEntry[] }>;
    sendMessage(message: string | { message: string; type?: 'text' | 'url' }): ApiPromise;
    sendTyping(options?: { isTyping?: boolean }): ApiPromise;
    leave(): ApiPromise;
    /** Extended API: sets user data of the interaction. */
    setUserData(userData: Record<string, unknown>): ApiPromise;
    /** Extended API: reads one key this application set; `{userData: {}}` when it did not. */
    getUserData(key: string): ApiPromise<{ userData: Record<string, unknown> }>;
    /** Extended API: removes one key. */
    deleteUserData(key: string): ApiPromise<{ timestamp: number }>;
    /** Whether at least one agent is in the chat. */
    isAgentConnected(): boolean;
    onError(callback: (event: { error: ApiError }) => void): this;
    onAgentConnected(callback: (event: AgentEvent) => void): this;
    onAgentDisconnected(callback: (event: AgentEvent) => void): this;
    onMessageReceived(callback: (event: MessageEvent) => void): this;
    onAgentTyping(callback: (event: TypingEvent) => void): this;
    onInterrupted(callback: () => void): this;
    onContinued(callback: () => void): this;
    onSessionEnded(callback: (event: SessionEndedEvent) => void): this;
  }

  interface ChatService {
    startSession(options: StartOptions): ApiPromise<Session>;
    /** The name seeds 000 and 003 use in their examples. */
    startChat(options: StartOptions): ApiPromise<Session>;
    restoreSession(options?: RestoreOptions): ApiPromise<Session>;
  }
}

/** The bus global. */
declare var CXBus: GenesysWidgets.CXBus;
/** Widgets configuration and runtime objects. */
declare var _genesys: { widgets: GenesysWidgets.WidgetsConfig; [key: string]: unknown };
/** The Chat Service JS API; exists as soon as `widgets.min.js` has run. */
declare var widgetsRsChat: WidgetsRsChat.ChatService;
