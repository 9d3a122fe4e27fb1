import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
// The collector's own parser answers, so the CLI's tests see the row numbers and errors it will
// really get. A relative import: the collector exports no deep paths, and this is test code.
import { ApiError } from '../../collector/src/http/errors.ts';
import { importFormat, parseImport } from '../../collector/src/import/parse.ts';
import type { ImportOutcome } from '../../collector/src/import/offline-touchpoint.ts';

export interface ReceivedRequest {
  authorization: string | undefined;
  contentType: string | undefined;
  body: string;
}

export interface CollectorStandIn {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

export interface StandInOptions {
  secretKey: string;
  /** Answers a request with this status instead (by its index, from 0): an outage mid-way. */
  failRequest?: (index: number) => number | undefined;
}

/**
 * A real HTTP server on 127.0.0.1 that answers POST /v1/import by the contract the collector's
 * endpoint follows: 200 with the counts and one outcome per row of the posted body (1-based),
 * a repeated source + externalId a duplicate; 401 for a wrong key; the error shape otherwise.
 * It stores nothing but the ids it has seen.
 */
export async function startCollectorStandIn({ secretKey, failRequest }: StandInOptions): Promise<CollectorStandIn> {
  const requests: ReceivedRequest[] = [];
  const seen = new Set<string>();
  const server = createServer(async (request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    const body = await readText(request);
    if (request.method !== 'POST' || request.url !== '/v1/import') return send(404, { error: { code: 'not_found', message: 'Not found' } });
    if (request.headers.authorization !== `Bearer ${secretKey}`) return send(401, { error: { code: 'unauthorized', message: 'A secret key is required' } });
    const index = requests.push({ authorization: request.headers.authorization, contentType: request.headers['content-type'], body }) - 1;
    const failure = failRequest?.(index);
    if (failure) return send(failure, { error: { code: 'internal', message: 'Something went wrong' } });
    try {
      const { rows, rejected } = parseImport(body, importFormat(request.headers['content-type']));
      const outcomes: ImportOutcome[] = [...rejected];
      for (const { row, touchpoint } of rows) {
        const id = `${touchpoint.source}:${touchpoint.externalId}`;
        outcomes.push(seen.has(id) ? { row, status: 'duplicate', id, reason: 'same source and externalId' } : { row, status: 'imported', id });
        seen.add(id);
      }
      outcomes.sort((a, b) => a.row - b.row);
      const counted = (status: ImportOutcome['status']) => outcomes.filter((outcome) => outcome.status === status).length;
      send(200, { imported: counted('imported'), duplicates: counted('duplicate'), rejected: counted('rejected'), outcomes });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      send(error.status, { error: { code: error.code, message: error.message } });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

async function readText(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
