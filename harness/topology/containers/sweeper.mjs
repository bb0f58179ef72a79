// The sweeper: the containers runtime's counterpart of guardian.mjs. A tiny plain-Node process that
// outlives its parent by a moment to remove what the parent's runs created in the container engine.
// The parent writes one command per line on our stdin:
//   e{"socketPath":"/var/run/docker.sock"}   where the engine is (JSON; first line)
//   +RUN   a run id whose containers and networks to remove on cleanup     -RUN  forget it (stopped)
// When stdin closes (the parent exited, crashed or was SIGKILLed) we remove every container and
// network labelled org.sse-chaos.run=RUN for each run still registered, then exit. We live in our
// own process group, so a terminal Ctrl-C reaches only the parent, which stops its runs in order.
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { removeByLabels } from './docker-http.mjs';

const runs = new Set();
let endpoint;
let buffered = '';

function apply(line) {
  if (line.startsWith('e')) {
    try {
      endpoint = JSON.parse(line.slice(1));
    } catch {
      // Malformed: keep the previous endpoint.
    }
  } else if (line.startsWith('+')) runs.add(line.slice(1));
  else if (line.startsWith('-')) runs.delete(line.slice(1));
}

async function cleanup() {
  if (endpoint) {
    for (const run of runs) {
      // Twice: a network can still be in use while its last container is being removed.
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          await removeByLabels(endpoint, [`org.sse-chaos.run=${run}`]);
          break;
        } catch {
          await sleep(500);
        }
      }
    }
  }
  process.exit(0);
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
process.stdin.on('end', () => void cleanup());
process.stdin.on('error', () => void cleanup());
