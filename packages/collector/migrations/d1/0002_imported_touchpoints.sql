-- Generated from packages/collector/src/storage/migrations.ts (0002-imported-touchpoints) by `npm run migrations:d1`; do not edit.
create table "imported_touchpoints" ("site" text not null, "source" text not null, "external_id" text not null, "type" text not null, "occurred_at" integer not null, "person_kind" text, "person_value" text, "account_id" text, "domain" text, "payload" text not null, "imported_at" integer not null, constraint "imported_touchpoints_key" primary key ("site", "source", "external_id"));
create index "imported_touchpoints_person" on "imported_touchpoints" ("site", "person_kind", "person_value", "type", "occurred_at");
create index "imported_touchpoints_account" on "imported_touchpoints" ("site", "account_id", "occurred_at");
create index "imported_touchpoints_domain" on "imported_touchpoints" ("site", "domain", "occurred_at");
