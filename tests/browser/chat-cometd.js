// Helpers for the GMS CometD browser tests (chat-cometd-*.test.js): a customer page configured
// with `webchat.cometD.enabled` against the emulator's Bayeux endpoint, long-polling or WebSocket,
// and a watch of the Bayeux traffic the page makes.
//
// The page is the GMS tests' (chat-emulator.js: the recording plugin `window.__chat`, a fresh
// stored session per tab); only `_genesys.widgets.webchat.cometD` is added. `dataURL` stays the
// REST base (file calls use it). Tests drive WebChatService only through the public bus API.

import { SERVICE, openChat } from './chat-emulator.js';

/** The Bayeux endpoint path and the chat channel. */
export const COMET_PATH = '/genesys/cometd';
export const CHANNEL = `/service/chatV2/${SERVICE}`;

/** `cometD` for `emu`: long-polling, or WebSocket when `websocket`. */
export function cometD(emu, websocket) {
  return { enabled: true, cometURL: emu.url + COMET_PATH, channel: CHANNEL, websocketEnabled: websocket };
}

/** Records the page's Bayeux traffic: POSTs by path, REST polls, and WebSockets opened. */
function watchBayeux(p, emu) {
  const net = { posts: [], rest: [], sockets: [] };
  p.page.on('request', (req) => {
    if (!req.url().startsWith(emu.url)) return;
    const path = new URL(req.url()).pathname;
    if (path.startsWith(COMET_PATH)) net.posts.push({ method: req.method(), path, body: req.postData() });
    else if (path.startsWith('/genesys/2/chat/')) net.rest.push(path);
  });
  p.page.on('websocket', (ws) => {
    if (ws.url().includes(COMET_PATH)) net.sockets.push({ url: ws.url(), closed: false, ws });
    ws.on('close', () => {
      const rec = net.sockets.find((s) => s.ws === ws);
      if (rec) rec.closed = true;
    });
  });
  return net;
}

/**
 * Opens a customer page for GMS over CometD against `emu` (`websocket` picks the carrier) and
 * waits for WebChatService.ready. `p.bayeux` records the traffic.
 */
export async function openCometChat(h, emu, { websocket = false, webchat = '', waitReady = true } = {}) {
  const comet = JSON.stringify(cometD(emu, websocket));
  const p = await openChat(h, emu, { webchat: `Object.assign({cometD: ${comet}}, ${webchat || '{}'})`, waitReady });
  p.bayeux = watchBayeux(p, emu);
  return p;
}
