/**
 * The embedded database's one connection taken in turns by priority: a query (a dashboard's, the model registry's)
 * waits only for the statement in progress, not for historian batches queued before it.
 */
import assert from 'node:assert/strict';
import { asBulk, GatedPool } from '../lib/historian/gated-pool';
import { LOCAL_POSTGRES_URL, postgresAnswers } from './support/database';

describe('the embedded connection\'s priority gate', function () {
  this.timeout(30000);
  let pool: GatedPool | undefined;

  before(async function () {
    if (!(await postgresAnswers())) this.skip();
    pool = new GatedPool({ connectionString: LOCAL_POSTGRES_URL, max: 1 });
  });
  after(async function () {
    await pool?.end();
  });

  it('lets a query asked after two historian batches go before them, and the batches in their order', async function () {
    const holder = await pool!.connect();
    const order: string[] = [];
    const waiting = [
      asBulk(() => pool!.query('SELECT 1')).then(() => order.push('batch 1')),
      asBulk(async () => {
        const client = await pool!.connect();
        try {
          await client.query('SELECT 2');
        } finally {
          client.release();
        }
      }).then(() => order.push('batch 2')),
      pool!.query('SELECT 3').then(() => order.push('query')),
    ];
    holder.release();
    await Promise.all(waiting);
    assert.deepEqual(order, ['query', 'batch 1', 'batch 2']);
    assert.equal(pool!.totalCount, 1, 'one connection served them all');
  });
});
