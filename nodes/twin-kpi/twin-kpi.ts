import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import type { AssetDefinition } from '../../lib/asset/asset-model';
import { isKpiRecord } from '../../lib/historian/tables/kpis';
import type { KpiRecord } from '../../lib/kpi/kpi-record';
import { KpiTracker, type KpiTrackerState, type WorkOrderChange } from '../../lib/kpi/kpi-tracker';
import { enteredFigures, figuresFromRecords, savingsReport, type PeriodFigures, type SavingsCosts } from '../../lib/kpi/savings';
import type { Reading } from '../../lib/reading/reading';
import { elementLabel, looksLikeReading, readingProblem, withQuality } from '../../lib/reading/validate';
import { resolveAsset } from '../common/asset';
import { handleInput, toError } from '../common/input';
import { reportProblems } from '../common/problems';
import { Status } from '../common/status';
import { configuredBaseline, kpiOptions, overrideCosts, savingsCosts, type TwinKpiFields } from './options';

interface TwinKpiDef extends NodeDef, TwinKpiFields {
  asset: string;
  reportS: string;
}

const CONTEXT_KEY = 'twinKpi';
/** A week of hourly buckets is some tens of kB: saved at most this often, and on stop. */
const SAVE_INTERVAL_MS = 60_000;

function percent(value: number | null): string {
  return value === null ? '–' : `${Math.round(value * 100)}%`;
}

const WORK_ORDER_ACTIONS: readonly string[] = ['open', 'escalate', 'de-escalate', 'close', 'acknowledge', 'complete'];

/** The work order a message carries: an urgency decision's `workOrder`, a work-order event, or maintenance's update of one. */
function workOrderOf(payload: unknown): WorkOrderChange | undefined {
  if (!payload || typeof payload !== 'object') return undefined;
  const candidate = ((payload as { workOrder?: unknown }).workOrder ?? payload) as Partial<WorkOrderChange>;
  if (typeof candidate.id === 'string' && typeof candidate.asset === 'string' && typeof candidate.ts === 'number' && WORK_ORDER_ACTIONS.includes(candidate.action as string)) {
    return candidate as WorkOrderChange;
  }
  return undefined;
}

function isUrgencyDecision(payload: unknown): boolean {
  return !!payload && typeof payload === 'object' && typeof (payload as { level?: unknown }).level === 'string' && typeof (payload as { asset?: unknown }).asset === 'string';
}

function recordsOf(value: unknown, label: string): KpiRecord[] {
  const records = value as unknown[];
  const bad = records.findIndex((r) => !isKpiRecord(r));
  if (bad >= 0) throw new Error(`${label}[${bad}] is not a KPI record (kind "kpi", from twin-kpi or the twin_kpis table)`);
  return records as KpiRecord[];
}

