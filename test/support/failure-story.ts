import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { openDashboardTab, screenshot } from './browser';
import { withClient } from './database';
import { OPERATOR } from './dashboard-users';
import type { ReferenceTwin } from './reference-twin';

export const TAB = { fleet: 0, spindle: 1, pump: 2, whatIf: 3, maintenance: 4, kpis: 5, alarms: 6 } as const;

/**
 * What the operator sees of the spindle's failure on the reference flow's dashboards, shared by the end-to-end tests
 * that run it to a failure: DOWN everywhere, CRITICAL held, the work order open, the confirmation from the form.
 */
export class FailureStory {
  constructor(private readonly twin: () => ReferenceTwin, private readonly browser: () => Browser, private readonly consoleErrors: string[]) {}

  query<T>(sql: string, values: unknown[] = []): Promise<T[]> {
    return withClient(this.twin().databaseUrl, async (c) => (await c.query(sql, values)).rows as T[]);
  }

  openTab(index: number, name: string): Promise<Page> {
    return openDashboardTab(this.browser(), this.twin().nodeRed.baseUrl, index, name, this.consoleErrors, OPERATOR);
  }

  openOrders(): Promise<Array<{ id: string; level: string; state: string }>> {
    return this.query(`SELECT id, level, state FROM "${this.twin().schema}".twin_work_orders WHERE asset = 'spindle-1' AND state <> 'closed' ORDER BY opened_at DESC`);
  }

  /**
   * The spindle has failed: for two scoring cycles and more, every panel says DOWN (and since when) instead of a
   * number, CRITICAL holds, the work order stays open, and the machine-down alarm is stored. Returns the open order.
   */
  async checkDownShown(name: string): Promise<string> {
    const schema = this.twin().schema;
    const fleet = await this.openTab(TAB.fleet, 'Fleet overview');
    const row = fleet.locator('.twin-fleet-row', { hasText: 'spindle-1' });
    await row.locator('.twin-machine-state', { hasText: 'DOWN since' }).waitFor({ timeout: 30000 });
    const live = await this.openTab(TAB.spindle, 'Spindle 1 · Live');
    await live.waitForSelector('.twin-rul-state .twin-machine-state >> text=DOWN since', { timeout: 30000 });
    await live.waitForSelector('.twin-features .twin-machine-state >> text=DOWN since', { timeout: 30000 });
    assert.equal(await live.locator('.twin-features >> text=ISO 10816-3 zone').count(), 0, 'no ISO zone is claimed for a machine that stands');
    await screenshot(live, `down-live-${name}`);
    for (const deadline = Date.now() + 25000; Date.now() < deadline;) {
      const text = await row.innerText();
      assert.match(text, /CRITICAL/, `the fleet holds CRITICAL while the spindle is down: ${text}`);
      assert.match(text, /DOWN since/, `the fleet says DOWN, not a number: ${text}`);
      const orders = await this.openOrders();
      assert.equal(orders.length, 1, `the work order stays open while the machine is down: ${JSON.stringify(orders)}`);
      assert.equal(orders[0].level, 'CRITICAL', `no de-escalation while down: ${JSON.stringify(orders)}`);
      await new Promise((resolve) => setTimeout(resolve, 2500));
    }
    await screenshot(fleet, `down-fleet-${name}`);
    const alarms = await this.query<{ id: string; state: string }>(`SELECT id, state FROM "${schema}".twin_alerts WHERE asset = 'spindle-1' AND id LIKE 'spindle-1:machine-down:%'`);
    assert.ok(alarms.some((a) => a.state === 'raised'), `the machine-down alarm is stored: ${JSON.stringify(alarms)}`);
    // twin-alarms (the Alarms tab) has it too, never suppressed: its journal says it was raised.
    const journal = await this.query<{ action: string; state: string }>(`SELECT action, state FROM "${schema}".twin_alarm_journal WHERE alarm = 'spindle-1:machine-down'`);
    assert.ok(journal.length > 0, 'the machine-down alarm reaches alarm management');
    await fleet.close();
    await live.close();
    return (await this.openOrders())[0].id;
  }

  /**
   * Maintenance confirms the failure on the dashboard, at the time the form proposes (when the machine went down),
   * against the work order it proposes (the open one).
   */
  async confirmFailure(name: string, openOrder: string): Promise<void> {
    const page = await this.openTab(TAB.maintenance, 'Maintenance');
    await page.waitForSelector('.twin-confirm', { timeout: 30000 });
    await page.waitForSelector('.twin-confirm >> text=went down at', { timeout: 30000 });
    const proposed = page.locator('.twin-confirm select[ng-model="f.workOrderId"] option:checked');
    await page.waitForFunction((el) => /spindle-1 · CRITICAL/.test(el?.textContent ?? ''),
      await page.$('.twin-confirm select[ng-model="f.workOrderId"]'), { timeout: 30000 });
    assert.match(await proposed.innerText(), /spindle-1 · CRITICAL/, `the form proposes the open work order ${openOrder}`);
    await page.fill('.twin-confirm textarea', `outer race spall (${name})`);
    await screenshot(page, `maintenance-confirm-${name}`);
    await page.click('.twin-confirm >> text=Record');
    // Recorded in the name of the logged-in user, and the form says so.
    await page.waitForSelector(`.twin-confirm .done >> text=confirmed by ${OPERATOR.username}`, { timeout: 10000 });
    await page.waitForSelector(`.twin-confirm .done >> text=work order ${openOrder} completed`, { timeout: 10000 });
    assert.equal(await page.locator('.twin-confirm .error').count(), 0);
    await page.close();
  }

  /**
   * The confirmation reached the historian (through the store-and-forward buffer) as the `count`-th failure event,
   * in the confirmer's name and linked to the open order, which it closed; its time is when the spindle went down.
   */
  async checkConfirmationStored(count: number, openOrder: string, failedAt: number): Promise<void> {
    const schema = this.twin().schema;
    let events: Array<{ failed_at: Date; outcome: string; confirmed_by: string; work_order_id: string | null }> = [];
    for (const deadline = Date.now() + 15000; events.length < count && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      events = await this.query(`SELECT failed_at, outcome, confirmed_by, work_order_id FROM "${schema}".twin_failure_events WHERE asset = 'spindle-1' ORDER BY failed_at`);
    }
    assert.equal(events.length, count, `one failure event per life: ${JSON.stringify(events)}`);
    const recorded = events[events.length - 1];
    assert.equal(recorded.outcome, 'failure');
    assert.equal(recorded.confirmed_by, OPERATOR.username);
    assert.equal(recorded.work_order_id, openOrder, 'the confirmation is linked to the open work order');
    let order: { state: string; closed_by: string } | undefined;
    for (const deadline = Date.now() + 10000; order?.state !== 'closed' && Date.now() < deadline;) {
      [order] = await this.query<{ state: string; closed_by: string }>(`SELECT state, closed_by FROM "${schema}".twin_work_orders WHERE id = $1`, [openOrder]);
      if (order?.state !== 'closed') await new Promise((resolve) => setTimeout(resolve, 500));
    }
    assert.deepEqual(order, { state: 'closed', closed_by: OPERATOR.username }, 'the confirmation completed the order, in the name of who confirmed');
    assert.ok(Math.abs(recorded.failed_at.getTime() - failedAt) < 5000, `the proposed time is when it went down: ${recorded.failed_at.toISOString()} against ${new Date(failedAt).toISOString()}`);
  }
}
