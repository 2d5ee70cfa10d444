// Clerk's own @clerk/backend (pinned in package-lock.json) judges session
// JWTs, for tests/crosscheck/test_crosscheck.cpp, which judges the same ones
// with the library and compares.
//
//   node judge.mjs vectors
//     Makes an RSA-2048 key with Node's crypto (nothing from the project),
//     signs the valid and hostile tokens of session-tokens.md's pitfall
//     table, and judges each twice with verifyToken: with jwtKey (the PEM,
//     networkless) and with secretKey against a JWKS this script serves on
//     127.0.0.1 (as Clerk's /v1/jwks). Prints one JSON object: now (Unix
//     seconds), pem, jwks, issuer, authorized_party, other_pem and vectors:
//     [{name, token, pem: "ok"|reason, jwks: "ok"|reason}].
//
//   CLERK_SECRET_KEY=... node judge.mjs remote API_URL < tokens
//     verifyToken with secretKey and apiUrl (the fake Clerk's /v1/jwks) for
//     each token on standard input, one a line; prints one JSON line each:
//     {"ok":true,"sub":...,"sid":...} or {"ok":false,"reason":...}.
import { verifyToken } from '@clerk/backend';
import crypto from 'node:crypto';
import http from 'node:http';
import { readFileSync } from 'node:fs';

const b64url = (buf) => Buffer.from(buf).toString('base64url');
// The exported verifyToken resolves to the payload or throws the
// TokenVerificationError: "ok", or its reason.
const judge = async (token, options) => {
  try {
    return { ok: true, data: await verifyToken(token, options) };
  } catch (e) {
    return { ok: false, reason: e.reason ?? String(e) };
  }
};
const outcome = (r) => (r.ok ? 'ok' : r.reason);

async function remote(apiUrl) {
  const secretKey = process.env.CLERK_SECRET_KEY;
  const tokens = readFileSync(0, 'utf8').split('\n').filter((l) => l.length > 0);
  for (const token of tokens) {
    const r = await judge(token, { secretKey, apiUrl });
    console.log(JSON.stringify(r.ok ? { ok: true, sub: r.data.sub, sid: r.data.sid,
                                        azp: r.data.azp ?? null, act: r.data.act ?? null }
                                    : r));
  }
}

