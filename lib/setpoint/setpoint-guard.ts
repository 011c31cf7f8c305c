import { isWaveform, type Reading } from '../reading/reading';
import type { UrgencyLevel } from '../rul/urgency';
import type { AlertEvent } from '../threshold/alert';
import { formatDuration, formatValue } from './format-value';
import type { GuardOptions } from './guard-options';
import { Interlocks, type Blocker, type InterlockState } from './interlocks';
import type { SetpointAction, SetpointAuditRecord } from './setpoint-audit';

/**
 * Guards every write of one setpoint back to the PLC. A request is checked against the engineer's bounds, allowed
 * hours, interlocks, maximum step and rate; in manual mode it then waits for an approval (and is checked again when
 * approved, as the plant may have changed meanwhile), in automatic mode it is written at once. After a write the
 * twin has to confirm it within the watchdog time (a confirm message, or the PLC reading the value back), or the
 * last safe value is written back. There is no automatic ramping: a change beyond the step or rate is refused with
 * the largest change allowed now, so every value the PLC receives was asked for and approved as such.
 * Every step is an audit record. Time is passed in (epoch ms) so the guard is testable without clocks.
 */

export interface SetpointRequest {
  value?: unknown;
  requestedBy?: unknown;
  reason?: unknown;
  asset?: unknown;
  sensor?: unknown;
}

export interface SetpointWrite {
  asset: string;
  sensor: string;
  value: number;
  requestId: string;
  kind: 'apply' | 'revert';
}

export interface PendingRequest {
  id: string;
  value: number;
  requestedBy: string;
  reason: string | null;
  requestedAt: number;
  expiresAt: number;
}

export interface AppliedWrite {
  requestId: string;
  value: number;
  /** The value the watchdog writes back if this one is not confirmed. */
  safeValue: number;
  writtenAt: number;
  deadline: number;
  requestedBy: string;
  approvedBy: string;
  /** Newest read-back that did not match, for the revert reason. */
  mismatch: number | null;
  /** A matching read-back was audited (once per write). */
  readbackOk: boolean;
}

export type GuardTone = 'idle' | 'pending' | 'applied' | 'confirmed' | 'refused' | 'reverted';

export interface GuardState {
  seq: number;
  pending: PendingRequest | null;
  applied: AppliedWrite | null;
  lastSafe: number | null;
  lastWrite: { value: number; at: number } | null;
  readback: { value: number; ts: number } | null;
  interlocks: InterlockState;
  last: { action: SetpointAction; tone: GuardTone; code: string | null; value: number | null; ts: number } | null;
}

export interface GuardOutcome {
  audits: SetpointAuditRecord[];
  writes: SetpointWrite[];
}

/** What a dashboard shows: the pending request to approve, the write in force, the interlock, the last event. */
export interface GuardSnapshot {
  asset: string;
  sensor: string;
  unit: string;
  mode: GuardOptions['mode'];
  min: number;
  max: number;
  current: number | null;
  lastSafe: number | null;
  readback: { value: number; ts: number } | null;
  pending: PendingRequest | null;
  applied: AppliedWrite | null;
  urgency: UrgencyLevel | null;
  interlock: string | null;
  last: GuardState['last'];
}

type Refusal = Blocker;

export class SetpointGuard {
  readonly options: GuardOptions;
  private readonly interlocks: Interlocks;
  private state: GuardState;

  constructor(options: GuardOptions, saved?: GuardState) {
    this.options = options;
    this.state = saved ? structuredClone(saved) : {
      seq: 0, pending: null, applied: null, lastSafe: options.safeValue, lastWrite: null, readback: null,
      interlocks: { urgency: null, alerts: {} }, last: null,
    };
    this.state.lastSafe ??= options.safeValue;
    this.interlocks = new Interlocks(options.asset, options.interlockUrgency, options.interlockAlerts, this.state.interlocks);
  }

  private fmt(value: number): string {
    return formatValue(value, this.options.unit);
  }

