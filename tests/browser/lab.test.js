'use strict';
// Each notebooks/*.ipynb, run in JupyterLab in a real browser (Debian's Chromium), the way a
// reader runs it: open it, Run ▸ Run All Cells, wait for the kernel to go idle. Then, in the
// page: no cell shows an error, every chart drew (a canvas with ink on it, not an empty box),
// every progress display finished. JupyterLab serves a throwaway copy of the repository.
// A notebook that needs Spark (notebook 07) gets a real Spark Connect server for its run, started
// just before and stopped right after through scripts/spark.sh (lib/spark.js); stopping it must
// leave no JVM.
//
// Artifacts: build/screenshots/<notebook>.png (the whole notebook), build/screenshots/<notebook>/
// chart-NN-<kind>.png, build/browser/notebooks/<notebook>.ipynb (as JupyterLab saved it after the
// run), build/browser/jupyterlab.log.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const cfg = require('./lib/config');
const nbjson = require('./lib/nbjson');
const br = require('./lib/browser');
const { Lab } = require('./lib/lab');
const procs = require('./lib/procs');
const spark = require('./lib/spark');

const NOTEBOOKS = cfg.listNotebooks();
const VIEWPORT = { width: 1400, height: 1000 };
const MAX_SCREENSHOT_HEIGHT = 16000; // Chromium cannot capture much taller in one go

let lab = null;
let browser = null;
const sparkServer = new spark.SparkServer('spark-browser');
const needsSpark = new Map(NOTEBOOKS.map((n) => [n, spark.needsSpark(nbjson.read(path.join(cfg.NOTEBOOKS_DIR, n)))]));

const log = (msg) => console.log(`[browser] ${msg}`);
const secs = (t0) => ((Date.now() - t0) / 1000).toFixed(1);

// Ctrl-C or a kill of the test run: JupyterLab and the kernels go too (gracefully if they
// stop within 20 s, so that GoNB removes its temporary folders; a second signal kills at once).
let stopping = false;
for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
  process.on(sig, () => {
    sparkServer.stopNow();
    if (!lab || stopping) {
      if (lab) lab.killNow();
      process.exit(code);
    }
    stopping = true;
    console.log(`[browser] ${sig}: stopping JupyterLab and its kernels`);
    Promise.race([lab.stop(), procs.sleep(20_000)]).finally(() => {
      if (lab) lab.killNow();
      process.exit(code);
    });
  });
}
process.on('exit', () => {
  sparkServer.stopNow();
  if (lab) lab.killNow();
});

before(async () => {
  if (!NOTEBOOKS.length) return;
  const t0 = Date.now();
  // The kernels find the Spark server through SPARK_REMOTE, fixed when JupyterLab starts.
  const env = [...needsSpark.values()].some(Boolean) && !spark.SKIP ? await sparkServer.prepare() : {};
  lab = new Lab({ env });
  const { files } = await lab.start();
  log(`JupyterLab ${lab.base} up in ${secs(t0)} s, serving a copy of the repository (${files} files) in ${lab.notebooksDir}`);
  browser = await br.launch();
  log(`Chromium ${browser.version()} (${cfg.CHROMIUM})`);
});

after(async () => {
  if (sparkServer.running) await sparkServer.stop().catch(() => {});
  if (browser) await browser.close().catch(() => {});
  if (!lab) return;
  const seen = lab.kernelPids.size;
  const left = await lab.stop();
  lab = null; // nothing left for the exit handler
  assert.deepEqual(left, [], `processes left running after stopping JupyterLab: ${left.join(' ')}`);
  log(`stopped JupyterLab; none of the ${seen} kernel-side processes seen is left running`);
});

test('there are notebooks to run', () => {
  assert.ok(NOTEBOOKS.length > 0, `no *.ipynb in ${cfg.NOTEBOOKS_DIR}`);
});

