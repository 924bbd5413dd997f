// Every WebChatService command's resolutions and rejections, with the exact texts customer code
// depends on (seed 004 and shared/spec/webchatservice.md).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';
import { emulator, openChat, startChat, slow } from './chat-emulator.js';

const h = setup();
const emu = emulator();

const NO_SESSION = 'There is no active chat session';
const NO_CHAT_SESSION = 'No active chat session';

/** Runs each [command, data-as-JS-source] in the page and returns {state, args} for each. */
function runAll(p, calls) {
  return p.run(async (calls) => {
    const out = {};
    for (const [name, src] of calls) {
      // eslint-disable-next-line no-new-func
      const data = src === undefined ? undefined : new Function('return ' + src)();
      out[name + (src ? ' ' + src : '')] = await window.__chat.cmd(name, data);
    }
    return out;
  }, calls);
}

test('without a session, commands reject with the documented texts', async () => {
  const p = await openChat(h, emu);
  const r = await runAll(p, [
    ['endChat'],
    ['sendMessage', '{}'],
    ['sendMessage', "{message: 'hi'}"],
    ['sendCustomNotice', "{message: 'hi'}"],
    ['sendTyping', "{message: 'hi'}"],
    ['sendFilteredMessage', "{message: 'hi', regex: /hi/}"],
    ['startPoll'],
    ['stopPoll'],
    ['sendFile', "{files: new File(['x'], 'a.txt')}"],
    ['downloadFile', "{fileId: '1'}"],
    ['fetchHistory'],
    ['startChat', "{nickname: 'J', userData: 'not an object'}"],
    ['registerTypingPreviewInput', "{input: 'nope'}"],
    ['registerTypingPreviewInput', "{input: document.createElement('div')}"],
    ['registerPreProcessor', "{preprocessor: 'x'}"],
    ['registerPreProcessor', '{}'],
    ['addPrefilter', '{}'],
    ['addPrefilter', "{filters: ['x']}"],
    ['configure', "{dataURL: 'http://elsewhere/'}"],
  ]);
  const rejected = (k) => {
    assert.equal(r[k].state, 'rejected', `${k}: ${JSON.stringify(r[k])}`);
    return r[k].args[0];
  };
  assert.equal(rejected('endChat'), NO_SESSION);
  assert.equal(rejected('sendMessage {}'), 'No message text provided');
  assert.equal(rejected("sendMessage {message: 'hi'}"), NO_SESSION);
  assert.equal(rejected("sendCustomNotice {message: 'hi'}"), NO_SESSION);
  assert.equal(rejected("sendTyping {message: 'hi'}"), NO_SESSION);
  assert.equal(rejected("sendFilteredMessage {message: 'hi', regex: /hi/}"), NO_CHAT_SESSION);
  assert.equal(rejected('startPoll'), NO_CHAT_SESSION);
  assert.equal(rejected('stopPoll'), NO_CHAT_SESSION);
  assert.equal(rejected("sendFile {files: new File(['x'], 'a.txt')}"), NO_SESSION);
  assert.equal(rejected("downloadFile {fileId: '1'}"), NO_SESSION);
  assert.equal(rejected('fetchHistory'), 'Fetching history messages applies only to Asynchronous chat.');
  assert.equal(
    rejected("startChat {nickname: 'J', userData: 'not an object'}"),
    'malformed data object provided in userData property',
  );
  const badInput =
    "Invalid value provided for the 'input' property. An HTML element reference to a textarea or text input is required.";
  assert.equal(rejected("registerTypingPreviewInput {input: 'nope'}"), badInput);
  assert.equal(rejected("registerTypingPreviewInput {input: document.createElement('div')}"), badInput);
  assert.equal(
    rejected("registerPreProcessor {preprocessor: 'x'}"),
    "No preprocessor function provided. Type provided was 'string'.",
  );
  assert.equal(
    rejected('registerPreProcessor {}'),
    "No preprocessor function provided. Type provided was 'undefined'.",
  );
  const badFilters =
    'Missing or invalid filters provided. Please provide a regular expression or an array of regular expressions.';
  assert.equal(rejected('addPrefilter {}'), badFilters);
  assert.equal(rejected("addPrefilter {filters: ['x']}"), badFilters);
  assert.equal(rejected("configure {dataURL: 'http://elsewhere/'}"), 'WebChatService is already configured.');
});

test('private commands are denied to other plugins with the exact texts', async () => {
  const p = await openChat(h, emu);
  const r = await runAll(p, [['poll'], ['restore']]);
  assert.deepEqual(r.poll, {
    state: 'rejected',
    args: ['Access Denied to private command. Only WebChatService is allowed to invoke this command.'],
  });
  assert.deepEqual(r.restore, {
    state: 'rejected',
    args: [
      'Access Denied to private command. Only WebChatService is allowed to invoke this command in Non-Async mode.',
    ],
  });
});

