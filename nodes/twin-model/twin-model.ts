import path from 'node:path';
import type { NodeAPI, NodeDef } from 'node-red';
import { DEFAULT_MODEL_FILE } from '../../lib/rul/default-model';
import { ModelProvider, type ModelSource } from '../../lib/rul/model-provider';
import type { OnnxRulModel } from '../../lib/rul/onnx-rul-model';
import { DEFAULT_SCORING_ENGINE, MAX_SCORING_THREADS, type ScoringEngineOptions } from '../../lib/rul/onnx-scorer';
import { resolveDb } from '../common/db';
import { MODEL_NODE_TYPE, type TwinModelNode } from '../common/model';

interface TwinModelDef extends NodeDef {
  source: 'registry' | 'default' | 'file';
  file: string;
  db: string;
  pollS: string;
  /** Threads one scoring run may use; empty for the default (1). */
  threads?: string;
}

function modelSource(RED: NodeAPI, def: TwinModelDef, userDir: string): ModelSource {
  if (def.source === 'file') {
    if (!def.file?.trim()) throw new Error('choose the ONNX model file');
    return { kind: 'file', path: path.resolve(userDir, def.file.trim()) };
  }
  if (def.source === 'default') return { kind: 'file', path: DEFAULT_MODEL_FILE };
  const connection = resolveDb(RED, def.db);
  if (connection instanceof Error) throw connection;
  return { kind: 'registry', connection, defaultPath: DEFAULT_MODEL_FILE, pollMs: Math.max(5, Number(def.pollS) || 60) * 1000 };
}

function scoringEngine(def: TwinModelDef): ScoringEngineOptions {
  const text = String(def.threads ?? '').trim();
  if (text === '') return DEFAULT_SCORING_ENGINE;
  const threads = Number(text);
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_SCORING_THREADS) {
    throw new Error(`scoring threads "${def.threads}" must be a whole number from 1 to ${MAX_SCORING_THREADS}`);
  }
  return { intraOpThreads: threads };
}

export = function register(RED: NodeAPI): void {
  function TwinModel(this: TwinModelNode, def: TwinModelDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const userDir = (RED.settings as unknown as { userDir?: string }).userDir ?? process.cwd();
    let provider: ModelProvider | undefined;
    let setupError: Error | undefined;
    try {
      provider = new ModelProvider(modelSource(RED, def, userDir), scoringEngine(def));
      provider.on('model', (model: OnnxRulModel) => {
        const from = provider?.standIn() ? 'the shipped default, standing in for the model registry' : provider?.describe();
        node.log(`RUL model ${model.version} loaded from ${from} (${model.featureNames.length} features)`);
      });
      provider.on('stand-in', (model: OnnxRulModel, reason: string, registryFailed: boolean) => {
        const text = `RUL model registry did not answer (${reason}): scoring with the shipped default model ${model.version} until it does`;
        // Not answering yet is what a starting embedded database does; a registry that fails is worth a warning.
        if (registryFailed) node.warn(text);
        else node.log(text);
      });
      provider.on('failed', (err: Error) => node.warn(`RUL model from ${provider?.describe()} not loaded: ${err.message}`));
    } catch (err) {
      setupError = err instanceof Error ? err : new Error(String(err));
      node.error(setupError.message);
    }
    node.current = () => (provider ? provider.current() : Promise.reject(setupError));
    node.standIn = () => provider?.standIn();
    node.onModel = (listener) => {
      provider?.on('model', listener);
      return () => { provider?.off('model', listener); };
    };

    node.on('close', (_removed: boolean, done: () => void) => {
      if (!provider) { done(); return; }
      provider.close().finally(() => done());
    });
  }
  RED.nodes.registerType(MODEL_NODE_TYPE, TwinModel);
};
