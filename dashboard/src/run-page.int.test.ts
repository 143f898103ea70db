import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Store, openClickHouseStore } from '@runlens/pipeline';
import { catalogRow as row } from '@runlens/pipeline/testing/catalog-row';
import { type TestServer, startClickHouse } from '@runlens/pipeline/testing/servers';
import { type Browser, type Locator, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MULTI_HOSTS, MULTI_RUN, multiHostTimes, seedMultiHostRun } from './testing/multi-host-run.ts';
import { SEL_NODE_TYPES, SEL_RUN, seedSelectionRuns } from './testing/selection-runs.ts';
import { type UpProcess, buildDashboard, startDashboardRole, writeUsers } from './testing/up-process.ts';

/**
 * The run page of a multi-host run in a browser, in cluster mode: a real ClickHouse server
 * seeded with a 3-host MPI run whose third host is slow (slow_node), the real `runlens
 * dashboard` role over it, and Debian's chromium. Hosts side by side with the slow one marked,
 * the sortable process table, zoom that follows across charts, the comparison with an earlier
 * run, the findings guide, an app-page point that opens its run, and the page at 1280 and 420 px (screenshots in test-artifacts/).
 * The CPU chart stacks the run's CPU, its run delay and the outside load against the allocation;
 * hovering one time chart shows the crosshair's values on the others. Another app's run shows
 * its own metric and where the same work ran faster (issue 13, node types from the file).
 */
const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const me = userInfo().username;
const PASSWORD = 'owner-pw-1';

/** Where a scatter point is painted: the first saturated pixel below the legend (the band and the axes are pale or grey), nudged into the symbol. */
const paintedPoint = (canvas: Locator): Promise<{ x: number; y: number } | null> => canvas.evaluate((c: HTMLCanvasElement) => {
  const d = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
  const scale = c.width / c.clientWidth;
  for (let i = Math.ceil(22 * scale) * c.width * 4; i < d.length; i += 4) {
    const [r, g, b] = [d[i] ?? 0, d[i + 1] ?? 0, d[i + 2] ?? 0];
    if (Math.max(r, g, b) - Math.min(r, g, b) > 90 && Math.max(r, g, b) < 235) {
      return { x: ((i / 4) % c.width) / scale + 3, y: Math.floor(i / 4 / c.width) / scale + 3 };
    }
  }
  return null;
});

/** A `runlens run` of short processes (make's shape): the kernel counted 10 s of CPU, its ticks sampled 1 s of it. */
const SHORT_RUN = 'short-procs';
async function seedShortProcessesRun(store: Store, user: string, t0: number): Promise<void> {
  const start = t0 - 30_000;
  await store.insertRows('runs', [row('runs', {
    run_id: SHORT_RUN, app: 'make', user, cmd: 'make -j1', status: 'finished', start_ts: start, end_ts: start + 10_000, updated_ts: start + 10_000,
    hosts: ['n1'], alloc_cores: 1, exit_code: 0, cpu_user_s: 9.5, cpu_sys_s: 0.5, read_bytes: 0, write_bytes: 0, rchar: 0, wchar: 0,
  })]);
  await store.insertRows('process_samples', Array.from({ length: 5 }, (_, k) => row('process_samples', {
    ts: start + (k + 1) * 2000, host: 'n1', run_id: SHORT_RUN, pid: 700 + k, start_ticks: 1, interval_s: 1, comm: 'cc1', cpu_user_cores: 0.2,
  })));
}

