// Splits a pre-stop's output into log lines, with a bound: a line longer than maxChars is cut, and the
// rest of it is counted, not kept. readline would keep a whole line in memory, so a pre-stop printing
// hundreds of MB without a newline could push PID 1 towards the container's memory limit. Pure.

export class BoundedLines {
  private pending = '';
  /** Characters of the current line beyond maxChars, dropped. */
  private cut = 0;

  constructor(private readonly maxChars: number, private readonly emit: (line: string) => void) {}

  push(chunk: string): void {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf('\n', start);
      this.add(newline < 0 ? chunk.slice(start) : chunk.slice(start, newline));
      if (newline < 0) return;
      this.finish();
      start = newline + 1;
    }
  }

  /** The output ended: a last line without a newline is still a line. */
  end(): void {
    if (this.pending !== '' || this.cut > 0) this.finish();
  }

  private add(piece: string): void {
    if (this.cut > 0) {
      this.cut += piece.length;
      return;
    }
    const room = this.maxChars - this.pending.length;
    if (piece.length <= room) {
      this.pending += piece;
      return;
    }
    this.pending += piece.slice(0, room);
    this.cut = piece.length - room;
  }

  private finish(): void {
    let line = this.pending.endsWith('\r') && this.cut === 0 ? this.pending.slice(0, -1) : this.pending;
    if (this.cut > 0) line += ` [cut: ${this.cut} more characters]`;
    this.pending = '';
    this.cut = 0;
    this.emit(line);
  }
}
