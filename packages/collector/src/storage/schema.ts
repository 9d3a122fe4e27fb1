import type { Generated } from 'kysely';

/** The tables as Kysely sees them. Times are integers (ms since the epoch) in every dialect. */
export interface Database {
  events: EventsTable;
}

export interface EventsTable {
  seq: Generated<number>;
  site: string;
  message_id: string;
  type: string;
  anonymous_id: string | null;
  user_id: string | null;
  timestamp: number;
  received_at: number;
  payload: string;
}