  /** The setpoint the PLC holds now as far as the twin knows: a newer read-back, else the last write, else the safe value. */
  get current(): number | null {
    const { readback, lastWrite } = this.state;
    if (readback && (!lastWrite || readback.ts > lastWrite.at)) return readback.value;
    return lastWrite?.value ?? readback?.value ?? this.state.lastSafe;
  }

  request(request: SetpointRequest, now: number): GuardOutcome {
    const outcome: GuardOutcome = { audits: [], writes: [] };
    const requestId = this.nextRequestId(now);
    const value = typeof request.value === 'number' ? request.value : Number.NaN;
    const requestedBy = typeof request.requestedBy === 'string' && request.requestedBy.trim() !== '' ? request.requestedBy.trim() : null;
    const reason = typeof request.reason === 'string' && request.reason.trim() !== '' ? request.reason.trim() : null;
    const after = Number.isFinite(value) ? value : null;
    const base = { requestId, requestedBy, before: this.current, after };
    outcome.audits.push(this.audit('request', now, { ...base, reason, detail: this.options.mode === 'manual' ? 'manual approval' : 'automatic mode' }));
    const refusal = this.identityProblem(request) ?? this.invalid(request.value, requestedBy) ?? this.check(value, now);
    if (refusal) {
      outcome.audits.push(this.audit('refuse', now, { ...base, reason: refusal.reason, detail: refusal.code }));
      this.remember('refuse', 'refused', refusal.code, after, now);
      return outcome;
    }
    if (this.options.mode === 'automatic') {
      this.write(outcome, { requestId, value, requestedBy: requestedBy as string, approvedBy: 'automatic', reason }, now);
      return outcome;
    }
    const previous = this.state.pending;
    if (previous) {
      outcome.audits.push(this.audit('supersede', now, {
        requestId: previous.id, requestedBy: previous.requestedBy, before: this.current, after: previous.value,
        reason: `replaced by request ${requestId} for ${this.fmt(value)}`,
      }));
    }
    this.state.pending = { id: requestId, value, requestedBy: requestedBy as string, reason, requestedAt: now, expiresAt: now + this.options.approvalTimeoutMs };
    this.remember('request', 'pending', null, value, now);
    return outcome;
  }

  approve(id: unknown, by: unknown, now: number): GuardOutcome {
    const pending = this.pendingFor(id, 'approve');
    if (typeof by !== 'string' || by.trim() === '') throw new Error('an approval needs payload.by: who approves');
    const approvedBy = by.trim();
    const outcome: GuardOutcome = { audits: [], writes: [] };
    this.state.pending = null;
    const base = { requestId: pending.id, requestedBy: pending.requestedBy, approvedBy, before: this.current, after: pending.value };
    const refusal = this.check(pending.value, now) ?? this.unconfirmed();
    if (refusal) {
      outcome.audits.push(this.audit('refuse', now, { ...base, reason: `at approval: ${refusal.reason}`, detail: refusal.code }));
      this.remember('refuse', 'refused', refusal.code, pending.value, now);
      return outcome;
    }
    outcome.audits.push(this.audit('approve', now, { ...base, reason: pending.reason }));
    this.write(outcome, { requestId: pending.id, value: pending.value, requestedBy: pending.requestedBy, approvedBy, reason: pending.reason }, now);
    return outcome;
  }

  reject(id: unknown, by: unknown, reason: unknown, now: number): GuardOutcome {
    const pending = this.pendingFor(id, 'reject');
    if (typeof by !== 'string' || by.trim() === '') throw new Error('a rejection needs payload.by: who rejects');
    this.state.pending = null;
    this.remember('reject', 'idle', null, pending.value, now);
    return {
      writes: [],
      audits: [this.audit('reject', now, {
        requestId: pending.id, requestedBy: pending.requestedBy, approvedBy: by.trim(), before: this.current, after: pending.value,
        reason: typeof reason === 'string' && reason.trim() !== '' ? reason.trim() : null, detail: `rejected by ${by.trim()}`,
      })],
    };
  }

