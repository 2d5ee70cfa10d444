// standardwebhooks' Webhook.verify (the Standard Webhooks reference library,
// which @clerk/backend's verifyWebhook calls) on the delivery
// clerk_webhook_bench wrote: node webhook.mjs DIR CALLS ROUNDS
// The Webhook is made once, as a server would; one warm-up verify, then
// ROUNDS rounds of CALLS; prints {"calls", "rounds", "cpu_us_per_verify":
// [per round]} (this process's CPU, user + system).
import { Webhook } from 'standardwebhooks';
import { readFileSync } from 'node:fs';

const [dir, count, roundCount] = process.argv.slice(2);
const secret = readFileSync(`${dir}/secret`, 'utf8');
const body = readFileSync(`${dir}/body`, 'utf8');
const svix = JSON.parse(readFileSync(`${dir}/headers.json`, 'utf8'));
// standardwebhooks reads the webhook-* names.
const headers = {
  'webhook-id': svix['svix-id'],
  'webhook-timestamp': svix['svix-timestamp'],
  'webhook-signature': svix['svix-signature'],
};
const calls = Number(count);
const rounds = Number(roundCount);
const webhook = new Webhook(secret);

if (webhook.verify(body, headers).type !== 'user.created') throw new Error('not verified');
const perRound = [];
for (let r = 0; r < rounds; r++) {
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < calls; i++) webhook.verify(body, headers);
  const cpu = process.cpuUsage(cpu0);
  perRound.push((cpu.user + cpu.system) / calls);
}
console.log(JSON.stringify({ calls, rounds, cpu_us_per_verify: perRound }));
