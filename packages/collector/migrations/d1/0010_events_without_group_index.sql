-- Generated from packages/collector/src/storage/migrations.ts (0010-events-without-group-index) by `npm run migrations:d1`; do not edit.
drop index "events_group_time";
