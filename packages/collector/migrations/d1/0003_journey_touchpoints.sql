-- Generated from packages/collector/src/storage/migrations.ts (0003-journey-touchpoints) by `npm run migrations:d1`; do not edit.
create table "journey_touchpoints" ("site" text not null, "id" text not null, "stream" text not null, "kind" text not null, "at" integer not null, "name" text not null, "channel" text not null, "source" text not null, "medium" text not null, "campaign" text not null, "path" text, "anonymous_id" text, "user_id" text, "group_id" text, constraint "journey_touchpoints_key" primary key ("site", "id"));
create index "journey_touchpoints_stream" on "journey_touchpoints" ("site", "stream", "at");
create table "journey_rollup" ("name" text primary key, "seq" integer not null);
