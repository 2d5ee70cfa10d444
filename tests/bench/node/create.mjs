// The same sequential creates as tests/bench/loopback.cpp, from Clerk's own
// Node SDK: node create.mjs API_ORIGIN SECRET_KEY USER_ID CALLS
// One warm-up call, then CALLS timed ones; prints
// {"calls", "wall_ns", "cpu_us"} (this process's CPU, user + system).
import { createClerkClient } from '@clerk/backend';

const [apiUrl, secretKey, userId, count] = process.argv.slice(2);
const calls = Number(count);
const clerk = createClerkClient({ secretKey, apiUrl });
const create = () => clerk.signInTokens.createSignInToken({ userId, expiresInSeconds: 3600 });

await create();
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
for (let i = 0; i < calls; i++) await create();
const t1 = process.hrtime.bigint();
const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({ calls, wall_ns: Number(t1 - t0), cpu_us: cpu.user + cpu.system }));
