// The outbox in the chat demo (README "Sending while offline"): a message sent while the chat
// server cannot be reached shows at once as a pending bubble, keyed by its clientId; it goes away
// when the message is delivered (the real one arrives through messageReceived, which chat.js
// shows) and turns into a failure line with the reason if it cannot be delivered. Try it: turn
// the emulator offline from the agent console, type three messages, reload if you like, bring it
// back online, and watch them arrive once, in order.
(function () {
  'use strict';

  var oOutbox = CXBus.registerPlugin('DemoOutbox');
  if (!oOutbox) return;
  var transcript = document.getElementById('chat-transcript');
  if (!transcript) return;

  function bubble(clientId) {
    return transcript.querySelector('li.pending[data-client-id="' + CSS.escape(clientId) + '"]');
  }

  oOutbox.subscribe('WebChatService.messagePending', function (e) {
    var m = e.data || {};
    if (!m.clientId || bubble(m.clientId)) return;
    var li = document.createElement('li');
    li.className = 'client pending';
    li.setAttribute('data-client-id', m.clientId);
    var who = document.createElement('span');
    who.className = 'who';
    who.textContent = 'waiting for the server…';
    var text = document.createElement('span');
    text.className = 'text';
    text.textContent = m.text;
    li.appendChild(who);
    li.appendChild(text);
    transcript.appendChild(li); // pending messages stay below the delivered ones, in typed order
    transcript.scrollTop = transcript.scrollHeight;
  });

  oOutbox.subscribe('WebChatService.messageDelivered', function (e) {
    var li = e.data && bubble(e.data.clientId);
    if (li) li.remove();
  });

  oOutbox.subscribe('WebChatService.messageFailed', function (e) {
    var li = e.data && bubble(e.data.clientId);
    if (!li) return;
    li.className = 'client pending failed';
    li.querySelector('.who').textContent =
      typeof e.data.reason === 'string' ? e.data.reason : 'not delivered';
  });

  // A new chat starts with no pending bubbles from the last one.
  oOutbox.subscribe('WebChatService.started', function () {
    Array.prototype.forEach.call(transcript.querySelectorAll('li.pending'), function (li) {
      li.remove();
    });
  });
})();
