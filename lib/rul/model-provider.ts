import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import type { HistorianConnection } from '../historian/connection';
import { contentVersion, OnnxRulModel } from './onnx-rul-model';
import { DEFAULT_SCORING_ENGINE, type ScoringEngineOptions } from './onnx-scorer';
import { modelBytes, promotedModel, registerModel, type ModelSummary } from './registry';

/**
 * Keeps one RUL model loaded and swaps it when its source changes: a file that is overwritten, or the registry
 * promoting another version. A reload that fails keeps the model in use and says why; the replaced session is
 * released a little later, so a batch being scored with it finishes.
 */
export type ModelSource =
  | { kind: 'file'; path: string }
  | { kind: 'registry'; connection: HistorianConnection; defaultPath: string; pollMs: number };

/** Emitted on the connection by whoever promotes a model, so providers in the same process reload at once. */
export const MODEL_PROMOTED_EVENT = 'model-promoted';

const RELEASE_DELAY_MS = 10_000;
const FILE_POLL_MS = 2_000;

export class ModelProvider extends EventEmitter {
  private model: OnnxRulModel | undefined;
  private loading: Promise<OnnxRulModel> | undefined;
  private failure: Error | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly releases = new Set<NodeJS.Timeout>();
  private closed = false;
  private readonly onPromoted = (): void => { void this.refresh(); };
  private readonly onFileChange = (now: fs.Stats, before: fs.Stats): void => { if (now.mtimeMs !== before.mtimeMs) void this.refresh(); };

  /** `engine`: how each model loaded from the source is run (its threads). */
  constructor(readonly source: ModelSource, private readonly engine: ScoringEngineOptions = DEFAULT_SCORING_ENGINE) {
    super();
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

  /** Loads the source again if it names other bytes than the model in use. */
  async refresh(): Promise<void> {
    if (this.closed || this.loading) return;
    this.loading = this.load();
    await this.loading.catch(() => undefined);
  }

  private async load(): Promise<OnnxRulModel> {
    try {
      const { version, bytes } = await this.locate();
      if (this.model && this.model.version === version) return this.model;
      const next = await OnnxRulModel.load(await bytes(), version, this.engine);
      if (this.closed) { await next.release(); throw new Error('model provider closed'); }
      const previous = this.model;
      this.model = next;
      this.failure = undefined;
      if (previous) this.releaseLater(previous);
      this.emit('model', next);
      return next;
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      this.failure = this.model ? undefined : error;
      this.emit('failed', error);
      throw error;
    } finally {
      this.loading = undefined;
    }
  }

  /** The version the source names now, and how to fetch its bytes (only done when it is not the model in use). */
  private async locate(): Promise<{ version: string; bytes: () => Promise<Uint8Array> }> {
    if (this.source.kind === 'file') {
      if (!fs.existsSync(this.source.path)) throw new Error(`model file "${this.source.path}" not found`);
      const bytes = new Uint8Array(fs.readFileSync(this.source.path));
      return { version: contentVersion(bytes), bytes: async () => bytes };
    }
    const { connection, defaultPath } = this.source;
    const ctx = await connection.ready();
    const pool = await connection.getPool();
    const { version } = await ensurePromotedModel(connection, defaultPath);
    return { version, bytes: () => modelBytes(pool, ctx, version) };
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
      version: `default-${model.version.replace(/^sha-/, '')}`, createdAt: Date.now(), trainedAt: Number.isFinite(trainedAt) ? trainedAt : Date.now(),
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
