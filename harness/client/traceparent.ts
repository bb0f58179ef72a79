/** W3C Trace Context `traceparent` for each connection, so server logs and traces join our history. */
import { randomFillSync } from 'node:crypto';

const scratch = Buffer.alloc(24);

/** `00-<32 hex trace id>-<16 hex span id>-01` (sampled); never the all-zero ids the spec forbids. */
export function newTraceparent(): string {
  do randomFillSync(scratch);
  while (scratch.subarray(0, 16).every((b) => b === 0) || scratch.subarray(16).every((b) => b === 0));
  return `00-${scratch.toString('hex', 0, 16)}-${scratch.toString('hex', 16, 24)}-01`;
}
