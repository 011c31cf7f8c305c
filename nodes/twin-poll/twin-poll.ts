import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from 'node-red';
import { PollScheduler, type DeviceEvent, type PollRequest } from '../../lib/catalogue/poll-scheduler';
import { flexGetterRequest, modbusReadBlocks } from '../../lib/catalogue/source-messages';
import { resolveCatalogueAssets } from '../common/catalogue';
import { handleInput } from '../common/input';
import { Status } from '../common/status';

interface TwinPollDef extends NodeDef {
  catalogue: string;
  filter: string;
  periodS: string;
  timeoutS: string;
  backoffMaxS: string;
}

/** What node-red-contrib-modbus's Modbus-Flex-Getter sends back, on success and (with "empty msg on fail") on failure. */
interface GetterReply extends NodeMessageInFlow {
  twinPoll?: { requestId?: number };
  modbusRequest?: { unitid?: unknown; address?: unknown };
  error?: { message?: string } | string;
}

function seconds(text: string | undefined, fallback: number, min: number): number {
  const value = Number(text);
  return Number.isFinite(value) && value >= min ? value : fallback;
}

function replyOutcome(msg: GetterReply): { ok: true } | { ok: false; error: string } {
  if (msg.error !== undefined) return { ok: false, error: typeof msg.error === 'string' ? msg.error : msg.error.message ?? 'Modbus error' };
  if (Array.isArray(msg.payload)) return { ok: true };
  return { ok: false, error: 'the reply carries no register values' };
}

export = function register(RED: NodeAPI): void {
  function TwinPoll(this: Node, config: TwinPollDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const status = new Status(node);
    const selection = resolveCatalogueAssets(RED, config.catalogue, config.filter);
    const periodMs = seconds(config.periodS, 1, 0.1) * 1000;
    const timeoutMs = seconds(config.timeoutS, 3, 0.1) * 1000;
    const backoffMaxMs = seconds(config.backoffMaxS, 10, 0.1) * 1000;
    const blocks = selection instanceof Error ? [] : modbusReadBlocks(selection.assets);
    const scheduler = new PollScheduler(blocks, { periodMs, timeoutMs, backoffMaxMs }, Date.now());
    let timer: NodeJS.Timeout | undefined;
    let closed = false;

    const showStatus = (): void => {
      const devices = scheduler.statuses();
      const answering = devices.filter((d) => d.state === 'answering').length;
      const silent = devices.filter((d) => d.state === 'not answering').length;
      const text = `${answering}/${devices.length} devices answer`;
      if (silent === 0 && answering === devices.length) status.success(text);
      else if (answering === 0 && silent > 0) status.failed(text);
      else if (silent > 0) status.waiting(`${text}, ${silent} silent`);
      else status.working(text);
    };

    const report = (events: DeviceEvent[]): void => {
      for (const event of events) {
        node.send([null, { topic: event.device, payload: event }]);
        if (event.state === 'not answering') node.warn(`Modbus unit ${event.unitId}${event.connection ? ` on ${event.connection}` : ''} (${event.assets.join(', ')}) does not answer: ${event.lastError}; retried every ${Math.round(((event.retryAt ?? event.at) - event.at) / 1000)} s at most`);
      }
      if (events.length > 0) showStatus();
    };

    const send = (requests: PollRequest[]): void => {
      for (const request of requests) node.send([{ ...flexGetterRequest(request.block, request.id, request.device) }, null]);
    };

    const tick = (): void => {
      if (closed) return;
      const now = Date.now();
      report(scheduler.expire(now));
      send(scheduler.due(now));
      const wait = Math.max(5, Math.min(periodMs, scheduler.nextWakeAt() - Date.now()));
      timer = setTimeout(tick, wait);
    };

    if (selection instanceof Error) {
      status.failed(selection.message);
      node.error(selection.message);
    } else if (blocks.length === 0) {
      status.idle(`no Modbus registers in ${selection.description}`);
    } else {
      status.working(`polling ${scheduler.statuses().length} devices`);
      timer = setTimeout(tick, 0);
    }

    handleInput(node, status, (msg) => {
      if (selection instanceof Error) throw selection;
      const reply = msg as GetterReply;
      const request = scheduler.match({
        requestId: reply.twinPoll?.requestId,
        asset: typeof msg.topic === 'string' ? msg.topic : undefined,
        unitId: Number(reply.modbusRequest?.unitid),
        address: Number(reply.modbusRequest?.address),
      });
      if (!request) return;
      const event = scheduler.settle(request.id, replyOutcome(reply), Date.now());
      report(event ? [event] : []);
      // The device is free again: its next block need not wait for the timer.
      send(scheduler.due(Date.now()));
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      closed = true;
      if (timer) clearTimeout(timer);
      done();
    });
  }
  RED.nodes.registerType('twin-poll', TwinPoll);
};
