/**
 * The publish contract beyond "JSON body, id at a JSON path": ids the harness makes (`{{id}}` in
 * the template, formatted by `idFormat`), and acknowledgements read from a JSON path, a text body
 * (regex), a header, or the status alone when the id was ours (GRIP-style proxies and event hubs
 * answer 202/204 with no body). Pure, so every contract is unit-tested.
 */
import { randomUUID } from 'node:crypto';
import { TopologyConfigError } from './errors.ts';
import { jsonAck, targetEndpoints, type PublishSpec, type TargetSpec } from './target.ts';

export type Ack = NonNullable<PublishSpec['ack']>;

/** What the ack is read as: the spec's `ack`, else `idPath` as a JSON path. */
export function ackOf(publish: PublishSpec): Ack {
  return publish.ack ?? { from: 'json', path: publish.idPath };
}

/** Whether the publish template (or its headers) asks for a harness-made id. */
export function wantsId(publish: PublishSpec): boolean {
  return JSON.stringify([publish.bodyTemplate, publish.headers]).includes('{{id}}');
}

/** Makes ids in the spec's format: `{{uuid}}`, `{{seq}}` (1, 2, ...), `{{time}}` around fixed text. */
export function idMaker(format: string, uuid: () => string = randomUUID): () => string {
  let seq = 0;
  return () => {
    seq++;
    return format
      .replaceAll('{{uuid}}', uuid())
      .replaceAll('{{seq}}', String(seq))
      .replaceAll('{{time}}', String(Date.now()));
  };
}

/** A publish answer as the ack reader needs it. */
export interface PublishAnswer {
  status: number;
  headers: { get(name: string): string | null };
  text: string;
}

/** The acknowledged id from a 2xx answer, as the contract says; throws naming what was missing. */
export function readAck(spec: TargetSpec, answer: PublishAnswer, sentId: string | undefined): string {
  const ack = ackOf(targetEndpoints(spec).publish);
  const shown = answer.text.slice(0, 200);
  switch (ack.from) {
    case 'json': {
      let json: unknown;
      try {
        json = JSON.parse(answer.text);
      } catch {
        throw new TopologyConfigError(
          `publish response is not JSON (the ack is read at "${ack.path}"): ${shown}`,
        );
      }
      return jsonAck(ack.path, json);
    }
    case 'text': {
      const m = new RegExp(ack.regex).exec(answer.text);
      const id = m?.[1] ?? m?.[0];
      if (!id) throw new TopologyConfigError(`publish response does not match /${ack.regex}/: ${shown}`);
      return id;
    }
    case 'header': {
      const id = answer.headers.get(ack.name);
      if (!id)
        throw new TopologyConfigError(`publish response has no "${ack.name}" header (HTTP ${answer.status})`);
      return id;
    }
    case 'status':
      if (!sentId)
        throw new TopologyConfigError('an acknowledgement by status needs {{id}} in the publish template');
      return sentId;
  }
}
