'use strict';
// Paths and knobs shared by the browser tests. Every knob is an environment variable:
//
//   SPEEDUP_CHROMIUM        the browser to drive (default /usr/bin/chromium, Debian's package)
//   SPEEDUP_NOTEBOOKS_DIR   folder of notebooks to test (default <repo>/notebooks), as in tests/notebooks
//   SPEEDUP_BUILD_DIR       build folder (default <repo>/build): reads notebooks/ (executed by the
//                           notebook tests), writes browser/ and screenshots/
//   SPEEDUP_OFFLINE         1 (default): the kernel runs with GOPROXY=off; 0: it may download modules
//   SPEEDUP_BROWSER_NOTEBOOK_TIMEOUT  seconds one notebook may take to run in JupyterLab (default 300)

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BUILD = path.resolve(process.env.SPEEDUP_BUILD_DIR || path.join(ROOT, 'build'));
const NOTEBOOKS_DIR = path.resolve(process.env.SPEEDUP_NOTEBOOKS_DIR || path.join(ROOT, 'notebooks'));
const SCREENSHOTS = path.join(BUILD, 'screenshots');
const ARTIFACTS = path.join(BUILD, 'browser');
const CHROMIUM = process.env.SPEEDUP_CHROMIUM || '/usr/bin/chromium';
const VENV_BIN = path.join(ROOT, '.venv', 'bin');
const TOOLS_BIN = path.join(ROOT, '.tools', 'bin');
const OFFLINE = process.env.SPEEDUP_OFFLINE !== '0';
const NOTEBOOK_TIMEOUT_S = Number(process.env.SPEEDUP_BROWSER_NOTEBOOK_TIMEOUT || 300);

// As root, Chromium needs --no-sandbox. The rest keep it from phoning home (updates, sync,
// field trials...), which on a closed network only adds noise and delay.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage', // containers often have a 64 MB /dev/shm
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The notebooks to test: *.ipynb directly in NOTEBOOKS_DIR, sorted by name. */
function listNotebooks() {
  if (!fs.existsSync(NOTEBOOKS_DIR)) return [];
  return fs
    .readdirSync(NOTEBOOKS_DIR)
    .filter((f) => f.endsWith('.ipynb'))
    .sort();
}

/** Environment for Jupyter and the GoNB kernel: the project's tools and kernelspec first. */
function jupyterEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  env.PATH = [TOOLS_BIN, VENV_BIN, env.PATH || ''].join(path.delimiter);
  env.JUPYTER_PREFER_ENV_PATH = '1'; // the kernelspec in .venv/share/jupyter wins over ~/.local
  if (OFFLINE) env.GOPROXY = 'off';
  return env;
}

function stem(notebook) {
  return path.basename(notebook, '.ipynb');
}

function mkdirp(dir) {
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

module.exports = {
  ROOT,
  BUILD,
  NOTEBOOKS_DIR,
  SCREENSHOTS,
  ARTIFACTS,
  CHROMIUM,
  CHROMIUM_ARGS,
  VENV_BIN,
  TOOLS_BIN,
  OFFLINE,
  NOTEBOOK_TIMEOUT_S,
  listNotebooks,
  jupyterEnv,
  stem,
  mkdirp,
};