  /** A confirm message: the write in force is good, so it becomes the last safe value. */
  confirm(by: unknown, now: number): GuardOutcome {
    return this.confirmApplied(typeof by === 'string' && by.trim() !== '' ? by.trim() : 'confirm message', now);
  }

  /** Read-back of the PLC's setpoint and, with confirmOnReadings, confirmation by fresh data. */
  readings(readings: readonly Reading[], now: number): GuardOutcome {
    const outcome: GuardOutcome = { audits: [], writes: [] };
    const { asset, readbackSensor, confirmOnReadings, readbackTolerance } = this.options;
    for (const reading of readings) {
      if (reading.asset !== asset || isWaveform(reading) || reading.historical) continue;
      const applied = this.state.applied;
      const fresh = applied !== null && reading.ts >= applied.writtenAt;
      if (reading.sensor === readbackSensor && reading.quality !== 'bad' && Number.isFinite(reading.value)) {
        const newest = !this.state.readback || reading.ts >= this.state.readback.ts;
        if (newest) this.state.readback = { value: reading.value, ts: reading.ts };
        // Without a write of ours on trial, what the PLC holds (set at the HMI, by its program or by a confirmed
        // write) is what the machine runs on safely: a revert goes back to it, not to an older value.
        if (!applied) {
          if (newest) this.state.lastSafe = reading.value;
          continue;
        }
        if (!fresh) continue;
        if (Math.abs(reading.value - applied.value) <= readbackTolerance) {
          if (applied.readbackOk) continue;
          applied.readbackOk = true;
          outcome.audits.push(this.audit('readback', now, {
            requestId: applied.requestId, requestedBy: applied.requestedBy, approvedBy: applied.approvedBy, before: null, after: reading.value,
            detail: `the PLC reads back ${this.fmt(reading.value)}`,
          }));
          if (confirmOnReadings) this.merge(outcome, this.confirmApplied('read-back', now));
        } else {
          applied.mismatch = reading.value;
        }
      } else if (readbackSensor === null && confirmOnReadings && fresh) {
        this.merge(outcome, this.confirmApplied('fresh readings', now));
      }
    }
    return outcome;
  }

  urgency(decision: { asset: string; level: UrgencyLevel }): boolean {
    const changed = this.interlocks.urgency(decision);
    this.state.interlocks = this.interlocks.toJSON();
    return changed;
  }

  alert(event: AlertEvent): boolean {
    const changed = this.interlocks.alert(event);
    this.state.interlocks = this.interlocks.toJSON();
    return changed;
  }

  /** Expires a request nobody approved and reverts a write nobody confirmed, once their time is up. */
  tick(now: number): GuardOutcome {
    const outcome: GuardOutcome = { audits: [], writes: [] };
    const pending = this.state.pending;
    if (pending && now >= pending.expiresAt) {
      this.state.pending = null;
      outcome.audits.push(this.audit('expire', now, {
        requestId: pending.id, requestedBy: pending.requestedBy, before: this.current, after: pending.value,
        reason: `not approved within ${formatDuration(this.options.approvalTimeoutMs)}`,
      }));
      this.remember('expire', 'idle', null, pending.value, now);
    }
    const applied = this.state.applied;
    if (applied && now >= applied.deadline) {
      const readback = applied.mismatch !== null ? ` (the PLC reads back ${this.fmt(applied.mismatch)})` : '';
      this.revert(outcome, applied, `watchdog: no confirmation within ${formatDuration(this.options.watchdogMs)}${readback}`, now);
    }
    return outcome;
  }

  /** When tick() next has something to do, or null. */
  nextDeadline(): number | null {
    const times = [this.state.pending?.expiresAt, this.state.applied?.deadline].filter((t): t is number => t !== undefined);
    return times.length > 0 ? Math.min(...times) : null;
  }

  snapshot(): GuardSnapshot {
    const { asset, sensor, unit, mode, min, max } = this.options;
    return {
      asset, sensor, unit, mode, min, max, current: this.current, lastSafe: this.state.lastSafe,
      readback: this.state.readback ? { ...this.state.readback } : null,
      pending: this.state.pending ? { ...this.state.pending } : null,
      applied: this.state.applied ? { ...this.state.applied } : null,
      urgency: this.interlocks.urgencyLevel,
      interlock: this.interlocks.blocker()?.reason ?? null,
      last: this.state.last ? { ...this.state.last } : null,
    };
  }

