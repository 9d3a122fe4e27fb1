-- Generated from packages/collector/src/storage/migrations.ts (0006-journey-streams) by `npm run migrations:d1`; do not edit.
create table "journey_streams" ("site" text not null, "stream" text not null, "session" text not null, constraint "journey_streams_key" primary key ("site", "stream"));
