// A deliberately broken Stripe webhook handler, for trying `hookscope checkup` (README, "Check-up"):
// it checks the Stripe-Signature HMAC but never the timestamp, and answers a delivery it has
// already seen with 409. Run it, then in another terminal:
//   npx hookscope checkup --target http://127.0.0.1:4242/webhooks --provider stripe --secret whsec_demo
//   node scripts/checkup-demo-receiver.mjs [port] [secret]
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 4242);
const secret = process.argv[3] ?? 'whsec_demo';
const seen = new Set();

/** The event id when `Stripe-Signature: t=…,v1=…` matches the body; null otherwise. */
function verify(body, header) {
  const parts = Object.fromEntries(
    String(header ?? '')
      .split(',')
      .map((p) => p.split('=')),
  );
  if (!parts.t || !parts.v1) return null;
  const want = createHmac('sha256', secret).update(`${parts.t}.`).update(body).digest();
  const got = Buffer.from(parts.v1, 'hex');
  // The bug: parts.t is signed but never compared with the clock, so old deliveries replay.
  if (got.length !== want.length || !timingSafeEqual(got, want)) return null;
  return JSON.parse(body.toString('utf8')).id;
}

createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const id = verify(Buffer.concat(chunks), req.headers['stripe-signature']);
    if (!id) {
      res.writeHead(400).end('bad signature');
    } else if (seen.has(id)) {
      // The other bug: a redelivery is an error here, so the provider keeps retrying it.
      res.writeHead(409).end('already processed');
    } else {
      seen.add(id);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"received":true}');
    }
  });
}).listen(port, '127.0.0.1', () => {
  process.stdout.write(`broken Stripe receiver on http://127.0.0.1:${port}/webhooks\n`);
});
