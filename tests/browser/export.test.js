'use strict';
// A saved, executed notebook shown where scripts do not run (GitHub, nbviewer without JS, an
// untrusted notebook) must still show its numbers: each chart carries a static fallback table.
// The HTML export (jupyter nbconvert --to html) of each notebook executed by the notebook tests
// (build/notebooks/) is opened from file:// in Chromium
//   * with JavaScript off: every div.speedup-chart shows a visible table.speedup-fallback with
//     data rows, and no drawn chart;
//   * with JavaScript on and every network request refused: every chart draws (offline).
// A notebook missing from build/notebooks/ (or older than its source) is executed here first
// (one that needs Spark with a Spark Connect server started and stopped around it, lib/spark.js).
//
// Artifacts: build/browser/html/<notebook>.html, build/screenshots/export/<notebook>-nojs.png
// and <notebook>-js.png.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFile } = require('node:child_process');
const { pathToFileURL } = require('node:url');

const cfg = require('./lib/config');
const nbjson = require('./lib/nbjson');
const br = require('./lib/browser');
const spark = require('./lib/spark');

const NOTEBOOKS = cfg.listNotebooks();
const HTML_DIR = path.join(cfg.ARTIFACTS, 'html');
const EXECUTED_DIR = path.join(cfg.ARTIFACTS, 'executed');
const SHOTS = path.join(cfg.SCREENSHOTS, 'export');
const JUPYTER = path.join(cfg.VENV_BIN, 'jupyter');

const log = (msg) => console.log(`[export] ${msg}`);

let browser = null;

before(async () => {
  if (NOTEBOOKS.length) browser = await br.launch();
});
after(async () => {
  if (browser) await browser.close().catch(() => {});
});

function jupyter(args, cwd, timeoutS, extraEnv = {}) {
  return new Promise((resolve, reject) => {
    execFile(JUPYTER, args, { cwd, env: cfg.jupyterEnv(extraEnv), timeout: timeoutS * 1000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`jupyter ${args.join(' ')} failed (${err.signal || `exit status ${err.code}`}):\n${stderr.slice(-3000)}`));
      else resolve(stdout);
    });
  });
}