  toJSON(): GuardState {
    return structuredClone(this.state);
  }

  private identityProblem(request: SetpointRequest): Refusal | null {
    const { asset, sensor } = this.options;
    const askedAsset = request.asset ?? asset;
    const askedSensor = request.sensor ?? sensor;
    if (askedAsset === asset && askedSensor === sensor) return null;
    return { code: 'not guarded', reason: `this guard covers ${asset}/${sensor}, not ${String(askedAsset)}/${String(askedSensor)}: send it to that setpoint's guard` };
  }

  private invalid(value: unknown, requestedBy: string | null): Refusal | null {
    if (typeof value !== 'number' || !Number.isFinite(value)) return { code: 'invalid', reason: `value ${JSON.stringify(value) ?? String(value)} is not a number` };
    if (requestedBy === null) return { code: 'invalid', reason: 'requestedBy is missing: say who asks for the change' };
    return null;
  }

  /** Every check on a value at a moment, in the order an operator would fix them; null when it may be written. */
  private check(value: number, now: number): Refusal | null {
    const { min, max, maxStep, maxRatePerMinute, allowedHours } = this.options;
    if (value < min) return { code: 'out of bounds', reason: `out of bounds: ${this.fmt(value)} is below the minimum ${this.fmt(min)}` };
    if (value > max) return { code: 'out of bounds', reason: `out of bounds: ${this.fmt(value)} is above the maximum ${this.fmt(max)}` };
    if (!allowedHours.contains(now)) return { code: 'outside allowed hours', reason: `outside allowed hours: changes are allowed ${allowedHours.describe()}` };
    const blocker = this.interlocks.blocker();
    if (blocker) return { ...blocker };
    const current = this.current;
    if (current === null) {
      return { code: 'current unknown', reason: `the present setpoint is unknown: wait for a reading of ${this.options.readbackSensor ?? this.options.sensor} or set a safe value` };
    }
    const change = Math.abs(value - current);
    if (change > maxStep) {
      const limit = value > current ? current + maxStep : current - maxStep;
      return {
        code: 'step too large',
        reason: `step too large: ${this.fmt(current)} → ${this.fmt(value)} changes by ${this.fmt(change)}, more than the maximum step ${this.fmt(maxStep)}; ask for ${this.fmt(limit)} at most`,
      };
    }
    const lastWrite = this.state.lastWrite;
    if (lastWrite && Number.isFinite(maxRatePerMinute) && change > 0) {
      const elapsedMs = Math.max(0, now - lastWrite.at);
      const neededMs = (change / maxRatePerMinute) * 60_000;
      if (neededMs > elapsedMs) {
        return {
          code: 'too fast',
          reason: `too fast: ${this.fmt(change)} ${formatDuration(elapsedMs)} after the last write exceeds the maximum rate ${this.fmt(maxRatePerMinute)}/min; wait ${formatDuration(neededMs - elapsedMs)}`,
        };
      }
    }
    return null;
  }

  private unconfirmed(): Refusal | null {
    const applied = this.state.applied;
    if (!applied) return null;
    return { code: 'awaiting confirmation', reason: `the previous write (${this.fmt(applied.value)}) is not confirmed yet` };
  }

  private pendingFor(id: unknown, verb: string): PendingRequest {
    const pending = this.state.pending;
    if (typeof id !== 'string' || id === '') throw new Error(`to ${verb} a request, send payload.id (the pending request's id, from the state output)`);
    if (!pending) throw new Error(`no request is pending approval (asked to ${verb} ${id}): it may have expired or been superseded`);
    if (pending.id !== id) throw new Error(`request ${id} is not the one pending approval (${pending.id}): it may have been superseded`);
    return pending;
  }

