/**
 * A zoo member: the reference server composed with exactly one real-world defect, plus the words
 * that say what is wrong and where it happens in real code. The harness uses the name to start it
 * (`zoo/main.ts --defect NAME`) and to know which detector must flag it.
 */
import type { SseServer, SseServerOptions } from '../server/app.ts';

export interface ZooMember {
  /** Kebab-case name; a contract with the harness (`--defect NAME`). */
  readonly name: string;
  /** One line, for --help and tables. */
  readonly summary: string;
  /** What exactly is wrong, in 1-3 sentences. */
  readonly defect: string;
  /** Where this happens in real code. */
  readonly realWorld: string;
  /**
   * Builds the server: the reference composition (createSseServer) with this member's one change
   * plugged into its seams. Takes every option createSseServer takes.
   */
  build(options: SseServerOptions): SseServer;
}
