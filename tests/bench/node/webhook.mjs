// Node's webhook verifiers on the delivery clerk_webhook_bench wrote:
//   node webhook.mjs DIR CALLS ROUNDS
// standardwebhooks' Webhook.verify (the Standard Webhooks reference library),
// its Webhook made once as a server would; and @clerk/backend's
// verifyWebhook, what a Clerk Node server calls (a Request in, standardwebhooks
// inside, a Webhook made per call). One warm-up verify each, then ROUNDS
// rounds of CALLS, interleaved; prints {"calls", "rounds",
// "cpu_us_per_verify": [per round], "clerk_backend_cpu_us_per_verify": [per
// round]} (this process's CPU, user + system).
import { Webhook } from 'standardwebhooks';
import { verifyWebhook } from '@clerk/backend/webhooks';
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
const request = () => new Request('http://127.0.0.1/webhooks', { method: 'POST', headers: svix, body });

if (webhook.verify(body, headers).type !== 'user.created') throw new Error('not verified');
if ((await verifyWebhook(request(), { signingSecret: secret })).type !== 'user.created')
  throw new Error('not verified by verifyWebhook');
const standard = [];
const clerk = [];
for (let r = 0; r < rounds; r++) {
  let cpu0 = process.cpuUsage();
  for (let i = 0; i < calls; i++) webhook.verify(body, headers);
  let cpu = process.cpuUsage(cpu0);
  standard.push((cpu.user + cpu.system) / calls);
  cpu0 = process.cpuUsage();
  for (let i = 0; i < calls; i++) await verifyWebhook(request(), { signingSecret: secret });
  cpu = process.cpuUsage(cpu0);
  clerk.push((cpu.user + cpu.system) / calls);
}
console.log(JSON.stringify({ calls, rounds, cpu_us_per_verify: standard,
  clerk_backend_cpu_us_per_verify: clerk }));