for (const name of NOTEBOOKS) {
  const withSpark = needsSpark.get(name);
  const timeout = (cfg.NOTEBOOK_TIMEOUT_S + 180 + (withSpark ? 300 : 0)) * 1000;
  test(`${name} runs in JupyterLab: charts drawn, no error, progress finished`, { timeout }, async (t) => {
    if (!withSpark) return runInLab(name);
    if (spark.SKIP) {
      console.log(`[browser] !!!! SKIPPED ${name}: it needs Spark and SPEEDUP_SPARK=skip`);
      return t.skip('needs Spark; SPEEDUP_SPARK=skip');
    }
    const t0 = Date.now();
    const startup = await sparkServer.start();
    log(`${name}: Spark Connect server ready at ${sparkServer.env().SPARK_REMOTE} (start-up ${startup} s, ${secs(t0)} s with the install check)`);
    let failure = null;
    try {
      await runInLab(name);
    } catch (e) {
      failure = e;
    }
    const left = await sparkServer.stop();
    log(`${name}: Spark Connect server stopped; ${left.length ? `JVMs LEFT: ${left.join('; ')}` : 'no JVM left'}`);
    if (failure) throw failure;
    assert.deepEqual(left, [], `JVMs left running after scripts/spark.sh stop: ${left.join('; ')}`);
  });
}

