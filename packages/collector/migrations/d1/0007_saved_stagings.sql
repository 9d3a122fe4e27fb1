-- Generated from packages/collector/src/storage/migrations.ts (0007-saved-stagings) by `npm run migrations:d1`; do not edit.
create table "journey_stagings" ("site" text not null, "part" integer not null, "parts" integer not null, "key" text not null, "version" text not null, "data" text not null, constraint "journey_stagings_key" primary key ("site", "part"));
