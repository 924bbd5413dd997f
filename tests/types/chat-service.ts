// Customer-style use of the Chat Service JS API (`window.widgetsRsChat`), compiled with
// `tsc --noEmit` against bus-shim/widgets.d.ts. Lines marked @ts-expect-error must NOT type-check.

function handleSession(session: WidgetsRsChat.Session) {
  session
    .onAgentConnected((e) => console.log(e.party.name, e.index, e.restored === true))
    .onMessageReceived((e) => {
      const url: boolean = e.content.type.url === true;
      const client: boolean = e.party.type.client === true;
      console.log(e.content.text, url, client);
    })
    .onAgentTyping((e) => console.log(e.isTyping))
    .onError((e) => console.log(e.error.code, e.error.description))
    .onInterrupted(() => undefined)
    .onContinued(() => undefined)
    .onSessionEnded((e) => console.log(e.reason.agent, e.reason.leaveRequest));
  session.sendMessage('Hi there');
  session.sendMessage({ message: 'https://example.com', type: 'url' }).fail((e) => console.log(e.error?.code));
  session.sendTyping({ isTyping: false });
  session.getTranscript({ fromIndex: 0 }).done((e) => e.transcript.forEach((t) => console.log(t.type)));
  session.setUserData({ CoBrowseSessionId: 'cb-1' }).done(() => undefined);
  session.getUserData('CoBrowseSessionId').done((e) => console.log(e.userData.CoBrowseSessionId));
  session.deleteUserData('CoBrowseSessionId').done((e) => console.log(e.timestamp));
  const agent: boolean = session.isAgentConnected();
  console.log(agent);
  // @ts-expect-error a message type is 'text' or 'url'
  session.sendMessage({ message: 'x', type: 'video' });
}

const storage: WidgetsRsChat.StateStorage = {
  read: () => JSON.parse(sessionStorage.getItem('chat') || 'null'),
  write: (state) => sessionStorage.setItem('chat', JSON.stringify(state)),
};

widgetsRsChat
  .restoreSession({ stateStorage: storage, maxOfflineDuration: 60 })
  .done(handleSession)
  .fail((event) => {
    if (event.error) return console.log(event.error.description);
    widgetsRsChat
      .startSession({
        serverUrl: 'https://gms.example.com/genesys/cometd',
        username: 'Jo',
        subject: 'Billing',
        userData: { FirstName: 'John' },
        stateStorage: storage,
        disableWebSockets: true,
        logger: (...args) => console.log(...args),
      })
      .done(handleSession);
  });

void (async () => {
  const session = await widgetsRsChat.startChat({
    transport: { type: 'rest', dataURL: 'https://gms.example.com/genesys/2/chat/customer-support' },
  });
  await session.leave();
})();

// @ts-expect-error maxOfflineDuration is a number of seconds
widgetsRsChat.restoreSession({ maxOfflineDuration: '5' });
