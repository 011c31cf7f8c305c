import assert from 'node:assert/strict';
import { onnx } from 'onnx-proto';
import { Random } from '../lib/math/random';
import { matrixFromRecords } from '../lib/rul/feature-matrix';
import { scoreVectors } from '../lib/rul/live-scoring';
import { ensemblesToOnnx, rulModelToOnnx } from '../lib/rul/onnx-export';
import { OnnxRulModel } from '../lib/rul/onnx-rul-model';
import { OnnxScorer, scoringSessionOptions } from '../lib/rul/onnx-scorer';
import { onnxTreeEnsembles } from '../lib/rul/onnx-trees';
import { predictRulModel, trainRulModel } from '../lib/rul/rul-training';
import type { FeatureVector } from '../lib/features/feature-vector';
import { singleNodeLayout } from './support/onnx-layouts';

const FEATURES = ['vibration.rms', 'bearingTemp.mean.1h'];

function lives(units: number, seed: number) {
  const random = new Random(seed);
  const records: Array<Record<string, number>> = [];
  const target: number[] = [];
  const groups: string[] = [];
  for (let unit = 0; unit < units; unit++) {
    const life = 100 + Math.floor(random.next() * 100);
    for (let t = 0; t < life; t++) {
      const left = life - t;
      records.push({ 'vibration.rms': 1 + 3 * (1 - left / 200) ** 2 + 0.05 * random.gaussian(), 'bearingTemp.mean.1h': 40 + 10 * random.next() });
      target.push(left);
      groups.push(`unit-${unit}`);
    }
  }
  return { records, set: { matrix: matrixFromRecords(FEATURES, records), target, groups } };
}

const { AttributeType } = onnx.AttributeProto;
const { FLOAT } = onnx.TensorProto.DataType;

/** The same model with a float input and float attributes, as other converters (skl2onnx, onnxmltools) write them. */
function floatInputLayout(bytes: Uint8Array): Uint8Array {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph as onnx.GraphProto;
  (graph.input[0].type as onnx.TypeProto).tensorType = { ...graph.input[0].type?.tensorType, elemType: FLOAT };
  for (const node of graph.node) {
    node.attribute = (node.attribute ?? []).map((a) => {
      if (!a.name?.endsWith('_as_tensor')) return a;
      return { name: a.name.replace(/_as_tensor$/, ''), type: AttributeType.FLOATS, floats: (a.t?.doubleData ?? []).map(Number) } as onnx.AttributeProto;
    });
  }
  return onnx.ModelProto.encode(model).finish();
}

