import { deviceKey } from './catalogue-index';
import type { ModbusReadBlock } from './source-messages';

/**
 * When each Modbus read of a plant goes out, so that one slow or dead device never stalls the others.
 *
 * node-red-contrib-modbus queues requests per unit id, but a timeout on one unit makes its client fail, reconnect and
 * clear every unit's queue (node-red-contrib-modbus #409), and a getter drops input while its client reconnects.
 * This scheduler keeps the poll of every device independent of the others:
 * - at most one request per device (connection + unit id) is outstanding; a device's next block waits for its answer,
 *   never the other devices' blocks;
 * - every request has a deadline: a reply that never comes (a dead device, a dropped request) is settled as a failure
 *   by the clock, so nothing waits forever;
 * - a poll whose previous request is still outstanding is skipped and counted, never queued behind it;
 * - a device that fails twice in a row is "not answering" and is retried with exponential backoff (one period,
 *   doubling, up to backoffMaxMs) instead of every period, so a dead device costs one timeout per backoff interval;
 * - the first polls of the devices are spread over one period, so N devices do not hit a gateway in one burst.
 * Pure: the caller passes the time and sends what `due` returns (see nodes/twin-poll).
 */
export interface PollOptions {
  periodMs: number;
  /** How long a request may stay unanswered before it counts as failed. */
  timeoutMs: number;
  /** Longest wait between attempts at a device that does not answer. */
  backoffMaxMs: number;
  /** Consecutive failures after which a device is "not answering" and backed off (default 2). */
  failuresToBackoff?: number;
}

export type DeviceState = 'unknown' | 'answering' | 'not answering';

export interface PollRequest {
  id: number;
  block: ModbusReadBlock;
  device: string;
  sentAt: number;
  deadline: number;
}

export interface DeviceStatus {
  device: string;
  unitId: number;
  connection?: string;
  assets: string[];
  state: DeviceState;
  consecutiveFailures: number;
  answered: number;
  failed: number;
  /** Polls skipped because the device's previous request was still outstanding. */
  skipped: number;
  lastAnswerAt?: number;
  lastError?: string;
  /** While backed off: when the device is tried next. */
  retryAt?: number;
}

export interface DeviceEvent extends DeviceStatus {
  previous: DeviceState;
  at: number;
}

export type PollOutcome = { ok: true } | { ok: false; error: string };

interface BlockSchedule {
  block: ModbusReadBlock;
  dueAt: number;
  outstanding: boolean;
}

interface Device {
  status: DeviceStatus;
  blocks: BlockSchedule[];
  inFlight?: PollRequest;
}

export class PollScheduler {
  private readonly options: Required<PollOptions>;
  private readonly devices = new Map<string, Device>();
  private readonly requests = new Map<number, PollRequest>();
  private nextId = 1;
  /** Replies that came after their request's deadline, or twice. */
  lateReplies = 0;

  constructor(blocks: readonly ModbusReadBlock[], options: PollOptions, now: number) {
    this.options = { failuresToBackoff: 2, ...options };
    blocks.forEach((block, index) => {
      const key = deviceKey(block.unitId, block.connection);
      let device = this.devices.get(key);
      if (!device) {
        device = { blocks: [], status: { device: key, unitId: block.unitId, ...(block.connection ? { connection: block.connection } : {}), assets: [], state: 'unknown', consecutiveFailures: 0, answered: 0, failed: 0, skipped: 0 } };
        this.devices.set(key, device);
      }
      if (!device.status.assets.includes(block.asset)) device.status.assets.push(block.asset);
      device.blocks.push({ block, dueAt: now + Math.floor((index * options.periodMs) / Math.max(1, blocks.length)), outstanding: false });
    });
  }

