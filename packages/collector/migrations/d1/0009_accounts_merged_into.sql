-- Generated from packages/collector/src/storage/migrations.ts (0009-accounts-merged-into) by `npm run migrations:d1`; do not edit.
create index "accounts_merged_into" on "accounts" ("site", "merged_into") where "merged_into" is not null;
