import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import { Backoff } from '../historian/backoff';
import type { HistorianConnection } from '../historian/connection';
import { contentVersion, OnnxRulModel } from './onnx-rul-model';
import { DEFAULT_SCORING_ENGINE, type ScoringEngineOptions } from './onnx-scorer';
import { modelBytes, promotedModel, registerModel, type ModelSummary } from './registry';

/**
 * Keeps one RUL model loaded and swaps it when its source changes: a file that is overwritten, or the registry
 * promoting another version. A reload that fails keeps the model in use and says why; the replaced session is
 * released a little later, so a batch being scored with it finishes. A registry that has not answered within
 * REGISTRY_PATIENCE_MS (the embedded database still starting, or its one connection busy) leaves no node without a
 * model: the shipped default stands in, under the version name the registry gives it, and says so ('stand-in'), and
 * the registry is asked again with backoff until it answers.
 */
export type ModelSource =
  | { kind: 'file'; path: string }
  | { kind: 'registry'; connection: HistorianConnection; defaultPath: string; pollMs: number; patienceMs?: number };

/** Emitted on the connection by whoever promotes a model, so providers in the same process reload at once. */
export const MODEL_PROMOTED_EVENT = 'model-promoted';

const RELEASE_DELAY_MS = 10_000;
const FILE_POLL_MS = 2_000;
/** How long the first load waits for the registry before the shipped default stands in. */
export const REGISTRY_PATIENCE_MS = 15_000;
/** First retry of the registry after the shipped default stood in; doubles up to the poll interval. */
const STAND_IN_RETRY_MS = 5_000;

/** The registry's version name of the shipped default model (the same bytes get the same name wherever they load from). */
export function shippedDefaultVersion(bytes: Uint8Array): string {
  return `default-${contentVersion(bytes).replace(/^sha-/, '')}`;
}

interface Located {
  version: string;
  bytes: () => Promise<Uint8Array>;
  /** Why the shipped default stands in for the registry's model; undefined when the source itself answered. */
  standIn?: string;
  /** The registry failed (an error), rather than not having answered yet. */
  registryFailed?: boolean;
}

export class ModelProvider extends EventEmitter {
  private model: OnnxRulModel | undefined;
  private loading: Promise<OnnxRulModel> | undefined;
  private failure: Error | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly releases = new Set<NodeJS.Timeout>();
  private closed = false;
  /** Why the registry did not answer, while the shipped default stands in for its model. */
  private standInReason: string | undefined;
  private readonly retryBackoff: Backoff;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly onPromoted = (): void => { void this.refresh(); };
  private readonly onFileChange = (now: fs.Stats, before: fs.Stats): void => { if (now.mtimeMs !== before.mtimeMs) void this.refresh(); };

  /** `engine`: how each model loaded from the source is run (its threads). */
  constructor(readonly source: ModelSource, private readonly engine: ScoringEngineOptions = DEFAULT_SCORING_ENGINE) {
    super();
    this.retryBackoff = new Backoff(STAND_IN_RETRY_MS, source.kind === 'registry' ? Math.max(STAND_IN_RETRY_MS, source.pollMs) : STAND_IN_RETRY_MS);
    if (source.kind === 'file') fs.watchFile(source.path, { interval: FILE_POLL_MS }, this.onFileChange);
    else {
      source.connection.on(MODEL_PROMOTED_EVENT, this.onPromoted);
      this.timer = setInterval(() => { void this.refresh(); }, source.pollMs);
      this.timer.unref();
    }
    this.loading = this.load();
    this.loading.catch(() => undefined);
  }

  /** The model in use; waits for the first load. */
  current(): Promise<OnnxRulModel> {
    if (this.model) return Promise.resolve(this.model);
    if (this.loading) return this.loading;
    return Promise.reject(this.failure ?? new Error('no RUL model loaded'));
  }

  describe(): string {
    return this.source.kind === 'file' ? this.source.path : 'model registry';
  }

  /** Why the shipped default stands in for the registry's model; undefined when the model in use is the source's own. */
  standIn(): string | undefined {
    return this.standInReason;
  }

  /** Loads the source again if it names other bytes than the model in use. */
  async refresh(): Promise<void> {
    if (this.closed || this.loading) return;
    this.loading = this.load();
    await this.loading.catch(() => undefined);
  }

  private async load(): Promise<OnnxRulModel> {
    try {
      const { version, bytes, standIn, registryFailed } = await this.locate();
      const wasStandIn = this.standInReason;
      this.standInReason = standIn;
      if (standIn) this.retryRegistryLater();
      else this.retryBackoff.reset();
      if (this.model && this.model.version === version) {
        // The registry answered with the very model that stood in: it is now the registry's.
        if (wasStandIn && !standIn) this.emit('model', this.model);
        return this.model;
      }
      const next = await OnnxRulModel.load(await bytes(), version, this.engine);
      if (this.closed) { await next.release(); throw new Error('model provider closed'); }
      const previous = this.model;
      this.model = next;
      this.failure = undefined;
      if (previous) this.releaseLater(previous);
      if (standIn) this.emit('stand-in', next, standIn, registryFailed === true);
      this.emit('model', next);
      return next;
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      this.failure = this.model ? undefined : error;
      if (this.standInReason) {
        // Said once when the shipped default stepped in; asked again until the registry answers.
        this.standInReason = error.message;
        this.retryRegistryLater();
      } else {
        this.emit('failed', error);
      }
      throw error;
    } finally {
      this.loading = undefined;
    }
  }

