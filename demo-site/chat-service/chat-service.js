// A chat window on the Chat Service JS API (seeds 000, 002, 003) at window.widgetsRsChat. Text
// from the server or the agent is inserted with textContent, never parsed as HTML.
(function () {
  'use strict';

  var $ = function (id) { return document.getElementById(id); };
  var status = $('api-status');
  var startForm = $('api-start');
  var sessionView = $('api-session');
  var transcript = $('api-transcript');
  var typing = $('api-typing');
  var input = $('api-input');
  var log = $('api-log');
  var serverUrl = location.origin + '/genesys/cometd';
  var chat = null;
  var typingSentAt = 0;

  function say(text, isError) {
    status.textContent = text;
    status.className = 'status' + (isError ? ' error' : '');
  }

  function logger() {
    var li = document.createElement('li');
    li.textContent = [].slice.call(arguments).join(' ');
    log.appendChild(li);
  }

  /** A transcript line: `who` and `text` as text (never HTML), styled by `cls`. */
  function line(cls, who, text) {
    var li = document.createElement('li');
    li.className = cls;
    [['who', who], ['text', text]].forEach(function (part) {
      var span = li.appendChild(document.createElement('span'));
      span.className = part[0];
      span.textContent = part[1];
    });
    transcript.appendChild(li);
    transcript.scrollTop = transcript.scrollHeight;
  }

  function failed(what) {
    return function (event) {
      var e = event && event.error;
      say(what + ' failed' + (e ? ': ' + e.code + ' ' + e.description + (e.details ? ' (' + e.details + ')' : '') : ''), true);
    };
  }

  function show(active) {
    startForm.hidden = active;
    sessionView.hidden = !active;
    if (active) input.focus();
  }

  function handleSession(session) {
    chat = session;
    show(true);
    say(session.isAgentConnected() ? 'Connected to an agent.' : 'Waiting for an agent…');
    session
      .onAgentConnected(function (e) {
        line('notice', '', e.party.name + ' joined');
        say('Connected to ' + e.party.name + '.');
      })
      .onAgentDisconnected(function (e) {
        line('notice', '', e.party.name + ' left');
      })
      .onMessageReceived(function (e) {
        var cls = e.party.type.client ? 'me' : 'agent';
        line(cls + (e.restored ? ' restored' : ''), e.party.name, e.content.text);
        typing.hidden = true;
      })
      .onAgentTyping(function (e) {
        typing.hidden = !e.isTyping;
        typing.textContent = e.party.name + ' is typing…';
      })
      .onError(function (e) {
        line('notice', '', 'error ' + e.error.code + ': ' + e.error.description);
      })
      .onInterrupted(function () { say('Connection interrupted; reconnecting…', true); })
      .onContinued(function () { say('Connection restored.'); })
      .onSessionEnded(function (e) {
        var why = e.reason.leaveRequest ? 'you left' : e.reason.agent ? 'the agent ended it' : 'an error';
        say('Chat ended (' + why + ').');
        chat = null;
        show(false);
      });
  }

  startForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var f = startForm.elements;
    say('Starting…');
    transcript.textContent = '';
    widgetsRsChat
      .startSession({
        serverUrl: serverUrl,
        username: f.username.value,
        subject: f.subject.value,
        userData: { source: 'chat-service demo' },
        disableWebSockets: f.longPolling.checked,
        logger: logger,
      })
      .done(handleSession)
      .fail(failed('startSession'));
  });

  $('api-send').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var text = input.value.trim();
    if (!text || !chat) return;
    input.value = '';
    chat.sendMessage(text).fail(failed('sendMessage'));
    chat.sendTyping({ isTyping: false });
  });

  input.addEventListener('keydown', function (ev) {
    if (ev.key === 'Enter' && !ev.shiftKey) {
      ev.preventDefault();
      $('api-send').requestSubmit();
    } else if (chat && ev.key.length === 1 && Date.now() - typingSentAt > 3000) {
      typingSentAt = Date.now();
      chat.sendTyping();
    }
  });

  $('api-leave').addEventListener('click', function () {
    if (chat) chat.leave().fail(failed('leave'));
  });

  // A chat from before a reload goes on; otherwise offer to start one.
  widgetsRsChat
    .restoreSession({ logger: logger, maxOfflineDuration: 30 })
    .done(handleSession)
    .fail(function (event) {
      if (event.error) failed('restoreSession')(event);
      else say('No chat yet.');
      show(false);
    });
})();
