import type { HistorianConnection } from '../historian/connection';
import { MODEL_PROMOTED_EVENT } from '../rul/model-provider';
import { modelBytes, promotedModel } from '../rul/registry';

/**
 * Watches the central model registry for the promoted model: at once when a `twin-train` in this process promotes
 * one (the connection's promotion event), and on a timer for promotions made elsewhere. Each newly promoted version
 * is handed over with its bytes, to be sent to the edge nodes.
 */
export class PromotedModelWatch {
  private current: string | undefined;
  private busy = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly onPromoted = (): void => { void this.check(); };

  constructor(
    private readonly connection: HistorianConnection,
    private readonly pollMs: number,
    private readonly deliver: (version: string, bytes: Uint8Array) => void,
    private readonly warn: (text: string) => void,
  ) {}

  start(): void {
    this.connection.on(MODEL_PROMOTED_EVENT, this.onPromoted);
    this.timer = setInterval(() => { void this.check(); }, this.pollMs);
    void this.check();
  }

  private async check(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const ctx = await this.connection.ready();
      const pool = await this.connection.getPool();
      const promoted = await promotedModel(pool, ctx);
      if (!promoted || promoted.version === this.current) return;
      const bytes = await modelBytes(pool, ctx, promoted.version);
      this.current = promoted.version;
      this.deliver(promoted.version, bytes);
    } catch (err) {
      this.warn(`model registry not read: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.busy = false;
    }
  }

  stop(): void {
    this.connection.off(MODEL_PROMOTED_EVENT, this.onPromoted);
    if (this.timer) clearInterval(this.timer);
  }
}
