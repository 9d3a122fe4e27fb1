// The baselines: Hono on @hono/node-server with nothing else. GET / is the hello world; POST
// /v1/batch reads the body and answers as the collector does, without validating or storing.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.get('/', (c) => c.text('Hello Hono!'));
app.post('/v1/batch', async (c) => {
  await c.req.text();
  return c.json({ success: true, accepted: 1, duplicates: 0, rejected: [] });
});
serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0) }, (info) => {
  console.log(`listening on http://localhost:${info.port}`);
});