describe('RUL scoring engine', function () {
  this.timeout(60000);
  const { records, set } = lives(10, 4);
  const model = trainRulModel(set, { boosting: { rounds: 40 } });
  const bytes = rulModelToOnnx(model, { rul_cap: '200' }, '0');

  it('writes one single-target ensemble per output joined by a Concat, and reads either layout back for a retrain', function () {
    const graph = onnx.ModelProto.decode(bytes).graph as onnx.GraphProto;
    assert.deepEqual(graph.node.map((n) => n.opType), ['TreeEnsembleRegressor', 'TreeEnsembleRegressor', 'TreeEnsembleRegressor', 'Concat']);
    const expected = [model.point, model.lower, model.upper].map((e) => ({ baseScore: e?.baseScore, trees: e?.trees }));
    for (const layout of [bytes, singleNodeLayout(bytes)]) {
      assert.deepEqual(onnxTreeEnsembles(layout, FEATURES).map((e) => ({ baseScore: e.baseScore, trees: e.trees })), expected);
    }
    const alone = ensemblesToOnnx([model.point], ['rul'], {}, '0');
    assert.deepEqual(onnx.ModelProto.decode(alone).graph?.node?.map((n) => n.opType), ['TreeEnsembleRegressor'], 'one output: one ensemble, no Concat');
    const scrambled = onnx.ModelProto.decode(bytes);
    (scrambled.graph as onnx.GraphProto).node[3].input = ['rul_0', 'rul_1', 'elsewhere'];
    assert.throws(() => onnxTreeEnsembles(onnx.ModelProto.encode(scrambled).finish(), FEATURES), /can be trained further/);
  });

  it('scores both layouts and a float-input model alike, from records or a matrix', async function () {
    const expected = predictRulModel(model, set.matrix);
    for (const [label, layout] of [['per output', bytes], ['single node', singleNodeLayout(bytes)], ['float input', floatInputLayout(bytes)]] as const) {
      const scorer = await OnnxScorer.fromBytes(layout);
      try {
        // Float attributes round each leaf and the running sum to float32.
        const tolerance = label === 'float input' ? 1e-3 : 1e-5;
        for (const scores of [await scorer.scoreIntervals(set.matrix), await scorer.scoreRecordIntervals(records)]) {
          for (const column of ['rul', 'lower', 'upper'] as const) {
            const got = scores[column];
            const want = expected[column];
            assert.ok(got && want, `${label}: ${column}`);
            assert.equal(got.length, set.matrix.rows);
            for (let row = 0; row < got.length; row++) assert.ok(Math.abs(got[row] - want[row]) <= tolerance * Math.max(1, Math.abs(want[row])), `${label} ${column} row ${row}: ${got[row]} vs ${want[row]}`);
          }
        }
      } finally {
        await scorer.release();
      }
    }
  });

  it('scores batches that overlap in time with their own inputs, growing and reusing the input buffer', async function () {
    const scorer = await OnnxScorer.fromBytes(bytes);
    try {
      const slices = [records.slice(0, 3), records.slice(100, 700), records.slice(5, 6), records.slice(0, 1200)];
      const one = async (slice: typeof records) => Array.from((await scorer.scoreRecordIntervals(slice)).rul);
      const sequential: number[][] = [];
      for (const slice of slices) sequential.push(await one(slice));
      assert.deepEqual(await Promise.all(slices.map(one)), sequential, 'overlapping batches');
      await assert.rejects(scorer.scoreRecordIntervals([records[0], { 'vibration.rms': 1 }], (row) => `asset-${row}`), /asset-1 lacks bearingTemp\.mean\.1h/);
      assert.deepEqual(await one(slices[2]), sequential[2], 'a refused batch leaves the buffer usable');
      assert.deepEqual(Array.from((await scorer.scoreRecordIntervals([])).rul), []);
    } finally {
      await scorer.release();
    }
  });

  it('scores a fleet\'s vectors in one run, refusing the incomplete ones and widening the unhealthy', async function () {
    const rulModel = await OnnxRulModel.load(bytes, 'v1');
    try {
      const vector = (asset: string, features: Record<string, number>, quality: FeatureVector['quality'] = {}): FeatureVector =>
        ({ asset, ts: 1, features: { ...features, 'other.feature': 3 }, units: {}, windows: {}, quality });
      const fleet = [
        vector('a', records[0]), vector('b', { 'vibration.rms': 2 }), vector('c', records[50], { vibration: 'bad' }), vector('d', records[90]),
      ];
      const expected = await rulModel.score([records[0], records[50], records[90]]);
      const batch = await scoreVectors(rulModel, fleet);
      assert.deepEqual(batch.refused.map((r) => [r.asset, r.cause]), [['b', 'missing-features']]);
      assert.deepEqual(batch.records.map((r) => r.asset), ['a', 'c', 'd']);
      assert.deepEqual(batch.records.map((r) => r.rulHours), expected.map((p) => p.rulHours));
      assert.deepEqual(batch.records[0].features, { 'vibration.rms': records[0]['vibration.rms'], 'bearingTemp.mean.1h': records[0]['bearingTemp.mean.1h'] }, 'the features scored, none other');
      assert.equal(batch.records[1].confidence, 'reduced');
      assert.deepEqual(batch.records[1].unhealthy, { vibration: 'bad' });
      assert.equal(batch.records[0].unhealthy, undefined);
      assert.ok((batch.records[1].upperHours ?? 0) - batch.records[1].rulHours >= 2 * ((expected[1].upperHours ?? 0) - expected[1].rulHours) - 1e-9, 'the interval widened');
    } finally {
      await rulModel.release();
    }
  });

  it('scores alike on two intra-op threads and one, and refuses a thread count that is not a whole number from 1 to 64', async function () {
    const oneThread = await OnnxRulModel.load(bytes, 'v1');
    const twoThreads = await OnnxRulModel.load(bytes, 'v1', { intraOpThreads: 2 });
    try {
      // A batch large enough for onnxruntime to split the trees or rows between its threads.
      const fleet = records.slice(0, 1200);
      const one = await oneThread.scoreColumns(fleet);
      const two = await twoThreads.scoreColumns(fleet);
      assert.deepEqual(Array.from(two.rulHours), Array.from(one.rulHours));
      assert.deepEqual(Array.from(two.lowerHours ?? []), Array.from(one.lowerHours ?? []));
      assert.deepEqual(Array.from(two.upperHours ?? []), Array.from(one.upperHours ?? []));
      assert.deepEqual((await twoThreads.score(fleet.slice(0, 5))).map((p) => p.rulHours), Array.from(one.rulHours).slice(0, 5));
    } finally {
      await Promise.all([oneThread.release(), twoThreads.release()]);
    }
    for (const threads of [0, 1.5, 65, Number.NaN]) assert.throws(() => scoringSessionOptions({ intraOpThreads: threads }), /whole number from 1 to 64/);
    await assert.rejects(OnnxScorer.fromBytes(bytes, { intraOpThreads: 0 }), /whole number from 1 to 64/);
  });
});
