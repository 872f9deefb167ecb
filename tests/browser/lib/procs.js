'use strict';
// Process-tree helpers, so that a test run leaves nothing behind. Jupyter starts each kernel
// in a new session (its own process group), and GoNB starts the cell's program and its worker
// subprocesses under the kernel: killing JupyterLab's process group alone would orphan them.

const fs = require('node:fs');
const { execFileSync } = require('node:child_process');

/** [{pid, ppid, pgid}] of every process, from /proc (Linux) or ps (elsewhere). */
function processTable() {
  if (fs.existsSync('/proc/self/stat')) {
    const rows = [];
    for (const name of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      let stat;
      try {
        stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      } catch {
        continue; // gone meanwhile
      }
      // pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (f[0] === 'Z') continue; // zombies are dead already
      rows.push({ pid: Number(name), ppid: Number(f[1]), pgid: Number(f[2]) });
    }
    return rows;
  }
  const out = execFileSync('ps', ['-A', '-o', 'pid=', '-o', 'ppid=', '-o', 'pgid='], { encoding: 'utf8' });
  return out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number))
    .map(([pid, ppid, pgid]) => ({ pid, ppid, pgid }));
}

/** The pids of root's descendants (not root itself). */
function descendants(root) {
  const table = processTable();
  const children = new Map();
  for (const p of table) {
    if (!children.has(p.ppid)) children.set(p.ppid, []);
    children.get(p.ppid).push(p.pid);
  }
  const out = [];
  const todo = [...(children.get(root) || [])];
  while (todo.length) {
    const pid = todo.pop();
    out.push(pid);
    todo.push(...(children.get(pid) || []));
  }
  return out;
}

/** Members of the given process groups (processes that may have been re-parented to init). */
function groupMembers(pgids) {
  const want = new Set(pgids);
  return processTable()
    .filter((p) => want.has(p.pgid))
    .map((p) => p.pid);
}

function alive(pid) {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return e.code === 'EPERM';
  }
  // A zombie answers kill(0); it is dead for our purposes.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true;
  }
}

function kill(pid, signal) {
  try {
    process.kill(pid, signal);
  } catch {
    /* already gone */
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitGone(pids, ms) {
  const end = Date.now() + ms;
  let left = pids.filter(alive);
  while (left.length && Date.now() < end) {
    await sleep(100);
    left = left.filter(alive);
  }
  return left;
}

module.exports = { processTable, descendants, groupMembers, alive, kill, waitGone, sleep };
