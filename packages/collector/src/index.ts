export { createCollector, type CollectorOptions } from './app.ts';
export { collectorConfig, defaultRateLimit, type CollectorConfig, type CollectorSettings, type WriteKey } from './config.ts';
export { StorageUnavailableError, type EventPage, type EventQuery, type NewEvent, type Storage, type StoredEvent } from './storage/port.ts';
export { createSqlStorage, type Dialect, type SqlStorageOptions } from './storage/sql-storage.ts';
export { migrate, migrations } from './storage/migrations.ts';
export type { ScriptSource } from './script/route.ts';
export type { StoredPayload } from './ingest/prepare.ts';
