/** The placeholder a served page may hold where its script tag's write key goes. */
export const writeKeyToken = '{{JOURNEY_WRITE_KEY}}';

/** A page with its script tag's write key filled in. */
export const withWriteKey = (html: string, writeKey: string): string => html.replaceAll(writeKeyToken, writeKey);