/** The executed notebook to export: the notebook tests' copy if it is not older than the source. */
async function executedNotebook(name) {
  const source = path.join(cfg.NOTEBOOKS_DIR, name);
  const headless = path.join(cfg.BUILD, 'notebooks', name);
  if (fs.existsSync(headless) && fs.statSync(headless).mtimeMs >= fs.statSync(source).mtimeMs) {
    fs.rmSync(path.join(EXECUTED_DIR, name), { force: true }); // an earlier fallback's, now stale
    return headless;
  }
  const why = fs.existsSync(headless) ? `${path.relative(cfg.ROOT, headless)} is older than the notebook` : `no ${path.relative(cfg.ROOT, headless)}`;
  log(`${name}: ${why} (run the notebook tests first to reuse theirs): executing it with nbconvert`);
  cfg.mkdirp(EXECUTED_DIR);
  const t0 = Date.now();
  const server = spark.needsSpark(nbjson.read(source)) ? new spark.SparkServer('spark-export') : null;
  if (server && spark.SKIP) throw new Error(`${name} needs Spark, SPEEDUP_SPARK=skip, and no executed copy exists`);
  if (server) log(`${name}: needs Spark: server ready in ${await server.start()} s`);
  try {
    await jupyter(
      ['nbconvert', '--to', 'notebook', '--execute', '--ExecutePreprocessor.kernel_name=gonb', '--ExecutePreprocessor.timeout=600', '--output-dir', EXECUTED_DIR, source],
      path.dirname(source),
      900,
      server ? server.env() : {},
    );
  } finally {
    if (server) {
      const left = await server.stop();
      if (left.length) throw new Error(`JVMs left after scripts/spark.sh stop: ${left.join('; ')}`);
    }
  }
  log(`${name}: executed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return path.join(EXECUTED_DIR, name);
}

async function openExport(file, javaScriptEnabled) {
  // Offline: nothing but the file itself (nbconvert's template asks for require.js and MathJax
  // on a CDN; the charts must not need anything).
  const { context, page, blocked, pageErrors } = await br.guardedPage(browser,
    { javaScriptEnabled, viewport: { width: 1280, height: 900 } },
    (url) => /^(file|data|blob|about):$/.test(url.protocol));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: 60_000 });
  return { context, page, blocked, pageErrors };
}

function report(problems, what, shot, extra = []) {
  if (problems.length) {
    assert.fail(`${problems.length} problem(s) ${what} (screenshot: ${path.relative(cfg.ROOT, shot)}):\n  ${problems.join('\n  ')}${extra.length ? `\n  browser console:\n    ${extra.slice(0, 15).join('\n    ')}` : ''}`);
  }
}

test('there are notebooks to export', () => {
  assert.ok(NOTEBOOKS.length > 0, `no *.ipynb in ${cfg.NOTEBOOKS_DIR}`);
});

for (const name of NOTEBOOKS) {
  test(`${name} HTML export: fallback tables without JavaScript, charts drawn offline with it`, { timeout: 1200_000 }, async (t) => {
    const executed = await executedNotebook(name);
    const nb = nbjson.read(executed);
    const want = nbjson.countCharts(nb);
    assert.ok(want > 0, `${name}: the executed notebook ${path.relative(cfg.ROOT, executed)} has no chart output`);
    cfg.mkdirp(HTML_DIR);
    cfg.mkdirp(SHOTS);
    await jupyter(['nbconvert', '--to', 'html', '--output-dir', HTML_DIR, '--output', cfg.stem(name), executed], cfg.ROOT, 120);
    const html = path.join(HTML_DIR, `${cfg.stem(name)}.html`);
    const where = `${path.relative(cfg.ROOT, html)}`;

    await t.test('without JavaScript: every chart shows its fallback table', async () => {
      const shot = path.join(SHOTS, `${cfg.stem(name)}-nojs.png`);
      const { context, page } = await openExport(html, false);
      try {
        const charts = await page.evaluate(br.inspectChartsInPage);
        await page.screenshot({ path: shot, fullPage: true });
        const problems = [];
        if (charts.length !== want) problems.push(`${where}: ${charts.length} div.speedup-chart, but ${want} chart outputs in the notebook`);
        problems.push(...br.fallbackChartProblems(where, charts));
        log(`${name} without JavaScript: ${charts.length} charts, fallback tables with ${charts.map((c) => c.dataRows).join('/')} data rows`);
        report(problems, 'without JavaScript', shot);
      } finally {
        await context.close();
      }
    });

    await t.test('with JavaScript, offline: every chart draws', async () => {
      const shot = path.join(SHOTS, `${cfg.stem(name)}-js.png`);
      const { context, page, blocked, pageErrors } = await openExport(html, true);
      try {
        await page.waitForFunction(br.chartsSettledInPage, null, { timeout: 30_000, polling: 250 }).catch(() => {});
        const charts = await page.evaluate(br.inspectChartsInPage);
        await page.screenshot({ path: shot, fullPage: true });
        const problems = [];
        if (charts.length !== want) problems.push(`${where}: ${charts.length} div.speedup-chart, but ${want} chart outputs in the notebook`);
        problems.push(...br.drawnChartProblems(where, charts));
        log(
          `${name} with JavaScript: ${charts.length} charts [${br.summarizeCharts(charts)}]` +
            (blocked.size ? `; refused ${blocked.size} network requests of the page template (${[...new Set([...blocked].map((u) => new URL(u).host))].join(', ')})` : ''),
        );
        report(problems, 'with JavaScript', shot, pageErrors);
      } finally {
        await context.close();
      }
    });
  });
}
