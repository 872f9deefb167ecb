'use strict';
// Reading notebooks (nbformat 4 JSON): chart outputs and GoNB's ways of reporting failures,
// as tests/notebooks/nbrun.py reads them (see its docstring: a panic or a non-zero exit is no
// error output, only stderr text such as "exit status 2").

const fs = require('node:fs');

// Same as nbrun.STDERR_FAILURE.
const STDERR_FAILURE = /^(?:panic:|fatal error:|Error\b|ERROR\b|error:|exit status \d+|signal: \w+)/m;
const CHART_CLASS = /class\s*=\s*["'][^"']*(?<![\w-])speedup-chart(?![\w-])/g;
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

const text = (v) => (Array.isArray(v) ? v.join('') : v || '');

function read(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function codeCells(nb) {
  return nb.cells.map((c, i) => [i, c]).filter(([, c]) => c.cell_type === 'code');
}

function cellLabel(name, i, cell) {
  const first = text(cell.source).split('\n').map((l) => l.trim()).find(Boolean) || '';
  const count = cell.execution_count == null ? ' ' : cell.execution_count;
  return `${name} cell[${i}] (In [${count}], \`${first.length > 60 ? first.slice(0, 57) + '...' : first}\`)`;
}

function htmlOutputs(cell) {
  return (cell.outputs || []).filter((o) => o.data && o.data['text/html']).map((o) => text(o.data['text/html']));
}

/** Number of chart fragments among the notebook's outputs. */
function countCharts(nb) {
  let n = 0;
  for (const [, cell] of codeCells(nb)) for (const h of htmlOutputs(cell)) n += (h.match(CHART_CLASS) || []).length;
  return n;
}

/** Error outputs, and stderr showing a panic, an error or a non-zero exit (as nbrun.error_problems). */
function errorProblems(name, nb) {
  const out = [];
  for (const [i, cell] of codeCells(nb)) {
    const label = cellLabel(name, i, cell);
    for (const o of cell.outputs || []) {
      if (o.output_type === 'error') {
        const tb = (o.traceback || []).join('\n').replace(ANSI, '');
        out.push(`${label}: error output ${o.ename}: ${(o.evalue || '').replace(ANSI, '')}${tb ? `\n    traceback: ${tb.slice(-800)}` : ''}`);
      }
    }
    const err = (cell.outputs || [])
      .filter((o) => o.output_type === 'stream' && o.name === 'stderr')
      .map((o) => text(o.text))
      .join('')
      .replace(ANSI, '');
    const m = STDERR_FAILURE.exec(err);
    if (m) {
      const line = err.slice(m.index).split('\n')[0];
      out.push(`${label}: stderr line ${JSON.stringify(line)}; the cell's stderr:\n${err.trim().slice(-1500).replace(/^/gm, '      ')}`);
    }
  }
  return out;
}

/** Code cells that have not run (no execution count). */
function unexecuted(name, nb) {
  return codeCells(nb)
    .filter(([, c]) => c.execution_count == null && text(c.source).trim() !== '')
    .map(([i, c]) => cellLabel(name, i, c));
}

module.exports = { STDERR_FAILURE, read, codeCells, cellLabel, countCharts, errorProblems, unexecuted, text };
