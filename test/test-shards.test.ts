import assert from 'node:assert/strict';
import { planShards, shardCount, splitArguments } from '../scripts/test-shards';

describe('test shards', function () {
  const files = ['dashboard', 'e2e-maintenance', 'restart-log', 'editor', 'sparkplug', 'sparkplug-fleet', 'sparkplug-dashboard', 'flows', 'asset', 'kpi']
    .map((name) => `dist/test/${name}.test.js`);

  it('runs every file exactly once, the Sparkplug B files in one shard, and the long files apart', function () {
    const shards = planShards(files, 2);
    assert.equal(shards.length, 2);
    assert.deepEqual(shards.flatMap((s) => s.files).sort(), [...files].sort());
    const sparkplugShards = shards.filter((s) => s.files.some((f) => f.includes('/sparkplug')));
    assert.equal(sparkplugShards.length, 1, 'one broker namespace, one shard');
    assert.equal(sparkplugShards[0].files.filter((f) => f.includes('/sparkplug')).length, 3);
    const dashboardShard = shards.find((s) => s.files.includes('dist/test/dashboard.test.js'))!;
    assert.ok(!dashboardShard.files.includes('dist/test/e2e-maintenance.test.js'), 'the two longest files run side by side');
  });

  it('keeps one shard for one file or a count of 1, and refuses a count that is not a whole number', function () {
    assert.equal(planShards(['dist/test/flows.test.js'], 2).length, 1);
    assert.equal(planShards(files, 1)[0].files.length, files.length);
    assert.equal(shardCount({}), 2);
    assert.equal(shardCount({}, 1), 1);
    assert.equal(shardCount({ TWIN_TEST_SHARDS: '1' }), 1);
    assert.throws(() => shardCount({ TWIN_TEST_SHARDS: 'two' }), /TWIN_TEST_SHARDS must be a whole number/);
  });

  it('passes mocha options beside the named files to every shard', function () {
    assert.deepEqual(splitArguments(['dist/test/editor.test.js', '--grep', 'loads the reference flow']),
      { files: ['dist/test/editor.test.js'], mochaArgs: ['--grep', 'loads the reference flow'] });
  });
});
