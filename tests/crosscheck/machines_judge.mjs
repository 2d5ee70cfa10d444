// Clerk's own packages (pinned in package-lock.json) judge what
// tests/crosscheck/test_machines_crosscheck.cpp judges with the library:
// has() and machine tokens (issue 27).
//
//   node machines_judge.mjs has COUNT SEED
//     COUNT random session claim sets (v1 and v2 organizations, fea, pla,
//     fva), each with a random check (role, permission, feature, plan,
//     reverification: some, all or none of them), decided by @clerk/shared's
//     createCheckAuthorization over the options @clerk/backend's
//     signedInAuthObject gives it (__experimental_JWTPayloadToAuthObjectProperties,
//     fea || "", pla || ""), and by signedInAuthObject's own has(). Prints a
//     JSON array of {claims, check, clerk: true | false | {throws}}.
//
//   node machines_judge.mjs reverification
//     @clerk/backend's reverificationError (@clerk/shared's) for each preset
//     and some custom policies: a JSON array of {config, body}.
//
//   node machines_judge.mjs machine COUNT SEED
//     Makes an RSA-2048 key with Node's crypto, signs the hand-made vectors
//     below and COUNT random M2M, OAuth and session JWTs, and judges each
//     with @clerk/backend's verifyMachineAuthToken given the PEM (jwtKey:
//     networkless) and, for some, an audience. Prints one JSON object: now,
//     pem, vectors: [{name, token, audience, stricter, clerk: {ok, code,
//     throws, kind, id, subject, client_id, scopes, expiration}}]. `stricter`
//     names the rule of the library's that the vector meets where
//     @clerk/backend has none (random vectors only; the test's table says it
//     for hand-made ones).
import { createCheckAuthorization } from '@clerk/shared/authorization';
import { __experimental_JWTPayloadToAuthObjectProperties } from '@clerk/shared/jwtPayloadParser';
import { reverificationError, signedInAuthObject, verifyMachineAuthToken } from '@clerk/backend/internal';
import crypto from 'node:crypto';

// xorshift32 from a seed: the same sets for the same seed.
const generator = (seed) => {
  let x = (seed >>> 0) || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
};
const tools = (seed) => {
  const rnd = generator(seed);
  const int = (n) => Math.floor(rnd() * n);
  return { int, pick: (list) => list[int(list.length)], chance: (p) => rnd() < p };
};

function hasCases(count, seed) {
  const { int, pick, chance } = tools(seed);
  const features = ['dashboard', 'teams', 'export', 'x'];
  const perms = ['read', 'manage', 'delete'];
  const plans = ['free', 'pro', 'team'];
  const scoped = (scopes, names, n) =>
    Array.from({ length: n }, () => (chance(0.03) ? pick(names) : `${pick(scopes)}:${pick(names)}`))
      .map((e) => (chance(0.1) ? ` ${e} ` : e))
      .join(',');
  const ages = [-1, -1, 0, 3, 9, 10, 11, 59, 60, 61, 1439, 1440, 1441, 100000, -2];
  const out = [];
  for (let i = 0; i < count; ++i) {
    const claims = { sub: chance(0.98) ? 'user_1' : 'user_2', sid: 'sess_1', iss: 'https://clerk.example.com', exp: 4102444800 };
    const v2 = chance(0.7);
    if (v2) claims.v = 2;
    if (chance(0.85)) claims.fea = chance(0.05) ? '' : scoped(['o', 'o', 'u', 'ou', 'uo', 'org', 'x'], features, 1 + int(4));
    if (chance(0.7)) claims.pla = chance(0.05) ? '' : scoped(['o', 'u', 'u', 'ou', 'uo', 'user'], plans, 1 + int(3));
    const f = int(20);
    if (f < 16) claims.fva = [pick(ages), pick(ages)];
    else if (f === 16) claims.fva = [pick(ages)];
    else if (f === 17) claims.fva = [pick(ages), pick(ages), pick(ages)];
    if (v2 && chance(0.85)) {
      const names = perms.slice(0, 1 + int(3));
      claims.o = { id: chance(0.93) ? 'org_1' : '', rol: pick(['admin', 'member', 'org:admin', '', 'org:']) };
      if (chance(0.9)) claims.o.per = names.join(',');
      if (chance(0.9)) claims.o.fpm = Array.from({ length: 1 + int(4) }, () => String(int(2 ** names.length))).join(',');
    }
    if (!v2 && chance(0.8)) {
      claims.org_id = chance(0.93) ? 'org_1' : '';
      if (chance(0.9)) claims.org_role = pick(['org:admin', 'org:member', 'admin', '', 'org:']);
      if (chance(0.85)) claims.org_permissions = Array.from({ length: int(4) }, () => `org:${pick(features)}:${pick(perms)}`);
    }
    // One dimension asked most often, sometimes none or several.
    const check = {};
    const dims = ['role', 'permission', 'feature', 'plan', 'reverification'];
    const n = pick([0, 1, 1, 1, 1, 1, 1, 2, 2, 3, 5]);
    for (let k = 0; k < n; ++k) {
      const dim = pick(dims);
      const wanted = (names) => `${pick(['', '', 'o:', 'org:', 'organization:', 'u:', 'user:', 'ou:', 'x:', ':'])}${pick(names)}${chance(0.05) ? ':more' : ''}`;
      if (dim === 'role') check.role = pick(['admin', 'admin', 'member', 'org:admin', 'org:member', '', 'org:', 'org:org:admin', 'Admin']);
      else if (dim === 'permission') {
        const p = `${pick(features)}:${pick(perms)}`;
        check.permission = chance(0.6) ? `org:${p}` : p;
      } else if (dim === 'feature') check.feature = chance(0.03) ? pick(['o:', 'u::x', '']) : wanted(features);
      else if (dim === 'plan') check.plan = wanted(plans);
      else
        check.reverification = chance(0.6)
          ? pick(['strict_mfa', 'strict', 'moderate', 'lax'])
          : { level: pick(['first_factor', 'second_factor', 'multi_factor']), afterMinutes: pick([1, 5, 10, 11, 60, 1440, 0, -5]) };
    }
    let clerk;
    try {
      const a = __experimental_JWTPayloadToAuthObjectProperties(claims);
      const has = createCheckAuthorization({
        orgId: a.orgId, orgRole: a.orgRole, orgPermissions: a.orgPermissions, userId: a.userId,
        factorVerificationAge: a.factorVerificationAge, features: claims.fea || '', plans: claims.pla || '',
      });
      clerk = has(check);
      // @clerk/backend's own auth object must say the same.
      if (signedInAuthObject({}, 'token', claims).has(check) !== clerk) throw new Error('signedInAuthObject disagrees');
    } catch (e) {
      clerk = { throws: String(e.message ?? e) };
    }
    out.push({ claims, check, clerk });
  }
  console.log(JSON.stringify(out));
}

