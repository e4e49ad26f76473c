/**
 * Bytes of camera bodies this process is receiving and handling at once, counted from
 * their declared length. A body costs several times its size while it is handled (the
 * raw bytes, the text, the parsed strings, the decoded images), so without a bound a
 * burst of large posts takes the process's memory and its event loop, and /healthz with
 * them. Past the budget a post is refused at once, before its body is read.
 */
export class BodyBudget {
  private inUse = 0;

  constructor(private readonly maxBytes: number) {}

  /** Takes `bytes` if they fit and returns the function that gives them back (idempotent). */
  take(bytes: number): (() => void) | undefined {
    if (this.inUse + bytes > this.maxBytes) return undefined;
    this.inUse += bytes;
    let held = true;
    return () => {
      if (held) this.inUse -= bytes;
      held = false;
    };
  }
}
