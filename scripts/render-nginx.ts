/**
 * Renders the nginx config and toxiproxy.json that docker/compose.yaml uses, from the same code the
 * harness uses. `npx tsx scripts/render-nginx.ts [profile]` writes docker/nginx/compose.conf (profile
 * default `good`) and docker/toxiproxy.json; `--stdout` prints the config instead.
 * test/topology/compose-files.test.ts fails when the committed files are stale.
 */
import { writeFileSync } from 'node:fs';
import { renderNginxConfig, listProfiles } from '../harness/topology/nginx-profiles.ts';
import { composeProxies, containerPlacement } from '../harness/topology/container-layout.ts';

export const composeConfPath = new URL('../docker/nginx/compose.conf', import.meta.url);
export const toxiproxyJsonPath = new URL('../docker/toxiproxy.json', import.meta.url);

export function composeConfig(profile = 'good'): string {
  return renderNginxConfig(profile, { placement: containerPlacement });
}

export function toxiproxyJson(): string {
  return `${JSON.stringify(composeProxies(), null, 2)}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const profile = args.find((a) => !a.startsWith('--')) ?? 'good';
  if (!listProfiles().some((p) => p.name === profile)) {
    console.error(
      `unknown profile "${profile}"; known: ${listProfiles()
        .map((p) => p.name)
        .join(', ')}`,
    );
    process.exit(2);
  }
  if (args.includes('--stdout')) process.stdout.write(composeConfig(profile));
  else {
    writeFileSync(composeConfPath, composeConfig(profile));
    writeFileSync(toxiproxyJsonPath, toxiproxyJson());
    console.log(`wrote docker/nginx/compose.conf (profile ${profile}) and docker/toxiproxy.json`);
  }
}
