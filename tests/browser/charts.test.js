'use strict';
// Package charts in Debian's Chromium, on the pages `go run ./charts/internal/chartpages` writes
// (build/browser/charts/), every network request refused:
//   * kinds.html: every kind of chart from realistic data (a 5,000-frame profile, a trace of
//     45,000 spans, resource use, a timeline with its usage panel...) draws on a canvas at the
//     page's width and hides its table; with JavaScript off, every table shows instead;
//   * hostile.html: every kind built from hostile strings (quotes, backslashes, newlines,
//     </script>, <!--, ${, markup) and drawn as SVG shows them as written, in the drawing and in
//     the tooltips; nothing runs, nothing is injected, no script error;
//   * speedup.html: no speedup label touches an ideal's dash; ideals far above the bars show as
//     arrows on an axis that fits the bars;
//   * a click on a flame graph's frame zooms into it, a click on the top frame zooms out;
//   * fragments.html: notebook-like fragments (one carries the bundle) fill containers of any
//     width, at least their min-width, follow them when the window narrows, and draw when a
//     hidden container shows;
//   * notebook.ipynb, trusted, in JupyterLab: charts fill the output area and follow it;
//   * the same notebook exported by nbconvert: charts draw at the cell's width, offline.
//
// Artifacts: build/browser/charts/ (the pages), build/screenshots/charts/*.png.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFile } = require('node:child_process');
const { pathToFileURL } = require('node:url');

const cfg = require('./lib/config');
const br = require('./lib/browser');
const { Lab } = require('./lib/lab');

const DIR = path.join(cfg.ARTIFACTS, 'charts');
const SHOTS = path.join(cfg.SCREENSHOTS, 'charts');
const log = (msg) => console.log(`[charts] ${msg}`);

let browser = null;