async function vectors() {
  const kid = 'ins_crosscheck';
  const issuer = 'https://clerk.crosscheck.test';
  const party = 'https://app.crosscheck.test';
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = publicKey.export({ type: 'spki', format: 'pem' });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  const jwks = JSON.stringify({ keys: [jwk] });
  const now = Math.floor(Date.now() / 1000);

  const header = (extra = {}) => ({ alg: 'RS256', kid, typ: 'JWT', ...extra });
  const claims = (extra = {}) => ({
    azp: party, exp: now + 600, iat: now - 5, iss: issuer, nbf: now - 15,
    sid: 'sess_crosscheck', sub: 'user_crosscheck', v: 2, ...extra,
  });
  // Text in, token out: hostile JSON (repeated members) stays as written.
  const rs = (h, p, { key = privateKey, hash = 'sha256' } = {}) => {
    const input = `${b64url(h)}.${b64url(p)}`;
    return `${input}.${b64url(crypto.sign(hash, Buffer.from(input), key))}`;
  };
  const sign = (h, p, opts) => rs(JSON.stringify(h), JSON.stringify(p), opts);
  const hs256 = (h, p, secret) => {
    const input = `${b64url(JSON.stringify(h))}.${b64url(JSON.stringify(p))}`;
    return `${input}.${b64url(crypto.createHmac('sha256', secret).update(input).digest())}`;
  };
  const valid = sign(header(), claims());
  const [vh, vp, vs] = valid.split('.');
  const flip = (s, at) => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);

  const list = [
    ['valid', valid],
    ['alg none, empty signature', `${b64url(JSON.stringify(header({ alg: 'none' })))}.${vp}.`],
    ['HS256 keyed with the public key PEM', hs256(header({ alg: 'HS256' }), claims(), pem)],
    ['RS384 signed with the same RSA key', sign(header({ alg: 'RS384' }), claims(), { hash: 'sha384' })],
    ['RS512 signed with the same RSA key', sign(header({ alg: 'RS512' }), claims(), { hash: 'sha512' })],
    ['ES256 alg with an RSA signature', sign(header({ alg: 'ES256' }), claims())],
    ['kid injection ../../etc/passwd', sign(header({ kid: '../../etc/passwd' }), claims())],
    ['kid absent', sign({ alg: 'RS256', typ: 'JWT' }, claims())],
    ['kid of 10,000 characters', sign(header({ kid: 'k'.repeat(10000) }), claims())],
    ['crit ["exp"]', sign(header({ crit: ['exp'] }), claims())],
    ['crit with an unknown extension', sign(header({ crit: ['x-acme'], 'x-acme': 1 }), claims())],
    ['typ at+jwt', sign(header({ typ: 'at+jwt' }), claims())],
    ['typ absent', sign({ alg: 'RS256', kid }, claims())],
    ['duplicate sub claim (last wins in JSON.parse)',
     rs(JSON.stringify(header()), JSON.stringify(claims()).replace('{', '{"sub":"user_first",'))],
    ['duplicate alg header (none then RS256)',
     rs(JSON.stringify(header()).replace('{', '{"alg":"none",'), JSON.stringify(claims()))],
    ['signature with = padding', `${valid}=`],
    ['payload with = padding', `${vh}.${vp}==.${vs}`],
    ['standard base64 alphabet (+ /) in the signature', `${vh}.${vp}.${vs.replace(/-/g, '+').replace(/_/g, '/')}`],
    ['a newline inside the token', `${vh}.\n${vp}.${vs}`],
    ['a fourth segment', `${valid}.${vs}`],
    ['exp as a float', sign(header(), claims({ exp: now + 600.5 }))],
    ['exp as a string', sign(header(), claims({ exp: String(now + 600) }))],
    ['exp absent', sign(header(), (({ exp, ...c }) => c)(claims()))],
    ['exp 1e300', sign(header(), claims({ exp: 1e300 }))],
    ['exp -1e13 (an invalid Date in JS)', sign(header(), claims({ exp: -1e13 }))],
    ['exp 2^63', rs(JSON.stringify(header()), JSON.stringify(claims()).replace(/"exp":\d+/, '"exp":9223372036854775808'))],
    ['nbf as a string', sign(header(), claims({ nbf: String(now - 15) }))],
    ['iat as a float in the past', sign(header(), claims({ iat: now - 5.25 }))],
    ['payload of 1 MB', sign(header(), claims({ pad: 'x'.repeat(1 << 20) }))],
    ['expired an hour ago', sign(header(), claims({ exp: now - 3600, iat: now - 3660, nbf: now - 3670 }))],
    ['not valid for an hour (nbf)', sign(header(), claims({ nbf: now + 3600 }))],
    ['issued an hour from now (iat)', sign(header(), claims({ iat: now + 3600, nbf: now - 15 }))],
    ['another instance (iss)', sign(header(), claims({ iss: 'https://clerk.other-instance.test' }))],
    ['iss absent', sign(header(), (({ iss, ...c }) => c)(claims()))],
    ['another key, same kid', sign(header(), claims(), { key: other.privateKey })],
    ['one signature bit changed', `${vh}.${vp}.${flip(vs, 10)}`],
    ['empty signature', `${vh}.${vp}.`],
    ['azp not an authorized party', sign(header(), claims({ azp: 'https://evil.test' }))],
    ['azp absent', sign(header(), (({ azp, ...c }) => c)(claims()))],
    ['sub absent', sign(header(), (({ sub, ...c }) => c)(claims()))],
    ['sub not a string', sign(header(), claims({ sub: 42 }))],
    ['sts pending', sign(header(), claims({ sts: 'pending' }))],
    ['machine-token category cat (M2M)', sign(header({ cat: 'cl_B7d4PD333AAA' }), claims())],
    ['machine subject mch_', sign(header(), claims({ sub: 'mch_crosscheck' }))],
    ['header not an object', rs('[1]', JSON.stringify(claims()))],
    ['payload not JSON', rs(JSON.stringify(header()), 'not json')],
  ];

  // The JWKS as Clerk's Backend API serves it, for verifyToken's secretKey path.
  const server = http.createServer((req, res) => {
    res.writeHead(req.url === '/v1/jwks' ? 200 : 404, { 'Content-Type': 'application/json' });
    res.end(req.url === '/v1/jwks' ? jwks : '{}');
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const apiUrl = `http://127.0.0.1:${server.address().port}`;
  const common = { authorizedParties: [party] };
  const out = [];
  for (const [name, token] of list) {
    const byPem = outcome(await judge(token, { ...common, jwtKey: pem }));
    const byJwks = outcome(await judge(token, { ...common, secretKey: 'sk_test_crosscheck', apiUrl }));
    out.push({ name, token, pem: byPem, jwks: byJwks });
  }
  server.close();
  console.log(JSON.stringify({
    now, pem, jwks, issuer, authorized_party: party,
    other_pem: other.publicKey.export({ type: 'spki', format: 'pem' }), vectors: out,
  }));
}

const [mode, arg] = process.argv.slice(2);
if (mode === 'vectors') await vectors();
else if (mode === 'remote') await remote(arg);
else {
  console.error('usage: node judge.mjs vectors | node judge.mjs remote API_URL');
  process.exit(2);
}