// In the page: the notebook panel JupyterLab shows (window.jupyterapp, exposed by --LabApp.expose_app_in_browser).
function kernelStateInPage() {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  if (!w || !w.content || !w.sessionContext) return null;
  const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
  const prompts = [...w.content.node.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map((p) => p.textContent.trim());
  const dialog = document.querySelector('.jp-Dialog');
  return {
    ready: !!(w.context && w.context.isReady && w.sessionContext.isReady),
    kernel: kernel ? kernel.name : null,
    status: kernel ? kernel.status : w.sessionContext.kernelDisplayStatus,
    indicator: (document.querySelector('.jp-Notebook-ExecutionIndicator') || { getAttribute: () => null }).getAttribute('data-status'),
    busy: prompts.filter((p) => p.includes('*')).length,
    cells: prompts.length,
    dialog: dialog ? dialog.textContent.replace(/\s+/g, ' ').trim().slice(0, 300) : '',
  };
}

async function runInLab(name) {
  const source = path.join(cfg.NOTEBOOKS_DIR, name);
  const problems = [];
  const notes = [];
  // Only JupyterLab itself may be reached: the charts must need no network.
  const { context, page, blocked, pageErrors } = await br.guardedPage(browser, { viewport: VIEWPORT },
    (url) => url.href.startsWith(lab.base) || /^(data|blob|about):/.test(url.protocol));
  const t0 = Date.now();
  let state = null;
  try {
    await page.goto(lab.url(`/lab/tree/${encodeURIComponent(name)}?reset`));
    await page.waitForFunction(kernelStateInPage, null, { timeout: 120_000 }).catch(() => {
      throw new Error(`${name}: JupyterLab did not open the notebook within 120 s`);
    });
    // The kernel starts with the notebook: wait until it is connected and has answered
    // kernel_info (GoNB reports no busy/idle status before the first execution: 'unknown').
    await page
      .waitForFunction(
        () => {
          const w = window.jupyterapp.shell.currentWidget;
          const k = w.sessionContext.session && w.sessionContext.session.kernel;
          if (!w.context.isReady || !k || k.connectionStatus !== 'connected') return false;
          if (!window.__speedupInfo) window.__speedupInfo = k.info.then(() => true);
          window.__speedupInfo.then((ok) => (window.__speedupInfoOK = ok));
          return window.__speedupInfoOK === true;
        },
        null,
        { timeout: 120_000, polling: 250 },
      )
      .catch(async () => {
        const s = await page.evaluate(kernelStateInPage);
        throw new Error(`${name}: the kernel did not answer within 120 s of opening the notebook: ${JSON.stringify(s)}`);
      });
    state = await page.evaluate(kernelStateInPage);
    assert.equal(state.kernel, 'gonb', `${name}: the notebook runs kernel ${state.kernel}, want gonb`);
    const tReady = Date.now();

    await page.click('.jp-NotebookPanel .jp-Notebook');
    await page.click('.lm-MenuBar-itemLabel:text-is("Run")', { timeout: 10_000 });
    await page.click('.lm-Menu-itemLabel:text-is("Run All Cells")', { timeout: 10_000 });
    const tRun = Date.now();

    // Done when no prompt shows [*] and the kernel is idle, twice in a row.
    let seenBusy = false;
    let calm = 0;
    let lastLog = Date.now();
    for (;;) {
      await procs.sleep(1000);
      lab.snapshot();
      state = await page.evaluate(kernelStateInPage);
      if (!state) throw new Error(`${name}: the notebook is no longer JupyterLab's current panel`);
      if (state.busy > 0 || state.status === 'busy') seenBusy = true;
      if (state.dialog) throw new Error(`${name}: JupyterLab shows a dialog: ${state.dialog}`);
      if (['dead', 'terminating', 'restarting', 'autorestarting'].includes(state.status)) {
        throw new Error(`${name}: the kernel is ${state.status} after ${secs(tRun)} s of running (kernel log: build/browser/jupyterlab.log)`);
      }
      const idle = state.busy === 0 && state.status === 'idle' && (!state.indicator || state.indicator === 'idle');
      calm = idle && (seenBusy || Date.now() - tRun > 5000) ? calm + 1 : 0;
      if (calm >= 2) break;
      if (Date.now() - tRun > cfg.NOTEBOOK_TIMEOUT_S * 1000) {
        problems.push(`${name}: still running after ${cfg.NOTEBOOK_TIMEOUT_S} s (${state.busy} cells show [*], kernel ${state.status})`);
        break;
      }
      if (Date.now() - lastLog > 15_000) {
        lastLog = Date.now();
        log(`${name}: running for ${secs(tRun)} s, ${state.busy} of ${state.cells} code cells show [*]`);
      }
    }
    const ranSeconds = secs(tRun);
    await page.waitForFunction(br.chartsSettledInPage, null, { timeout: 30_000, polling: 250 }).catch(() => {});

    // What the notebook holds now (JupyterLab's model: output types, stderr text) ...
    const nb = await page.evaluate(() => window.jupyterapp.shell.currentWidget.content.model.toJSON());
    for (const c of nbjson.unexecuted(name, nb)) problems.push(`${c}: did not run (no execution count)`);
    const modelErrors = nbjson.errorProblems(name, nb);
    problems.push(...modelErrors);
    // ... and what the page shows: stderr outputs, GoNB's compile-error reports.
    const shown = await page.evaluate((re) => {
      const rx = new RegExp(re, 'm');
      const stderr = [...document.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
        .map((o) => o.textContent.trim())
        .filter((t) => rx.test(t));
      const gonb = [...document.querySelectorAll('.gonb-err-location')].map((e) => {
        const where = e.previousElementSibling && e.previousElementSibling.classList.contains('gonb-cell-line-info') ? e.previousElementSibling.textContent + ' ' : '';
        const what = e.nextSibling && e.nextSibling.nodeType === Node.TEXT_NODE ? e.nextSibling.textContent : '';
        return (where + e.textContent + what).replace(/\s+/g, ' ').trim();
      });
      return { stderr, gonb };
    }, nbjson.STDERR_FAILURE.source);
    for (const g of shown.gonb) problems.push(`${name}: GoNB reports: ${g}`);
    if (!modelErrors.length) problems.push(...shown.stderr.map((e) => `${name}: the page shows an error on stderr: ${e.slice(0, 400)}`));

    const charts = await page.evaluate(br.inspectChartsInPage);
    const inModel = nbjson.countCharts(nb);
    if (charts.length === 0) problems.push(`${name}: no chart in the page (div.speedup-chart)`);
    if (charts.length !== inModel) problems.push(`${name}: ${charts.length} charts in the page, but ${inModel} chart outputs in the notebook`);
    const headless = path.join(cfg.BUILD, 'notebooks', name);
    if (fs.existsSync(headless)) {
      const want = nbjson.countCharts(nbjson.read(headless));
      const fresh = fs.statSync(headless).mtimeMs >= fs.statSync(source).mtimeMs;
      if (want !== charts.length) {
        const msg = `${name}: ${charts.length} charts in JupyterLab, ${want} in the headless run (${path.relative(cfg.ROOT, headless)})`;
        if (fresh) problems.push(msg);
        else notes.push(`${msg}, which is older than the notebook: not compared`);
      }
    }
    problems.push(...br.drawnChartProblems(name, charts));
    const bars = await page.evaluate(br.inspectProgressInPage);
    problems.push(...br.progressProblems(name, bars));

    log(
      `${name}: opened, kernel ready in ${((tReady - t0) / 1000).toFixed(1)} s, ` +
        `ran in ${ranSeconds} s; ${charts.length} charts [${br.summarizeCharts(charts)}], ` +
        `${bars.length} progress displays [${bars.map((b) => `${b.state} ${b.done}/${b.total}`).join(', ')}]`,
    );

    // Keep the notebook as JupyterLab saved it (outputs included) as an artifact.
    await page.evaluate(() => window.jupyterapp.commands.execute('docmanager:save'));
    const saved = path.join(cfg.mkdirp(path.join(cfg.ARTIFACTS, 'notebooks')), name);
    fs.copyFileSync(path.join(lab.notebooksDir, name), saved);
  } finally {
    await screenshots(page, name).catch((e) => notes.push(`screenshots failed: ${e.message}`));
    await context.close().catch(() => {});
    await lab.shutdownSessions().catch((e) => notes.push(`could not shut the kernel down: ${e.message}`));
  }
  if (blocked.size) notes.push(`blocked ${blocked.size} requests outside JupyterLab: ${[...blocked].slice(0, 5).join(' ')}`);
  for (const n of notes) log(`${name}: note: ${n}`);
  if (problems.length) {
    const extra = pageErrors.length ? `\n  browser console (${pageErrors.length}):\n    ${pageErrors.slice(0, 15).join('\n    ')}` : '';
    assert.fail(
      `${problems.length} problem(s) in JupyterLab (screenshot: ${path.relative(cfg.ROOT, shotPath(name))}):\n  ${problems.join('\n  ')}${extra}`,
    );
  }
}

function shotPath(name) {
  return path.join(cfg.SCREENSHOTS, `${cfg.stem(name)}.png`);
}

/** The whole notebook in one image (the viewport grown to the notebook's height), then each chart. */
async function screenshots(page, name) {
  cfg.mkdirp(cfg.SCREENSHOTS);
  // The notebook scrolls inside the page: grow the page to the notebook's height, from its top.
  const toTop = () => {
    const app = window.jupyterapp;
    const w = app && app.shell.currentWidget;
    if (!w || !w.content) return null;
    app.shell.collapseLeft();
    app.shell.collapseRight();
    const outer = w.content.node.querySelector('.jp-WindowedPanel-outer') || w.content.node;
    outer.scrollTop = 0;
    return { scroll: outer.scrollHeight, client: outer.clientHeight };
  };
  const dims = await page.evaluate(toTop);
  if (dims) {
    await procs.sleep(300);
    const again = (await page.evaluate(toTop)) || dims;
    const height = Math.min(MAX_SCREENSHOT_HEIGHT, VIEWPORT.height - again.client + again.scroll + 40);
    await page.setViewportSize({ width: VIEWPORT.width, height: Math.max(height, VIEWPORT.height) });
    await procs.sleep(800);
    await page.evaluate(toTop);
  }
  await page.screenshot({ path: shotPath(name) });
  const dir = path.join(cfg.SCREENSHOTS, cfg.stem(name));
  fs.rmSync(dir, { recursive: true, force: true });
  const charts = page.locator('div.speedup-chart');
  const n = await charts.count();
  if (n) cfg.mkdirp(dir);
  for (let i = 0; i < n; i++) {
    const kind = (await charts.nth(i).getAttribute('data-kind')) || 'chart';
    await charts.nth(i).screenshot({ path: path.join(dir, `chart-${String(i + 1).padStart(2, '0')}-${kind}.png`), timeout: 10_000 });
  }
}
