// The Standard Webhooks reference library (standardwebhooks, pinned in
// package-lock.json) signs and judges random webhook deliveries, for
// tests/crosscheck/test_webhooks_crosscheck.cpp, which judges the same ones
// with the library and compares. @clerk/backend's verifyWebhook (which reads
// svix-* headers and hands them to standardwebhooks) judges them too.
//
//   node webhook_judge.mjs SEED COUNT
//     Draws COUNT deliveries from a PRNG seeded with SEED: a secret, a
//     message id, a timestamp around a fixed now, a body (mostly Clerk-shaped
//     events), signed by standardwebhooks' Webhook.sign, then mutated one way
//     or another (the body, the id, the timestamp, the secret, the signature
//     list, a header dropped, spaces around values). Date.now() is pinned to
//     that now, so the library can be given the same one. Prints one JSON
//     object: {now, vectors: [{kind, secret, id, timestamp, signature (null
//     for a header left out), body (hex), signed_id, signed_timestamp,
//     signed_secret, signed_body (hex), sign ("v1,..." as standardwebhooks
//     signed it, or null), standard ("ok" or its error's message), clerk (the
//     same from verifyWebhook)}]}.
import { Webhook } from 'standardwebhooks';
import { verifyWebhook } from '@clerk/backend/webhooks';

const [seedText, countText] = process.argv.slice(2);
const count = Number(countText);

// mulberry32: small, and the same vectors for one seed on every machine.
let state = Number(seedText) >>> 0;
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const below = (n) => Math.floor(random() * n);
const pick = (list) => list[below(list.length)];
const bytes = (n) => Buffer.from(Array.from({ length: n }, () => below(256)));
const chars = (n, alphabet) => Array.from({ length: n }, () => pick(alphabet)).join('');
const base62 = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

const now = 1700000000 + below(100000000);
Date.now = () => now * 1000 + below(1000);

const eventTypes = ['user.created', 'user.updated', 'user.deleted', 'session.created',
  'session.ended', 'organization.created', 'organizationMembership.created', 'email.created',
  'role.created', 'subscriptionItem.active'];
const strings = ['', 'a', 'Ada Lovelace', 'ünïcödé ✓', 'quote " and \\ backslash', 'line\nbreak',
  'tab\tand \u0001 control', '𝄞 astral', 'sk_test_not0a0real0key', '<script>', '{}'];

function value(depth) {
  switch (below(depth > 2 ? 4 : 7)) {
    case 0: return pick(strings);
    case 1: return below(2 ** 31) - 2 ** 30;
    case 2: return pick([true, false, null]);
    case 3: return random() * 1000;
    case 4: return Array.from({ length: below(4) }, () => value(depth + 1));
    default: {
      const o = {};
      for (let i = below(5); i > 0; --i) o[chars(1 + below(8), 'abcdefghij_')] = value(depth + 1);
      return o;
    }
  }
}

function clerkEvent() {
  const data = { object: pick(['user', 'session', 'organization']),
    id: `${pick(['user', 'sess', 'org'])}_${chars(27, base62)}` };
  for (let i = below(6); i > 0; --i) data[chars(3 + below(10), 'abcdefghijklmnop_')] = value(1);
  const event = { data, event_attributes: { http_request: { client_ip: `10.0.${below(256)}.${below(256)}`,
    user_agent: pick(strings) } }, instance_id: `ins_${chars(27, base62)}`, object: 'event',
  timestamp: now * 1000 - below(10000), type: pick(eventTypes) };
  return JSON.stringify(event, null, pick([undefined, undefined, 0, 2, '\t']));
}

function body() {
  switch (below(20)) {
    case 0: return '';
    case 1: return JSON.stringify(value(0));  // any JSON, rarely an event
    case 2: return '{"type": "user.created", "data": ' + '[1,'.repeat(below(3)) + '{}';  // cut short
    case 3: return JSON.stringify({ type: pick(eventTypes), data: value(1) });  // the two required
    default: return clerkEvent();
  }
}

function secretText(key) {
  const text = key.toString('base64');
  return below(4) === 0 ? text : `whsec_${text}`;
}

// The verdict of standardwebhooks on webhook-* headers: "ok", or its message.
function standard(secret, id, timestamp, signature, payload) {
  try {
    const headers = {};
    if (id !== null) headers['webhook-id'] = id;
    if (timestamp !== null) headers['webhook-timestamp'] = timestamp;
    if (signature !== null) headers['webhook-signature'] = signature;
    new Webhook(secret).verify(payload, headers);
    return 'ok';
  } catch (e) {
    return e instanceof SyntaxError ? `JSON: ${e.message}` : e.message;
  }
}