function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd: cfg.ROOT, maxBuffer: 16 << 20, timeout: 300_000, ...opts }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed (${err.signal || `exit status ${err.code}`}):\n${stderr.slice(-3000)}`));
      else resolve(stdout);
    });
  });
}

before(async () => {
  fs.rmSync(DIR, { recursive: true, force: true });
  cfg.mkdirp(SHOTS);
  const sizes = await run('go', ['run', './charts/internal/chartpages', '-out', DIR]);
  log(`pages written to ${path.relative(cfg.ROOT, DIR)}; fragment sizes:\n${sizes.trimEnd()}`);
  browser = await br.launch();
});
after(async () => {
  if (browser) await browser.close().catch(() => {});
});

/** Opens a page of DIR with nothing but the file itself reachable. */
async function open(name, { js = true, width = 1280, height = 900, settle = true } = {}) {
  const g = await br.guardedPage(browser, { javaScriptEnabled: js, viewport: { width, height } }, (url) => /^(file|data|blob|about):$/.test(url.protocol));
  await g.page.goto(pathToFileURL(path.join(DIR, name)).href, { waitUntil: 'load', timeout: 60_000 });
  if (js && settle) await g.page.waitForFunction(br.chartsSettledInPage, null, { timeout: 60_000, polling: 100 });
  return g;
}

function check(problems, what, shot, pageErrors = []) {
  const all = [...problems, ...pageErrors.map((e) => `page error: ${e}`)];
  if (all.length) assert.fail(`${all.length} problem(s) ${what}${shot ? ` (screenshot: ${path.relative(cfg.ROOT, shot)})` : ''}:\n  ${all.join('\n  ')}`);
}

const NEW_KINDS = ['flame', 'states', 'usage', 'timeline'];

test('every kind draws offline from realistic data, and shows its table without JavaScript', async () => {
  const t0 = Date.now();
  const on = await open('kinds.html');
  const settled = Date.now() - t0;
  const shot = path.join(SHOTS, 'kinds.png');
  try {
    const charts = await on.page.evaluate(br.inspectChartsInPage);
    await on.page.screenshot({ path: shot, fullPage: true });
    log(`kinds.html: ${charts.length} charts drawn in ${settled} ms [${br.summarizeCharts(charts)}]`);
    const problems = br.drawnChartProblems('kinds.html', charts);
    for (const k of NEW_KINDS) if (!charts.some((c) => c.kind === k)) problems.push(`kinds.html has no ${k} chart`);
    for (const c of charts) if (!c.fluid) problems.push(`${c.kind}: its element has a fixed width`);
    check(problems, 'with JavaScript', shot, on.pageErrors);
  } finally {
    await on.context.close();
  }
  const off = await open('kinds.html', { js: false });
  try {
    const charts = await off.page.evaluate(br.inspectChartsInPage);
    await off.page.screenshot({ path: path.join(SHOTS, 'kinds-nojs.png'), fullPage: true });
    log(`kinds.html without JavaScript: tables of ${charts.map((c) => `${c.kind} ${c.dataRows}`).join(', ')} rows`);
    check(br.fallbackChartProblems('kinds.html without JavaScript', charts), 'without JavaScript');
  } finally {
    await off.context.close();
  }
});

/** In the page: for each chart, what it draws as SVG text and shows in its tooltips. */
async function hostileInPage(want) {
  const frame = () => new Promise((k) => setTimeout(k, 60));
  const out = [];
  const roots = [...document.querySelectorAll('div.speedup-chart')];
  for (let i = 0; i < roots.length; i++) {
    const root = roots[i], w = want[i] || { visible: [], tips: [] };
    const box = root.querySelector('.speedup-canvas');
    const drawn = [...box.querySelectorAll('svg text')].map((t) => t.textContent).join('\n');
    const r = {
      kind: root.getAttribute('data-kind'),
      dataTitle: root.getAttribute('data-title') === w.visible[0],
      caption: (root.querySelector('table.speedup-fallback caption') || { textContent: '' }).textContent.startsWith(w.visible[0]),
      notDrawn: w.visible.filter((s) => !drawn.includes(s)),
      tips: [],
    };
    const ch = window.echarts.getInstanceByDom(box);
    for (const t of w.tips || []) {
      ch.dispatchAction({ type: 'hideTip' });
      await frame();
      if (t.point) {
        const [x, y] = ch.convertToPixel({ gridIndex: t.point[0] }, t.point.slice(1));
        ch.dispatchAction({ type: 'showTip', x, y });
      } else ch.dispatchAction({ type: 'showTip', seriesIndex: t.series, dataIndex: t.data });
      let el = null;
      for (let k = 0; k < 20 && !(el && el.innerText.trim()); k++) {
        await frame();
        el = box.querySelector('.speedup-tooltip');
      }
      const text = el ? el.innerText : '';
      r.tips.push({ at: t.point ? `point ${t.point}` : `series ${t.series}, item ${t.data}`, missing: t.texts.filter((s) => !text.includes(s)), text: text.slice(0, 400), injected: el ? el.querySelectorAll('img, script, iframe').length : 0 });
    }
    ch.dispatchAction({ type: 'hideTip' });
    out.push(r);
  }
  return { charts: out, pwned: window.__pwned, images: document.querySelectorAll('img').length, scripts: document.scripts.length, roots: roots.length };
}

test('what callers write shows as written in every kind, and never runs', async () => {
  const want = JSON.parse(fs.readFileSync(path.join(DIR, 'hostile.json'), 'utf8'));
  const { context, page, pageErrors } = await open('hostile.html');
  const shot = path.join(SHOTS, 'hostile.png');
  try {
    const charts = await page.evaluate(br.inspectChartsInPage);
    const problems = br.drawnChartProblems('hostile.html', charts);
    if (charts.length !== want.length) problems.push(`${charts.length} charts, want ${want.length}`);
    const r = await page.evaluate(hostileInPage, want);
    await page.screenshot({ path: shot, fullPage: true });
    for (const c of r.charts) {
      if (!c.dataTitle) problems.push(`${c.kind}: data-title differs from the title`);
      if (!c.caption) problems.push(`${c.kind}: the fallback table's caption does not start with the title`);
      for (const s of c.notDrawn) problems.push(`${c.kind}: ${JSON.stringify(s)} is not drawn as written`);
      for (const t of c.tips) {
        for (const s of t.missing) problems.push(`${c.kind}: the tooltip at ${t.at} lacks ${JSON.stringify(s)}; it shows ${JSON.stringify(t.text)}`);
        if (t.injected) problems.push(`${c.kind}: the tooltip at ${t.at} holds ${t.injected} injected elements`);
      }
    }
    if (r.pwned !== undefined) problems.push('a script written by the caller ran (window.__pwned is set)');
    if (r.images) problems.push(`${r.images} <img> elements in the page: markup written by the caller was injected`);
    if (r.scripts !== r.roots + 1) problems.push(`${r.scripts} scripts in the page, want ${r.roots + 1} (the bundle and one per chart)`);
    log(`hostile.html: ${r.charts.length} charts, ${r.charts.reduce((n, c) => n + c.tips.length, 0)} tooltips checked`);
    check(problems, 'with hostile strings', shot, pageErrors);
  } finally {
    await context.close();
  }
});

