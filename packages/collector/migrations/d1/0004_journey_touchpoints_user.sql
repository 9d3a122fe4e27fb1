-- Generated from packages/collector/src/storage/migrations.ts (0004-journey-touchpoints-user) by `npm run migrations:d1`; do not edit.
create index "journey_touchpoints_user" on "journey_touchpoints" ("site", "user_id") where "user_id" is not null;
