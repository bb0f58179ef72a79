/**
 * The certificate a TLS run serves: self-signed, made fresh for each run with the openssl command
 * (an EC P-256 key, valid for 127.0.0.1, ::1 and localhost, two days), written into a directory its
 * owner removes with the stack. Clients trust exactly this certificate (its PEM is on the Topology);
 * nothing is added to any system trust store.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { onPath } from './binaries.ts';
import { InfrastructureError } from './errors.ts';

export interface RunCertificate {
  /** Paths of the PEM files nginx reads. */
  certPath: string;
  keyPath: string;
  /** The certificate, PEM: what clients trust. */
  certificate: string;
}

/** The names the certificate is valid for: every address a client on this machine may use. */
export const CERTIFICATE_NAMES = 'IP:127.0.0.1,IP:::1,DNS:localhost';

/** openssl's arguments for a self-signed certificate + unencrypted key in `dir` (pure, for the tests). */
export function opensslArgs(dir: string): string[] {
  return [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    join(dir, 'tls-key.pem'),
    '-out',
    join(dir, 'tls-cert.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=sse-chaos run',
    '-addext',
    `subjectAltName=${CERTIFICATE_NAMES}`,
  ];
}

/** The openssl binary: SSE_CHAOS_OPENSSL, then PATH. */
export function locateOpenssl(env = process.env): string {
  const found = [env.SSE_CHAOS_OPENSSL, ...onPath('openssl', env.PATH)].find((p): p is string => !!p);
  if (!found)
    throw new InfrastructureError(
      'tls',
      'a TLS run makes its certificate with the openssl command, which was not found (SSE_CHAOS_OPENSSL, PATH): ' +
        'install it (Debian/Ubuntu: apt-get install openssl; macOS ships it)',
    );
  return found;
}

/** Makes the run's certificate and key in `dir` (which the caller owns and removes). */
export async function makeRunCertificate(dir: string, env = process.env): Promise<RunCertificate> {
  const openssl = locateOpenssl(env);
  const args = opensslArgs(dir);
  await new Promise<void>((resolve, reject) => {
    execFile(openssl, args, { timeout: 10_000 }, (err, _stdout, stderr) => {
      if (!err) return resolve();
      reject(
        new InfrastructureError(
          'tls',
          `${openssl} could not make the run's certificate: ${err.message}`,
          stderr,
        ),
      );
    });
  });
  const certPath = join(dir, 'tls-cert.pem');
  return { certPath, keyPath: join(dir, 'tls-key.pem'), certificate: await readFile(certPath, 'utf8') };
}