/** In the page: per speedup chart, its labels and ideal dashes (SVG), and its y axis. */
function speedupGeometryInPage() {
  return [...document.querySelectorAll('div.speedup-chart')].map((root) => {
    const box = root.querySelector('.speedup-canvas');
    const rect = (e) => {
      const r = e.getBoundingClientRect();
      return { x0: r.left, x1: r.right, y0: r.top, y1: r.bottom };
    };
    const labels = [...box.querySelectorAll('svg text')].filter((t) => /bold 12px/.test(t.getAttribute('style') || '')).map((t) => ({ text: t.textContent, ...rect(t) }));
    const dashes = [...box.querySelectorAll('svg path[stroke-dasharray="6,3"]')].map(rect);
    const texts = [...box.querySelectorAll('svg text')].map((t) => t.textContent);
    const ch = window.echarts.getInstanceByDom(box);
    const o = ch.getOption();
    return { title: root.getAttribute('data-title'), labels, dashes, texts, axisMax: o.yAxis[0].max, bars: o.series[0].data.map((d) => d.value) };
  });
}

test('speedup labels never touch the ideal dashes; ideals far above show as arrows', async () => {
  const { context, page, pageErrors } = await open('speedup.html');
  const shot = path.join(SHOTS, 'speedup.png');
  try {
    await page.screenshot({ path: shot, fullPage: true });
    const problems = br.drawnChartProblems('speedup.html', await page.evaluate(br.inspectChartsInPage));
    const charts = await page.evaluate(speedupGeometryInPage);
    for (const c of charts) {
      const bars = c.bars.filter((v) => typeof v === 'number');
      if (c.labels.length !== bars.length) problems.push(`"${c.title}": ${c.labels.length} speedup labels for ${bars.length} bars`);
      for (const l of c.labels) {
        for (const d of c.dashes) {
          const overlap = l.x0 < d.x1 && d.x0 < l.x1 && l.y0 - 2 < d.y1 && d.y0 < l.y1 + 2;
          if (overlap) problems.push(`"${c.title}": label ${l.text} (y ${Math.round(l.y0)}–${Math.round(l.y1)}) touches a dash at y ${Math.round(d.y0)}`);
        }
      }
      const top = Math.max(...bars);
      if (c.axisMax > 2 * Math.max(top, 1)) problems.push(`"${c.title}": the axis goes up to ${c.axisMax} for bars up to ${top}`);
    }
    const far = charts.find((c) => c.title === 'ideals far above the bars');
    if (!far) problems.push('no chart "ideals far above the bars"');
    else if (far.texts.filter((t) => t === '40×').length !== 2) problems.push(`"${far.title}": want two arrows labelled 40×, texts are ${JSON.stringify(far.texts)}`);
    log(`speedup.html: ${charts.map((c) => `"${c.title}" axis to ${c.axisMax}, labels ${c.labels.map((l) => l.text).join(' ')}`).join('; ')}`);
    check(problems, 'in speedup charts', shot, pageErrors);
  } finally {
    await context.close();
  }
});