describe('run page of a multi-host run in a browser', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-hosts-ui-'));
  let server: TestServer;
  let dash: UpProcess;
  let browser: Browser;
  let page: Page;

  const shot = (name: string): Promise<Buffer> => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  const open = async (width: number, query = ''): Promise<void> => {
    await page.setViewportSize({ width, height: 900 });
    expect((await page.goto(`${dash.url}/runs/${MULTI_RUN}${query}`))?.status()).toBe(200);
    await page.locator('[data-testid="hosts"] canvas').first().waitFor({ timeout: 30_000 });
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    buildDashboard();
    server = await startClickHouse();
    const database = `t_ui_${Date.now()}`;
    const store = await openClickHouseStore({ url: server.url, database, username: 'default', password: '' });
    await store.migrate();
    const times = multiHostTimes();
    await seedMultiHostRun(store, me, times);
    await seedSelectionRuns(store, me, times.t0);
    await seedShortProcessesRun(store, me, times.t0);
    await store.close();
    writeFileSync(join(dir, 'node-types.json'), JSON.stringify(SEL_NODE_TYPES));
    writeUsers(dir, [{ user: me, role: 'user', password: PASSWORD }]);
    dash = await startDashboardRole({
      RUNLENS_DATA_DIR: dir, RUNLENS_HTTP_PORT: '0', RUNLENS_STORE: 'clickhouse', RUNLENS_CLICKHOUSE_URL: server.url, RUNLENS_CLICKHOUSE_DATABASE: database,
      RUNLENS_NODE_TYPES_FILE: join(dir, 'node-types.json'),
    });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${dash.url}/runs`);
    await page.fill('#user', me);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL(/\/runs$/), page.click('button[type=submit]')]);
  }, 480_000);

  afterAll(async () => {
    await browser?.close();
    if (dash) expect(await dash.stop()).toBe(0);
    await server?.stop();
  });

  it('shows each host side by side and marks the slow one with its cause', async () => {
    await open(1280);
    const cards = page.locator('[data-testid="hosts"] [data-host]');
    await expect(cards.evaluateAll((els) => els.map((e) => [e.getAttribute('data-host'), e.getAttribute('data-marked')]))).resolves
      .toEqual(MULTI_HOSTS.map((h) => [h, h === 'n3' ? 'slow_node' : '']));
    const slow = page.locator('[data-host="n3"]');
    await expect(slow.textContent()).resolves.toMatch(/outside processes \(1\.5 cores\)/);
    // The run-wide finding is in the verdict, not on the run's first host.
    await expect(page.locator('[data-host="n1"]').textContent()).resolves.toContain('No finding names this host');
    await expect(slow.textContent()).resolves.toMatch(/0\.80 cores · 40(\.0)? ?%/);
    // Its ranks wait 5% in MPI, the healthy hosts' ranks 60%: they wait for n3.
    await expect(slow.locator('tr[data-rank]').allTextContents()).resolves.toEqual([expect.stringMatching(/^4.*5(\.0)? ?%$/), expect.stringMatching(/^5.*5(\.0)? ?%$/)]);
    await expect(page.locator('[data-host="n1"] tr[data-rank="0"]').textContent()).resolves.toMatch(/60(\.0)? ?%$/);
    await shot('run-hosts-1280');
  });

  it('sorts the process table by the column clicked', async () => {
    const table = page.getByTestId('processes');
    const firstHost = (): Promise<string> => table.locator('tbody tr').first().locator('td').first().innerText();
    expect(await table.locator('tbody tr').count()).toBe(6);
    expect(await firstHost()).not.toBe('n3');
    await table.locator('button[data-sort-key="cpu_s"]').click();
    await expect(table.getAttribute('data-sort')).resolves.toBe('cpu_s asc');
    expect(await firstHost()).toBe('n3');
  });

  /** Hovers a time chart at `at` (0-1) of its plot's width, half-way up: where a reader points. */
  const hover = async (chart: Locator, at: number): Promise<void> => {
    await chart.scrollIntoViewIfNeeded();
    const box = await chart.boundingBox();
    if (!box) throw new Error('chart not laid out');
    // The builders' grid: 64 px left, 24 px right (zoom.ts keeps it).
    await page.mouse.move(box.x + 64 + (box.width - 88) * at, box.y + box.height / 2, { steps: 4 });
  };
  /** A chart's tooltip as the reader sees it: echarts draws it as HTML inside the chart's element. */
  const tip = (chart: Locator): Promise<string> => chart.evaluate((el: HTMLElement) => el.innerText);

  it('stacks the run\'s CPU, its run delay and the outside load against the allocation', async () => {
    await open(1280);
    const card = page.locator('[data-testid="timelines"] [data-resource="cpu"]');
    // Two of three hosts run exactly at their 2 cores; n3's stack (0.8 + 0.6 + 1.5) stands above for a third of the buckets only.
    await expect(card.getAttribute('data-alloc')).resolves.toBe('2');
    await expect(card.getAttribute('data-y-max')).resolves.toBe('2');
    const chart = card.locator('[data-chart]');
    await chart.locator('canvas').first().waitFor();
    // A quarter into the run's window: all ten ticks lie in its first half.
    await hover(chart, 0.25);
    await expect.poll(() => tip(chart), { timeout: 10_000 }).toMatch(/n3 run delay\s*0\.6/);
    const text = await tip(chart);
    expect(text).toMatch(/n3 outside load\s*1\.5/);
    expect(text).toMatch(/n3\s*0\.8/);
    expect(text).toMatch(/n1\s*2/);
    await expect(page.locator('[data-host="n3"] [data-testid="host-delay"]').textContent()).resolves.toMatch(/0\.60 cores/);
    await card.screenshot({ path: join(ARTIFACTS, 'run-cpu-stack.png') });
  });

  it('shows the crosshair\'s values on every time chart when one is hovered', async () => {
    const cpu = page.locator('[data-testid="timelines"] [data-resource="cpu"] [data-chart]');
    const memory = page.locator('[data-testid="timelines"] [data-resource="memory"] [data-chart]');
    const n1 = page.locator('[data-host="n1"] [data-chart]');
    await page.mouse.move(0, 0);
    await expect.poll(() => tip(memory)).toBe('');
    await hover(cpu, 0.25);
    // The memory chart, never touched, shows its own values at the hovered time: n3's two ranks' RSS (MiB).
    await expect.poll(() => tip(memory), { timeout: 10_000 }).toMatch(/n3\s*190\.7/);
    await expect.poll(() => tip(n1), { timeout: 10_000 }).toMatch(/n1\s*2/);
    await page.locator('[data-testid="timelines"]').screenshot({ path: join(ARTIFACTS, 'run-crosshair.png') });
    // And the other way: off every chart nothing shows; hovering the memory chart brings up the CPU chart's values.
    await page.mouse.move(0, 0);
    await expect.poll(() => tip(cpu), { timeout: 10_000 }).toBe('');
    await hover(memory, 0.25);
    await expect.poll(() => tip(cpu), { timeout: 10_000 }).toMatch(/n3 run delay\s*0\.6/);
  });

  it('zooms every time chart together', async () => {
    const cpu = page.locator('[data-resource="cpu"] [data-chart]');
    await cpu.scrollIntoViewIfNeeded();
    const box = await cpu.boundingBox();
    if (!box) throw new Error('no CPU chart');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -400);
    await expect.poll(() => cpu.getAttribute('data-zoom'), { timeout: 10_000 }).toMatch(/^\d+-\d+$/);
    const zoom = await cpu.getAttribute('data-zoom');
    expect(zoom).not.toBe('0-100');
    // The memory chart and the hosts' small multiples follow.
    await expect.poll(() => page.locator('[data-resource="memory"] [data-chart]').getAttribute('data-zoom')).toBe(zoom);
    await expect.poll(() => page.locator('[data-host="n1"] [data-chart]').getAttribute('data-zoom')).toBe(zoom);
  });

  it('zooms every time chart to a time range brushed across one', async () => {
    const cpu = page.locator('[data-resource="cpu"] [data-chart]');
    await cpu.scrollIntoViewIfNeeded();
    const box = await cpu.boundingBox();
    if (!box) throw new Error('no CPU chart');
    const before = (await cpu.getAttribute('data-zoom')) ?? '0-100';
    const width = (z: string): number => { const [a, b] = z.split('-').map(Number); return (b ?? 100) - (a ?? 0); };
    // The builders' grid: 64 px left, 24 px right. Drag across the middle of the plot.
    const plot = { left: box.x + 64, width: box.width - 88, y: box.y + box.height * 0.4 };
    await page.mouse.move(plot.left + plot.width * 0.3, plot.y);
    await page.mouse.down();
    await page.mouse.move(plot.left + plot.width * 0.5, plot.y, { steps: 8 });
    await page.mouse.move(plot.left + plot.width * 0.7, plot.y, { steps: 8 });
    await page.mouse.up();
    await expect.poll(() => cpu.getAttribute('data-zoom'), { timeout: 10_000 }).not.toBe(before);
    const zoom = (await cpu.getAttribute('data-zoom')) ?? '';
    // About 40% of what was shown, whatever the previous zoom was.
    expect(width(zoom) / width(before), `${before} -> ${zoom}`).toBeGreaterThan(0.2);
    expect(width(zoom) / width(before), `${before} -> ${zoom}`).toBeLessThan(0.6);
    await expect.poll(() => page.locator('[data-resource="memory"] [data-chart]').getAttribute('data-zoom')).toBe(zoom);
    await expect.poll(() => page.locator('[data-host="n1"] [data-chart]').getAttribute('data-zoom')).toBe(zoom);
    await page.locator('[data-testid="timelines"]').screenshot({ path: join(ARTIFACTS, 'run-brush-zoom.png') });
  });

  it('compares with the earlier run of the same app and command', async () => {
    const cmp = page.getByTestId('compare');
    await expect(cmp.getAttribute('data-compared')).resolves.toBe('e1');
    await cmp.locator('canvas').first().waitFor();
    // Another user's run of the same app is not offered.
    await expect(cmp.locator('[data-compare-with]').count()).resolves.toBe(0);
  });

  it('links a finding to its entry in the findings guide, the detector\'s own README', async () => {
    await page.locator('[data-host="n3"] li[data-kind="slow_node"] a.kind').click();
    await page.waitForURL(/\/guide#slow_node$/);
    const entry = page.locator('section#slow_node');
    await expect(entry.textContent()).resolves.toMatch(/progresses well below its peers[\s\S]*Caveats/);
    await expect(page.locator('section[data-kind]').count()).resolves.toBeGreaterThanOrEqual(20);
  });

  it('shows the app\'s own metric and where the same work ran faster, on a run of another app', async () => {
    expect((await page.goto(`${dash.url}/runs/${SEL_RUN}`))?.status()).toBe(200);
    const card = page.getByTestId('app-metrics');
    await expect(card.locator('li[data-metric="it/s"]').textContent()).resolves.toMatch(/^it\/s {2}median 1\.9 {2}over time 1\.9\d* {2}\(1\.8–2 over 42 points, last 1\.8\)$/);
    await expect(card.getByTestId('elsewhere').locator('li').allTextContents()).resolves
      .toEqual([expect.stringMatching(/^on type fast this work ran 4\.\d× faster \(3 runs\) than on slow \(3 runs\) at 1\.\d× the cost per unit of work$/)]);
    // Its values over time, in the run's chart group: pointing at the CPU chart shows the metric there too.
    const metric = card.locator('[data-metric-chart="it/s"] [data-chart]');
    await metric.locator('canvas').first().waitFor();
    await hover(page.locator('[data-testid="timelines"] [data-resource="cpu"] [data-chart]'), 0.5);
    await expect.poll(() => tip(metric), { timeout: 10_000 }).toMatch(/it\/s\s*(2|1\.8)\b/);
    await card.screenshot({ path: join(ARTIFACTS, 'run-app-metric.png') });
  });

  it('opens a run from its point on the app page', async () => {
    expect((await page.goto(`${dash.url}/apps/solver`))?.status()).toBe(200);
    const canvas = page.locator('[data-chart="runs over time"] canvas').first();
    await canvas.waitFor();
    await expect.poll(() => paintedPoint(canvas), { timeout: 10_000 }).not.toBeNull();
    const point = await paintedPoint(canvas);
    if (!point) throw new Error('no run point painted');
    await Promise.all([page.waitForURL(/\/runs\/(e1|m)$/), canvas.click({ position: point })]);
  });

  it('says under the process table how much of the CPU no row holds, where the kernel counted much more than the samples', async () => {
    expect((await page.goto(`${dash.url}/runs/${SHORT_RUN}`))?.status()).toBe(200);
    await expect(page.locator('[data-testid="unsampled"]').textContent()).resolves
      .toBe('Not in this table: 9.0 s of 10.0 s CPU (90%) fell between the 1 s samples (processes shorter than a second, and each one\'s last second).');
    // A run without the kernel's totals (the MPI run's, from the agents) has no such line.
    await open(1280);
    await expect(page.locator('[data-testid="unsampled"]').count()).resolves.toBe(0);
  });

  it('fits a 420 px wide screen', async () => {
    await open(420);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const widths = await page.locator('[data-testid="hosts"] [data-host]').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
    expect(widths).toHaveLength(3);
    for (const w of widths) expect(w).toBeLessThanOrEqual(420);
    await shot('run-hosts-420');
  });
});
