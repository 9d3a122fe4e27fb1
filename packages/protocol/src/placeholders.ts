/**
 * Values that buggy integrations send where an id should be: a template that rendered nothing,
 * `String(undefined)`, a default user name. Linking on them merges strangers into one person
 * (PostHog merged unrelated users through ids such as "undefined", posthog#12008), so they are
 * refused outright. Compared trimmed and case-insensitively (the pattern's flag rather than a
 * lower-cased copy: the check runs on every id of every event).
 *
 * One pattern rather than a list, and free of zod, so the browser SDK refuses the same values for
 * a few bytes: '', undefined, null, nil, none, nan, infinity, true, false, 0, -1,
 * [object Object], {}, [], "", '', anonymous, anon, guest, unknown, n/a, na, not_authenticated,
 * id, user, user_id, userid, anonymous_id, anonymousid, distinct_id, distinctid, email.
 */
export const placeholderId =
  /^(|undefined|null|nil|none|nan|infinity|true|false|0|-1|\[object object\]|\{\}|\[\]|""|''|anon(ymous)?|guest|unknown|n\/?a|not_authenticated|((user|anonymous|distinct)_?)?id|user|email)$/i;

export const isPlaceholderId = (value: string): boolean => placeholderId.test(value.trim());