test('a click on a flame frame zooms into it, a click on the top frame zooms out', async () => {
  const { context, page, pageErrors } = await open('kinds.html');
  try {
    const root = page.locator('div.speedup-chart[data-kind="flame"]');
    // The widest frame under the top one, and where it is drawn.
    const target = await root.evaluate((r) => {
      const ch = window.echarts.getInstanceByDom(r.querySelector('.speedup-canvas'));
      const frames = ch.getOption().series[0].data.map((d) => d.value || d);
      const f = frames.filter((v) => v[0] === 1).sort((a, b) => b[2] - a[2])[0];
      const [x, y] = ch.convertToPixel({ gridIndex: 0 }, [f[1] + f[2] / 2, 1.5]);
      return { x, y, zoom: `${f[1]},${f[1] + f[2]}` };
    });
    const box = await root.locator('.speedup-canvas').boundingBox();
    await page.mouse.click(box.x + target.x, box.y + target.y);
    await page.waitForFunction((z) => document.querySelector('div.speedup-chart[data-kind="flame"]').getAttribute('data-zoom') === z, target.zoom, { timeout: 5000 }).catch(() => {});
    const zoomed = await root.evaluate((r) => {
      const o = window.echarts.getInstanceByDom(r.querySelector('.speedup-canvas')).getOption();
      return { attr: r.getAttribute('data-zoom'), min: o.xAxis[0].min, max: o.xAxis[0].max };
    });
    await root.screenshot({ path: path.join(SHOTS, 'flame-zoomed.png') });
    assert.equal(zoomed.attr, target.zoom, `a click on the frame at ${target.zoom} left the zoom at ${zoomed.attr}`);
    assert.equal(`${zoomed.min},${zoomed.max}`, target.zoom, 'the x axis does not span the frame zoomed into');
    const top = await root.evaluate((r) => {
      const ch = window.echarts.getInstanceByDom(r.querySelector('.speedup-canvas'));
      const o = ch.getOption();
      return ch.convertToPixel({ gridIndex: 0 }, [(o.xAxis[0].min + o.xAxis[0].max) / 2, 0.5]);
    });
    await page.mouse.click(box.x + top[0], box.y + top[1]);
    await page.waitForFunction(() => document.querySelector('div.speedup-chart[data-kind="flame"]').getAttribute('data-zoom') === '0,1000000', null, { timeout: 5000 }).catch(() => {});
    assert.equal(await root.getAttribute('data-zoom'), '0,1000000', 'a click on the top frame did not zoom out');
    check([], 'zooming the flame graph', null, pageErrors);
  } finally {
    await context.close();
  }
});

/** In the page: data-state and widths of the chart in each container of fragments.html. */
function fragmentsInPage() {
  return [...document.querySelectorAll('body > div')].map((d) => {
    const root = d.querySelector('div.speedup-chart');
    const box = root.querySelector('.speedup-canvas');
    return { container: d.id, state: root.getAttribute('data-state'), width: Math.round(box.getBoundingClientRect().width), outer: Math.round(d.getBoundingClientRect().width) };
  });
}

