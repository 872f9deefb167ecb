'use strict';
// A real Spark Connect server for the notebooks that need one (those importing the spark package:
// notebook 07), started and stopped through scripts/spark.sh, the script behind `make spark`, as
// tests/notebooks/sparkserver.py does for the headless run: a free port and a state folder of its
// own (build/spark-browser/), so a server started by `make spark` is neither reused nor disturbed.
// The kernel finds it through SPARK_REMOTE, which must be in JupyterLab's environment when it
// starts (kernels inherit it): prepare() picks the port before, start() runs the server later.
// SPEEDUP_SPARK=skip skips these notebooks, loudly (an image built without Spark).

const fs = require('node:fs');
const path = require('node:path');
const { execFile, execFileSync } = require('node:child_process');

const cfg = require('./config');
const { freePort } = require('./ports');
const nbjson = require('./nbjson');

const IMPORT = 'github.com/speedup-go/speedup/spark';
const SCRIPT = path.join(cfg.ROOT, 'scripts', 'spark.sh');
const SKIP = process.env.SPEEDUP_SPARK === 'skip';

/** Whether a notebook (parsed JSON) imports the spark package. */
function needsSpark(nb) {
  return nbjson.codeCells(nb).some(([, c]) => (Array.isArray(c.source) ? c.source.join('') : c.source || '').includes(IMPORT));
}

class SparkServer {
  constructor(stateName = 'spark-browser') {
    this.state = path.join(cfg.BUILD, stateName);
    this.port = 0;
    this.running = false;
    this.log = [];
  }

  /** Pick the port; returns the environment the kernels need (SPARK_REMOTE, ...). */
  async prepare() {
    if (!this.port) this.port = await freePort();
    return this.env();
  }

  env() {
    return {
      SPARK_CONNECT_PORT: String(this.port),
      SPARK_REMOTE: `sc://127.0.0.1:${this.port}`,
      SPEEDUP_SPARK_STATE: this.state,
    };
  }

  script(cmd, timeoutS) {
    return new Promise((resolve, reject) => {
      execFile('bash', [SCRIPT, cmd], { env: { ...process.env, ...this.env() }, timeout: timeoutS * 1000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
        const out = (stdout + stderr).replace(/\x1b\[[0-9;]*m/g, '');
        this.log.push(`$ scripts/spark.sh ${cmd}\n${out}`);
        if (err) reject(new Error(`scripts/spark.sh ${cmd} failed (${err.signal || `exit status ${err.code}`}):\n${out.slice(-3000)}`));
        else resolve(out);
      });
    });
  }

  /** Start the server (scripts/spark.sh start); resolves to its start-up seconds. */
  async start() {
    await this.prepare();
    const out = await this.script('start', 900);
    this.running = true;
    const m = /ready at \S+ in ([\d.]+) s/.exec(out);
    return m ? Number(m[1]) : NaN;
  }

  /** Stop it (scripts/spark.sh stop); resolves to the JVMs of its state folder still running (none). */
  async stop() {
    if (this.port) await this.script('stop', 120);
    this.running = false;
    return this.jvms();
  }

  /** Last resort (Ctrl-C, exit): stop synchronously, ignoring failures. */
  stopNow() {
    if (!this.running) return;
    try {
      execFileSync('bash', [SCRIPT, 'stop'], { env: { ...process.env, ...this.env() }, stdio: 'ignore', timeout: 60_000 });
    } catch {
      /* best effort */
    }
    this.running = false;
  }

  /** 'pid cmdline' of the Spark Connect JVMs of this state folder (scripts/spark.sh marks them). */
  jvms() {
    const marker = `-Djava.io.tmpdir=${this.state}/tmp `;
    const out = [];
    for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      let cmd;
      try {
        cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      } catch {
        continue;
      }
      if (cmd.includes('SparkConnectServer') && cmd.includes(marker)) out.push(`${pid} ${cmd.slice(0, 160)}`);
    }
    return out;
  }
}

module.exports = { needsSpark, SparkServer, SKIP };
