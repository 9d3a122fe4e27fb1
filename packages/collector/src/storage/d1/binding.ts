/**
 * The little of Cloudflare's D1 binding the adapter uses, typed here so the collector core does
 * not depend on @cloudflare/workers-types (whose globals clash with the DOM's and Node's).
 */
export interface D1Binding {
  prepare(query: string): D1Statement;
  /** Runs the statements in one implicit transaction: all or none. */
  batch<T = Record<string, unknown>>(statements: D1Statement[]): Promise<Array<D1Result<T>>>;
}

export interface D1Statement {
  bind(...values: unknown[]): D1Statement;
  all<T = Record<string, unknown>>(): Promise<D1Result<T>>;
}

export interface D1Result<T> {
  results: T[];
  meta: { changes?: number; last_row_id?: number };
}

/** D1 binds at most 100 parameters per statement. */
export const d1MaxParameters = 100;
