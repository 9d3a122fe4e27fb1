import { ApiError } from './errors.ts';

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a request body as text, refusing it as soon as it grows past `maxBytes`. A declared
 * Content-Length over the limit is refused without reading a byte; one within it is read whole
 * (HTTP framing stops the body there, and runtimes such as @hono/node-server read it without
 * building a stream). A body without a length is cut off at the first chunk that crosses the
 * limit. The limit also counts decompressed bytes, so a small gzip bomb is refused too (Segment's
 * libraries may gzip their batches).
 */
export async function readBody(request: Request, maxBytes: number): Promise<string> {
  const encoding = request.headers.get('content-encoding')?.trim().toLowerCase();
  if (encoding && encoding !== 'identity' && encoding !== 'gzip' && encoding !== 'deflate') {
    throw new ApiError(415, 'unsupported_encoding', `Content-Encoding "${encoding}" is not supported; send gzip, deflate or none`);
  }
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  // `request.body` only where needed: on @hono/node-server, touching it builds a web stream.
  if (declared === null && request.body === null) return '';

  let bytes: Uint8Array;
  try {
    if (declared !== null && (encoding === undefined || encoding === 'identity')) {
      bytes = new Uint8Array(await request.arrayBuffer());
      if (bytes.byteLength > maxBytes) throw tooLarge(maxBytes);
    } else {
      let stream: ReadableStream<Uint8Array> = request.body!;
      if (encoding === 'gzip' || encoding === 'deflate') {
        stream = stream.pipeThrough(new DecompressionStream(encoding) as unknown as TransformStream<Uint8Array, Uint8Array>);
      }
      bytes = await readAtMost(stream, maxBytes);
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError(400, 'invalid_body', 'The request body could not be read (a broken upload or bad compression)');
  }
  try {
    return decoder.decode(bytes);
  } catch {
    throw new ApiError(400, 'invalid_body', 'The request body is not valid UTF-8');
  }
}

/**
 * The body's bytes as sent (still compressed, if it is), refused past `maxBytes`: for a proxy
 * that must hold the whole body before it forwards it (the Workers entry).
 */
export async function readRawBody(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  return request.body === null ? new Uint8Array(0) : readAtMost(request.body, maxBytes);
}

async function readAtMost(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      void reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? chunks[0]! : concat(chunks, size);
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

const tooLarge = (maxBytes: number) =>
  new ApiError(413, 'body_too_large', `The request body is larger than ${Math.round(maxBytes / 1024)} KB`);
