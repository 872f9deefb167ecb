'use strict';
// Chromium (Debian's, never a downloaded one) through playwright-core, and what the tests
// read in a page: each chart fragment of package charts (div.speedup-chart, see charts/charts.go)
// and each progress display of kernelext (div.speedup-progress, see kernelext/progress.go).

const fs = require('node:fs');
const cfg = require('./config');

let playwright;
function chromium() {
  if (!playwright) {
    try {
      playwright = require('playwright-core');
    } catch (e) {
      throw new Error(`playwright-core is not installed in tests/browser: run  (cd tests/browser && npm ci)  (${e.message})`);
    }
  }
  return playwright.chromium;
}

async function launch() {
  if (!fs.existsSync(cfg.CHROMIUM)) {
    throw new Error(
      `no browser at ${cfg.CHROMIUM}: install Debian's Chromium with  apt-get install chromium  ` +
        '(or point SPEEDUP_CHROMIUM at a Chromium/Chrome binary; SPEEDUP_BROWSER=skip skips these tests)',
    );
  }
  return chromium().launch({ executablePath: cfg.CHROMIUM, args: cfg.CHROMIUM_ARGS, timeout: 60_000 });
}

// A drawn chart: at least this many pixels of its canvas are neither transparent nor near-white
// (an ECharts instance given an empty option draws none; the smallest real chart here has tens
// of thousands), or, for the SVG renderer, this many drawn SVG elements.
const MIN_INKED_PIXELS = 2000;
const MIN_SVG_MARKS = 10;

/** Runs in the page: one record per div.speedup-chart, in document order. */
function inspectChartsInPage() {
  const shown = (el) => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  return [...document.querySelectorAll('div.speedup-chart')].map((root, index) => {
    const box = root.querySelector('.speedup-canvas');
    const canvases = box ? [...box.querySelectorAll('canvas')] : [];
    let inked = 0;
    let readError = '';
    for (const c of canvases) {
      if (!c.width || !c.height) continue;
      try {
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let k = 0; k < d.length; k += 4) {
          if (d[k + 3] > 16 && !(d[k] > 240 && d[k + 1] > 240 && d[k + 2] > 240)) inked++;
        }
      } catch (e) {
        readError = String(e);
      }
    }
    const svgMarks = box ? box.querySelectorAll('svg path, svg rect, svg text, svg line, svg polyline, svg circle').length : 0;
    // How wide the chart is drawn (its canvas or svg), its element, and the root (as wide as
    // the container's content): a chart of no fixed width fills its container, at least
    // its min-width, and is redrawn at that width when the container changes.
    const surface = box ? box.querySelector('canvas, svg') : null;
    const drawnWidth = surface ? parseFloat(surface.style.width || surface.getAttribute('width')) || 0 : 0;
    const table = root.querySelector('table.speedup-fallback');
    const rect = box ? box.getBoundingClientRect() : { width: 0, height: 0 };
    const err = root.querySelector('.speedup-error');
    return {
      index,
      kind: root.getAttribute('data-kind') || '',
      title: root.getAttribute('data-title') || '',
      state: root.getAttribute('data-state'),
      finished: root.getAttribute('data-finished'),
      canvases: canvases.length,
      inked,
      readError,
      svgMarks,
      drawnVisible: shown(box) && rect.width > 0 && rect.height > 0,
      size: `${Math.round(rect.width)}x${Math.round(rect.height)}`,
      fluid: !!box && box.style.width === '100%',
      minWidth: box ? parseFloat(box.style.minWidth) || 0 : 0,
      boxWidth: rect.width,
      rootWidth: root.getBoundingClientRect().width,
      drawnWidth,
      hasTable: !!table,
      tableVisible: shown(table),
      dataRows: table ? [...table.querySelectorAll('tr')].filter((tr) => tr.querySelector('td')).length : 0,
      error: shown(err) ? err.textContent.trim() : '',
    };
  });
}

/** Runs in the page: true once every chart has drawn (data-finished) or failed. */
function chartsSettledInPage() {
  return [...document.querySelectorAll('div.speedup-chart')].every(
    (r) => r.getAttribute('data-state') === 'failed' || r.getAttribute('data-finished') === 'true',
  );
}

/** Runs in the page: one record per div.speedup-progress. */
function inspectProgressInPage() {
  return [...document.querySelectorAll('div.speedup-progress')].map((p, index) => ({
    index,
    state: p.getAttribute('data-state'),
    done: Number(p.getAttribute('data-done')),
    total: Number(p.getAttribute('data-total')),
    failed: Number(p.getAttribute('data-failed')),
    text: p.textContent.replace(/\s+/g, ' ').trim(),
  }));
}

