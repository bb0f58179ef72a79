// The guardian: a tiny plain-Node process that outlives its parent by a moment to kill what the
// parent started. The parent writes one command per line on our stdin:
//   +PGID   a process group to kill on cleanup      -PGID  forget it (stopped normally)
//   +dPATH  a temp dir to remove on cleanup          -dPATH forget it
//   +lNAME  a host network interface (veth) to delete -lNAME forget it
//   +nNAME  a network namespace to delete            -nNAME forget it
// When stdin closes (the parent exited, crashed or was SIGKILLed) we SIGTERM every group, SIGKILL
// the survivors shortly after, remove the temp dirs and exit. Plain .mjs so it starts in ~40 ms
// without tsx. We live in our own process group, so a terminal Ctrl-C reaches only the parent,
// which then stops its topology in order.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import process from 'node:process';
import { setTimeout } from 'node:timers';

const groups = new Set();
const dirs = new Set();
const links = new Set();
const namespaces = new Set();
const NAMED = { d: dirs, l: links, n: namespaces };
let buffered = '';

function apply(line) {
  if (line.length < 2) return;
  const add = line[0] === '+';
  const named = NAMED[line[1]];
  const value = named ? line.slice(2) : Number(line.slice(1));
  const set = named ?? groups;
  if (!named && !Number.isInteger(value)) return;
  if (add) set.add(value);
  else set.delete(value);
}

function signalAll(signal) {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, signal);
    } catch {
      groups.delete(pgid); // ESRCH: the group is gone already.
    }
  }
}

function cleanup() {
  signalAll('SIGTERM');
  const finish = () => {
    signalAll('SIGKILL');
    // A veth's deletion removes its pair at once; the namespace (and its rules) goes with its delete.
    for (const link of links) spawnSync('ip', ['link', 'delete', link], { stdio: 'ignore', timeout: 5000 });
    for (const ns of namespaces) spawnSync('ip', ['netns', 'delete', ns], { stdio: 'ignore', timeout: 5000 });
    for (const dir of dirs) {
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {
        // Nothing else we can do; the dir is in the OS temp folder.
      }
    }
    process.exit(0);
  };
  if (groups.size === 0) finish();
  else setTimeout(finish, 1000);
}

process.on('SIGINT', () => {}); // Only the parent decides; our cue is stdin closing.
process.on('SIGHUP', () => {});
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffered += chunk;
  let nl;
  while ((nl = buffered.indexOf('\n')) >= 0) {
    apply(buffered.slice(0, nl));
    buffered = buffered.slice(nl + 1);
  }
});
process.stdin.on('end', cleanup);
process.stdin.on('error', cleanup);