  /** The requests to send now: for each idle device, its most overdue block, unless the device is backed off. */
  due(now: number): PollRequest[] {
    const sent: PollRequest[] = [];
    for (const device of this.devices.values()) {
      for (const schedule of device.blocks) {
        if (schedule.dueAt > now) continue;
        if (schedule.outstanding) {
          device.status.skipped++;
          schedule.dueAt = this.nextDue(schedule.dueAt, now);
        }
      }
      if (device.inFlight || (device.status.retryAt !== undefined && device.status.retryAt > now)) continue;
      const ready = device.blocks.filter((s) => s.dueAt <= now || device.status.retryAt !== undefined).sort((a, b) => a.dueAt - b.dueAt)[0];
      if (!ready) continue;
      const request: PollRequest = { id: this.nextId++, block: ready.block, device: device.status.device, sentAt: now, deadline: now + this.options.timeoutMs };
      ready.outstanding = true;
      ready.dueAt = this.nextDue(ready.dueAt, now);
      device.inFlight = request;
      this.requests.set(request.id, request);
      sent.push(request);
    }
    return sent;
  }

  /** The next due time after `dueAt`: one period on, or one period from now when the schedule fell behind. */
  private nextDue(dueAt: number, now: number): number {
    const next = dueAt + this.options.periodMs;
    return next > now ? next : now + this.options.periodMs;
  }

  /** Settles a request with its reply; returns an event when the device's state changed. Late or unknown ids are counted and ignored. */
  settle(requestId: number, outcome: PollOutcome, now: number): DeviceEvent | undefined {
    const request = this.requests.get(requestId);
    if (!request) {
      this.lateReplies++;
      return undefined;
    }
    this.requests.delete(requestId);
    const device = this.devices.get(request.device)!;
    device.inFlight = undefined;
    const schedule = device.blocks.find((s) => s.block === request.block);
    if (schedule) schedule.outstanding = false;
    const status = device.status;
    const previous = status.state;
    if (outcome.ok) {
      status.answered++;
      status.consecutiveFailures = 0;
      status.lastAnswerAt = now;
      status.retryAt = undefined;
      status.state = 'answering';
    } else {
      status.failed++;
      status.consecutiveFailures++;
      status.lastError = outcome.error;
      if (status.consecutiveFailures >= this.options.failuresToBackoff) {
        const backoff = this.options.periodMs * 2 ** (status.consecutiveFailures - this.options.failuresToBackoff);
        status.retryAt = now + Math.min(this.options.backoffMaxMs, backoff);
        status.state = 'not answering';
      }
    }
    return status.state !== previous ? { ...snapshot(status), previous, at: now } : undefined;
  }

  /** Settles every request whose deadline has passed as a failure; returns the state changes. */
  expire(now: number): DeviceEvent[] {
    const events: DeviceEvent[] = [];
    for (const request of [...this.requests.values()]) {
      if (request.deadline > now) continue;
      const event = this.settle(request.id, { ok: false, error: `no answer within ${this.options.timeoutMs} ms` }, now);
      if (event) events.push(event);
    }
    return events;
  }

  /** The outstanding request a reply belongs to, by request id, else by asset, unit id and address, else by asset alone if only one is outstanding. */
  match(reply: { requestId?: number; asset?: string; unitId?: number; address?: number }): PollRequest | undefined {
    if (reply.requestId !== undefined) return this.requests.get(reply.requestId);
    const candidates = [...this.requests.values()].filter((r) => r.block.asset === reply.asset);
    const exact = candidates.find((r) => r.block.unitId === reply.unitId && r.block.address === reply.address);
    return exact ?? (candidates.length === 1 ? candidates[0] : undefined);
  }

  /** When `due` or `expire` next has something to do. */
  nextWakeAt(): number {
    let next = Number.POSITIVE_INFINITY;
    for (const request of this.requests.values()) next = Math.min(next, request.deadline);
    for (const device of this.devices.values()) {
      if (device.inFlight) continue;
      if (device.status.retryAt !== undefined) next = Math.min(next, device.status.retryAt);
      else for (const schedule of device.blocks) next = Math.min(next, schedule.dueAt);
    }
    return next;
  }

  statuses(): DeviceStatus[] {
    return [...this.devices.values()].map((d) => snapshot(d.status));
  }
}

function snapshot(status: DeviceStatus): DeviceStatus {
  return { ...status, assets: [...status.assets] };
}
