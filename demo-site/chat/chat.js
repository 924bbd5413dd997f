// DemoChat: a chat window built as an ordinary custom plugin. It talks to WebChatService only
// through bus commands and events, exactly as customer code would. Every piece of text that
// comes from the server or the agent is inserted with textContent, never parsed as HTML.
(function () {
  'use strict';

  var oChat = CXBus.registerPlugin('DemoChat');
  if (!oChat) return;

  var $ = function (id) { return document.getElementById(id); };
  var status = $('chat-status');
  var startForm = $('chat-start');
  var session = $('chat-session');
  var transcript = $('chat-transcript');
  var typing = $('chat-typing');
  var input = $('chat-input');
  var fileInput = $('chat-file');
  var shown = {}; // message index -> true, so a replay never shows a message twice
  var sessionActive = false;

  function command(name, data) {
    return oChat.command('WebChatService.' + name, data);
  }

  function say(text, isError) {
    status.textContent = text;
    status.className = 'status' + (isError ? ' error' : '');
  }

  function describe(reason) {
    if (typeof reason === 'string') return reason;
    var body = reason && reason.responseJSON;
    if (body && body.errors && body.errors[0]) return body.errors[0].message;
    if (body && body.status && body.status.message) return body.status.message; // Engage v3
    if (reason && reason.statusText) return 'request failed (' + reason.statusText + ')';
    return 'request failed';
  }

  function showSession(active) {
    sessionActive = active;
    startForm.hidden = active;
    session.hidden = !active;
    if (active) input.focus();
  }

  // Lines of messages carry their index and are kept in index order, so older messages that
  // fetchHistory brings in (async mode) land above the ones shown.
  var placing = null;

  function place(li) {
    if (placing == null) return transcript.appendChild(li);
    li.setAttribute('data-index', String(placing));
    var later = Array.prototype.filter.call(transcript.children, function (other) {
      var at = other.getAttribute('data-index');
      return at != null && Number(at) > placing;
    })[0];
    if (later) return transcript.insertBefore(li, later);
    transcript.appendChild(li);
    transcript.scrollTop = transcript.scrollHeight;
  }

  function line(cls, who, text) {
    var li = document.createElement('li');
    li.className = cls;
    if (who) {
      var w = document.createElement('span');
      w.className = 'who';
      w.textContent = who;
      li.appendChild(w);
    }
    var t = document.createElement('span');
    t.className = 'text';
    t.textContent = text;
    li.appendChild(t);
    place(li);
    transcript.scrollTop = transcript.scrollHeight;
    return li;
  }

  function render(m) {
    var from = m.from || {};
    var role = String(from.type || 'External').toLowerCase();
    var name = from.name || from.type || '';
    switch (m.type) {
      case 'Message':
        line(role, name, m.text);
        break;
      case 'ParticipantJoined':
        line('notice', '', name + ' joined the chat');
        break;
      case 'ParticipantLeft':
        line('notice', '', name + ' left the chat');
        break;
      case 'Notice':
      case 'CustomNotice':
      case 'IdleAlert':
      case 'IdleClose':
        if (m.text) line('notice', '', m.text);
        break;
      case 'PushUrl':
        line('notice', name, 'shared a link: ' + (m.url || m.text));
        break;
      case 'FileUploaded': {
        var file = m.file || {};
        var li = line(role + ' file', name, 'sent a file: ' + (file.name || 'file'));
        var btn = document.createElement('button');
        btn.type = 'button';
        btn.textContent = 'Download';
        btn.addEventListener('click', function () {
          command('downloadFile', { fileId: file.id, fileName: file.name }).fail(function (r) {
            say('Download failed: ' + describe(r), true);
          });
        });
        li.appendChild(btn);
        break;
      }
      default:
        break; // typing notifications are shown by the typing indicator
    }
  }

  // --- events ------------------------------------------------------------------------------

  oChat.subscribe('WebChatService.ready', function () {
    var idle = function () {
      if (sessionActive) return;
      say('Fill in the form to chat with an agent.');
      showSession(false);
    };
    command('verifySession').done(function (e) {
      if (!e.sessionActive) idle();
    }).fail(idle); // async mode: the session lives with the site, so verifySession cannot know
    command('registerTypingPreviewInput', { input: input });
  });

  oChat.subscribe('WebChatService.started', function () {
    say('Connected. Waiting for an agent…');
    showSession(true);
  });

  oChat.subscribe('WebChatService.restored', function () {
    say('Chat restored.');
    showSession(true);
  });

  oChat.subscribe('WebChatService.restoreTimeout', function () {
    say('Your previous chat timed out. Start a new one.');
    showSession(false);
  });

  oChat.subscribe('WebChatService.restoreFailed', function () {
    say('Your previous chat could not be restored. Start a new one.');
    showSession(false);
  });

  oChat.subscribe('WebChatService.messageReceived', function (e) {
    (e.data.messages || []).forEach(function (m) {
      if (m.index != null) {
        if (shown[m.index]) return;
        shown[m.index] = true;
      }
      placing = m.index;
      render(m);
      placing = null;
    });
  });

  oChat.subscribe('WebChatService.agentConnected', function (e) {
    var who = e.data && e.data.message && e.data.message.from;
    say('Chatting with ' + ((who && who.name) || 'an agent') + '.');
  });

  oChat.subscribe('WebChatService.agentTypingStarted', function (e) {
    var from = e.data && e.data.from;
    typing.textContent = ((from && from.name) || 'The agent') + ' is typing…';
    typing.hidden = false;
  });
  ['agentTypingStopped', 'agentTypingTimeout'].forEach(function (evt) {
    oChat.subscribe('WebChatService.' + evt, function () {
      typing.hidden = true;
    });
  });

  // Connection state, as status lines in the log (so a tester sees when each happened) and in
  // the status line. Cloud publishes disconnected/reconnected when its WebSocket drops and comes
  // back; GMS publishes connectionPending/chatServerWentOffline when polls keep failing.
  oChat.subscribe('WebChatService.disconnected', function () {
    line('notice connection', '', 'Disconnected: the connection to the chat server dropped; reconnecting…');
    say('Disconnected; reconnecting…', true);
  });
  oChat.subscribe('WebChatService.reconnected', function () {
    line('notice connection', '', 'Reconnected.');
    say('Reconnected.');
  });
  oChat.subscribe('WebChatService.connectionPending', function () {
    line('notice connection', '', 'Connection pending: the chat server is not answering; retrying…');
  });
  oChat.subscribe('WebChatService.chatServerWentOffline', function () {
    say('The chat server is not answering; retrying…', true);
  });
  oChat.subscribe('WebChatService.chatServerBackOnline', function () {
    line('notice connection', '', 'The chat server is back online.');
    say('Back online.');
  });

  oChat.subscribe('WebChatService.ended', function () {
    typing.hidden = true;
    line('notice', '', 'The chat has ended.');
    say('Chat ended. You can start a new one.');
    shown = {};
    showSession(false);
  });

  oChat.subscribe('WebChatService.error', function (e) {
    say('Chat error: ' + describe(e.data && e.data.message ? e.data.message : e.data), true);
  });

  // --- page controls -----------------------------------------------------------------------

  startForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var data = {};
    Array.prototype.forEach.call(startForm.elements, function (el) {
      if (el.name && el.value) data[el.name] = el.value;
    });
    transcript.textContent = '';
    shown = {};
    say('Connecting…');
    command('startChat', data).fail(function (r) {
      say('Could not start the chat: ' + describe(r), true);
    });
  });

  function send() {
    var text = input.value;
    if (!text.trim()) return;
    input.value = '';
    command('sendMessage', { message: text }).fail(function (r) {
      say('Message not sent: ' + describe(r), true);
      input.value = text;
    });
  }

  $('chat-send').addEventListener('submit', function (ev) {
    ev.preventDefault();
    send();
  });
  input.addEventListener('keydown', function (ev) {
    if (ev.key === 'Enter' && !ev.shiftKey) {
      ev.preventDefault();
      send();
    }
  });

  fileInput.addEventListener('change', function () {
    if (!fileInput.files.length) return;
    say('Sending ' + fileInput.files[0].name + '…');
    command('sendFile', { files: fileInput }).done(function () {
      say('File sent.');
    }).fail(function (r) {
      say('File not sent: ' + describe(r), true);
    }).always(function () {
      fileInput.value = '';
    });
  });

  $('chat-history').addEventListener('click', function () {
    command('fetchHistory').done(function () {
      say('Older messages loaded.');
    }).fail(function (r) {
      say(typeof r === 'string' ? r : 'Could not load older messages: ' + describe(r), typeof r !== 'string');
    });
  });

  $('chat-end').addEventListener('click', function () {
    command('endChat').fail(function (r) {
      say('Could not end the chat: ' + describe(r), true);
    });
  });

  // --- async mode: what the site keeps --------------------------------------------------------

  // The token is a credential: shown shortened, as a site's admin page would.
  function shorten(data) {
    if (!data || typeof data !== 'object') return data;
    var copy = JSON.parse(JSON.stringify(data));
    if (typeof copy.token === 'string') copy.token = copy.token.slice(0, 12) + '… (' + copy.token.length + ' chars)';
    return copy;
  }

  function showAsyncStore(store) {
    $('chat-history').hidden = false;
    $('async-store').hidden = false;
    $('async-store-key').textContent = 'localStorage["' + store.key + '"]';
    var draw = function () {
      var current = store.current();
      $('async-store-data').textContent = current ? JSON.stringify(shorten(current), null, 2) : '(nothing stored)';
      var calls = $('async-store-calls');
      calls.textContent = '';
      store.calls.forEach(function (c) {
        var li = document.createElement('li');
        li.textContent = c.at + ' ' + c.call + (c.data ? ': ' + JSON.stringify(shorten(c.data)) : '');
        calls.appendChild(li);
      });
    };
    store.listeners.push(draw);
    draw();
  }

  // --- transport switch --------------------------------------------------------------------
  // WebChatService reads its config once, so a switch reloads the page with ?transport=ID;
  // transport.js builds the config from it before widgets.min.js runs. An active chat is ended
  // first: its stored session belongs to the old protocol.

  var transport = window.DemoTransport;
  var picker = $('chat-transport');
  if (transport && picker) {
    transport.all.forEach(function (t) {
      var option = document.createElement('option');
      option.value = t.id;
      option.textContent = t.label + (t.coming ? ' (coming)' : '');
      option.disabled = t.coming;
      picker.appendChild(option);
    });
    picker.value = transport.active.id;
    $('chat-transport-active').textContent =
      'Active: ' + transport.active.label + ' (' + transport.active.detail + ')' +
      (transport.requested !== transport.active.id
        ? '; "' + transport.requested + '" is not available, using ' + transport.active.label
        : '');
    document.documentElement.setAttribute('data-transport', transport.active.id);
    if (transport.active.async) showAsyncStore(transport.asyncStore);

    var reloadWith = function (id) {
      var url = new URL(location.href);
      url.searchParams.set('transport', id);
      location.assign(url.href);
    };
    picker.addEventListener('change', function () {
      var id = picker.value;
      if (id === transport.active.id) return;
      picker.disabled = true;
      if (!sessionActive) return reloadWith(id);
      say('Ending this chat to switch to ' + picker.options[picker.selectedIndex].textContent + '…');
      command('endChat').always(function () { reloadWith(id); });
    });
    $('transport-form').addEventListener('submit', function (ev) { ev.preventDefault(); });
  }

  oChat.ready();
})();