test('fragments fill their container, follow it, and draw once a hidden container shows', async () => {
  const { context, page, pageErrors } = await open('fragments.html', { settle: false, width: 1280 });
  const shot = path.join(SHOTS, 'fragments.png');
  try {
    const visible = () => [...document.querySelectorAll('div.speedup-chart')].filter((r) => r.closest('#hidden') === null);
    const settled = (f) => `(${f})().every((r) => r.getAttribute('data-finished') === 'true' || r.getAttribute('data-state') === 'failed')`;
    await page.waitForFunction(settled(visible), null, { timeout: 60_000, polling: 100 });
    const wide = await page.evaluate(fragmentsInPage);
    const want = { full: (o) => o, half: (o) => o, narrow: () => 360, fixed: () => 500 };
    const problems = [];
    for (const f of wide) {
      if (f.container === 'hidden') {
        if (f.state !== null) problems.push(`the chart in a hidden container has data-state ${f.state}, want none until it shows`);
        continue;
      }
      if (f.state !== 'rendered') problems.push(`#${f.container}: data-state ${f.state}`);
      if (Math.abs(f.width - want[f.container](f.outer)) > 1) problems.push(`#${f.container} (${f.outer} px): the chart is ${f.width} px wide, want ${want[f.container](f.outer)}`);
    }
    problems.push(...br.drawnChartProblems('fragments.html at 1280 px', (await page.evaluate(br.inspectChartsInPage)).filter((c) => c.state !== null)));

    await page.evaluate(() => (document.getElementById('hidden').style.display = 'block'));
    await page.setViewportSize({ width: 760, height: 900 });
    await page.waitForFunction(settled(() => [...document.querySelectorAll('div.speedup-chart')]), null, { timeout: 20_000, polling: 100 }).catch(() => {});
    // Let the observers fire and the charts redraw at the new width.
    await page.waitForFunction(() => [...document.querySelectorAll('.speedup-canvas')].every((b) => {
      const s = b.querySelector('canvas, svg');
      return s && Math.abs(parseFloat(s.style.width || s.getAttribute('width')) - b.getBoundingClientRect().width) <= 1;
    }), null, { timeout: 10_000, polling: 100 }).catch(() => {});
    const narrow = await page.evaluate(fragmentsInPage);
    await page.screenshot({ path: shot, fullPage: true });
    for (const f of narrow) {
      const was = wide.find((w) => w.container === f.container);
      if (f.state !== 'rendered') problems.push(`after resizing: #${f.container}: data-state ${f.state}`);
      if (['full', 'half'].includes(f.container) && !(f.width < was.width)) problems.push(`#${f.container}: ${was.width} px wide at 1280 px, ${f.width} px at 760 px: it did not follow`);
    }
    problems.push(...br.drawnChartProblems('fragments.html at 760 px', await page.evaluate(br.inspectChartsInPage)));
    log(`fragments.html: at 1280 px ${wide.map((f) => `#${f.container} ${f.width}`).join(', ')}; at 760 px ${narrow.map((f) => `#${f.container} ${f.width}`).join(', ')}`);
    check(problems, 'in fragments.html', shot, pageErrors);
  } finally {
    await context.close();
  }
});

/** In JupyterLab's page: each chart's width and that of the output area holding it. */
function outputWidthsInPage() {
  return [...document.querySelectorAll('div.speedup-chart')].map((root) => {
    const out = root.closest('.jp-OutputArea-output');
    const cs = out ? getComputedStyle(out) : null;
    const inner = out ? out.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) : 0;
    return { kind: root.getAttribute('data-kind'), chart: Math.round(root.querySelector('.speedup-canvas').getBoundingClientRect().width), output: Math.round(inner) };
  });
}

