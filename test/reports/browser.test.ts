/**
 * Opens the rendered report in a real headless Chromium (playwright-core driving the system
 * browser) and checks what a reviewer would see: every chart drawn, no console or page errors, no
 * network access, and the 10,000-subscriber report still renders. Saves screenshots to
 * test-output/. (The README's screenshots in docs/ come from real runs, not from these fixtures.)
 *
 * Browser: $SSE_CHAOS_CHROMIUM, default /usr/bin/chromium. Missing browser: skipped locally with a
 * message, but a failure when CI is set (CI must never silently skip the browser check).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReports, type ReportPaths } from '../../reports/write.ts';
import { largeResults, sampleResults } from './fixtures.ts';

const CHROMIUM = process.env.SSE_CHAOS_CHROMIUM || '/usr/bin/chromium';
const IN_CI = Boolean(process.env.CI);
const HAVE_BROWSER = existsSync(CHROMIUM);
const REPO = new URL('../../', import.meta.url);
const OUTPUT = new URL('test-output/', REPO);

if (!HAVE_BROWSER && !IN_CI) {
  console.warn(
    `browser test SKIPPED: no Chromium at ${CHROMIUM}. Install it (scripts/setup, or apt-get install chromium) ` +
      'or point SSE_CHAOS_CHROMIUM at a Chromium/Chrome binary. In CI (CI set) this is a failure, not a skip.',
  );
}

interface PageProblems {
  errors: string[];
  external: string[];
}

/** Records console errors, uncaught page errors and any request that is not file:/data:. */
function watch(page: Page): PageProblems {
  const problems: PageProblems = { errors: [], external: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') problems.errors.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.errors.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (!/^(file|data):/.test(r.url())) problems.external.push(r.url());
  });
  return problems;
}

interface ChartState {
  id: string;
  rendered: boolean;
  width: number;
  height: number;
  painted: number;
}

/** For every chart container: is there a canvas with a size, and how many pixels are painted. */
async function chartStates(page: Page): Promise<ChartState[]> {
  return page.$$eval('.chart', (els) =>
    els.map((el) => {
      const canvas = el.querySelector('canvas');
      let painted = 0;
      if (canvas && canvas.width > 0 && canvas.height > 0) {
        const ctx = canvas.getContext('2d');
        const px = ctx ? ctx.getImageData(0, 0, canvas.width, canvas.height).data : new Uint8ClampedArray();
        for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) painted++;
      }
      return {
        id: el.id,
        rendered: el.getAttribute('data-rendered') === 'true',
        width: canvas?.width ?? 0,
        height: canvas?.height ?? 0,
        painted,
      };
    }),
  );
}

async function expectAllChartsDrawn(page: Page, expectedCount: number): Promise<void> {
  const states = await chartStates(page);
  expect(states).toHaveLength(expectedCount);
  for (const s of states) {
    expect(s, `chart ${s.id}`).toMatchObject({ rendered: true });
    expect(s.width, `chart ${s.id} canvas width`).toBeGreaterThan(100);
    expect(s.height, `chart ${s.id} canvas height`).toBeGreaterThan(100);
    // Axes, grid, series and fault shading paint thousands of pixels; an empty canvas paints none.
    expect(s.painted, `chart ${s.id} painted pixels`).toBeGreaterThan(1000);
  }
}

describe.skipIf(!HAVE_BROWSER && !IN_CI)('report in a real browser', () => {
  let browser: Browser | undefined;
  let dir: string | undefined;
  let sample: ReportPaths;
  let large: ReportPaths;
  let showcase: ReportPaths;

  beforeAll(async () => {
    if (!HAVE_BROWSER) {
      throw new Error(
        `CI is set but there is no Chromium at ${CHROMIUM}: install one and set SSE_CHAOS_CHROMIUM to its path ` +
          '(the workflow runs `npx playwright-core install chromium`).',
      );
    }
    dir = await mkdtemp(join(tmpdir(), 'sse-chaos-browser-'));
    sample = (await writeReports(sampleResults(), join(dir, 'sample'))).paths;
    large = (await writeReports(largeResults(), join(dir, 'large'))).paths;
    showcase = (await writeReports(sampleResults(42, { hostile: false }), join(dir, 'showcase'))).paths;
    await mkdir(OUTPUT, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('draws every chart of the sample report with no errors and no network', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 1000 } });
    try {
      const problems = watch(page);
      await page.goto(pathToFileURL(sample.html).href);
      await page.waitForSelector('html[data-charts-ready]');
      // 3 scenarios with data x 5 charts, +2 per-client charts of the mixed fleet; the errored one shows "no data" placeholders.
      await expectAllChartsDrawn(page, 17);
      expect(await page.locator('.chart-empty').count()).toBe(5);
      expect(await page.locator('.chart-error').count()).toBe(0);
      // Hostile names render as text, never as elements.
      expect(await page.locator('section.scenario img, section.scenario h2 script').count()).toBe(0);
      await expect(page.locator('#scenario-3 h2').textContent()).resolves.toBe(
        'edge-partition <script>alert("x")</script>',
      );
      expect(problems).toEqual({ errors: [], external: [] });

      await page.screenshot({ path: new URL('report-sample.png', OUTPUT).pathname, fullPage: true });
    } finally {
      await page.close();
    }
  });

  it('renders the README screenshot (plain-text run) without errors', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 1500 } });
    try {
      const problems = watch(page);
      await page.goto(pathToFileURL(showcase.html).href);
      await page.waitForSelector('html[data-charts-ready]');
      await expectAllChartsDrawn(page, 17);
      expect(problems).toEqual({ errors: [], external: [] });
      const shot = new URL('report-screenshot.png', OUTPUT).pathname;
      await page.screenshot({ path: shot });
    } finally {
      await page.close();
    }
  });

  it('renders the 10,000-subscriber report', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 1000 } });
    try {
      const problems = watch(page);
      const started = performance.now();
      await page.goto(pathToFileURL(large.html).href);
      await page.waitForSelector('html[data-charts-ready]', { timeout: 45_000 });
      const ms = Math.round(performance.now() - started);
      console.log(
        `large report (10,000 subscribers, 18,000 buckets, 12,000 gap points): charts ready in ${ms} ms`,
      );
      await expectAllChartsDrawn(page, 5);
      expect(problems).toEqual({ errors: [], external: [] });
      await page.locator('#scenario-1').screenshot({ path: new URL('report-large.png', OUTPUT).pathname });
    } finally {
      await page.close();
    }
  });

  it('writes junit.xml that a strict XML parser accepts', async () => {
    const page = await browser!.newPage();
    try {
      const xml = await readFile(sample.junit, 'utf8');
      const verdict = await page.evaluate((text) => {
        // The tsconfig has no DOM lib (Node project): type the one browser API used here.
        type XmlDoc = {
          querySelector(s: string): { textContent: string | null } | null;
          querySelectorAll(s: string): { length: number };
        };
        const { DOMParser } = globalThis as unknown as {
          DOMParser: new () => { parseFromString(t: string, type: string): XmlDoc };
        };
        const doc = new DOMParser().parseFromString(text, 'application/xml');
        const err = doc.querySelector('parsererror');
        return err ? `parse error: ${err.textContent}` : `${doc.querySelectorAll('testsuite').length} suites`;
      }, xml);
      expect(verdict).toBe('4 suites');
    } finally {
      await page.close();
    }
  });
});