function reverification() {
  const configs = ['strict_mfa', 'strict', 'moderate', 'lax',
    { level: 'first_factor', afterMinutes: 30 }, { level: 'second_factor', afterMinutes: 1 },
    { level: 'multi_factor', afterMinutes: 1440 }];
  console.log(JSON.stringify(configs.map((config) => ({ config, body: JSON.stringify(reverificationError(config)) }))));
}

async function machine(count, seed) {
  const { int, pick, chance } = tools(seed);
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = publicKey.export({ type: 'spki', format: 'pem' });
  const now = Math.floor(Date.now() / 1000);
  const b64 = (s) => Buffer.from(s).toString('base64url');
  // Header and payload as text (hostile JSON stays as written), then signed.
  const rs = (h, p, { key = privateKey, hash = 'sha256' } = {}) => {
    const input = `${b64(h)}.${b64(p)}`;
    return `${input}.${crypto.sign(hash, Buffer.from(input), key).toString('base64url')}`;
  };
  const sign = (h, p, opts) => rs(JSON.stringify(h), JSON.stringify(p), opts);
  const M2M = 'cl_B7d4PD333AAA', SESSION = 'cl_B7d4PD111AAA', IGNORE = 'cl_I7d4PD111III';
  const m2mHeader = (extra = {}) => ({ alg: 'RS256', kid: 'ins_1', typ: 'JWT', cat: M2M, ...extra });
  const oauthHeader = (extra = {}) => ({ alg: 'RS256', kid: 'ins_1', typ: 'at+jwt', ...extra });
  const times = { iat: now - 10, nbf: now - 15, exp: now + 600 };
  const m2m = (extra = {}) => ({ iss: 'https://clerk.example.com', sub: 'mch_1', jti: 'mt_1', ...times, aud: ['mch_2', 'mch_3'], scopes: 'mch_2 mch_3', ...extra });
  const oauth = (extra = {}) => ({ iss: 'https://clerk.example.com', sub: 'user_1', jti: 'oat_1', client_id: 'client_1', ...times, scp: ['read'], ...extra });
  const without = (o, k) => { const c = { ...o }; delete c[k]; return c; };
  const valid = sign(m2mHeader(), m2m());
  const [vh, vp, vs] = valid.split('.');
  const flip = (s, at) => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);
  const api = ['https://api.example.com'];

  // [name, token, audience]
  const list = [
    ['m2m valid', valid],
    ['m2m without cat', sign(without(m2mHeader(), 'cat'), m2m())],
    ['m2m without typ', sign(without(m2mHeader(), 'typ'), m2m())],
    ['m2m with the session category', sign(m2mHeader({ cat: SESSION }), m2m())],
    ['m2m with the ignore category', sign(m2mHeader({ cat: IGNORE }), m2m())],
    ['m2m typ at+jwt', sign(m2mHeader({ typ: 'at+jwt' }), m2m())],
    ['m2m scopes with double spaces', sign(m2mHeader(), m2m({ scopes: ' a  b ' }))],
    ['m2m aud string, no scopes', sign(m2mHeader(), without(m2m({ aud: 'mch_9' }), 'scopes'))],
    ['m2m aud array, no scopes', sign(m2mHeader(), without(m2m(), 'scopes'))],
    ['m2m no scopes, no aud', sign(m2mHeader(), without(without(m2m(), 'scopes'), 'aud'))],
    ['m2m scopes not a string', sign(m2mHeader(), m2m({ scopes: ['a'] }))],
    ['m2m jti a number', sign(m2mHeader(), m2m({ jti: 5 }))],
    ['m2m jti absent', sign(m2mHeader(), without(m2m(), 'jti'))],
    ['m2m expired', sign(m2mHeader(), m2m({ exp: now - 60 }))],
    ['m2m nbf in the future', sign(m2mHeader(), m2m({ nbf: now + 60 }))],
    ['m2m iat in the future', sign(m2mHeader(), m2m({ iat: now + 60 }))],
    ['m2m exp absent', sign(m2mHeader(), without(m2m(), 'exp'))],
    ['m2m exp a float', sign(m2mHeader(), m2m({ exp: now + 600.5 }))],
    ['m2m exp a string', sign(m2mHeader(), m2m({ exp: String(now + 600) }))],
    ['m2m alg none', `${b64(JSON.stringify(m2mHeader({ alg: 'none' })))}.${vp}.${vs}`],
    ['m2m alg HS256', sign(m2mHeader({ alg: 'HS256' }), m2m())],
    ['m2m RS384 with the same key', sign(m2mHeader({ alg: 'RS384' }), m2m(), { hash: 'sha384' })],
    ['m2m kid absent', sign(without(m2mHeader(), 'kid'), m2m())],
    ['m2m crit', sign(m2mHeader({ crit: ['exp'] }), m2m())],
    ['m2m duplicate sub', rs(JSON.stringify(m2mHeader()), JSON.stringify(m2m()).replace('{', '{"sub":"user_x",'))],
    ['m2m another key', sign(m2mHeader(), m2m(), { key: other.privateKey })],
    ['m2m one signature bit changed', `${vh}.${vp}.${flip(vs, 12)}`],
    ['m2m signature with = padding', `${valid}=`],
    ['m2m payload not JSON', rs(JSON.stringify(m2mHeader()), 'not json')],
    ['m2m audience matched by aud', sign(m2mHeader(), m2m()), ['mch_3']],
    ['m2m audience not in aud', sign(m2mHeader(), m2m()), api],
    ['m2m audience set, no aud', sign(m2mHeader(), without(m2m(), 'aud')), ['mch_3']],
    ['oauth valid', sign(oauthHeader(), oauth())],
    ['oauth typ application/at+jwt', sign(oauthHeader({ typ: 'application/at+jwt' }), oauth())],
    ['oauth scope string', sign(oauthHeader(), without(oauth({ scope: 'read write' }), 'scp'))],
    ['oauth no scopes', sign(oauthHeader(), without(oauth(), 'scp'))],
    ['oauth scp not an array', sign(oauthHeader(), oauth({ scp: 'read write' }))],
    ['oauth client_id absent', sign(oauthHeader(), without(oauth(), 'client_id'))],
    ['oauth empty sub', sign(oauthHeader(), oauth({ sub: '' }))],
    ['oauth with the ignore category', sign(oauthHeader({ cat: IGNORE }), oauth())],
    ['oauth with the M2M category', sign(oauthHeader({ cat: M2M }), oauth())],
    ['oauth with the session category', sign(oauthHeader({ cat: SESSION }), oauth())],
    ['oauth typ AT+JWT', sign(oauthHeader({ typ: 'AT+JWT' }), oauth())],
    ['oauth expired', sign(oauthHeader(), oauth({ exp: now - 3600 }))],
    ['oauth audience matched', sign(oauthHeader(), oauth({ aud: api[0] })), api],
    ['oauth audience matched in an array', sign(oauthHeader(), oauth({ aud: ['x', api[0]] })), api],
    ['oauth audience not matched', sign(oauthHeader(), oauth({ aud: ['x'] })), api],
    ['oauth audience set, no aud', sign(oauthHeader(), oauth()), api],
    ['oauth aud a number', sign(oauthHeader(), oauth({ aud: 5 }))],
    ['session token', sign({ alg: 'RS256', kid: 'ins_1', typ: 'JWT' }, { sub: 'user_1', sid: 'sess_1', ...times })],
    ['session token with the session category', sign({ alg: 'RS256', kid: 'ins_1', cat: SESSION }, { sub: 'user_1', sid: 'sess_1', ...times })],
  ];

  // Random vectors: each choice drawn, and the rule of the library's own it
  // meets noted where @clerk/backend has none.
  for (let i = 0; i < count; ++i) {
    const kind = pick(['m2m', 'm2m', 'oauth', 'oauth', 'session']);
    const header = { alg: chance(0.95) ? 'RS256' : pick(['none', 'HS256', 'RS384']), kid: 'ins_1' };
    const payload = {};
    let stricter = '';
    if (kind === 'm2m') {
      const typ = pick(['JWT', 'JWT', null, 'at+jwt']);
      if (typ) header.typ = typ;
      const cat = pick([M2M, M2M, M2M, null, null, SESSION, IGNORE]);
      if (cat) header.cat = cat;
      payload.sub = `mch_${int(1000)}`;
      const scopes = pick([null, null, 'a b', 'a  b', '', ' a']);
      if (scopes !== null) payload.scopes = scopes;
      const aud = pick([null, ['mch_2', 'mch_3'], 'mch_2', [], ['https://api.example.com']]);
      if (aud !== null) payload.aud = aud;
    } else if (kind === 'oauth') {
      header.typ = pick(['at+jwt', 'at+jwt', 'application/at+jwt']);
      const cat = pick([null, null, null, null, IGNORE, M2M, SESSION]);
      if (cat) header.cat = cat;
      if ((cat === M2M || cat === SESSION) && header.alg === 'RS256') stricter = 'oauth-category';
      payload.sub = chance(0.97) ? 'user_1' : '';
      if (payload.sub === '') stricter ||= 'empty-sub';
      if (chance(0.8)) payload.client_id = 'client_1';
      const scp = pick([null, ['read', 'write'], []]);
      if (scp !== null) payload.scp = scp;
      const scope = pick([null, 'read write', 'read  write', '']);
      if (scope !== null) payload.scope = scope;
      const aud = pick([null, null, 'https://api.example.com', ['https://api.example.com', 'x'], ['y']]);
      if (aud !== null) payload.aud = aud;
    } else {
      header.typ = 'JWT';
      if (chance(0.3)) header.cat = SESSION;
      payload.sub = 'user_1';
      payload.sid = 'sess_1';
    }
    if (chance(0.8)) payload.jti = kind === 'm2m' ? 'mt_1' : 'oat_1';
    if (chance(0.97)) payload.exp = now + pick([600, 600, 60, -60, -3600]);
    if (chance(0.5)) payload.nbf = now + pick([-60, -60, -60, 60]);
    if (chance(0.7)) payload.iat = now + pick([-60, -60, -60, 120]);
    const audience = chance(0.3) ? ['https://api.example.com', 'mch_3'] : null;
    const noAud = payload.aud === undefined || (Array.isArray(payload.aud) && payload.aud.length === 0);
    if (audience && kind === 'm2m' && noAud && header.alg === 'RS256') stricter ||= 'm2m-audience-without-aud';
    const signer = chance(0.95) ? privateKey : other.privateKey;
    list.push([`random ${i}`, sign(header, payload, { key: signer }), audience, stricter]);
  }

  const vectors = [];
  for (const [name, token, audience = null, stricter = ''] of list) {
    const clerk = {};
    try {
      const r = await verifyMachineAuthToken(token, { jwtKey: pem, ...(audience ? { audience } : {}) });
      if (r.errors) {
        Object.assign(clerk, { ok: false, code: r.errors[0].code ?? String(r.errors[0]) });
      } else {
        const d = r.data;
        Object.assign(clerk, {
          ok: true, kind: r.tokenType, id: d.id, subject: d.subject, client_id: d.clientId ?? null,
          scopes: [d.scopes].flat(), expiration: d.expiration,
        });
      }
    } catch (e) {
      Object.assign(clerk, { ok: false, throws: String(e.message ?? e) });
    }
    vectors.push({ name, token, audience, stricter, clerk });
  }
  console.log(JSON.stringify({ now, pem, vectors }));
}

const [mode, count, seed] = process.argv.slice(2);
if (mode === 'has') hasCases(Number(count), Number(seed));
else if (mode === 'reverification') reverification();
else if (mode === 'machine') await machine(Number(count), Number(seed));
else {
  console.error('usage: node machines_judge.mjs has COUNT SEED | reverification | machine COUNT SEED');
  process.exit(2);
}
