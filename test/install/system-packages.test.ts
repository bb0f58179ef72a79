import { describe, expect, it } from 'vitest';
import {
  installCommands,
  refreshCommand,
  systemInstaller,
  type SystemState,
} from '../../harness/install/system-packages.ts';

const linux: SystemState = { platform: 'linux', isRoot: false, hasApt: true, hasSudo: true, hasBrew: false };

describe('--with-deps: which package manager installs system packages', () => {
  it('apt-get directly as root, through sudo otherwise, brew on macOS, nothing without them', () => {
    expect(systemInstaller({ ...linux, isRoot: true })).toEqual({ manager: 'apt', prefix: [] });
    expect(systemInstaller(linux)).toEqual({ manager: 'apt', prefix: ['sudo'] });
    expect(systemInstaller({ ...linux, hasSudo: false })).toBeUndefined();
    expect(systemInstaller({ ...linux, hasApt: false })).toBeUndefined();
    expect(systemInstaller({ ...linux, platform: 'darwin', hasApt: false, hasBrew: true })).toEqual({
      manager: 'brew',
      prefix: [],
    });
  });

  it('tries nginx-light then nginx, non-interactively, without starting the distribution service', () => {
    const cmds = installCommands({ manager: 'apt', prefix: ['sudo'] }, 'nginx');
    expect(cmds.map((c) => c.at(-1))).toEqual(['nginx-light', 'nginx']);
    expect(cmds[0]!.slice(0, 4)).toEqual(['sudo', 'env', 'DEBIAN_FRONTEND=noninteractive', 'RUNLEVEL=1']);
    expect(cmds[0]).toContain('--no-install-recommends');
    expect(refreshCommand({ manager: 'apt', prefix: [] })).toEqual([
      'env',
      'DEBIAN_FRONTEND=noninteractive',
      'apt-get',
      'update',
    ]);
  });

  it('brew installs chromium as a cask and needs no refresh', () => {
    expect(installCommands({ manager: 'brew', prefix: [] }, 'chromium')).toEqual([
      ['brew', 'install', '--cask', 'chromium'],
    ]);
    expect(refreshCommand({ manager: 'brew', prefix: [] })).toBeUndefined();
  });
});

describe('--with-deps --proxy: HAProxy and Caddy from the system package manager', () => {
  it("installs Debian's haproxy and caddy packages with apt, and brew's on macOS", () => {
    const apt = systemInstaller({ ...linux, isRoot: true })!;
    expect(installCommands(apt, 'haproxy')).toEqual([
      [
        'env',
        'DEBIAN_FRONTEND=noninteractive',
        'RUNLEVEL=1',
        'apt-get',
        'install',
        '-y',
        '--no-install-recommends',
        'haproxy',
      ],
    ]);
    expect(installCommands(apt, 'caddy').at(-1)!.at(-1)).toBe('caddy');
    expect(installCommands({ manager: 'brew', prefix: [] }, 'caddy')).toEqual([['brew', 'install', 'caddy']]);
  });
});
