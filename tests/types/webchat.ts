// WebChatService through the bus, typed: commands, their options and resolutions, and event
// payloads. Compiled with `tsc --noEmit` against bus-shim/widgets.d.ts. The lines marked with an
// expect-error directive must NOT type-check: a typo in a command, event or option name, a wrong
// type. tsc fails if one of them does type-check.

const oChat = CXBus.registerPlugin('ChatPage');
if (oChat !== false) {
  oChat.command('WebChatService.startChat', { nickname: 'Jo', subject: 'help', userData: { id: 7 } }).done((answer) => {
    console.log(answer.chatId);
  });
  oChat.command('WebChatService.startChat', { form: { firstname: 'Jo', lastname: 'Doe', email: 'jo@example.com' } });
  oChat.command('WebChatService.sendMessage', { message: 'hi' }).fail((why) => console.error(why));
  oChat.command('WebChatService.endChat');
  oChat.command('WebChatService.sendTyping');
  oChat.command('WebChatService.sendFilteredMessage', { message: 'card 4111', regex: /\d{4}/ });
  oChat.command('WebChatService.addPrefilter', { filters: [/secret/] }).done((all: RegExp[]) => console.log(all.length));
  oChat.command('WebChatService.updateUserData', { plan: 'gold' }).done((merged) => console.log(merged.plan));
  oChat.command('WebChatService.getTranscript').done((t) => {
    for (const m of t.messages) console.log(m.index, m.type, m.text, m.from.name, m.from.type);
  });
  oChat.command('WebChatService.getAgents').done((r) => console.log(Object.values(r.agents).map((a) => a.name)));
  oChat.command('WebChatService.getStats').done((s) => console.log(s.duration, s.startTime));
  oChat.command('WebChatService.verifySession').done((v) => {
    const active: boolean = v.sessionActive;
    console.log(active);
  });
  oChat.command('WebChatService.getSessionData').done((d) => console.log(d));
  oChat.command('WebChatService.restore', { sessionData: 'stored-token' });
  oChat.command('WebChatService.registerPreProcessor', {
    preprocessor: (m) => ({ ...m, text: m.text.toUpperCase() }),
  });
  const input = document.createElement('textarea');
  oChat.command('WebChatService.registerTypingPreviewInput', { input });
  oChat.command('WebChatService.downloadFile', { fileId: 'f1', fileName: 'a.txt' });
  oChat.command('WebChatService.fetchHistory');

  oChat.subscribe('WebChatService.messageReceived', (e) => {
    const texts: string[] = e.data.messages.map((m) => m.text);
    const restoring: boolean = e.data.restoring;
    console.log(texts, restoring);
  });
  oChat.subscribe('WebChatService.agentConnected', (e) => {
    const n: number = e.data.numAgentsConnected;
    console.log(n, e.data.message.from.name, e.data.agents);
  });
  oChat.subscribe('WebChatService.restored', (e) => console.log(e.data.async === true));
  oChat.subscribe('WebChatService.error', (e) => console.log(e.data.message));
  // The outbox: pending messages carry a client id that the delivered/failed events repeat.
  oChat.subscribe('WebChatService.messagePending', (e) => {
    const id: string = e.data.clientId;
    const pending: true = e.data.pending;
    console.log(id, pending, e.data.text);
  });
  oChat.subscribe('WebChatService.messageDelivered', (e) => console.log(e.data.clientId));
  oChat.subscribe('WebChatService.messageFailed', (e) => console.log(e.data.clientId, e.data.reason));

  // Everything outside WebChatService keeps the loose signatures.
  oChat.command('MyPlugin.whatever', { any: 'thing' }).done((v: number) => console.log(v));
  oChat.subscribe<{ n: number }>('MyPlugin.tick', (e) => console.log(e.data.n));

  // The same typing on window.CXBus and the QuickBus.
  CXBus.command('WebChatService.sendMessage', { message: 'from CXBus' });
  _genesys.widgets.bus?.subscribe('WebChatService.ended', () => undefined);

  // @ts-expect-error a typo in the command name
  oChat.command('WebChatService.sendMesage', { message: 'hi' });
  // @ts-expect-error a typo in an option name
  oChat.command('WebChatService.sendMessage', { mesage: 'hi' });
  // @ts-expect-error sendMessage needs its options
  oChat.command('WebChatService.sendMessage');
  // @ts-expect-error the message must be a string
  oChat.command('WebChatService.sendMessage', { message: 42 });
  // @ts-expect-error getTranscript takes no options
  oChat.command('WebChatService.getTranscript', { from: 3 });
  // @ts-expect-error the regex must be a RegExp
  oChat.command('WebChatService.sendFilteredMessage', { message: 'x', regex: 'x' });
  // @ts-expect-error verifySession resolves with {sessionActive}, not a boolean
  oChat.command('WebChatService.verifySession').done((v: boolean) => console.log(v));
  // @ts-expect-error a typo in an event name
  oChat.subscribe('WebChatService.messageRecieved', () => undefined);
  // @ts-expect-error messageReceived carries messages, not message
  oChat.subscribe('WebChatService.messageReceived', (e) => console.log(e.data.message.text));
  // @ts-expect-error a typo on window.CXBus too
  CXBus.command('WebChatService.startchat', { nickname: 'Jo' });
}