  /** The version the source names now, and how to fetch its bytes (only done when it is not the model in use). */
  private async locate(): Promise<Located> {
    if (this.source.kind === 'file') {
      if (!fs.existsSync(this.source.path)) throw new Error(`model file "${this.source.path}" not found`);
      const bytes = new Uint8Array(fs.readFileSync(this.source.path));
      return { version: contentVersion(bytes), bytes: async () => bytes };
    }
    const { connection, defaultPath } = this.source;
    const fromRegistry = (async (): Promise<Located> => {
      const ctx = await connection.ready();
      const pool = await connection.getPool();
      const { version } = await ensurePromotedModel(connection, defaultPath);
      return { version, bytes: () => modelBytes(pool, ctx, version) };
    })();
    // A model in use (the registry's own, or the shipped default standing in) is kept while the registry is asked.
    if (this.model) return fromRegistry;
    const patienceMs = this.source.patienceMs ?? REGISTRY_PATIENCE_MS;
    let patience: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_resolve, reject) => {
      patience = setTimeout(() => reject(new Error(`no answer within ${patienceMs / 1000} s`)), patienceMs);
    });
    let registryFailed = false;
    fromRegistry.catch(() => { registryFailed = true; });
    try {
      return await Promise.race([fromRegistry, late]);
    } catch (err) {
      // The registry's answer, when it comes, hands over from the stand-in at once.
      fromRegistry.then(() => this.refresh(), () => undefined);
      return { ...this.shippedDefault(err instanceof Error ? err.message : String(err)), registryFailed };
    } finally {
      clearTimeout(patience);
    }
  }

  private shippedDefault(reason: string): Located {
    if (this.source.kind !== 'registry') throw new Error('only a registry source has a shipped default standing in');
    const file = this.source.defaultPath;
    if (!fs.existsSync(file)) throw new Error(`the model registry did not answer (${reason}) and the shipped default "${file}" is missing`);
    const bytes = new Uint8Array(fs.readFileSync(file));
    return { version: shippedDefaultVersion(bytes), bytes: async () => bytes, standIn: reason };
  }

  /** While the shipped default stands in, the registry is asked again sooner than the poll interval. */
  private retryRegistryLater(): void {
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setTimeout(() => { this.retryTimer = undefined; void this.refresh(); }, this.retryBackoff.next());
    this.retryTimer.unref();
  }

  private releaseLater(model: OnnxRulModel): void {
    const timer = setTimeout(() => { this.releases.delete(timer); void model.release().catch(() => undefined); }, RELEASE_DELAY_MS);
    timer.unref();
    this.releases.add(timer);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.source.kind === 'file') fs.unwatchFile(this.source.path, this.onFileChange);
    else this.source.connection.off(MODEL_PROMOTED_EVENT, this.onPromoted);
    if (this.timer) clearInterval(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.loading?.catch(() => undefined);
    for (const timer of this.releases) clearTimeout(timer);
    this.releases.clear();
    const model = this.model;
    this.model = undefined;
    await model?.release().catch(() => undefined);
  }
}

/**
 * The registry's promoted model. An empty registry starts with the model shipped in the package, promoted, so the
 * registry always says which model the twin uses and a retrain has something to beat.
 */
export async function ensurePromotedModel(connection: HistorianConnection, defaultPath: string): Promise<ModelSummary> {
  const ctx = await connection.ready();
  const pool = await connection.getPool();
  const promoted = await promotedModel(pool, ctx);
  if (promoted) return promoted;
  await registerDefault(connection, defaultPath);
  const registered = await promotedModel(pool, ctx);
  if (!registered) throw new Error('the model registry has no promoted model');
  return registered;
}

async function registerDefault(connection: HistorianConnection, file: string): Promise<void> {
  if (!fs.existsSync(file)) throw new Error(`the registry is empty and the default model "${file}" is missing`);
  const bytes = new Uint8Array(fs.readFileSync(file));
  const model = await OnnxRulModel.load(bytes);
  try {
    const meta = model.metadata;
    const rmse = Number(meta.validation_rmse);
    const ctx = await connection.ready();
    const pool = await connection.getPool();
    const trainedAt = Date.parse(meta.trained_at ?? '');
    await registerModel(pool, ctx, {
      version: shippedDefaultVersion(bytes), createdAt: Date.now(), trainedAt: Number.isFinite(trainedAt) ? trainedAt : Date.now(),
      dataFrom: null, dataTo: null, trainingRows: Number(meta.training_rows) || 0, trainingUnits: Number(meta.training_groups) || 0,
      validationUnits: parseList(meta.validation_groups), metrics: { validationRmse: Number.isFinite(rmse) ? rmse : null },
      featureNames: [...model.featureNames], status: 'promoted', note: `shipped default model (${meta.training_source ?? 'package'})`, onnx: bytes,
    }).catch(async (err: unknown) => {
      // Another process registered it first: fine, the registry now has a promoted model.
      if (!(await promotedModel(pool, ctx))) throw err;
    });
  } finally {
    await model.release();
  }
}

function parseList(text: string | undefined): string[] {
  try {
    const value = JSON.parse(text ?? '[]') as unknown;
    return Array.isArray(value) ? value.map(String) : [];
  } catch {
    return [];
  }
}
