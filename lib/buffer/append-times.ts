/**
 * When the records of a queue were appended, at one-second resolution: one entry per second in which anything was
 * appended (its first sequence number and time), so the age of the oldest unacknowledged record is known without
 * reading the disk. A ten-minute outage costs 600 entries, whatever the reading rate.
 */
export class AppendTimes {
  private seqs: number[] = [];
  private times: number[] = [];
  private head = 0;

  /** Records from `firstSeq` on were appended at `time` (ms); calls come in sequence order. */
  note(firstSeq: number, time: number): void {
    const last = this.times.length - 1;
    if (last >= this.head && Math.floor(this.times[last] / 1000) === Math.floor(time / 1000)) return;
    this.seqs.push(firstSeq);
    this.times.push(time);
  }

  /** Append time of record `seq` (to the second), forgetting everything before it; undefined when unknown. */
  timeOf(seq: number): number | undefined {
    while (this.head + 1 < this.seqs.length && this.seqs[this.head + 1] <= seq) this.head++;
    if (this.head > 1024 && this.head * 2 > this.seqs.length) {
      this.seqs = this.seqs.slice(this.head);
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.head < this.seqs.length && this.seqs[this.head] <= seq ? this.times[this.head] : undefined;
  }
}