test('without a session, the always-resolving commands resolve', async () => {
  const p = await openChat(h, emu, { webchat: "{userData: {fromConfig: 'c'}}" });
  const r = await runAll(p, [
    ['getTranscript'],
    ['getAgents'],
    ['getStats'],
    ['getSessionData'],
    ['verifySession'],
    ['resetPollExceptions'],
    ['updateUserData', "{customer: 'gold'}"],
  ]);
  for (const [k, v] of Object.entries(r)) assert.equal(v.state, 'resolved', `${k}: ${JSON.stringify(v)}`);
  assert.deepEqual(r.getTranscript.args, [{ messages: [] }]);
  assert.deepEqual(r.getAgents.args, [{ agents: {} }]);
  assert.deepEqual(r.getSessionData.args, [{}]);
  assert.deepEqual(r.verifySession.args, [{ sessionActive: false }]);
  assert.deepEqual(r.resetPollExceptions.args, []);
  assert.deepEqual(r["updateUserData {customer: 'gold'}"].args, [{ fromConfig: 'c', customer: 'gold' }]);
  assert.deepEqual(await p.run(() => window.__chat.plugin.data('WebChatService.userData')), {
    fromConfig: 'c',
    customer: 'gold',
  });
});

test('registerPreProcessor resolves with the function and addPrefilter with RegExp objects', async () => {
  const p = await openChat(h, emu);
  const r = await p.run(async () => {
    const fn = (m) => m;
    const pre = await window.__chat.cmd('registerPreProcessor', { preprocessor: fn });
    const one = await window.__chat.cmd('addPrefilter', { filters: /secret/i });
    const many = await window.__chat.cmd('addPrefilter', { filters: [/a+b/g, /secret/i] });
    return {
      pre: pre.state === 'resolved' && pre.args[0] === fn,
      one: one.args[0].map((re) => re instanceof RegExp && re.toString()),
      many: many.args[0].map((re) => re.toString()),
    };
  });
  assert.equal(r.pre, true);
  assert.deepEqual(r.one, ['/secret/i']);
  assert.deepEqual(r.many, ['/secret/i', '/a+b/g']);
});

test('during a session, commands resolve with the server answer', async () => {
  const p = await openChat(h, emu);
  const id = await startChat(p, { form: { nickname: 'V3 shape', email: 'v@x.io' }, userData: { plan: 'gold' } });
  const detail = await emu.agent(id).detail();
  assert.equal(detail.customer, 'V3 shape');
  assert.equal(detail.userData.plan, 'gold');
  assert.equal(detail.userData._genesys_source, 'web');
  assert.ok(detail.userData._genesys_url.startsWith('http://127.0.0.1'));
  assert.equal(detail.userData.GCTI_LanguageCode, 'en');

  const r = await runAll(p, [
    ['startChat', "{nickname: 'again'}"],
    ['sendMessage', "{message: 'hello'}"],
    ['sendCustomNotice', "{message: 'ping'}"],
    ['sendTyping', "{message: 'hel'}"],
    ['updateUserData', "{tier: 'silver'}"],
    ['sendFilteredMessage', "{message: 'code 1234', regex: /code \\\\d+/}"],
    ['stopPoll'],
    ['startPoll'],
    ['resetPollExceptions'],
    ['restore'],
    ['getSessionData'],
    ['verifySession'],
    ['sendFile', "{files: 'nothing'}"],
    ['downloadFile', '{}'],
  ]);
  const get = (k) => r[Object.keys(r).find((key) => key.startsWith(k))];
  assert.deepEqual(get('startChat').args, ['There is already an active chat session']);
  for (const k of ['sendMessage', 'sendCustomNotice', 'sendTyping', 'updateUserData']) {
    assert.equal(get(k).state, 'resolved', k);
    assert.equal(get(k).args[0].statusCode, 0, k);
  }
  assert.deepEqual(get('sendFilteredMessage'), { state: 'resolved', args: [] });
  assert.deepEqual(get('stopPoll'), { state: 'resolved', args: [] });
  assert.deepEqual(get('startPoll'), { state: 'resolved', args: [] });
  assert.deepEqual(get('resetPollExceptions'), { state: 'resolved', args: [] });
  assert.equal(get('restore').state, 'rejected');
  const sd = get('getSessionData').args[0];
  assert.equal(sd.sessionID, id);
  assert.ok(sd.secureKey && sd.userId && sd.alias);
  assert.deepEqual(get('verifySession').args, [{ sessionActive: true }]);
  assert.deepEqual(get('sendFile').args, ['No file provided.']);
  assert.deepEqual(get('downloadFile').args, ['No fileId provided.']);
  await slow(p, () => window.__chat.waitEvent('pollingStopped'));
  assert.equal(await p.run(() => window.__chat.count('pollingStarted')), 2);

  const after = await emu.agent(id).detail();
  assert.equal(after.userData.tier, 'silver');
  assert.ok(after.transcript.some((e) => e.type === 'CustomNotice' && e.text === 'ping'));
  assert.ok(after.transcript.some((e) => e.text === 'code 1234'));

  const end = await p.run(() => window.__chat.cmd('endChat'));
  assert.equal(end.state, 'resolved');
  assert.equal(end.args[0].chatEnded, true);
  await slow(p, () => window.__chat.waitEvent('ended'));
});

