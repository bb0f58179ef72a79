/**
 * A scenario, config file or flag is invalid: a usage/configuration error (exit code 2). The
 * message names the file and the field, so the user can fix it without reading harness code.
 */
export class ScenarioConfigError extends Error {
  override readonly name = 'ScenarioConfigError';
}
