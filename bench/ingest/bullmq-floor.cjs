// The least any BullMQ-backed gateway must do per webhook, for bench/ingest to compare with: read the body, check its
// HMAC, parse it, add one small BullMQ job to one of 16 queues and answer 202 once Redis acknowledged. Nothing else
// the gateway does (de-duplication, storing the payload, metrics, header checks, group keys) is here.
//
//   node bench/ingest/bullmq-floor.cjs <port> <redis url> <webhook secret>
const { createServer } = require('node:http');
const { createHmac, timingSafeEqual } = require('node:crypto');
const { join } = require('node:path');
const { Queue } = require(join(__dirname, '../../node_modules/bullmq'));
const { Redis } = require(join(__dirname, '../../node_modules/ioredis'));

const [port, redisUrl, secret] = process.argv.slice(2);
const connection = new Redis(redisUrl, { maxRetriesPerRequest: null, enableAutoPipelining: true });
const queues = Array.from({ length: 16 }, (_, partition) => new Queue(`events-p${partition}`, { connection, prefix: 'floor' }));

createServer((request, response) => {
  if (request.method === 'GET') return response.end('ok');
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', async () => {
    const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
    const given = Buffer.from(String(request.headers['x-hub-signature-256']));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      response.statusCode = 401;
      return response.end();
    }
    const payload = JSON.parse(body.toString('utf8'));
    const deliveryId = String(request.headers['x-github-delivery']);
    await queues[payload.number % queues.length].add('pull_request', { deliveryId, groupKey: String(payload.number) }, { jobId: deliveryId, removeOnComplete: 1000 });
    response.statusCode = 202;
    response.setHeader('content-type', 'application/json');
    response.end('{"status":"accepted"}');
  });
}).listen(Number(port), '127.0.0.1');
