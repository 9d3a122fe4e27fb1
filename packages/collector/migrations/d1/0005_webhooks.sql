-- Generated from packages/collector/src/storage/migrations.ts (0005-webhooks) by `npm run migrations:d1`; do not edit.
create table "webhooks" ("id" text primary key, "site" text not null, "url" text not null, "secret" text not null, "events" text not null, "filter" text, "created_at" integer not null);
create index "webhooks_site" on "webhooks" ("site");
create table "webhook_deliveries" ("id" text primary key, "site" text not null, "webhook_id" text not null, "event" text not null, "payload" text not null, "status" text not null, "attempts" integer not null, "created_at" integer not null, "next_attempt_at" integer not null, "claimed_until" integer not null, "last_status" integer, "last_error" text, "delivered_at" integer);
create index "webhook_deliveries_due" on "webhook_deliveries" ("status", "next_attempt_at");
create index "webhook_deliveries_webhook" on "webhook_deliveries" ("webhook_id", "created_at");
create table "journey_stages" ("site" text not null, "owner_kind" text not null, "owner_id" text not null, "stage" text not null, "entered_at" integer not null, constraint "journey_stages_key" primary key ("site", "owner_kind", "owner_id"));