// The verdict of @clerk/backend's verifyWebhook on svix-* headers.
async function clerk(secret, id, timestamp, signature, payload) {
  const headers = new Headers();
  if (id !== null) headers.set('svix-id', id);
  if (timestamp !== null) headers.set('svix-timestamp', timestamp);
  if (signature !== null) headers.set('svix-signature', signature);
  try {
    await verifyWebhook(new Request('http://127.0.0.1/hooks', { method: 'POST', headers,
      body: payload }), { signingSecret: secret });
    return 'ok';
  } catch (e) {
    return e.message;
  }
}

const vectors = [];
for (let n = 0; n < count; ++n) {
  const key = bytes(pick([24, 24, 24, 24, 24, 24, 32, 64, 16, 15]));  // Svix's are 24
  const secret = secretText(key);
  const signedId = below(10) === 0 ? `msg ${chars(5, base62)}.x` : `msg_${chars(27, base62)}`;
  // Mostly within the 5 minutes either way, the edges included.
  const signedTimestamp = now + pick([0, 0, 0, 0, 0, 0, 0, 0, -1, 1, -299, 299, -300, 300, -301,
    301, -86400, 86400, -now]);
  const signedBody = Buffer.from(body());
  let sign = null;
  try {
    sign = new Webhook(secret).sign(signedId, new Date(signedTimestamp * 1000), signedBody);
  } catch (e) {
    // A secret standardwebhooks refuses: the delivery keeps a made-up signature.
  }
  let id = signedId;
  let timestamp = String(signedTimestamp);
  let signature = sign ?? `v1,${bytes(32).toString('base64')}`;
  let payload = signedBody;
  let judgedSecret = secret;
  const other = () => `v1,${bytes(32).toString('base64')}`;
  const kind = pick(['genuine', 'genuine', 'genuine', 'body', 'id', 'timestamp', 'secret',
    'rotation', 'versions', 'list', 'entry', 'missing', 'spaces', 'timestamp text']);
  switch (kind) {
    case 'body':
      if (payload.length > 0) {
        payload = Buffer.from(payload);
        payload[below(payload.length)] ^= 1 << below(7);
      } else {
        payload = Buffer.from(' ');
      }
      break;
    case 'id': id = `${id}x`; break;
    case 'timestamp': timestamp = String(signedTimestamp + pick([1, -1, 60])); break;
    case 'secret': judgedSecret = secretText(bytes(24)); break;
    case 'rotation': signature = pick([`${other()} ${signature}`, `${signature} ${other()}`]); break;
    case 'versions':
      signature = pick([`v2,${signature.slice(3)}`, `v1a,${signature.slice(3)} ${other()}`,
        `v0,x ${signature}`, `V1,${signature.slice(3)}`]);
      break;
    case 'list':
      signature = pick([`${signature}  ${other()}`, ` ${signature}`, `${signature},${other()}`,
        `${signature}\t${other()}`, `${signature.slice(0, -1)}`, `${signature}=`, 'v1,',
        `${signature.replace(/=+$/, '')}`]);
      break;
    case 'entry': signature = `${signature.slice(0, 10)}${pick(['A', 'B', '+', '/'])}${signature.slice(11)}`; break;
    case 'missing':
      [id, timestamp, signature] = pick([[null, timestamp, signature], [id, null, signature],
        [id, timestamp, null], [null, null, null], ['', timestamp, signature]]);
      break;
    case 'spaces':
      // What an HTTP parser strips; standardwebhooks, given them, does not.
      if (below(2)) id = ` ${id} `; else signature = `${signature} `;
      break;
    case 'timestamp text':
      timestamp = pick([`0${timestamp}`, `+${timestamp}`, `${timestamp}abc`, `${timestamp}.9`,
        ` ${timestamp}`, `${timestamp}e0`, '1e9', 'soon', `-${timestamp}`, `${timestamp}0`]);
      break;
    default: break;
  }
  const hex = payload.toString('hex');
  vectors.push({
    kind, secret: judgedSecret, id, timestamp, signature, body: hex,
    signed_id: signedId, signed_timestamp: signedTimestamp, signed_secret: secret,
    signed_body: signedBody.toString('hex'), sign,
    standard: standard(judgedSecret, id, timestamp, signature, payload),
    clerk: await clerk(judgedSecret, id, timestamp, signature, payload),
  });
}
console.log(JSON.stringify({ now, vectors }));
