import { ApiError } from '../http/errors.ts';

/** Cursors are opaque to clients (base64url of a position), so the paging scheme can change. */
export const encodeCursor = (position: number): string =>
  btoa(`e:${position}`).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');

export function decodeCursor(cursor: string): number {
  let text = '';
  try {
    text = atob(cursor.replaceAll('-', '+').replaceAll('_', '/'));
  } catch {
    // falls through to the error below
  }
  const match = /^e:(\d{1,15})$/.exec(text);
  if (!match) throw new ApiError(400, 'invalid_cursor', 'The cursor is not one this collector issued');
  return Number(match[1]);
}

/** A timeline position: corrected time, then arrival order. */
export const encodeTimelineCursor = (cursor: { at: number; seq: number }): string =>
  btoa(`t:${cursor.at}:${cursor.seq}`).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');

export function decodeTimelineCursor(cursor: string): { at: number; seq: number } {
  let text = '';
  try {
    text = atob(cursor.replaceAll('-', '+').replaceAll('_', '/'));
  } catch {
    // falls through to the error below
  }
  const match = /^t:(-?\d{1,17}):(\d{1,15})$/.exec(text);
  if (!match) throw new ApiError(400, 'invalid_cursor', 'The cursor is not one this collector issued');
  return { at: Number(match[1]), seq: Number(match[2]) };
}