  private write(outcome: GuardOutcome, w: { requestId: string; value: number; requestedBy: string; approvedBy: string; reason: string | null }, now: number): void {
    const unconfirmed = this.unconfirmed();
    const base = { requestId: w.requestId, requestedBy: w.requestedBy, approvedBy: w.approvedBy, before: this.current, after: w.value };
    if (unconfirmed) {
      outcome.audits.push(this.audit('refuse', now, { ...base, reason: unconfirmed.reason, detail: unconfirmed.code }));
      this.remember('refuse', 'refused', unconfirmed.code, w.value, now);
      return;
    }
    const before = this.current as number;
    outcome.writes.push({ asset: this.options.asset, sensor: this.options.sensor, value: w.value, requestId: w.requestId, kind: 'apply' });
    outcome.audits.push(this.audit('write', now, { ...base, reason: w.reason, detail: this.options.watchdogMs > 0 ? `confirm within ${formatDuration(this.options.watchdogMs)}` : null }));
    this.state.lastWrite = { value: w.value, at: now };
    if (this.options.watchdogMs > 0) {
      this.state.applied = {
        requestId: w.requestId, value: w.value, safeValue: this.state.lastSafe ?? before, writtenAt: now, deadline: now + this.options.watchdogMs,
        requestedBy: w.requestedBy, approvedBy: w.approvedBy, mismatch: null, readbackOk: false,
      };
    } else {
      this.state.lastSafe = w.value;
    }
    this.remember('write', this.options.watchdogMs > 0 ? 'applied' : 'confirmed', null, w.value, now);
  }

  private confirmApplied(by: string, now: number): GuardOutcome {
    const applied = this.state.applied;
    if (!applied) return { audits: [], writes: [] };
    const before = this.state.lastSafe;
    this.state.applied = null;
    this.state.lastSafe = applied.value;
    this.remember('confirm', 'confirmed', null, applied.value, now);
    return {
      writes: [],
      audits: [this.audit('confirm', now, {
        requestId: applied.requestId, requestedBy: applied.requestedBy, approvedBy: applied.approvedBy, before, after: applied.value,
        detail: `confirmed by ${by}`,
      })],
    };
  }

  private revert(outcome: GuardOutcome, applied: AppliedWrite, reason: string, now: number): void {
    this.state.applied = null;
    this.state.lastWrite = { value: applied.safeValue, at: now };
    outcome.writes.push({ asset: this.options.asset, sensor: this.options.sensor, value: applied.safeValue, requestId: applied.requestId, kind: 'revert' });
    outcome.audits.push(this.audit('revert', now, {
      requestId: applied.requestId, requestedBy: applied.requestedBy, approvedBy: applied.approvedBy, before: applied.value, after: applied.safeValue,
      reason, detail: `wrote the last safe value ${this.fmt(applied.safeValue)} back`,
    }));
    this.remember('revert', 'reverted', null, applied.safeValue, now);
  }

  private nextRequestId(now: number): string {
    this.state.seq += 1;
    return `${this.options.asset}/${this.options.sensor}/${now}-${this.state.seq}`;
  }

  private audit(action: SetpointAction, ts: number, fields: Partial<Omit<SetpointAuditRecord, 'kind' | 'id' | 'ts' | 'action'>> & { requestId: string }): SetpointAuditRecord {
    this.state.seq += 1;
    return {
      kind: 'setpoint-audit', id: `${fields.requestId}:${this.state.seq}`, ts, asset: this.options.asset, sensor: this.options.sensor, action,
      requestId: fields.requestId, requestedBy: fields.requestedBy ?? null, approvedBy: fields.approvedBy ?? null, reason: fields.reason ?? null,
      before: fields.before ?? null, after: fields.after ?? null, detail: fields.detail ?? null,
    };
  }

  private remember(action: SetpointAction, tone: GuardTone, code: string | null, value: number | null, ts: number): void {
    this.state.last = { action, tone, code, value, ts };
  }

  private merge(into: GuardOutcome, add: GuardOutcome): void {
    into.audits.push(...add.audits);
    into.writes.push(...add.writes);
  }
}
