/** The SDK's version, sent as context.library.version. A test holds it equal to package.json's. */
export const version = '0.1.0';
