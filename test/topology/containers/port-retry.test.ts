import { describe, expect, it } from 'vitest';
import { isPortClash, withPortRetry } from '../../../harness/topology/containers/port-retry.ts';

const clash = new Error(
  '(HTTP code 500) server error - driver failed programming external connectivity on endpoint x: Error starting userland proxy: listen tcp4 0.0.0.0:33157: bind: address already in use',
);

describe('published-port races', () => {
  it('recognise Docker\'s "address already in use" and "port is already allocated", nothing else', () => {
    expect(isPortClash(clash)).toBe(true);
    expect(isPortClash(new Error('Bind for 0.0.0.0:8080 failed: port is already allocated'))).toBe(true);
    expect(isPortClash(new Error('No such image: sse-chaos/nginx:abc'))).toBe(false);
  });

  it('start the container again after a clash, and give up after the last attempt', async () => {
    let calls = 0;
    await expect(
      withPortRetry(async () => {
        calls += 1;
        if (calls < 3) throw clash;
        return 'started';
      }),
    ).resolves.toBe('started');
    expect(calls).toBe(3);

    calls = 0;
    await expect(
      withPortRetry(async () => {
        calls += 1;
        throw clash;
      }, 2),
    ).rejects.toBe(clash);
    expect(calls).toBe(2);
  });

  it('never retry other failures', async () => {
    let calls = 0;
    const other = new Error('image not found');
    await expect(
      withPortRetry(async () => {
        calls += 1;
        throw other;
      }),
    ).rejects.toBe(other);
    expect(calls).toBe(1);
  });
});