test('sendFile uploads within the server limits, rejects over them, and downloadFile fetches', async () => {
  const p = await openChat(h, emu, { body: '<input type="file" id="f">' });
  const id = await startChat(p);
  const big = await p.run(() =>
    window.__chat.cmd('sendFile', { files: [new File([new Uint8Array(3 * 1024 * 1024)], 'big.txt')] }),
  );
  assert.equal(big.state, 'rejected');
  assert.equal(big.args[0].status, 400);
  assert.equal(big.args[0].responseJSON.errors[0].code, 202);
  const type = await p.run(() => window.__chat.cmd('sendFile', { files: new File(['x'], 'run.exe') }));
  assert.equal(type.args[0].responseJSON.errors[0].code, 203);

  await p.page.setInputFiles('#f', { name: 'note.txt', mimeType: 'text/plain', buffer: Buffer.from('hello file') });
  const ok = await p.run(() => window.__chat.cmd('sendFile', { files: document.getElementById('f') }));
  assert.equal(ok.state, 'resolved', JSON.stringify(ok.args));
  const detail = await emu.agent(id).detail();
  assert.deepEqual(detail.files.map((f) => [f.name, f.size]), [['note.txt', 10]]);

  const msg = await slow(p, () => window.__chat.waitMessage((m) => m.type === 'FileUploaded'));
  assert.equal(msg.file.name, 'note.txt');
  const [download, result] = await Promise.all([
    p.page.waitForEvent('download', { timeout: 5000 }),
    p.run((f) => window.__chat.cmd('downloadFile', { fileId: f.id, fileName: f.name }), msg.file),
  ]);
  assert.equal(result.state, 'resolved');
  assert.equal(download.suggestedFilename(), 'note.txt');
  await p.run(() => window.__chat.cmd('endChat'));
});

test('a refused chat rejects startChat with the AJAX object and publishes error', async () => {
  const p = await openChat(h, emu);
  await emu.faults({ rejectNewChats: true });
  const r = await p.run(() => window.__chat.cmd('startChat', { nickname: 'J' }));
  assert.equal(r.state, 'rejected');
  assert.equal(r.args[0].responseJSON.errors[0].code, 240);
  const err = await slow(p, () => window.__chat.waitEvent('error'));
  assert.equal(err.data.responseJSON.errors[0].code, 240);
  assert.equal(await p.run(() => window.__chat.count('started')), 0);
});

test('an invalid configuration still becomes ready, publishes one error and names the problem', async () => {
  const p = await h.open({
    config: '{main: {}, webchat: {ajaxTimeout: "soon"}}',
    after: `window.__seen = []; CXBus.subscribe('WebChatService.error', function (e) { window.__seen.push(e.data); });
      CXBus.subscribe('WebChatService.ready', function () { window.__ready = true; });`,
  });
  await p.page.waitForFunction(() => window.__ready === true);
  const r = await p.run(async () => {
    const d = CXBus.command('WebChatService.startChat', { nickname: 'J' });
    return { start: await window.__t.settle(d), errors: window.__seen };
  });
  assert.equal(r.errors.length, 1);
  assert.match(r.errors[0].message, /invalid webchat configuration/);
  assert.equal(r.start.state, 'rejected');
  assert.equal(r.start.args[0], r.errors[0].message);
});

test('sendTyping ends the customer typing state after the idle time: clientTypingStopped follows', async () => {
  const p = await openChat(h, emu);
  await startChat(p);
  const typed = await p.run(() => window.__chat.cmd('sendTyping', { message: 'hel' }));
  assert.equal(typed.state, 'resolved');
  const stopped = await slow(p, () => window.__chat.waitEvent('clientTypingStopped', 1, 6000));
  assert.ok(stopped, 'clientTypingStopped was published');
  assert.equal(await p.run(() => window.__chat.count('clientTypingStarted')), 1);
});

test('the capabilities data key says what GMS REST does; registerEvents advertises only published events', async () => {
  const p = await openChat(h, emu);
  const r = await p.run(() => ({
    capabilities: window.__chat.plugin.data('WebChatService.capabilities'),
    events: window.__chat.plugin.registry().WebChatService.events,
  }));
  assert.deepEqual(r.capabilities, {
    polling: true, push: false, fileUpload: true, customNotice: true,
    updateUserData: true, verifySession: true, async: false,
  });
  assert.ok(r.events.includes('sessionLost'), 'sessionLost is published when the server forgets the chat');
  for (const never of ['capabilitiesChanged', 'sleeping', 'waking', 'ajaxResponse']) {
    assert.ok(!r.events.includes(never), `${never} is not advertised: it is never published`);
  }
  for (const documented of ['ready', 'error', 'messageReceived', 'connectionRestored']) {
    assert.ok(r.events.includes(documented), documented);
  }
});
