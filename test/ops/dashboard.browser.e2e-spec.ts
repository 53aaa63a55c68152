/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Browser, chromium } from 'playwright-core';
import { TestTenant } from '../support/api-harness';
import { EngineHarness, numbers } from '../support/engine-harness';
import { freePort } from '../support/processes';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts');
const OPS = { username: 'ops', password: 'browser-test-password' };

/**
 * The operator's pages in a real browser (Debian's Chromium, headless, driven by playwright-core):
 * the live dashboard updates itself while an AutoCall runs, Bull Board shows the held targets, and
 * both are closed without credentials. Screenshots go to test-artifacts/.
 */
describe('operator pages in a browser', () => {
  let engine: EngineHarness;
  let tenant: TestTenant;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    engine = await EngineHarness.start('browser', {
      OPS_USERNAME: OPS.username,
      OPS_PASSWORD: OPS.password,
      SIMULATOR_TIME_SCALE: '30',
      // The pacing leader's control step, and so the charts' samples, every half second.
      PACING_CONTROL_INTERVAL_MS: '500',
    });
    const port = await freePort();
    await engine.api.app.listen(port, '127.0.0.1');
    base = `http://127.0.0.1:${port}`;
    tenant = await engine.tenantWithAgents({ lines: 6, skill: 'sales', agents: 4, prefix: 'web' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await engine.stop();
  });

  it('are closed without credentials', async () => {
    // The browser's own request, without credentials (a page navigation would show the login prompt).
    const context = await browser.newContext();
    for (const page of ['/admin/dashboard', '/admin/dashboard/stream', '/admin/queues']) {
      const response = await context.request.get(base + page);
      expect([page, response.status(), response.headers()['www-authenticate']]).toEqual([
        page,
        401,
        expect.stringContaining('Basic'),
      ]);
    }
    await context.close();
  });

  it('shows live figures that change while an AutoCall runs, and the held targets in Bull Board', async () => {
    const context = await browser.newContext({ httpCredentials: OPS, viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    expect((await page.goto(`${base}/admin/dashboard`))?.status()).toBe(200);
    const card = page.locator(`article[data-tenant="${tenant.tenantId}"]`);
    await card.waitFor({ timeout: 10_000 });
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('live'));
    const freeLinesBefore = await card.locator('section').first().locator('.figure b').nth(3).textContent();
    expect(freeLinesBefore).toBe('6');

    const submitted = await engine.submit(tenant, {
      mode: 'sequential',
      skill: 'sales',
      targets: numbers(200, '+4930'),
    });
    // The page was not reloaded: the stream brings the AutoCall, then its progress.
    await page.getByText(submitted.id.slice(-8)).waitFor({ timeout: 10_000 });
    const progress = card.locator('table').filter({ hasText: 'progress' }).locator('tbody tr').first();
    const first = await progress.locator('td').nth(4).textContent();
    await page.waitForFunction(
      ([id, before]) =>
        Array.from(document.querySelectorAll('tbody tr')).some(
          (row) => row.textContent?.includes(id) && row.children[4]?.textContent !== before,
        ),
      [submitted.id.slice(-8), first ?? ''] as const,
      { timeout: 20_000 },
    );
    // Lines in use show up, and numbers are masked.
    await page.waitForFunction(
      (tenantId) => {
        const figures = document.querySelectorAll(`article[data-tenant="${tenantId}"] section .figure b`);
        return Number(figures[0]?.textContent) > 0;
      },
      tenant.tenantId,
      { timeout: 10_000 },
    );
    const recent = await card.locator('table').last().textContent();
    expect(recent).toMatch(/\+49\*+\d{2}/);
    expect(recent).not.toMatch(/\+4930\d{7}/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard.png'), fullPage: true });

    expect((await page.goto(`${base}/admin/queues`))?.status()).toBe(200);
    await page.getByText('Held targets', { exact: false }).first().waitFor({ timeout: 15_000 });
    await page.getByText('Webhook deliveries', { exact: false }).first().waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'bull-board.png'), fullPage: true });
    await context.close();
  });
  it("draws each pool's pacing of the last hour as charts: occupancy, abandon rate against cap and target, dials per minute, risk and mode", async () => {
    const care = await engine.tenantWithAgents({ lines: 8, skill: 'care', agents: 4, prefix: 'carer' });
    await engine.submit(care, { mode: 'predictive', skill: 'care', targets: numbers(300, '+4940') });
    const context = await browser.newContext({ httpCredentials: OPS, viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    expect((await page.goto(`${base}/admin/dashboard`))?.status()).toBe(200);
    const pool = `article[data-tenant="${care.tenantId}"] [data-pool="care"]`;
    // Charts fill in as the leader samples the pool (every control step) and the page fetches them.
    await page.waitForFunction(
      (selector) => {
        const line = document.querySelector(`${selector} svg[data-series="dials"] polyline`);
        return (line?.getAttribute('points') ?? '').trim().split(' ').length >= 3;
      },
      pool,
      { timeout: 30_000 },
    );
    const charts = await page.locator(`${pool} svg.chart`).evaluateAll((svgs) =>
      svgs.map((el) => ({
        series: el.getAttribute('data-series'),
        points: (el.querySelector('polyline')?.getAttribute('points') ?? '').trim().split(' ').filter(Boolean).length,
        references: el.querySelectorAll('line').length,
        modes: Array.from(el.querySelectorAll('rect title')).map((t) => t.textContent),
      })),
    );
    expect(charts.map((c) => c.series)).toEqual(['occupancy', 'abandon', 'dials', 'risk']);
    expect(charts.find((c) => c.series === 'occupancy')!.points).toBeGreaterThanOrEqual(3);
    // The cap and the target, drawn on the abandon chart.
    expect(charts.find((c) => c.series === 'abandon')!.references).toBe(2);
    const modes = charts.find((c) => c.series === 'risk')!.modes;
    expect(modes.length).toBeGreaterThanOrEqual(3);
    for (const mode of modes) expect(['stopped', 'progressive', 'predictive']).toContain(mode);
    await page.locator(pool).screenshot({ path: path.join(ARTIFACTS, 'dashboard-pacing.png') });
    await context.close();
  });

  it('shows the response schemas of the OpenAPI document in the Swagger UI at /docs', async () => {
    const page = await browser.newPage();
    expect((await page.goto(`${base}/docs`))?.status()).toBe(200);
    // GET /v1/autocalls/{id}: open it, and show its 200 answer's schema rather than the example.
    const operation = page.locator('#operations-autocalls-AutoCallsController_get');
    await operation.locator('.opblock-summary').first().click();
    const answer = operation.locator('tr.response[data-code="200"]');
    await answer.waitFor({ timeout: 10_000 });
    await answer.locator('button[data-name="model"]').click();
    await answer.getByText('abandon', { exact: false }).first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'docs.png'), fullPage: true });
    const shown = await answer.innerText();
    for (const field of ['counts', 'targetCount', 'abandon', 'completedAt'])
      expect({ field, shown: shown.includes(field) }).toEqual({ field, shown: true });
    await page.close();
  });
});
