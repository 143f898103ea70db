import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from './render-html.ts';
import { SAMPLE_REPORT } from './testdata/sample-report.ts';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

/** The HTML report as a user opens it: Debian's chromium, offline, the file from disk (issue 15 item 2). */
describe('the HTML report in a browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  }, 120_000);
  afterAll(async () => { await browser?.close(); });

  it('paints every chart from the one file, offline, and the screenshot shows them', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'runlens-html-')), 'report.html');
    writeFileSync(file, await renderHtml(SAMPLE_REPORT));
    const ctx = await browser.newContext({ offline: true, viewport: { width: 1000, height: 800 } });
    const page = await ctx.newPage();
    const requests: string[] = [];
    page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
    await page.goto(pathToFileURL(file).href);
    const charts = page.locator('figure.chart svg');
    expect(await charts.count()).toBe(3);
    // Each chart rasterised on a canvas: count the pixels that are not background.
    const inked = await charts.evaluateAll(async (svgs) => Promise.all(svgs.map(async (svg) => {
      const img = new Image();
      img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(new XMLSerializer().serializeToString(svg))}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const g = c.getContext('2d')!;
      g.fillStyle = '#fff';
      g.fillRect(0, 0, c.width, c.height);
      g.drawImage(img, 0, 0);
      const d = g.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if ((d[i] ?? 255) < 240 || (d[i + 1] ?? 255) < 240 || (d[i + 2] ?? 255) < 240) n += 1;
      return n;
    })));
    for (const n of inked) expect(n).toBeGreaterThan(3000);
    mkdirSync(ARTIFACTS, { recursive: true });
    const png = await page.screenshot({ path: join(ARTIFACTS, 'html-report.png'), fullPage: true });
    expect(png.length).toBeGreaterThan(20_000);
    expect(requests).toEqual([]);
    await ctx.close();
  }, 120_000);
});
