/** What `journey` exits with: scripts and CI tell a clean import from a partial one from none. */
export const exitCodes = {
  /** Every row imported, or already there. */
  ok: 0,
  /** The import ran; some rows were rejected (the summary lists them). */
  rejected: 1,
  /** Nothing more could be imported: bad arguments, an unreadable file, the collector unreachable or refusing. */
  failed: 2,
} as const;

/** Why the import could not go on, in words for the person at the terminal. */
export class ImportFailure extends Error {
  override readonly name = 'ImportFailure';
  /** The command line itself was wrong: the usage follows the message. */
  readonly showUsage: boolean;

  constructor(message: string, { showUsage = false } = {}) {
    super(message);
    this.showUsage = showUsage;
  }
}