function chartName(c) {
  return `chart #${c.index + 1} (${c.kind}${c.title ? ` "${c.title}"` : ''})`;
}

/** Problems with charts that should be drawn (scripts on). */
function drawnChartProblems(where, charts) {
  const out = [];
  for (const c of charts) {
    const name = `${where}: ${chartName(c)}`;
    if (c.state !== 'rendered') {
      out.push(`${name}: data-state=${JSON.stringify(c.state)}, want "rendered"${c.error ? ` — it says: ${c.error}` : ''}`);
      continue;
    }
    if (c.finished !== 'true') out.push(`${name}: ECharts never finished rendering (no data-finished="true")`);
    if (!c.drawnVisible) out.push(`${name}: the chart's .speedup-canvas is not visible (size ${c.size})`);
    if (c.canvases === 0 && c.svgMarks === 0) out.push(`${name}: no <canvas> or <svg> in .speedup-canvas`);
    else if (c.canvases > 0 && c.inked < MIN_INKED_PIXELS) {
      out.push(`${name}: the canvas is blank (${c.inked} drawn pixels, want >= ${MIN_INKED_PIXELS})${c.readError ? ` (${c.readError})` : ''}`);
    } else if (c.canvases === 0 && c.svgMarks < MIN_SVG_MARKS) {
      out.push(`${name}: the SVG is nearly empty (${c.svgMarks} marks, want >= ${MIN_SVG_MARKS})`);
    }
    if (c.fluid && Math.abs(c.boxWidth - Math.max(c.rootWidth, c.minWidth)) > 1) {
      out.push(`${name}: the chart is ${Math.round(c.boxWidth)} px wide, its container ${Math.round(c.rootWidth)} px: it does not fill it`);
    }
    if (c.drawnWidth && Math.abs(c.drawnWidth - c.boxWidth) > 1) {
      out.push(`${name}: drawn ${Math.round(c.drawnWidth)} px wide in an element ${Math.round(c.boxWidth)} px wide: not redrawn at its width`);
    }
    if (c.tableVisible) out.push(`${name}: the fallback table is still visible after drawing`);
    if (c.error) out.push(`${name}: shows an error: ${c.error}`);
  }
  return out;
}

/** Problems with charts that must show their static table (scripts off). */
function fallbackChartProblems(where, charts) {
  const out = [];
  for (const c of charts) {
    const name = `${where}: ${chartName(c)}`;
    if (!c.hasTable) out.push(`${name}: has no table.speedup-fallback`);
    else if (!c.tableVisible) out.push(`${name}: its table.speedup-fallback is not visible`);
    else if (c.dataRows === 0) out.push(`${name}: its table.speedup-fallback has no data rows (<tr> with <td>)`);
    if (c.state !== null) out.push(`${name}: data-state=${JSON.stringify(c.state)} although scripts are off`);
    if (c.canvases > 0 || c.svgMarks > 0 || c.drawnVisible) out.push(`${name}: shows a drawn chart although scripts are off`);
  }
  return out;
}

function progressProblems(where, bars) {
  const out = [];
  for (const p of bars) {
    const name = `${where}: progress #${p.index + 1} ("${p.text.slice(0, 100)}")`;
    if (p.state === 'running') out.push(`${name}: still data-state="running"`);
    else if (p.state === 'done' || p.state === 'done with failures') {
      if (p.done !== p.total) out.push(`${name}: data-state="${p.state}" but data-done=${p.done} != data-total=${p.total}`);
    } else out.push(`${name}: data-state=${JSON.stringify(p.state)} (the run was interrupted or stopped)`);
  }
  return out;
}

function summarizeCharts(charts) {
  return charts.map((c) => `${c.kind}:${c.state || '-'}${c.canvases ? `/${c.inked}px` : c.svgMarks ? `/${c.svgMarks}svg` : ''}`).join(' ');
}

// guardedPage opens a page in a new context of browser whose requests are refused unless
// allowed(url) says yes, recording the refused URLs and the page's uncaught errors and
// console errors. contextOptions go to browser.newContext.
async function guardedPage(browser, contextOptions, allowed) {
  const blocked = new Set();
  const pageErrors = [];
  const context = await browser.newContext(contextOptions);
  await context.route(
    (url) => !allowed(url),
    (route) => {
      blocked.add(route.request().url());
      return route.abort();
    },
  );
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(`uncaught: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && pageErrors.push(`console.error: ${m.text().slice(0, 300)}`));
  return { context, page, blocked, pageErrors };
}

module.exports = {
  guardedPage,
  launch,
  inspectChartsInPage,
  chartsSettledInPage,
  inspectProgressInPage,
  drawnChartProblems,
  fallbackChartProblems,
  progressProblems,
  summarizeCharts,
  MIN_INKED_PIXELS,
};
