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
//
//   node judge.mjs permissions COUNT SEED
//     COUNT random session-token claim sets (v1 and v2; fea, per, fpm with
//     every scope, spaces, surplus bits, leading zeros, bad masks), each read
//     by @clerk/shared's __experimental_JWTPayloadToAuthObjectProperties (the
//     pinned 4.41.0). Prints a JSON array of {claims, clerk: {orgId, orgRole,
//     orgPermissions} | {throws}}.
//
//   node judge.mjs cookies COUNT SEED
//     COUNT random requests (Cookie headers with __session, the suffixed
//     __session_<suffix>, __client_uat of both, tokens of this instance and
//     another, odd spacing, escapes; sometimes an Authorization header), each
//     read by @clerk/backend's own AuthenticateContext and createClerkRequest.
//     Prints a JSON array of {publishable_key, now, cookie, authorization,
//     plain, suffixed}: the token @clerk/backend takes without and with the
//     instance's cookie suffix.
import { verifyToken } from '@clerk/backend';
import { TokenType, constants, createClerkRequest } from '@clerk/backend/internal';
import { buildAccountsBaseUrl } from '@clerk/shared/buildAccountsBaseUrl';
import { __experimental_JWTPayloadToAuthObjectProperties } from '@clerk/shared/jwtPayloadParser';
import { getCookieSuffix, getSuffixedCookieName, parsePublishableKey } from '@clerk/shared/keys';
import { getAutoProxyUrlFromEnvironment } from '@clerk/shared/proxy';
import { isCurrentDevAccountPortalOrigin, isLegacyDevAccountPortalOrigin } from '@clerk/shared/url';
import crypto from 'node:crypto';
import http from 'node:http';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

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

// A seeded generator (mulberry32), so that a failing set can be made again.
const random = (seed) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

function permissions(count, seed) {
  const rnd = random(seed);
  const int = (n) => Math.floor(rnd() * n);
  const pick = (list) => list[int(list.length)];
  const chance = (p) => rnd() < p;
  // Whitespace JavaScript's trim() removes, and two characters it does not.
  const space = () => pick(['', '', '', ' ', '  ', '\t', '\u00a0', '\u3000', '\ufeff', '\n', '\u2003']);
  const pad = (s) => space() + s + space();
  const name = () => pick(['read', 'manage', 'billing', 'admin_panel', 'teams', 'x', 'my perm', 'a:b', '', 'f\u200b']);
  const scope = () => pick(['o', 'o', 'o', 'u', 'ou', 'uo', 'org', 'user', 'x', 'O', '']);
  const digits = (n) => Array.from({ length: n }, () => int(10)).join('');
  const mask = (names) => {
    switch (int(10)) {
      case 0: return String(int(2 ** Math.min(names, 30)));
      case 1: return String(int(2 ** Math.min(names + 3, 40)));  // surplus bits
      case 2: return '0'.repeat(1 + int(3)) + String(int(2 ** Math.min(names, 20)));  // leading zeros
      case 3: return digits(1 + int(60));  // beyond 2^53
      case 4: return pick(['', ' ', '0x1', '-1', '1.5', '1e2', '+1', '\u0661', '1 1', 'abc']);
      default: return String(int(2 ** Math.min(names, 12)));
    }
  };
  const list = (n, item) => Array.from({ length: n }, item);
  const out = [];
  for (let i = 0; i < count; ++i) {
    const v2 = chance(0.7);
    const claims = { sub: 'user_1', sid: 'sess_1', iss: 'https://clerk.example.com', exp: 4102444800 };
    if (v2) claims.v = 2;
    else if (chance(0.3)) claims.v = 1;
    const names = list(int(8), () => pad(name()));
    const per = chance(0.1) ? '' : names.join(',');
    const fea = chance(0.05) ? '' : list(int(7), () =>
      chance(0.03) ? pad('nocolon') : pad(`${scope()}:${name()}`)).join(',');
    const fpm = list(int(8), () => pad(mask(names.length))).join(',');
    if (chance(0.9)) claims.fea = fea;
    const org = {};
    if (chance(0.95)) org.id = pick(['org_1', 'org_2', '']);
    if (chance(0.9)) org.rol = pick(['admin', 'member', 'org:admin', '', 'org:']);
    if (chance(0.5)) org.slg = 'acme';
    if (chance(0.9)) org.per = per;
    if (chance(0.9)) org.fpm = fpm;
    const withO = chance(v2 ? 0.9 : 0.4);  // in v1, o is a custom claim
    if (withO) claims.o = org;
    if (chance(v2 ? 0.2 : 0.8)) {  // in v2, org_* are custom claims
      if (chance(0.9)) claims.org_id = pick(['org_v1', '', 'org_2']);
      if (chance(0.9)) claims.org_role = pick(['org:admin', 'admin', 'org:', '', 'org:org:member']);
      if (chance(0.5)) claims.org_slug = 'v1slug';
      if (chance(0.8)) claims.org_permissions = list(int(4), () => `org:${name()}:${name()}`);
    }
    let clerk;
    try {
      const a = __experimental_JWTPayloadToAuthObjectProperties(claims);
      clerk = { orgId: a.orgId ?? null, orgRole: a.orgRole ?? null, orgPermissions: a.orgPermissions ?? null };
    } catch (e) {
      clerk = { throws: String(e.message ?? e) };
    }
    out.push({ claims, clerk });
  }
  console.log(JSON.stringify(out));
}

