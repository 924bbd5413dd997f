// Agent console for the chat emulator: polls /emulator/api, shows chats and transcripts, and sends
// agent actions. Plain JS, no build step.
(function () {
  'use strict';

  var API = '/emulator/api';
  // The protocol that started each chat (`protocol` in the sessions list), as shown.
  var PROTOCOLS = { gms: 'GMS', cometd: 'GMS CometD', cloud: 'Cloud', v3: 'Engage v3' };
  // `?session=ID` opens that chat directly.
  var selected = new URLSearchParams(location.search).get('session');
  var typingTimer = null;
  var typingSent = false;

  function $(id) { return document.getElementById(id); }

  // The agent and fault APIs need this run's token, which the emulator gives only to the pages it
  // serves itself (same origin, loopback). Read once; the one place the console adds it.
  var token = null;
  function apiToken() {
    if (!token) {
      token = fetch(API + '/token').then(function (response) {
        if (!response.ok) { throw new Error('the emulator did not give this page its API token'); }
        return response.json();
      }).then(function (json) { return json.token; });
      token.catch(function () { token = null; });
    }
    return token;
  }

  function call(method, path, body) {
    return apiToken().then(function (value) { return callWith(value, method, path, body); });
  }

  function callWith(value, method, path, body) {
    var options = { method: method, headers: { 'x-emulator-token': value } };
    if (body !== undefined) {
      options.headers['content-type'] = 'application/json';
      options.body = JSON.stringify(body);
    }
    return fetch(API + path, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        if (!response.ok) { throw new Error(json.error || ('HTTP ' + response.status)); }
        return json;
      });
    });
  }

  function status(text) { $('status').textContent = text; }
  function report(error) { status('error: ' + error.message); }

  function text(tag, content, className) {
    var element = document.createElement(tag);
    element.textContent = content;
    if (className) { element.className = className; }
    return element;
  }

  function renderSessions(sessions) {
    var list = $('sessions');
    list.textContent = '';
    sessions.forEach(function (s) {
      var item = document.createElement('li');
      item.dataset.id = s.id;
      if (s.id === selected) { item.className = 'selected'; }
      item.dataset.protocol = s.protocol;
      item.appendChild(text('span', s.state, 'state ' + s.state));
      item.appendChild(text('span', PROTOCOLS[s.protocol] || s.protocol, 'protocol ' + s.protocol));
      item.appendChild(text('strong', s.customer || '(no name)'));
      item.appendChild(text('div', s.messageCount + ' messages' + (s.subject ? ' · ' + s.subject : '')));
      if (s.customerTyping) { item.appendChild(text('div', 'typing…', 'typing')); }
      item.addEventListener('click', function () { select(s.id); });
      list.appendChild(item);
    });
    status(sessions.length + ' chats · ' + new Date().toLocaleTimeString());
  }

  function describe(event) {
    switch (event.type) {
      case 'Message': return event.text;
      case 'PushUrl': return 'pushed ' + event.text;
      case 'Notice': case 'CustomNotice': return '[' + event.type + '] ' + event.text;
      case 'FileUploaded': return 'uploaded ' + (event.userData['file-name'] || event.text);
      default: return event.type + (event.text ? ': ' + event.text : '');
    }
  }

  function renderChat(chat) {
    $('chat-empty').hidden = true;
    $('chat').hidden = false;
    $('chat-customer').textContent = chat.customer;
    $('chat-meta').textContent = (PROTOCOLS[chat.protocol] || chat.protocol) + ' · ' + chat.state + ' · ' + chat.id +
      (chat.agents.length ? ' · with ' + chat.agents.map(function (a) { return a.nickname; }).join(', ') : '');
    var transcript = $('transcript');
    var atBottom = transcript.scrollTop + transcript.clientHeight >= transcript.scrollHeight - 4;
    transcript.textContent = '';
    chat.transcript.forEach(function (event) {
      if (event.type === 'TypingStarted' || event.type === 'TypingStopped') { return; }
      var role = event.from ? event.from.role : 'system';
      var item = document.createElement('li');
      item.className = event.type === 'Message' ? role : 'event';
      item.appendChild(text('span', '#' + event.index + ' ' + (event.from ? event.from.nickname : 'system'), 'who'));
      item.appendChild(text('span', describe(event)));
      transcript.appendChild(item);
    });
    if (atBottom) { transcript.scrollTop = transcript.scrollHeight; }
    $('customer-typing').hidden = !chat.customerTyping;
    $('typing-preview').textContent = chat.customerTypingPreview ? ': ' + chat.customerTypingPreview : '';
    $('chat-details').textContent = JSON.stringify({ userData: chat.userData, files: chat.files, parties: chat.parties }, null, 2);
  }

  function refresh() {
    call('GET', '/sessions').then(function (body) { renderSessions(body.sessions); }).catch(report);
    if (selected) {
      call('GET', '/sessions/' + encodeURIComponent(selected)).then(renderChat).catch(function (error) {
        report(error);
        selected = null;
        $('chat').hidden = true;
        $('chat-empty').hidden = false;
      });
    }
  }

  function select(id) {
    selected = id;
    refresh();
  }

  function act(path, body) {
    if (!selected) { return Promise.resolve(); }
    return call('POST', '/sessions/' + encodeURIComponent(selected) + path, body).then(refresh).catch(report);
  }

  function setTyping(typing) {
    if (typingSent === typing) { return; }
    typingSent = typing;
    act('/typing', { typing: typing });
  }

  $('reply').addEventListener('input', function () {
    setTyping(true);
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { setTyping(false); }, 2000);
  });

  $('reply-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var message = $('reply').value.trim();
    if (!message) { return; }
    clearTimeout(typingTimer);
    typingSent = false;
    act('/messages', { text: message }).then(function () { $('reply').value = ''; });
  });

  $('join').addEventListener('click', function () { act('/join', { nickname: prompt('Agent name', 'Agent') || 'Agent' }); });
  $('join-supervisor').addEventListener('click', function () { act('/join', { role: 'supervisor', nickname: 'Supervisor' }); });
  $('push-url').addEventListener('click', function () {
    var url = prompt('URL to push', 'https://example.com/');
    if (url) { act('/push-url', { url: url }); }
  });
  $('notice').addEventListener('click', function () {
    var notice = prompt('Notice text');
    if (notice) { act('/notice', { text: notice }); }
  });
  $('transfer').addEventListener('click', function () {
    var name = prompt('Transfer to agent', 'Bob');
    if (name) { act('/transfer', { nickname: name }); }
  });
  $('end').addEventListener('click', function () { act('/end', { reason: $('end-reason').value }); });

  function numberField(form, name) { return Number(form.elements[name].value) || 0; }

  function loadAutoAgent() {
    call('GET', '/auto-agent').then(function (settings) {
      var form = $('auto-agent');
      form.elements.enabled.checked = settings.enabled;
      form.elements.joinDelayMs.value = settings.joinDelayMs;
      form.elements.replyDelayMs.value = settings.replyDelayMs;
    }).catch(report);
  }

  $('auto-agent').addEventListener('submit', function (event) {
    event.preventDefault();
    var form = event.target;
    call('PUT', '/auto-agent', {
      enabled: form.elements.enabled.checked,
      joinDelayMs: numberField(form, 'joinDelayMs'),
      replyDelayMs: numberField(form, 'replyDelayMs')
    }).then(function () { status('auto-agent updated'); }).catch(report);
  });

  function showFaults(report) {
    $('faults-report').textContent = JSON.stringify(report, null, 2);
    // The offline switch shows what the server says, whoever flipped it.
    var offline = report.offline === true;
    $('offline-switch').setAttribute('aria-pressed', String(offline));
    $('offline-switch').textContent = offline ? 'Back online' : 'Go offline';
  }
  $('offline-switch').addEventListener('click', function () {
    var offline = $('offline-switch').getAttribute('aria-pressed') !== 'true';
    call('PUT', '/faults', { offline: offline }).then(showFaults).catch(report);
  });

  $('faults').addEventListener('submit', function (event) {
    event.preventDefault();
    var form = event.target;
    call('PUT', '/faults', {
      failNext: numberField(form, 'failNext'),
      failKind: form.elements.failKind.value,
      failStatus: numberField(form, 'failStatus') || 503,
      latencyMs: numberField(form, 'latencyMs'),
      offlineSeconds: numberField(form, 'offlineSeconds'),
      rejectNewChats: form.elements.rejectNewChats.checked,
      dropSendReplies: numberField(form, 'dropSendReplies')
    }).then(showFaults).catch(report);
  });
  $('faults-reset').addEventListener('click', function () { call('DELETE', '/faults').then(showFaults).catch(report); });
  $('drop-websockets').addEventListener('click', function () {
    // Closes every open Cloud WebSocket abruptly (the customer's client should reconnect);
    // the answer is shown as is, `{"dropped": n}`, and stays until the next drop.
    $('drop-report').textContent = 'dropping…';
    call('POST', '/faults/drop-websockets').then(function (body) {
      $('drop-report').textContent = JSON.stringify(body) + ' at ' + new Date().toLocaleTimeString();
    }).catch(function (error) {
      $('drop-report').textContent = 'failed: ' + error.message;
    });
  });

  loadAutoAgent();
  call('GET', '/faults').then(showFaults).catch(report);
  refresh();
  setInterval(refresh, 1000);
  setInterval(function () { call('GET', '/faults').then(showFaults).catch(function () {}); }, 3000);
}());