test('in JupyterLab, charts fill the output area and follow its width', { timeout: 300_000 }, async () => {
  const lab = new Lab();
  let g = null;
  try {
    await lab.start();
    const nb = 'charts-fixture.ipynb';
    fs.copyFileSync(path.join(DIR, 'notebook.ipynb'), path.join(lab.notebooksDir, nb));
    // Trusted, as a notebook the user ran: JupyterLab then runs the outputs' scripts.
    await run(path.join(cfg.VENV_BIN, 'jupyter'), ['trust', nb], {
      cwd: lab.notebooksDir,
      env: cfg.jupyterEnv({ JUPYTER_CONFIG_DIR: path.join(lab.tmp, 'jupyter-config'), JUPYTER_DATA_DIR: path.join(lab.tmp, 'jupyter-data') }),
    });
    g = await br.guardedPage(browser, { viewport: { width: 1400, height: 1000 } }, (url) => url.href.startsWith(lab.base) || /^(data|blob|about):/.test(url.protocol));
    await g.page.goto(lab.url(`/lab/tree/${nb}?reset`));
    await g.page.waitForFunction(() => document.querySelectorAll('div.speedup-chart').length > 0, null, { timeout: 120_000 });
    await g.page.waitForFunction(br.chartsSettledInPage, null, { timeout: 60_000, polling: 250 }).catch(() => {});
    const problems = br.drawnChartProblems('JupyterLab at 1400 px', await g.page.evaluate(br.inspectChartsInPage));
    const wide = await g.page.evaluate(outputWidthsInPage);
    await g.page.screenshot({ path: path.join(SHOTS, 'jupyterlab-1400.png') });
    for (const w of wide) if (Math.abs(w.chart - w.output) > 1) problems.push(`JupyterLab: the ${w.kind} chart is ${w.chart} px wide in an output area of ${w.output} px`);
    await g.page.setViewportSize({ width: 900, height: 1000 });
    await g.page.waitForFunction(
      (before) => {
        const now = [...document.querySelectorAll('div.speedup-chart .speedup-canvas')].map((b) => b.getBoundingClientRect().width);
        return now.length && now.every((w, i) => w < before[i]) && [...document.querySelectorAll('.speedup-canvas')].every((b) => {
          const s = b.querySelector('canvas, svg');
          return s && Math.abs(parseFloat(s.style.width || s.getAttribute('width')) - b.getBoundingClientRect().width) <= 1;
        });
      },
      wide.map((w) => w.chart),
      { timeout: 15_000, polling: 200 },
    ).catch(() => {});
    const narrow = await g.page.evaluate(outputWidthsInPage);
    await g.page.screenshot({ path: path.join(SHOTS, 'jupyterlab-900.png') });
    problems.push(...br.drawnChartProblems('JupyterLab at 900 px', await g.page.evaluate(br.inspectChartsInPage)));
    narrow.forEach((w, i) => {
      if (!(w.chart < wide[i].chart)) problems.push(`JupyterLab: the ${w.kind} chart stayed ${w.chart} px wide when the window narrowed`);
      if (Math.abs(w.chart - Math.max(w.output, 360)) > 1) problems.push(`JupyterLab at 900 px: the ${w.kind} chart is ${w.chart} px wide in an output area of ${w.output} px`);
    });
    log(`JupyterLab: ${wide.length} charts, ${wide.map((w) => w.chart).join('/')} px wide at 1400 px, ${narrow.map((w) => w.chart).join('/')} px at 900 px (output areas ${wide[0] && wide[0].output} and ${narrow[0] && narrow[0].output} px)`);
    check(problems, 'in JupyterLab', path.join(SHOTS, 'jupyterlab-900.png'), g.pageErrors);
  } finally {
    if (g) await g.context.close().catch(() => {});
    const left = await lab.stop();
    assert.deepEqual(left, [], `processes left running after stopping JupyterLab: ${left.join(' ')}`);
  }
});

test('in an nbconvert HTML export, charts draw offline at the cell width, and tables show without JavaScript', { timeout: 180_000 }, async () => {
  await run(path.join(cfg.VENV_BIN, 'jupyter'), ['nbconvert', '--to', 'html', '--output-dir', DIR, '--output', 'notebook', path.join(DIR, 'notebook.ipynb')], { env: cfg.jupyterEnv() });
  const on = await open('notebook.html', { width: 1280 });
  try {
    const charts = await on.page.evaluate(br.inspectChartsInPage);
    await on.page.screenshot({ path: path.join(SHOTS, 'nbconvert.png'), fullPage: true });
    const problems = br.drawnChartProblems('notebook.html', charts);
    const cells = await on.page.evaluate(() => [...document.querySelectorAll('div.speedup-chart')].map((r) => {
      const cell = r.closest('.jp-Cell') || document.body;
      return [Math.round(r.querySelector('.speedup-canvas').getBoundingClientRect().width), Math.round(cell.getBoundingClientRect().width)];
    }));
    // The output area sits right of the prompt column: most of the cell's width.
    for (const [w, cell] of cells) if (w < 0.8 * cell) problems.push(`a chart ${w} px wide in a cell ${cell} px wide`);
    log(`nbconvert export: ${charts.length} charts, ${cells.map(([w, c]) => `${w}/${c}`).join(' ')} px (chart/cell)`);
    // The template's own requests (require.js, MathJax on a CDN) are refused: not the charts' errors.
    check(problems, 'in the nbconvert export', path.join(SHOTS, 'nbconvert.png'), on.pageErrors.filter((e) => !/Failed to load resource/.test(e)));
  } finally {
    await on.context.close();
  }
  const off = await open('notebook.html', { js: false });
  try {
    check(br.fallbackChartProblems('notebook.html without JavaScript', await off.page.evaluate(br.inspectChartsInPage)), 'without JavaScript');
  } finally {
    await off.context.close();
  }
});
