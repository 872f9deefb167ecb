'use strict';
// JupyterLab for the browser tests: a throwaway copy of the repository (JupyterLab autosaves,
// and the test must never touch the real notebooks), served on a random loopback port with a
// known token, the project's GoNB kernelspec, and settings of its own (every cell attached to
// the page, no news fetching). stop() ends JupyterLab and every kernel process, even orphans.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawn, execFileSync } = require('node:child_process');

const cfg = require('./config');
const { freePort } = require('./ports');
const procs = require('./procs');

// Skipped when copying the repository: local set-up, outputs, VCS, editor droppings.
const SKIP_DIRS = new Set(['.git', '.venv', '.tools', 'build', 'node_modules', '.ipynb_checkpoints', '__pycache__', '.pytest_cache']);

/** Files to copy, relative to ROOT: tracked and untracked-but-not-ignored files if this is a
 * git checkout (what a fresh clone plus the work in progress holds), else a walk of the tree. */
function repoFiles() {
  let files = null;
  try {
    const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: cfg.ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 64 << 20,
    });
    files = out.split('\0').filter(Boolean);
  } catch {
    files = [];
    const walk = (rel) => {
      for (const e of fs.readdirSync(path.join(cfg.ROOT, rel), { withFileTypes: true })) {
        const r = path.join(rel, e.name);
        if (e.isDirectory()) {
          if (!SKIP_DIRS.has(e.name)) walk(r);
        } else files.push(r);
      }
    };
    walk('');
  }
  return files.filter((f) => !f.split(/[\\/]/).some((part) => SKIP_DIRS.has(part)));
}

/** Copy the repository into dir (the Go module, its packages and the notebooks), then replace
 * the copy's notebooks by those of NOTEBOOKS_DIR when that points elsewhere. */
function copyRepo(dir) {
  let n = 0;
  for (const f of repoFiles()) {
    const src = path.join(cfg.ROOT, f);
    let st;
    try {
      st = fs.lstatSync(src);
    } catch {
      continue; // deleted in the work tree
    }
    if (!st.isFile() && !st.isSymbolicLink()) continue;
    const dst = path.join(dir, f);
    fs.mkdirSync(path.dirname(dst), { recursive: true });
    fs.cpSync(src, dst, { verbatimSymlinks: true });
    n++;
  }
  const nbDir = path.join(dir, 'notebooks');
  fs.mkdirSync(nbDir, { recursive: true });
  if (path.resolve(cfg.NOTEBOOKS_DIR) !== path.join(cfg.ROOT, 'notebooks')) {
    for (const f of fs.readdirSync(nbDir)) if (f.endsWith('.ipynb')) fs.rmSync(path.join(nbDir, f));
    for (const f of cfg.listNotebooks()) fs.copyFileSync(path.join(cfg.NOTEBOOKS_DIR, f), path.join(nbDir, f));
  }
  return n;
}

/** JupyterLab user settings for the test (a fresh settings dir: the user's own do not apply). */
function writeSettings(dir) {
  const put = (plugin, file, value) => {
    const p = path.join(dir, plugin, file + '.jupyterlab-settings');
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, JSON.stringify(value, null, 2));
  };
  // JupyterLab 4 attaches off-screen cells lazily ('contentVisibility', 'defer', 'full'):
  // 'none' attaches every cell, so every output is in the page to be counted and checked.
  put('@jupyterlab/notebook-extension', 'tracker', { windowingMode: 'none' });
  // No news or update check: the test machine may be offline, and a toast could cover cells.
  put('@jupyterlab/apputils-extension', 'notification', { fetchNews: 'false', checkForUpdates: false });
}

class Lab {
  /** env: extra environment for JupyterLab and so its kernels (e.g. SPARK_REMOTE). */
  constructor({ env = {} } = {}) {
    this.extraEnv = env;
    this.tmp = null;
    this.proc = null;
    this.port = 0;
    this.token = crypto.randomBytes(16).toString('hex');
    this.logPath = path.join(cfg.mkdirp(cfg.ARTIFACTS), 'jupyterlab.log');
    this.kernelPids = new Set(); // every process seen under JupyterLab, for the final sweep
    this.kernelGroups = new Set();
    this.pipes = new Set(); // GoNB's named pipes (/tmp/gonb_pipe_*), left behind when a cell's program is killed
  }

