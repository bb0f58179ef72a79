/**
 * Is a container registry reachable? Decides between the official images (a laptop, GitHub runners)
 * and images built here. One bounded HTTPS request per registry, in parallel: any HTTP answer (401
 * included: the registry wants a token) means reachable; a DNS failure, refusal or timeout means not.
 * Never hangs longer than `timeoutMs`.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** The registries the official images come from (Docker Hub: nginx, sshd; GHCR: toxiproxy). */
export const REGISTRY_PROBES = ['https://registry-1.docker.io/v2/', 'https://ghcr.io/v2/'];

function answers(url: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const request = url.startsWith('http:') ? httpRequest : httpsRequest;
    const req = request(url, { method: 'GET', timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 0) > 0);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end();
  });
}

const memo = new Map<string, Promise<boolean>>();

/**
 * True when every registry in `urls` answers within `timeoutMs`. Asked once per process (a suite
 * resolves its runtime per scenario; a black-holed network must not cost 3 s each time).
 */
export function registriesReachable(urls = REGISTRY_PROBES, timeoutMs = 3_000): Promise<boolean> {
  const key = urls.join(' ');
  let answer = memo.get(key);
  if (!answer) {
    answer = Promise.all(urls.map((u) => answers(u, timeoutMs))).then((r) => r.every(Boolean));
    memo.set(key, answer);
  }
  return answer;
}
