import { describe, expect, it } from 'vitest';
import { secretKey, testCollector, writeKey } from '../testing/collector.ts';

const origin = 'http://localhost';
const visit = (device: string, at: string, path: string, extra: Record<string, unknown> = {}) => ({
  type: 'page',
  messageId: `${device}-${at}`,
  anonymousId: device,
  timestamp: at,
  context: { page: { url: `https://northwind.io${path}`, path, title: 'Northwind' }, ...extra },
});

async function signedInCollector(options: { now?: () => number } = {}) {
  const collector = await testCollector({ ...(options.now && { now: options.now }) });
  const login = await collector.app.request('/dashboard/login', {
    method: 'POST',
    body: new URLSearchParams({ key: secretKey }),
    headers: { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  expect(login.status).toBe(303);
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const get = (path: string) => collector.app.request(path, { headers: { Cookie: cookie } });
  return { ...collector, cookie, login, get };
}

describe('dashboard sign-in', () => {
  it('sends visitors without a session to the sign-in form, under a policy that runs no script', async () => {
    const { app } = await testCollector();
    const overview = await app.request('/dashboard');
    expect(overview.status).toBe(303);
    expect(overview.headers.get('location')).toBe('/dashboard/login');
    const form = await app.request('/dashboard/login');
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('name="key"');
    expect(form.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    expect(form.headers.get('cache-control')).toBe('no-store');
  });

  it('signs in with the secret key only, into an httpOnly, SameSite=Strict cookie, Secure over https', async () => {
    const { app } = await testCollector();
    const post = (key: string, base = origin) =>
      app.request(`${base}/dashboard/login`, { method: 'POST', body: new URLSearchParams({ key }), headers: { Origin: base, 'Content-Type': 'application/x-www-form-urlencoded' } });
    for (const wrong of ['', 'sk_test_0123456789abcdeX', writeKey]) {
      const refused = await post(wrong);
      expect(refused.status, wrong).toBe(401);
      expect(refused.headers.get('set-cookie'), wrong).toBeNull();
      expect(await refused.text()).toContain('That is not the secret key.');
    }
    const plain = await post(secretKey);
    expect(plain.status).toBe(303);
    expect(plain.headers.get('location')).toBe('/dashboard');
    const cookie = plain.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^journey_session=[^;]+; Max-Age=43200; Path=\/dashboard; HttpOnly; SameSite=Strict/);
    expect(cookie).not.toContain('Secure');
    expect(cookie).not.toContain(secretKey);
    expect((await post(secretKey, 'https://journey.example')).headers.get('set-cookie')).toContain('; Secure');
  });

  it('refuses forms posted from another site', async () => {
    const { app } = await testCollector();
    const form = { method: 'POST', body: new URLSearchParams({ key: secretKey }) };
    const foreign = await app.request('/dashboard/login', { ...form, headers: { Origin: 'https://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('set-cookie')).toBeNull();
    const none = await app.request('/dashboard/login', { ...form, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(none.status).toBe(403);
  });

  it('ends the session at sign-out and after twelve hours, and refuses a forged cookie', async () => {
    let clock = Date.parse('2026-03-01T09:00:00Z');
    const { app, cookie, get } = await signedInCollector({ now: () => clock });
    expect((await get('/dashboard')).status).toBe(200);
    const forged = await app.request('/dashboard', { headers: { Cookie: cookie.replace(/=(\d)/, '=9') } });
    expect(forged.status).toBe(303);
    clock += 12 * 60 * 60 * 1000 + 1;
    expect((await get('/dashboard')).status).toBe(303);
    clock -= 60_000;
    const out = await app.request('/dashboard/logout', { method: 'POST', headers: { Cookie: cookie, Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/^journey_session=; Max-Age=0; Path=\/dashboard/);
  });
});

describe('dashboard overview', () => {
  it("draws the journey map and the funnel with the API's numbers", async () => {
    const { post, get, app } = await signedInCollector();
    await post('/v1/batch', {
      batch: [
        visit('ann', '2026-01-05T09:00:00Z', '/', { campaign: { source: 'google', medium: 'cpc', name: 'brand' } }),
        visit('ann', '2026-01-06T09:00:00Z', '/pricing'),
        visit('ben', '2026-01-07T09:00:00Z', '/docs/start'),
        visit('cleo', '2026-01-08T09:00:00Z', '/'),
        { type: 'track', messageId: 'cleo-left', anonymousId: 'cleo', event: 'Form Abandoned', timestamp: '2026-01-08T09:02:00Z', properties: { formId: 'demo', lastField: 'company' }, context: { page: { path: '/' } } },
      ],
    });
    const range = 'from=2026-01-01&to=2026-01-31';
    const page = await (await get(`/dashboard?${range}`)).text();
    const api = await (await app.request(`/v1/journey-map?${range}`, { headers: { Authorization: `Bearer ${secretKey}` } })).json();
    // Awareness 認知: Ann's ad click, Cleo and the form she left; Consideration 検討: Ann's pricing visit and Ben, whose first page was the docs.
    const cell = (stage: string, channel: string) => new RegExp(`data-stage="${stage}" data-channel="${channel}">(\\d+)`).exec(page)?.[1];
    for (const { stage, channel, touchpoints } of api.cells) expect(cell(stage, channel), `${stage} × ${channel}`).toBe(String(touchpoints));
    expect(cell('awareness', 'Paid Search')).toBe('1');
    expect(cell('awareness', 'Direct')).toBe('2');
    expect(cell('consideration', 'Direct')).toBe('2');
    expect(page).toContain('Awareness 認知');
    expect(page).toMatch(/<tr data-stage="consideration"[^>]*><th scope="row">Consideration 検討<\/th><td>2<\/td>/);
    expect(page).toContain('3 people with a touchpoint in the range.');
    expect(page).toContain('<li>The form on /: left 1 time by 1 person</li>');
  });

  it('shows what events said as text: a stored script in a page path renders inert', async () => {
    const { post, get } = await signedInCollector();
    await post('/v1/batch', { batch: [visit('mallory', '2026-01-05T09:00:00Z', '/<script>alert(1)</script>')] });
    const page = await (await get('/dashboard?from=2026-01-01&to=2026-01-31')).text();
    expect(page).toContain('/&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>');
  });

  it('answers bad filters with a 400 page that names them', async () => {
    const { get } = await signedInCollector();
    const response = await get('/dashboard?from=yesterday');
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('from: expected an ISO date');
  });
});

describe('dashboard accounts and people', () => {
  const story = (hostile: string) => [
    visit('ann-laptop', '2026-01-05T09:00:00Z', '/', { campaign: { source: 'google', medium: 'cpc', name: 'brand' } }),
    { type: 'identify', messageId: 'id-ann', anonymousId: 'ann-laptop', userId: 'u-ann', timestamp: '2026-01-05T09:05:00Z', traits: { email: 'ann@northwind.io', name: hostile } },
    { type: 'group', messageId: 'group-ann', anonymousId: 'ann-laptop', userId: 'u-ann', groupId: 'northwind', timestamp: '2026-01-05T09:06:00Z', traits: { name: 'Northwind', industry: hostile } },
    { type: 'track', messageId: 'order-ann', anonymousId: 'ann-laptop', userId: 'u-ann', event: 'Order Completed', timestamp: '2026-01-05T09:07:00Z', context: { page: { path: '/checkout' } } },
    visit('ben-phone', '2026-01-06T09:00:00Z', '/docs'),
  ];

  it('lists accounts and people with their stages, searchable, and opens their journeys', async () => {
    const { post, get } = await signedInCollector();
    await post('/v1/batch', { batch: story('Ann') });
    const accounts = await (await get('/dashboard/accounts')).text();
    expect(accounts).toContain('<a href="/dashboard/accounts/northwind">Northwind</a>');
    expect(accounts).toContain('Purchase 購入');
    expect(await (await get('/dashboard/accounts?q=globex')).text()).toContain('No account matches.');

    const people = await (await get('/dashboard/people?q=ann@northwind.io')).text();
    expect(people).toContain('1 person with touchpoints');
    expect(people).toMatch(/<a href="\/dashboard\/people\/([^"]+)">Ann<\/a><small>ann@northwind.io<\/small>/);
    const ann = /<a href="\/dashboard\/people\/([^"]+)">Ann</.exec(people)![1]!;

    const account = await (await get('/dashboard/accounts/northwind')).text();
    expect(account).toContain('<h1>Northwind <span class="badge stage">Purchase 購入</span></h1>');
    expect(account).toContain(`<a href="/dashboard/people/${ann}">ann@northwind.io</a>`);
    expect(account).toContain(`Order Completed <small>campaign brand</small> · <a href="/dashboard/people/${ann}">ann@northwind.io</a> <span class="entered">→ Purchase 購入</span>`);

    const person = await (await get(`/dashboard/people/${ann}`)).text();
    expect(person).toContain('<dt>Emails</dt><dd>ann@northwind.io</dd>');
    expect(person).toContain('<a href="/dashboard/accounts/northwind">northwind</a>');
    // The order sits under the visit it happened in.
    expect(person).toMatch(/Visit to \/[^<]*<small>campaign brand<\/small> <span class="entered">→ Awareness 認知<\/span> <small>1 pages<\/small><ul><li>[^<]*<span class="badge channel">Paid Search<\/span> Order Completed/);

    const unknown = await get('/dashboard/people/nobody-at-all');
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('No person is known as “nobody-at-all”');
  });

  it('shows traits that hold markup as text', async () => {
    const { post, get } = await signedInCollector();
    const hostile = '<img src=x onerror=alert(1)>';
    await post('/v1/batch', { batch: story(hostile) });
    const account = await (await get('/dashboard/accounts/northwind')).text();
    const person = await (await get('/dashboard/people/u-ann')).text();
    for (const page of [account, person, await (await get('/dashboard/people')).text()]) {
      expect(page).not.toContain('<img');
    }
    expect(account).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(person).toContain('<h1>&lt;img src=x onerror=alert(1)&gt;');
  });

  it('credits channels by the model picked, and draws the paths to a conversion', async () => {
    const { post, get, app } = await signedInCollector();
    await post('/v1/batch', { batch: [...story('Ann'), visit('ben-phone', '2026-01-07T09:00:00Z', '/pricing', { campaign: { source: 'newsletter', medium: 'email', name: 'jan' } }), { type: 'track', messageId: 'order-ben', anonymousId: 'ben-phone', event: 'Order Completed', timestamp: '2026-01-07T09:05:00Z' }] });
    const range = 'from=2026-01-01&to=2026-01-31';
    const api = async (path: string) => (await app.request(path, { headers: { Authorization: `Bearer ${secretKey}` } })).json();

    const first = await (await get(`/dashboard/attribution?${range}&model=first`)).text();
    const credit = await api(`/v1/attribution?${range}&model=first`);
    expect(first).toContain(`First touch: <strong>${credit.conversions}</strong> conversions (entering Purchase 購入)`);
    for (const row of credit.byChannel) expect(first).toContain(`<tr><th scope="row">${row.key}</th><td>${row.credit.toFixed(2)}</td>`);
    // Ben came by the docs directly, then by the newsletter: first touch gives Direct his whole order.
    expect(credit.byChannel.map((row: any) => [row.key, row.credit])).toEqual([['Direct', 1], ['Paid Search', 1]]);
    expect(await (await get(`/dashboard/attribution?${range}&model=last`)).text()).toContain('<tr><th scope="row">Email</th><td>1.00</td>');

    const paths = await (await get(`/dashboard/paths?${range}&steps=3`)).text();
    expect(paths).toContain('<strong>2</strong> people converted (entering Purchase 購入); the last 3 steps');
    expect(paths).toContain('<td class="text">Direct → Email</td><td>1</td><td>50 %</td>');
    expect(paths).toMatch(/<svg class="flow"[^>]*>[\s\S]*<text class="node-label"[^>]*>Conversion<\/text>/);

    const bad = await get(`/dashboard/attribution?${range}&model=magic`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('These filters do not work: model:');
  });
});

describe('dashboard webhooks', () => {
  it('subscribes from a form, lists the deliveries, sends a dead one again and removes the subscription', async () => {
    const { get, app, cookie, post, storage } = await signedInCollector();
    const form = (path: string, fields: Array<[string, string]>) =>
      app.request(path, { method: 'POST', body: new URLSearchParams(fields), headers: { Cookie: cookie, Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' } });
    const refused = await form('/dashboard/webhooks', [['url', 'https://ma.example/hook'], ['secret', 'short'], ['events', 'person.identified']]);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('Not subscribed: secret:');
    const icp = await form('/dashboard/webhooks', [['url', 'https://crm.example/icp'], ['secret', 'whsec_0123456789abcdef'], ['events', 'form.abandoned'], ['account', 'industry=Software; employees = 50..200']]);
    expect(icp.status).toBe(303);
    const [first] = await storage.listWebhooks('default');
    expect(first!.filter).toEqual({ account: { industry: 'Software', employees: '50..200' } });
    expect(await (await get('/dashboard/webhooks')).text()).toContain('<dt>Accounts</dt><dd>industry=Software; employees=50..200</dd>');
    await storage.deleteWebhook('default', first!.id);
    const made = await form('/dashboard/webhooks', [['url', 'https://ma.example/hook'], ['secret', 'whsec_0123456789abcdef'], ['events', 'person.identified'], ['events', 'person.stage_changed'], ['stages', 'purchase'], ['account', ''], ['identified', 'yes']]);
    expect(made.status).toBe(303);
    const [webhook] = await storage.listWebhooks('default');
    expect(webhook).toMatchObject({ url: 'https://ma.example/hook', events: ['person.identified', 'person.stage_changed'], filter: { stages: ['purchase'], identified: true } });

    await post('/v1/batch', { batch: [{ type: 'identify', messageId: 'id-1', anonymousId: 'a-1', userId: 'u-1', timestamp: '2026-03-01T09:00:00Z' }] });
    const [delivery] = await storage.listDeliveries('default', webhook!.id, { limit: 10 });
    await storage.settleDelivery(delivery!.id, { delivered: false, at: Date.now(), status: 500, error: 'answered 500', nextAttemptAt: null });
    const listed = await (await get('/dashboard/webhooks')).text();
    expect(listed).toContain('<h2>https://ma.example/hook</h2>');
    expect(listed).toContain('<dt>Stages</dt><dd>Purchase 購入</dd>');
    expect(listed).toContain('<dt>People</dt><dd>known by a user id or an email only</dd>');
    expect(listed).toMatch(new RegExp(`<tr data-status="dead"><td class="text"><code>${delivery!.id}</code></td><td class="text">person.identified</td><td class="text">dead</td><td>1</td><td class="text">answered 500</td>`));

    expect((await form(`/dashboard/webhooks/${webhook!.id}/deliveries/${delivery!.id}/replay`, [])).status).toBe(303);
    expect((await storage.listDeliveries('default', webhook!.id, { limit: 10 }))[0]).toMatchObject({ id: delivery!.id, status: 'pending' });
    expect((await form(`/dashboard/webhooks/${webhook!.id}/delete`, [])).status).toBe(303);
    expect(await storage.listWebhooks('default')).toEqual([]);
    expect(await (await get('/dashboard/webhooks')).text()).toContain('No subscriptions yet.');
  });
});