  get base() {
    return `http://127.0.0.1:${this.port}`;
  }

  get notebooksDir() {
    return path.join(this.tmp, 'repo', 'notebooks');
  }

  url(p) {
    return `${this.base}${p}${p.includes('?') ? '&' : '?'}token=${this.token}`;
  }

  async api(method, p, body) {
    const res = await fetch(this.url(p), {
      method,
      headers: body ? { 'Content-Type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(`${method} ${p}: HTTP ${res.status} ${await res.text()}`);
    return res.status === 204 ? null : res.json();
  }

  async start() {
    for (const [what, p] of [
      ['jupyter (the .venv)', path.join(cfg.VENV_BIN, 'jupyter')],
      ['the GoNB kernel', path.join(cfg.TOOLS_BIN, 'gonb')],
      ["the kernel's guard", path.join(cfg.TOOLS_BIN, 'speedup-kernel')],
    ]) {
      if (!fs.existsSync(p)) throw new Error(`${what} is missing (${p}): run  make setup`);
    }
    this.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'speedup-browser-'));
    const repo = path.join(this.tmp, 'repo');
    const files = copyRepo(repo);
    const settings = path.join(this.tmp, 'lab-settings');
    writeSettings(settings);
    this.port = await freePort();
    const args = [
      'lab',
      '--no-browser',
      '--ip=127.0.0.1',
      `--port=${this.port}`,
      '--ServerApp.port_retries=0',
      `--IdentityProvider.token=${this.token}`,
      `--ServerApp.root_dir=${this.notebooksDir}`,
      '--MappingKernelManager.default_kernel_name=gonb',
      `--LabApp.user_settings_dir=${settings}`,
      `--LabApp.workspaces_dir=${path.join(this.tmp, 'lab-workspaces')}`,
      '--LabApp.expose_app_in_browser=True', // window.jupyterapp: kernel status, outputs, save
    ];
    if (process.getuid && process.getuid() === 0) args.push('--allow-root');
    const env = cfg.jupyterEnv({
      ...this.extraEnv,
      // Jupyter's own config, data and runtime files go to the temp dir: the user's ~/.jupyter
      // (a password, other extensions' settings) does not apply, and nothing is left in $HOME.
      JUPYTER_CONFIG_DIR: path.join(this.tmp, 'jupyter-config'),
      JUPYTER_DATA_DIR: path.join(this.tmp, 'jupyter-data'),
      JUPYTER_RUNTIME_DIR: path.join(this.tmp, 'jupyter-runtime'),
    });
    const log = fs.openSync(this.logPath, 'w');
    // detached: JupyterLab gets its own process group, which stop() kills as a whole.
    this.proc = spawn(path.join(cfg.VENV_BIN, 'jupyter'), args, {
      cwd: this.notebooksDir,
      env,
      detached: true,
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    let exited = null;
    this.proc.on('exit', (code, signal) => (exited = signal || `exit status ${code}`));
    const t0 = Date.now();
    for (;;) {
      if (exited) throw new Error(`JupyterLab exited at start (${exited}); its log:\n${this.tail()}`);
      try {
        await this.api('GET', '/api/status');
        break;
      } catch {
        if (Date.now() - t0 > 90_000) throw new Error(`JupyterLab did not answer within 90 s; its log:\n${this.tail()}`);
        await procs.sleep(250);
      }
    }
    const specs = await this.api('GET', '/api/kernelspecs');
    const gonb = specs.kernelspecs && specs.kernelspecs.gonb;
    if (!gonb) throw new Error(`JupyterLab has no 'gonb' kernelspec (has: ${Object.keys(specs.kernelspecs || {})}): run  make setup`);
    // The project's kernelspec: .tools/bin/speedup-kernel --gonb .tools/bin/gonb -- ...
    const argv = gonb.spec.argv;
    const real = (p) => (fs.existsSync(p) ? fs.realpathSync(p) : path.resolve(p));
    const want = [path.join(cfg.TOOLS_BIN, 'speedup-kernel'), '--gonb', path.join(cfg.TOOLS_BIN, 'gonb')];
    if (argv.length < 3 || real(argv[0]) !== real(want[0]) || argv[1] !== want[1] || real(argv[2]) !== real(want[2])) {
      throw new Error(`the 'gonb' kernelspec runs ${argv.join(' ')}, not the project's ${want.join(' ')} (JUPYTER_PREFER_ENV_PATH?)`);
    }
    return { files, seconds: (Date.now() - t0) / 1000 };
  }

  /** Remember every process now under JupyterLab (kernels, GoNB's cell programs, workers). */
  snapshot() {
    if (!this.proc || !this.proc.pid) return;
    let table;
    try {
      table = procs.processTable();
    } catch {
      return;
    }
    const byPid = new Map(table.map((p) => [p.pid, p]));
    for (const pid of procs.descendants(this.proc.pid)) {
      if (!this.kernelPids.has(pid)) {
        try {
          const env = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
          for (const m of env.matchAll(/(?:^|\0)GONB_PIPE(?:_BACK)?=([^\0]*gonb_pipe_\d+)/g)) this.pipes.add(m[1]);
        } catch {
          /* not Linux, or gone */
        }
      }
      this.kernelPids.add(pid);
      const p = byPid.get(pid);
      if (p && p.pgid !== process.pid && p.pgid !== this.proc.pid && p.pgid > 1) this.kernelGroups.add(p.pgid);
    }
  }

  /** Shut down every kernel session (between notebooks), through the server. */
  async shutdownSessions() {
    this.snapshot();
    const sessions = await this.api('GET', '/api/sessions');
    for (const s of sessions) await this.api('DELETE', `/api/sessions/${s.id}`).catch(() => {});
  }

  /** Stop JupyterLab (it shuts its kernels down), then kill whatever of its tree is left.
   * Returns the pids that could not be killed (should be none). */
  async stop() {
    const pgid = this.proc && this.proc.pid;
    if (pgid && this.proc.exitCode === null && this.proc.signalCode === null) {
      this.snapshot();
      procs.kill(-pgid, 'SIGTERM'); // Jupyter shuts its kernels down on SIGTERM
      const end = Date.now() + 15_000;
      while (this.proc.exitCode === null && this.proc.signalCode === null && Date.now() < end) await procs.sleep(100);
      procs.kill(-pgid, 'SIGKILL');
    }
    const leftovers = () => [...new Set([...this.kernelPids, ...procs.groupMembers([...this.kernelGroups])])].filter(procs.alive);
    let left = leftovers();
    for (const pid of left) procs.kill(pid, 'SIGKILL');
    for (const g of this.kernelGroups) procs.kill(-g, 'SIGKILL');
    left = await procs.waitGone(leftovers(), 5000);
    this.removeTemp();
    this.proc = null;
    return left;
  }

  /** Remove the copy, and the Go folders of kernels that were killed before they could. */
  removeTemp() {
    let log = '';
    try {
      log = fs.readFileSync(this.logPath, 'utf8');
    } catch {
      /* no log */
    }
    // GoNB logs: GoNB: jupyter root in "...", tmp Go code in "/tmp/gonb_1234abcd"
    for (const m of log.matchAll(/tmp Go code in "([^"]*[\\/]gonb_[0-9a-f]+)"/g)) fs.rmSync(m[1], { recursive: true, force: true });
    for (const p of this.pipes) {
      try {
        if (fs.lstatSync(p).isFIFO()) fs.rmSync(p);
      } catch {
        /* removed by GoNB */
      }
    }
    if (this.tmp) fs.rmSync(this.tmp, { recursive: true, force: true, maxRetries: 3 });
    this.tmp = null;
  }

  /** Last-resort, synchronous cleanup (process exit, Ctrl-C). */
  killNow() {
    if (this.proc && this.proc.pid) procs.kill(-this.proc.pid, 'SIGKILL');
    for (const pid of this.kernelPids) procs.kill(pid, 'SIGKILL');
    for (const g of this.kernelGroups) procs.kill(-g, 'SIGKILL');
    this.proc = null;
    this.kernelPids.clear();
    this.kernelGroups.clear();
    this.removeTemp();
  }

  tail(n = 40) {
    try {
      return fs.readFileSync(this.logPath, 'utf8').split('\n').slice(-n).join('\n');
    } catch {
      return '(no log)';
    }
  }
}

module.exports = { Lab, copyRepo, repoFiles };
