// The Chat Service JS API's extended calls (seed 000): setUserData, getUserData, deleteUserData,
// against the emulator, which keeps user data per interaction and answers only what was set.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';
import { emulator } from './chat-emulator.js';
import { openApiPage, serverUrl, restTransport, startSession, chatIdOf } from './chat-service-api.js';

const h = setup();
const emu = emulator();

for (const [what, options] of [
  ['CometD', (e) => `{serverUrl: ${JSON.stringify(serverUrl(e))}, userData: {FirstName: 'John'}}`],
  ['REST', (e) => `{transport: ${JSON.stringify(restTransport(e))}, userData: {FirstName: 'John'}}`],
]) {
  test(`setUserData, getUserData and deleteUserData over ${what}`, async () => {
    const p = await openApiPage(h);
    await startSession(p, options(emu));
    const set = await p.run(() => window.__api.cmd('setUserData', { CoBrowseSessionId: 'cb-42', LastName: 'Doe' }));
    assert.deepEqual(set, { state: 'done' });
    const detail = await emu.agent(await chatIdOf(p)).detail();
    assert.equal(detail.userData.CoBrowseSessionId, 'cb-42', 'the agent side sees it');

    const got = await p.run(() => window.__api.cmd('getUserData', 'CoBrowseSessionId'));
    assert.deepEqual(got, { state: 'done', value: { userData: { CoBrowseSessionId: 'cb-42' } } });
    const fromStart = await p.run(() => window.__api.cmd('getUserData', 'FirstName'));
    assert.deepEqual(fromStart.value, { userData: { FirstName: 'John' } });
    const never = await p.run(() => window.__api.cmd('getUserData', 'RoutingSecret'));
    assert.deepEqual(never.value, { userData: {} }, 'only what was set is readable');

    const deleted = await p.run(() => window.__api.cmd('deleteUserData', 'CoBrowseSessionId'));
    assert.equal(deleted.state, 'done');
    assert.equal(typeof deleted.value.timestamp, 'number');
    const gone = await p.run(() => window.__api.cmd('getUserData', 'CoBrowseSessionId'));
    assert.deepEqual(gone.value, { userData: {} });
    assert.equal((await emu.agent(await chatIdOf(p)).detail()).userData.CoBrowseSessionId, undefined);
    await p.run(() => window.__api.cmd('leave'));
  });
}
