// @clerk/backend's verifyToken with jwtKey (networkless), on the token and
// PEM clerk_verify_bench wrote: node verify.mjs DIR CALLS ROUNDS
// One warm-up verify, then ROUNDS rounds of CALLS; prints
// {"calls", "rounds", "cpu_us_per_verify": [per round]} (this process's CPU,
// user + system).
import { verifyToken } from '@clerk/backend';
import { readFileSync } from 'node:fs';

const [dir, count, roundCount] = process.argv.slice(2);
const token = readFileSync(`${dir}/token`, 'utf8');
const jwtKey = readFileSync(`${dir}/key.pem`, 'utf8');
const calls = Number(count);
const rounds = Number(roundCount);
const options = { jwtKey, authorizedParties: ['https://app.example.com'] };

await verifyToken(token, options);
const perRound = [];
for (let r = 0; r < rounds; r++) {
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < calls; i++) await verifyToken(token, options);
  const cpu = process.cpuUsage(cpu0);
  perRound.push((cpu.user + cpu.system) / calls);
}
console.log(JSON.stringify({ calls, rounds, cpu_us_per_verify: perRound }));
