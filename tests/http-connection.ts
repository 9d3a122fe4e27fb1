import { connect, type Socket } from 'node:net';
import { once } from 'node:events';

export interface RawResponse {
  status: number;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: string;
}

/**
 * One HTTP/1.1 connection, written and read by hand. fetch pools its connections and hides which
 * one a request used, so it cannot show whether an answer left its connection fit for the next
 * request; this can.
 */
export async function openConnection(url: string): Promise<{
  send(head: string, body?: Uint8Array | string): void;
  /** The next answer on this connection, or 'closed' if the server closed it first. */
  response(timeoutMs?: number): Promise<RawResponse | 'closed'>;
  close(): void;
}> {
  const { hostname, port } = new URL(url);
  const socket: Socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  let received = Buffer.alloc(0);
  let closed = false;
  const waiting = new Set<() => void>();
  const wake = () => waiting.forEach((wakeUp) => wakeUp());
  socket.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    wake();
  });
  // A reset or a write into a closed socket is the server closing the connection, no test failure.
  socket.on('error', () => {});
  socket.on('close', () => {
    closed = true;
    wake();
  });

  /** A whole answer at the start of `received`, taken off it; undefined while incomplete. */
  const take = (): RawResponse | undefined => {
    const end = received.indexOf('\r\n\r\n');
    if (end === -1) return undefined;
    const [statusLine, ...lines] = received.subarray(0, end).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    if (headers['content-length'] === undefined) throw new Error(`an answer without Content-Length: ${statusLine}`);
    const length = Number(headers['content-length']);
    if (received.length < end + 4 + length) return undefined;
    const body = received.subarray(end + 4, end + 4 + length).toString('utf8');
    received = received.subarray(end + 4 + length);
    return { status: Number(statusLine!.split(' ')[1]), headers, body };
  };

  return {
    send(head, body) {
      socket.write(head);
      if (body !== undefined) socket.write(body);
    },
    response: (timeoutMs = 5000) =>
      new Promise((done, fail) => {
        const check = () => {
          const answer = take();
          if (answer === undefined && !closed) return;
          clearTimeout(timer);
          waiting.delete(check);
          done(answer ?? 'closed');
        };
        const timer = setTimeout(() => {
          waiting.delete(check);
          fail(new Error(`no answer within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.add(check);
        check();
      }),
    close: () => socket.destroy(),
  };
}
