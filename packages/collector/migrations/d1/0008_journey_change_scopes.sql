-- Generated from packages/collector/src/storage/migrations.ts (0008-journey-change-scopes) by `npm run migrations:d1`; do not edit.
create table "journey_change_scopes" ("change" integer primary key, "site" text not null, "scope" text not null);
