/** Where progress goes: stderr, so stdout carries only the summary and can be redirected. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Progress {
  /** `done` rows of the total have an answer. */
  update(done: number): void;
  /** Leaves the line where it is, so what follows starts on a fresh one. */
  finish(): void;
}

const count = (value: number) => value.toLocaleString('en-US');

/**
 * Rows done out of the total, the percentage and the rate. On a terminal one line is redrawn in
 * place (carriage return, then erase to the end of the line); into a file or a CI log, where a
 * carriage return would pile every state onto one line, each update is a line of its own.
 */
export function progressBar(stream: ProgressStream, total: number, now: () => number = Date.now): Progress {
  const started = now();
  const status = (done: number) => {
    const seconds = (now() - started) / 1000;
    const percent = total ? Math.floor((done / total) * 100) : 100;
    const rate = seconds > 0 ? `${count(Math.round(done / seconds))} rows/s` : '– rows/s';
    return { text: `${count(done)}/${count(total)} rows  ${percent}%  ${rate}`, fraction: total ? done / total : 1 };
  };

  if (!stream.isTTY) {
    return {
      update: (done) => stream.write(`sent ${status(done).text}\n`),
      finish: () => {},
    };
  }
  // One width for the whole run, leaving room for the counts, so the bar does not jitter.
  const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 50));
  let drawn = false;
  return {
    update(done) {
      const { text, fraction } = status(done);
      const filled = Math.round(fraction * width);
      stream.write(`\r[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${text}\x1b[K`);
      drawn = true;
    },
    finish() {
      if (drawn) stream.write('\n');
    },
  };
}