export = function register(RED: NodeAPI): void {
  function TwinKpi(this: Node, config: TwinKpiDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const status = new Status(node);
    const reportMs = Math.max(1, Number(config.reportS) || 60) * 1000;
    let tracker: KpiTracker | undefined;
    let assetDefinition: AssetDefinition | undefined;
    let costs: SavingsCosts | undefined;
    let baseline: PeriodFigures | undefined;
    let setupError: Error | undefined;
    try {
      const asset = resolveAsset(RED, config.asset);
      if (asset instanceof Error) throw asset;
      assetDefinition = asset;
      costs = savingsCosts(config);
      baseline = configuredBaseline(config);
      tracker = new KpiTracker(asset, kpiOptions(config), node.context().get(CONTEXT_KEY) as KpiTrackerState | undefined);
    } catch (err) {
      setupError = toError(err);
      status.failed(setupError.message);
    }
    if (tracker) status.idle('waiting for readings');
    let lastSave = 0;

    const save = (force: boolean): void => {
      if (!tracker || (!force && Date.now() - lastSave < SAVE_INTERVAL_MS)) return;
      node.context().set(CONTEXT_KEY, tracker.toJSON());
      lastSave = Date.now();
    };

    let shown = false;
    const showStatus = (): void => {
      const rolling = tracker?.rollingRecord();
      if (!rolling) return;
      shown = true;
      const text = `OEE ${percent(rolling.oee)} · A ${percent(rolling.availability)}`;
      if (rolling.oee === null) status.info(text);
      else status.success(text);
    };

    const report = (all: boolean, send: (msg: NodeMessage | Array<NodeMessage | null>) => void): void => {
      if (!tracker) return;
      const records = tracker.report(all);
      if (records.length === 0) return;
      send([{ topic: `kpi/${tracker.asset}`, payload: records }, null]);
      showStatus();
      save(false);
    };

    const savings = (request: Record<string, unknown>): NodeMessage => {
      const kpi = tracker as KpiTracker;
      const base = Array.isArray(request.baseline) ? figuresFromRecords(recordsOf(request.baseline, 'msg.payload.baseline'))
        : request.baseline !== undefined ? enteredFigures(request.baseline, 'msg.payload.baseline') : baseline;
      if (!base) throw new Error('no baseline to compare with: enter the plant\'s figures before the twin in the node settings, or send msg.payload.baseline');
      let twinRecords: KpiRecord[];
      if (Array.isArray(request.twin)) twinRecords = recordsOf(request.twin, 'msg.payload.twin');
      else if (request.twin && typeof request.twin === 'object') {
        const period = request.twin as { from?: unknown; to?: unknown };
        const from = typeof period.from === 'number' ? period.from : -Infinity;
        const to = typeof period.to === 'number' ? period.to : Infinity;
        twinRecords = kpi.bucketRecords().filter((r) => r.periodStart >= from && r.periodStart < to);
      } else {
        const lifetime = kpi.lifetimeRecord();
        twinRecords = lifetime ? [lifetime] : [];
      }
      const report = savingsReport(kpi.asset, base, figuresFromRecords(twinRecords, kpi.countsParts), overrideCosts(costs as SavingsCosts, request.costs), kpi.cursor ?? Date.now());
      return { topic: `kpi-savings/${kpi.asset}`, payload: report };
    };

    const timer = setInterval(() => {
      try {
        report(false, (msgs) => node.send(msgs));
      } catch (err) {
        node.error(toError(err), {});
        status.failed(toError(err).message);
      }
    }, reportMs);

    handleInput(node, status, (msg, send) => {
      if (!tracker) throw setupError as Error;
      if (msg.topic === 'report') {
        report(true, send);
        return;
      }
      if (msg.topic === 'savings') {
        const request = msg.payload && typeof msg.payload === 'object' && !Array.isArray(msg.payload) ? msg.payload as Record<string, unknown> : {};
        send([null, savings(request)]);
        return;
      }
      const elements: unknown[] = Array.isArray(msg.payload) ? msg.payload : [msg.payload];
      const readings: Reading[] = [];
      const problems: string[] = [];
      let orders = 0;
      let strangers = 0;
      elements.forEach((element, index) => {
        const order = workOrderOf(element);
        if (order) {
          tracker?.workOrder(order);
          orders++;
        } else if (looksLikeReading(element)) {
          // Every element that claims to be a reading is checked: one that breaks the contract is named, never ignored.
          const problem = readingProblem(element, assetDefinition);
          if (problem) problems.push(`${elementLabel(element, index)}: ${problem}`);
          else readings.push(withQuality(element as Reading));
        } else if (!isUrgencyDecision(element)) {
          strangers++;
          problems.push(`${elementLabel(element, index)}: not a reading, an urgency decision or a work-order event`);
        }
      });
      if (strangers > 0 && strangers === elements.length) {
        throw new Error('expected msg.payload to be an array of readings, an urgency decision or work-order event, or msg.topic "report" / "savings"');
      }
      reportProblems(node, problems, msg);
      if (readings.length > 0) tracker.process(readings);
      if (!shown) showStatus();
      save(orders > 0);
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      clearInterval(timer);
      save(true);
      done();
    });
  }
  RED.nodes.registerType('twin-kpi', TwinKpi);
};