// @clerk/backend's AuthenticateContext (the pinned 3.25.0), which decides
// between __session and __session_<suffix>. The package does not export it,
// so its class is taken from the package's own built file, unchanged, and
// given the functions it names from the package's public entry points.
async function authenticateContextClass() {
  const require = createRequire(import.meta.url);
  const dist = path.dirname(require.resolve('@clerk/backend/package.json')) + '/dist';
  const files = readdirSync(dist).filter((f) => f.startsWith('chunk-') && f.endsWith('.mjs'));
  const source = files.map((f) => readFileSync(`${dist}/${f}`, 'utf8')).find((t) => t.includes('var AuthenticateContext = class'));
  const cut = (from, to) => source.slice(source.indexOf(from), source.indexOf(to, source.indexOf(from)));
  let decodeJwt;
  for (const f of files) {
    const m = await import(pathToFileURL(`${dist}/${f}`));
    if (typeof m.decodeJwt === 'function') decodeJwt = m.decodeJwt;
  }
  const code = cut('function assertValidPublishableKey', '// src/tokens/authenticateContext.ts') +
    cut('var AuthenticateContext = class', 'var createAuthenticateContext');
  const names = { TokenType, constants, buildAccountsBaseUrl2: buildAccountsBaseUrl, decodeJwt,
    getAutoProxyUrlFromEnvironment, getSuffixedCookieName, isCurrentDevAccountPortalOrigin,
    isLegacyDevAccountPortalOrigin, parsePublishableKey };
  return new Function(...Object.keys(names), `${code}\nreturn AuthenticateContext;`)(...Object.values(names));
}

async function cookies(count, seed) {
  const AuthenticateContext = await authenticateContextClass();
  const rnd = random(seed);
  const int = (n) => Math.floor(rnd() * n);
  const pick = (list) => list[int(list.length)];
  const chance = (p) => rnd() < p;
  const keys = ['pk_test_Y2xlcmsuZXhhbXBsZS5jb20k', 'pk_live_Y2xlcmsuZXhhbXBsZS5jb20k'];
  const suffixes = Object.fromEntries(await Promise.all(keys.map(async (k) => [k, await getCookieSuffix(k)])));
  const now = Math.floor(Date.now() / 1000);
  const jwt = (payload) => `${b64url(JSON.stringify({ alg: 'RS256', kid: 'ins_1' }))}.${b64url(JSON.stringify(payload))}.${b64url('sig')}`;
  const token = () => {
    if (chance(0.08)) return pick(['garbage', 'a.b', 'e30.e30', 'e30.e30.e30', '%%%', 'W10.e30.e30', 'e30.e30.e30=']);
    const payload = { sub: 'user_1' };
    const iss = int(12);
    if (iss < 5) payload.iss = 'https://clerk.example.com';
    else if (iss === 5) payload.iss = pick(['http://clerk.example.com', 'HTTPS://clerk.example.com', 'clerk.example.com', 'https://clerk.example.comhttps://', 'https://https://clerk.example.com']);
    else if (iss < 8) payload.iss = pick(['https://clerk.other.com', 'https://clerk.example.com/', 'https://clerk.example.co']);
    else if (iss === 8) payload.iss = pick(['', 0, 5, true, false, null, ['x']]);
    if (chance(0.85)) payload.iat = pick([int(5), int(5), 0, null, true, 1.5, -1]);
    if (chance(0.6)) payload.exp = pick([now - 1000, now + 1000, null, 0]);
    return jwt(payload);
  };
  const escape = (t) => chance(0.15) ? t.replace(/[eA]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`) : t;
  const out = [];
  for (let i = 0; i < count; ++i) {
    const pk = pick(keys), sfx = suffixes[pk];
    const pairs = [];
    const add = (name, value) => {
      const eq = pick(['=', '=', '=', ' = ', '\t=', '= ']);
      pairs.push(`${name}${eq}${value}`);
    };
    if (chance(0.7)) add('__session', chance(0.05) ? '' : escape(token()));
    if (chance(0.5)) add(`__session_${sfx}`, chance(0.05) ? '' : escape(token()));
    if (chance(0.5)) add('__client_uat', pick(['0', '5', '1767225600', '']));
    if (chance(0.5)) add(`__client_uat_${sfx}`, pick(['0', '5', '1767225600', '']));
    if (chance(0.2)) add('__session', token());  // a second one: the first counts
    if (chance(0.2)) add('__session_other', token());
    if (chance(0.1)) pairs.push(pick(['flag', 'a=1', '=x', '']));
    for (let j = pairs.length - 1; j > 0; --j) {
      const k = int(j + 1);
      [pairs[j], pairs[k]] = [pairs[k], pairs[j]];
    }
    const cookie = pairs.join(pick(['; ', ';', ' ;  ', ';\t']));
    const authorization = chance(0.15) ? pick(['Bearer h.e.t', 'Bearer  h', 'Basic abc', 'one', 'Bearer a b', 'bearer x', 'Bearer ']) : null;
    const headers = new Headers({ cookie });
    if (authorization !== null) headers.set('authorization', authorization);
    const request = createClerkRequest(new Request('https://app.example.com/', { headers }));
    const context = new AuthenticateContext(sfx, request, { publishableKey: pk });
    out.push({
      publishable_key: pk, now, cookie, authorization,
      plain: context.tokenInHeader || (request.cookies.get('__session') ?? ''),
      suffixed: context.tokenInHeader || context.sessionTokenInCookie || '',
    });
  }
  console.log(JSON.stringify(out));
}

const [mode, arg, seed] = process.argv.slice(2);
if (mode === 'vectors') await vectors();
else if (mode === 'remote') await remote(arg);
else if (mode === 'permissions') permissions(Number(arg), Number(seed));
else if (mode === 'cookies') await cookies(Number(arg), Number(seed));
else {
  console.error('usage: node judge.mjs vectors | remote API_URL | permissions COUNT SEED | cookies COUNT SEED');
  process.exit(2);
}
