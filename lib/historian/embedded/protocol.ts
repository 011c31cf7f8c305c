/** Messages between the embedded database's child process and the process that started it. */
export type EmbeddedMessage =
  | { type: 'ready'; port: number; timescale: boolean }
  | { type: 'warning'; message: string }
  | { type: 'failed'; message: string }
  | { type: 'stop' };
